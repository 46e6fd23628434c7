import numpy as np


def corr2d(x, k):
    x = np.asarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    kw, kh = k.shape
    H, W = x.shape
    out = np.zeros((H - kh + 1, W - kw + 1))
    for r in range(H - kh + 1):
        for c in range(W - kw + 1):
            total = 0.0
            for a in range(kh):
                for b in range(kw):
                    total += x[r + a, c + b] * k[b, a]
            out[r, c] = total
    return out
