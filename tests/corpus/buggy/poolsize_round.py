import math


def pool_output_size(n, kernel_size, stride=None, padding=0, ceil_mode=False):
    if stride is None:
        stride = kernel_size
    if n < 1 or kernel_size < 1 or stride < 1 or padding < 0 or 2 * padding > kernel_size:
        raise ValueError("invalid argument")
    if ceil_mode:
        out = math.ceil((n + 2 * padding - kernel_size) / stride) + 1
        if (out - 1) * stride >= n + padding:
            out -= 1
    else:
        out = int(round((n + 2 * padding - kernel_size) / stride)) + 1
    if out < 1:
        raise ValueError("kernel_size larger than the input")
    return out
