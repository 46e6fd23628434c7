def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    """floor((n + 2p - d(k - 1) - 1) / s) + 1"""
    return (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
