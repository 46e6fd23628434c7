import numpy as np


def convolve2d(x, k, mode="full"):
    """True 2-D convolution: flip the kernel, zero-pad, slide."""
    x = np.asarray(x)
    k = np.asarray(k)
    dtype = np.result_type(x, k, np.float32)
    H, W = x.shape
    kh, kw = k.shape
    kf = k[::-1, ::-1]
    xp = np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    full = np.zeros((H + kh - 1, W + kw - 1), dtype=dtype)
    for i in range(full.shape[0]):
        for j in range(full.shape[1]):
            full[i, j] = np.sum(xp[i:i + kh, j:j + kw] * kf)
    if mode == "full":
        return full
    if mode == "same":
        top, left = (kh - 1) // 2, (kw - 1) // 2
        return full[top:top + H, left:left + W]
    if mode == "valid":
        if kh <= H and kw <= W:
            return full[kh - 1:H, kw - 1:W]
        return full[H - 1:kh, W - 1:kw]     # the kernel is the larger one
    raise ValueError("bad mode")
