import numpy as np


def conv1d(x, k, mode="full"):
    """1-D convolution through the FFT (zero padded to a power of two)."""
    x = np.asarray(x)
    k = np.asarray(k)
    n, m = len(x), len(k)
    L = n + m - 1
    nfft = 1 << (L - 1).bit_length()
    full = np.fft.irfft(np.fft.rfft(x, nfft) * np.fft.rfft(k, nfft), nfft)[:L]
    full = full.astype(np.result_type(x, k, np.float32))
    if mode == "full":
        return full
    big, small = max(n, m), min(n, m)
    if mode == "same":
        start = (small - 1) // 2
        return full[start:start + big]
    if mode == "valid":
        return full[small - 1:big]
    raise ValueError("mode must be 'full', 'same' or 'valid'")
