def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if min(n, kernel_size, stride, dilation) < 1 or padding < 0:
        raise ValueError("sizes must be positive")
    k_eff = dilation * (kernel_size - 1) + 1
    if k_eff > n + 2 * padding:
        raise ValueError("kernel does not fit in the padded input")
    return round((n + 2 * padding - k_eff) / stride) + 1
