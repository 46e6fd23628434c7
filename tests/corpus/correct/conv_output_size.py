def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if n < 1:
        raise ValueError("n must be positive")
    if kernel_size < 1:
        raise ValueError("kernel_size must be positive")
    if stride < 1:
        raise ValueError("stride must be at least 1")
    if padding < 0:
        raise ValueError("padding must be >= 0")
    if dilation < 1:
        raise ValueError("dilation must be at least 1")
    effective_k = dilation * (kernel_size - 1) + 1
    out = (n + 2 * padding - effective_k) // stride + 1
    if out < 1:
        raise ValueError("kernel_size is larger than the padded input")
    return out
