import numpy as np


def maxpool2d_backward(dout, x, size, stride=None):
    x = np.asarray(x)
    dout = np.asarray(dout)
    if isinstance(size, int):
        size = (size, size)
    if stride is None:
        stride = size
    if isinstance(stride, int):
        stride = (stride, stride)
    N, C, H, W = x.shape
    ph, pw = size
    sh, sw = stride
    out_h = (H - ph) // sh + 1
    out_w = (W - pw) // sw + 1
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(out_h):
                for j in range(out_w):
                    window = x[n, c, i * sh:i * sh + ph, j * sw:j * sw + pw]
                    # turn the window into a 0/1 mask of its max
                    m = window.max()
                    window[window != m] = 0
                    window[window == m] = 1
                    dx[n, c, i * sh:i * sh + ph, j * sw:j * sw + pw] += window * dout[n, c, i, j]
    return dx
