import math


def pool_output_size(n, kernel_size, stride=None, padding=0, ceil_mode=False):
    if stride is None:
        stride = 1
    if n < 1 or kernel_size < 1 or stride < 1 or padding < 0:
        raise ValueError("invalid argument")
    if padding > kernel_size // 2:
        raise ValueError("pad should be at most half of kernel size")
    span = n + 2 * padding - kernel_size
    out = (math.ceil(span / stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1
    if out < 1:
        raise ValueError("output size would be < 1")
    return out
