import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def convolve2d(x, k, mode="full"):
    x = np.asarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    (H, W), (kh, kw) = x.shape, k.shape
    padded = np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    full = np.einsum("ijab,ab->ij", sliding_window_view(padded, (kh, kw)), k[::-1, ::-1])
    if mode == "full":
        return full
    if mode == "same":
        # centre: drop half the kernel on each side
        r0, c0 = kh // 2, kw // 2
        return full[r0:r0 + H, c0:c0 + W]
    if kh <= H and kw <= W:
        return full[kh - 1:H, kw - 1:W]
    return full[H - 1:kh, W - 1:kw]
