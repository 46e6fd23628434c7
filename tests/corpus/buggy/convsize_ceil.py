import math


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if n <= 0 or kernel_size <= 0 or stride <= 0 or dilation <= 0 or padding < 0:
        raise ValueError("invalid argument")
    span = dilation * (kernel_size - 1) + 1
    if span > n + 2 * padding:
        raise ValueError("kernel_size too large for the input")
    return int(math.ceil((n + 2 * padding - span) / stride)) + 1
