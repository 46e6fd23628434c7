import numpy as np


def pool2d(x, size, stride=None, mode="max"):
    x = np.asarray(x, dtype=float)
    N, C, H, W = x.shape
    if isinstance(size, int):
        size = (size, size)
    if stride is None:
        stride = size
    elif isinstance(stride, int):
        stride = (stride, stride)
    out_h = (H - size[0]) // stride[0] + 1
    out_w = (W - size[1]) // stride[1] + 1
    out = np.zeros((N, C, out_h, out_w))
    for n in range(N):
        for c in range(C):
            for i in range(out_h):
                for j in range(out_w):
                    r, q = i * stride[0], j * stride[1]
                    patch = x[n, c, r:r + size[0], q:q + size[1]]
                    if mode == "max":
                        out[n, c, i, j] = np.max(patch)
                    elif mode == "avg":
                        out[n, c, i, j] = np.mean(patch)
                    elif mode == "sum":
                        out[n, c, i, j] = np.sum(patch)
                    elif mode == "l2":
                        out[n, c, i, j] = np.linalg.norm(patch) ** 2
    return out
