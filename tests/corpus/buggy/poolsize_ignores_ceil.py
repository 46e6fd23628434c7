def pool_output_size(n, kernel_size, stride=None, padding=0, ceil_mode=False):
    if stride is None:
        stride = kernel_size
    if n < 1 or kernel_size < 1 or stride < 1 or padding < 0:
        raise ValueError("invalid argument")
    if 2 * padding > kernel_size:
        raise ValueError("padding must be at most half the kernel size")
    out = (n + 2 * padding - kernel_size) // stride + 1
    if out < 1:
        raise ValueError("kernel_size does not fit")
    return out
