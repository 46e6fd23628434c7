import numpy as np


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    dout = np.asarray(dout, dtype=float)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    H_out = 1 + (H + 2 * ph - HH) // sh
    W_out = 1 + (W + 2 * pw - HH) // sw
    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dx_pad = np.zeros(x_pad.shape)
    dw = np.zeros(w.shape)
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    g = dout[n, f, i, j]
                    dw[f] += g * x_pad[n, :, i * sh:i * sh + HH, j * sw:j * sw + WW]
                    dx_pad[n, :, i * sh:i * sh + HH, j * sw:j * sw + WW] += g * w[f]
    dx = dx_pad[:, :, ph:ph + H, pw:pw + W]
    db = None if b is None else dout.sum(axis=(0, 2, 3))
    return dx, dw, db
