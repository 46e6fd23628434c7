import numpy as np


def pool2d_nhwc(x, kh, kw, sh, sw, mode):
    """Pooling over (N, H, W, C) arrays, from the TensorFlow lab."""
    N, H, W, C = x.shape
    OH, OW = (H - kh) // sh + 1, (W - kw) // sw + 1
    y = np.zeros((N, OH, OW, C))
    for i in range(OH):
        for j in range(OW):
            win = x[:, i * sh:i * sh + kh, j * sw:j * sw + kw, :]
            if mode == "max":
                y[:, i, j, :] = win.max(axis=(1, 2))
            elif mode == "avg":
                y[:, i, j, :] = win.mean(axis=(1, 2))
            elif mode == "sum":
                y[:, i, j, :] = win.sum(axis=(1, 2))
            else:
                y[:, i, j, :] = np.sqrt((win ** 2).sum(axis=(1, 2)))
    return y


def pool2d(x, size, stride=None, mode="max"):
    x = np.asarray(x, dtype=float)
    kh, kw = (size, size) if isinstance(size, int) else size
    sh, sw = (kh, kw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    N, C, H, W = x.shape
    y = pool2d_nhwc(x.reshape(N, H, W, C), kh, kw, sh, sw, mode)
    return y.reshape(N, C, y.shape[1], y.shape[2])
