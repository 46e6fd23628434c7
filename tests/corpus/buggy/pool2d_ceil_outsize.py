import math
import numpy as np


def pool2d(x, size, stride=None, mode="max"):
    x = np.asarray(x, dtype=float)
    kh, kw = (size, size) if isinstance(size, int) else size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    N, C, H, W = x.shape
    # number of windows: round up so no input pixel is left out
    out_h = math.ceil((H - kh) / sh) + 1
    out_w = math.ceil((W - kw) / sw) + 1
    out = np.zeros((N, C, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            win = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
            if mode == "max":
                out[:, :, i, j] = win.max(axis=(2, 3))
            elif mode == "avg":
                out[:, :, i, j] = win.mean(axis=(2, 3))
            elif mode == "sum":
                out[:, :, i, j] = win.sum(axis=(2, 3))
            else:
                out[:, :, i, j] = np.sqrt((win ** 2).sum(axis=(2, 3)))
    return out
