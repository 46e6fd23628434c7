def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if n < 1 or kernel_size < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("n, kernel_size, stride and dilation must be >= 1, padding >= 0")
    out = (n + padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if out < 1:
        raise ValueError("the kernel is larger than the padded input")
    return out
