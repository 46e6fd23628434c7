import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def pool2d(x, size, stride=None, mode="max"):
    x = np.asarray(x, dtype=np.float64)
    if stride is None:
        stride = 1
    ph, pw = (size, size) if isinstance(size, int) else size
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    v = sliding_window_view(x, (ph, pw), axis=(2, 3))[:, :, ::sh, ::sw]
    if mode == "max":
        return v.max(axis=(-1, -2))
    if mode == "avg":
        return v.mean(axis=(-1, -2))
    if mode == "sum":
        return v.sum(axis=(-1, -2))
    if mode == "l2":
        return np.sqrt((v * v).sum(axis=(-1, -2)))
    raise ValueError(mode)
