def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if n < 1 or kernel_size < 1 or stride < 1 or dilation < 1 or padding < 0:
        raise ValueError("invalid size argument")
    k = dilation * (kernel_size - 1) + 1
    # positions the kernel fits in (n + 2p - k + 1), one every `stride`
    out = (n + 2 * padding - k + 1) // stride
    if out < 1:
        raise ValueError("kernel_size is too large")
    return out
