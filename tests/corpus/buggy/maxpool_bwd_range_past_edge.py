import numpy as np


def maxpool2d_backward(dout, x, size, stride=None):
    x = np.asarray(x, dtype=float)
    dout = np.asarray(dout, dtype=float)
    kh, kw = (size, size) if isinstance(size, int) else size
    if stride is None:
        stride = (kh, kw)
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    N, C, H, W = x.shape
    dx = np.zeros_like(x)
    for n in range(N):
        for c in range(C):
            for oi, top in enumerate(range(0, H, sh)):
                for oj, left in enumerate(range(0, W, sw)):
                    window = x[n, c, top:top + kh, left:left + kw]
                    r, s = np.unravel_index(np.argmax(window), window.shape)
                    dx[n, c, top + r, left + s] += dout[n, c, oi, oj]
    return dx
