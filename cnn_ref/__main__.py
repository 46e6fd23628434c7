"""`python -m cnn_ref [DATA_DIR]`: train the reference CNN and print its held-out accuracy and time.

An instructor's check that the machine (and its GPU, when there is one) can run the `cnn_model`
question, and on which data set: the digits by default, MNIST or CIFAR-10 from a folder.
"""
import argparse
import time

import numpy as np
import torch

from .data import load_dataset
from .model import build_model, predict, train_model


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m cnn_ref", description=__doc__.splitlines()[0])
    parser.add_argument("data_dir", nargs="?", help="MNIST or CIFAR-10 folder (default: the digits)")
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args(argv)
    data = load_dataset(args.data_dir)
    model = build_model(data.x_train.shape[1:], int(data.y_train.max()) + 1)
    params = sum(p.numel() for p in model.parameters())
    print(f"{data.name}: {len(data.x_train)} training and {len(data.x_test)} held-out images "
          f"{data.x_train.shape[1:]}, {params:,} parameters, device {args.device}")
    start = time.perf_counter()
    model = train_model(model, data.x_train, data.y_train, torch.device(args.device))
    seconds = time.perf_counter() - start
    accuracy = float(np.mean(predict(model, data.x_test, args.device) == data.y_test))
    print(f"held-out accuracy {accuracy:.2%} after {seconds:.1f} s of training")


if __name__ == "__main__":
    main()
