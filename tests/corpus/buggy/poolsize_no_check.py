import math


def pool_output_size(n, kernel_size, stride=None, padding=0, ceil_mode=False):
    stride = stride or kernel_size
    rounding = math.ceil if ceil_mode else math.floor
    out = rounding((n + 2 * padding - kernel_size) / stride) + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1
    return out
