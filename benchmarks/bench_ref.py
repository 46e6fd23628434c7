"""cnn_ref against torch on the CPU: conv2d_forward, conv2d_backward and pool2d on typical layers.

Both run in this process with the same thread count, on the same float32 arrays; each cell of the
table is the median of several runs, and the ratio is cnn_ref's time over torch's. Goals: forward
median ratio <= 2.0 (im2col plus one matrix product is the limit), backward <= 3.0.

    python benchmarks/bench_ref.py [--repeats 7] [--threads 2]
"""
import argparse
import statistics
import time

import numpy as np
import torch
import torch.nn.functional as F

import cnn_ref

# (N, C_in, C_out, H=W): a small CIFAR-style network's layers
LAYERS = [(64, 3, 32, 32), (64, 32, 64, 32), (64, 64, 128, 16), (64, 128, 256, 8)]
GOALS = {"conv2d_forward": 2.0, "conv2d_backward": 3.0}


def median_seconds(function, repeats):
    function()  # warm caches and allocators before timing
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def torch_backward(x, w, b, dout):
    x, w, b = (t.clone().requires_grad_() for t in (x, w, b))
    (F.conv2d(x, w, b, padding=1) * dout).sum().backward()
    return x.grad, w.grad, b.grad


def cases(n, c_in, c_out, side, rng):
    x = rng.standard_normal((n, c_in, side, side), dtype=np.float32)
    w = rng.standard_normal((c_out, c_in, 3, 3), dtype=np.float32)
    b = rng.standard_normal(c_out, dtype=np.float32)
    dout = rng.standard_normal((n, c_out, side, side), dtype=np.float32)
    tx, tw, tb, tdout = map(torch.from_numpy, (x, w, b, dout))
    # Inputs without requires_grad: torch's forward builds no graph, as in inference.
    yield ("conv2d_forward", lambda: cnn_ref.conv2d_forward(x, w, b, padding=1),
           lambda: F.conv2d(tx, tw, tb, padding=1))
    yield ("conv2d_backward", lambda: cnn_ref.conv2d_backward(dout, x, w, b, padding=1),
           lambda: torch_backward(tx, tw, tb, tdout))
    yield ("pool2d", lambda: cnn_ref.pool2d(x, 2), lambda: F.max_pool2d(tx, 2))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    ratios = {}
    print(f"float32, {args.threads} threads, median of {args.repeats} runs\n")
    print(f"{'operation':<17}{'layer (N, Cin->Cout, HxW)':<28}{'cnn_ref ms':>11}{'torch ms':>10}{'ratio':>8}")
    for n, c_in, c_out, side in LAYERS:
        for name, ours, theirs in cases(n, c_in, c_out, side, rng):
            ours_s, theirs_s = median_seconds(ours, args.repeats), median_seconds(theirs, args.repeats)
            ratios.setdefault(name, []).append(ours_s / theirs_s)
            layer = f"{n}, {c_in}->{c_out}, {side}x{side}"
            print(f"{name:<17}{layer:<28}{ours_s * 1e3:>11.1f}{theirs_s * 1e3:>10.1f}{ours_s / theirs_s:>8.2f}")
    print()
    for name, values in ratios.items():
        goal = GOALS.get(name)
        verdict = "" if goal is None else f"  (goal <= {goal}: {'met' if statistics.median(values) <= goal else 'NOT met'})"
        print(f"{name}: median ratio {statistics.median(values):.2f}{verdict}")


if __name__ == "__main__":
    main()
