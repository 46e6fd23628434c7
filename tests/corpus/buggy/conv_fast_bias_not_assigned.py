import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    """im2col via sliding_window_view, then one GEMM."""
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    F, C, kh, kw = w.shape
    if isinstance(stride, int):
        stride = (stride, stride)
    if padding == "same":
        x = np.pad(x, ((0, 0), (0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
    elif padding != "valid":
        p = (padding, padding) if isinstance(padding, int) else padding
        x = np.pad(x, ((0, 0), (0, 0), (p[0], p[0]), (p[1], p[1])))
    N = x.shape[0]
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride[0], ::stride[1]]
    oh, ow = win.shape[2], win.shape[3]
    X_col = win.transpose(1, 4, 5, 0, 2, 3).reshape(C * kh * kw, -1)     # (C*kh*kw, N*oh*ow)
    W_row = w.reshape(F, -1)
    out = W_row @ X_col                                                     # (F, N*oh*ow)
    if b is not None:
        out + b.reshape(F, 1)
    return out.reshape(F, N, oh, ow).transpose(1, 0, 2, 3)
