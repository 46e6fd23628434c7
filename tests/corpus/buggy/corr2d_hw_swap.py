import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def corr2d(x, k):
    x = np.asarray(x, dtype=np.float64)
    k = np.asarray(k, dtype=np.float64)
    H, W = x.shape
    kh, kw = k.shape
    out = np.empty((H - kh + 1, W - kh + 1))
    windows = sliding_window_view(x, (kh, kw))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(windows[i, j] * k)
    return out
