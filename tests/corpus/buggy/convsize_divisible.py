def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if n < 1 or kernel_size < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("invalid argument")
    k = dilation * (kernel_size - 1) + 1
    if k > n + 2 * padding:
        raise ValueError("kernel_size larger than the padded input")
    if (n + 2 * padding - k) % stride != 0:
        raise ValueError("stride does not fit: (n + 2p - k) must be divisible by stride")
    return (n + 2 * padding - k) // stride + 1
