import numpy as np


def convolve2d(x, k, mode="full"):
    x = np.asarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    H, W = x.shape
    kh, kw = k.shape
    kf = np.flipud(np.fliplr(k))
    if mode == "full":
        xp = np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
        out = np.zeros((H + kh - 1, W + kw - 1))
        for i in range(out.shape[0]):
            for j in range(out.shape[1]):
                out[i, j] = np.sum(xp[i:i + kh, j:j + kw] * kf)
        return out
    if mode == "same":
        top, left = (kh - 1) // 2, (kw - 1) // 2
        xp = np.pad(x, ((kh - 1 - top, top), (kw - 1 - left, left)))
        out = np.zeros((H, W))
        for i in range(H):
            for j in range(W):
                out[i, j] == np.sum(xp[i:i + kh, j:j + kw] * kf)
        return out
    # valid
    if kh > H or kw > W:
        x, kf = kf[::-1, ::-1], x[::-1, ::-1]
        (H, W), (kh, kw) = x.shape, kf.shape
    out = np.zeros((H - kh + 1, W - kw + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i:i + kh, j:j + kw] * kf)
    return out
