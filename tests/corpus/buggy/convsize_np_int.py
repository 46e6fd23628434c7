import numpy as np


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if stride < 1 or n < 1 or kernel_size < 1 or dilation < 1 or padding < 0:
        raise ValueError("bad argument")
    out = np.int(np.floor((n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride)) + 1
    if out < 1:
        raise ValueError("kernel larger than input")
    return out
