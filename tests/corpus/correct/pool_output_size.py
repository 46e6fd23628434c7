import math


def pool_output_size(n, kernel_size, stride=None, padding=0, ceil_mode=False):
    """Same rule as torch.nn.MaxPool2d."""
    if stride is None:
        stride = kernel_size
    if n < 1 or kernel_size < 1:
        raise ValueError("n and kernel_size must be >= 1")
    if stride < 1:
        raise ValueError("stride must be >= 1")
    if padding < 0 or padding > kernel_size // 2:
        raise ValueError("padding should be at most half of kernel_size")
    span = n + 2 * padding - kernel_size
    if ceil_mode:
        out = math.ceil(span / stride) + 1
        # the last window has to start inside the input or the left padding
        if (out - 1) * stride >= n + padding:
            out -= 1
    else:
        out = math.floor(span / stride) + 1
    if out < 1:
        raise ValueError("kernel_size is larger than the padded input")
    return out
