import numpy as np


def maxpool2d_backward(dout, x, size, stride=None):
    x = np.asarray(x, dtype=float)
    dout = np.asarray(dout, dtype=float)
    pool_h, pool_w = (size, size) if isinstance(size, int) else size
    if stride is None:
        stride_h, stride_w = pool_h, pool_w
    else:
        stride_h, stride_w = (stride, stride) if isinstance(stride, int) else stride
    N, C, H, W = x.shape
    H_out, W_out = dout.shape[2], dout.shape[3]
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * stride_h, j * stride_w
                    pool = x[n, c, hs:hs + pool_h, ws:ws + pool_w]
                    idx = np.argmax(pool)
                    r, s = np.unravel_index(idx, (pool_h, pool_h))
                    dx[n, c, hs + r, ws + s] += dout[n, c, i, j]
    return dx
