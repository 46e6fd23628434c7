"""The reference CNN's training time and held-out accuracy: the digits on the CPU, and MNIST-sized
data on a GPU when there is one (real MNIST from --mnist DIR, else synthetic 28x28 images of ten
learnable classes, 60,000 for training and 10,000 held out; too slow for a 2-core CPU).

Then the model question at class scale: --class-size students who hand in the completed lesson
notebooks, their cnn_model graded by cnn-grade (sandboxed, 2 workers sharing the device, on the
GPU when there is one): seconds per submission when each model is trained, and again for a
`--force` regrade, which reads the trained models back (`grading/model_cache.py`).

    python benchmarks/bench_model.py [--mnist DIR] [--epochs 15] [--class-size 4]
"""
import argparse
import io
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
import torch

from cnn_ref.data import Dataset, load_digits_split, load_mnist
from cnn_ref.model import build_model, predict, train_model


def synthetic_mnist(seed=0):
    """Ten classes, each a fixed random 28x28 pattern plus noise: learnable, MNIST's sizes."""
    rng = np.random.default_rng(seed)
    patterns = rng.random((10, 1, 28, 28), dtype=np.float32)

    def split(count):
        labels = rng.integers(0, 10, count)
        images = np.clip(patterns[labels] + 0.3 * rng.standard_normal((count, 1, 28, 28), dtype=np.float32), 0, 1)
        return images.astype(np.float32), labels.astype(np.int64)

    return Dataset("synthetic MNIST-sized", *split(60_000), *split(10_000))


def measure(data, device, epochs):
    if device == "cuda":
        torch.cuda.synchronize()
    start = time.perf_counter()
    model = train_model(build_model(data.x_train.shape[1:], 10), data.x_train, data.y_train,
                        torch.device(device), epochs=epochs)
    if device == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    return seconds, float(np.mean(predict(model, data.x_test, device) == data.y_test))


def class_scale(students, device):
    """[(what, seconds per submission, full marks)] of grading `students` completed-notebook
    submissions' model question, trained and then regraded with --force."""
    from bench_scale import build_class    # this folder is on sys.path when run as a script

    from rich.console import Console

    from autograder.assignment import load_assignment
    from autograder.grading.batch import BatchOptions, grade_batch
    from autograder.grading.pipeline import Environment

    assignment = load_assignment()
    model = [question.id for question in assignment.questions.values() if question.trains_model]
    root = Path(tempfile.mkdtemp(prefix="bench-model-"))
    options = BatchOptions(questions=model, workers=2, force=True, environment=Environment(device=device))
    rows = []
    try:
        build_class(root / "class", students, kind_of=lambda index: "correct")
        for what in ("trained", "regraded with --force (trained models read back)"):
            start = time.perf_counter()
            graded = grade_batch([root / "class"], root / "out", assignment, options, Console(file=io.StringIO()))
            seconds = time.perf_counter() - start
            rows.append((what, seconds / students, sum(results.score == results.max_score for _, results in graded)))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mnist", help="folder with MNIST's IDX files")
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--mnist-epochs", type=int, default=3)
    parser.add_argument("--class-size", type=int, default=4, help="students whose cnn_model cnn-grade grades (0: none)")
    args = parser.parse_args()
    gpu = torch.cuda.is_available()
    runs = [(load_digits_split(), "cpu", args.epochs)]
    if gpu:
        runs.append((load_mnist(args.mnist) if args.mnist else synthetic_mnist(), "cuda", args.mnist_epochs))
    print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads, "
          + (torch.cuda.get_device_name() if gpu else "no GPU: the MNIST-sized run needs one") + "\n")
    print(f"{'data':<24}{'train/test':>14}{'device':>8}{'epochs':>8}{'train s':>10}{'accuracy':>10}")
    for data, device, epochs in runs:
        seconds, accuracy = measure(data, device, epochs)
        sizes = f"{len(data.x_train)}/{len(data.x_test)}"
        print(f"{data.name:<24}{sizes:>14}{device:>8}{epochs:>8}{seconds:>10.1f}{accuracy:>10.2%}")
    if args.class_size:
        device = "cuda" if gpu else "cpu"
        print(f"\ncnn_model of {args.class_size} completed-notebook submissions, cnn-grade, 2 workers, {device}, digits\n")
        print("| grading | s / submission | full marks |\n| --- | ---: | ---: |")
        for what, seconds, full in class_scale(args.class_size, device):
            print(f"| {what} | {seconds:.1f} | {full}/{args.class_size} |")


if __name__ == "__main__":
    main()
