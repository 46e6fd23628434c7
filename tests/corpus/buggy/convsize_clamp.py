import math


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if stride <= 0:
        return 0
    size = math.floor((n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride) + 1
    return max(size, 0)       # a size can't be negative
