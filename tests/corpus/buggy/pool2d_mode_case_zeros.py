import numpy as np


def pool2d(x, size, stride=None, mode="max"):
    x = np.asarray(x, dtype=float)
    ph, pw = (size, size) if isinstance(size, int) else size
    sh, sw = (ph, pw) if stride is None else ((stride, stride) if isinstance(stride, int) else stride)
    N, C, H, W = x.shape
    out_h, out_w = (H - ph) // sh + 1, (W - pw) // sw + 1
    pooled = np.zeros((N, C, out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            window = x[:, :, i * sh:i * sh + ph, j * sw:j * sw + pw]
            if mode == "max":
                pooled[:, :, i, j] = window.max(axis=(2, 3))
            elif mode == "avg":
                pooled[:, :, i, j] = window.mean(axis=(2, 3))
            elif mode == "sum":
                pooled[:, :, i, j] = window.sum(axis=(2, 3))
            elif mode == "L2":
                pooled[:, :, i, j] = np.sqrt(np.sum(window ** 2, axis=(2, 3)))
    return pooled
