import numpy as np


def pool2d(x, size, stride=None, mode="max"):
    x = np.asarray(x, dtype=float)
    pool_h, pool_w = (size, size) if isinstance(size, int) else size
    stride_h, stride_w = (pool_h, pool_w) if stride is None else (
        (stride, stride) if isinstance(stride, int) else stride)
    N, C, H, W = x.shape
    H_out = 1 + (H - pool_h) // stride_h
    W_out = 1 + (W - pool_h) // stride_w
    out = np.zeros((N, C, H_out, W_out))
    for i in range(H_out):
        for j in range(W_out):
            region = x[:, :, i * stride_h:i * stride_h + pool_h, j * stride_w:j * stride_w + pool_w]
            if mode == "max":
                out[:, :, i, j] = region.max(axis=(2, 3))
            elif mode == "avg":
                out[:, :, i, j] = region.mean(axis=(2, 3))
            elif mode == "sum":
                out[:, :, i, j] = region.sum(axis=(2, 3))
            elif mode == "l2":
                out[:, :, i, j] = np.sqrt((region ** 2).sum(axis=(2, 3)))
    return out
