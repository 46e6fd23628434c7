import numpy as np


def pool2d(x, size, stride=None, mode="max"):
    x = np.asarray(x)
    ph, pw = (size, size) if isinstance(size, int) else size
    sh, sw = (ph, pw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    N, C, H, W = x.shape
    OH = (H - ph) // sh + 1
    OW = (W - pw) // sw + 1
    out = np.zeros_like(x[:, :, :OH, :OW])
    for i in range(OH):
        for j in range(OW):
            win = x[:, :, i * sh:i * sh + ph, j * sw:j * sw + pw]
            if mode == "max":
                out[:, :, i, j] = win.max(axis=(2, 3))
            elif mode == "avg":
                out[:, :, i, j] = win.mean(axis=(2, 3))
            elif mode == "sum":
                out[:, :, i, j] = win.sum(axis=(2, 3))
            else:
                out[:, :, i, j] = np.sqrt((win ** 2).sum(axis=(2, 3)))
    return out
