import numpy as np


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    dout = np.asarray(dout, dtype=float)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    _, _, Hout, Wout = dout.shape

    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    if ph > 0 or pw > 0:
        x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        dx_pad = np.pad(dx, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    else:
        x_pad, dx_pad = x, dx

    for n in range(N):
        for i in range(Hout):
            for j in range(Wout):
                r, c = i * sh, j * sw
                window = x_pad[n, :, r:r + HH, c:c + WW]
                for f in range(F):
                    dw[f] += window * dout[n, f, i, j]
                    dx_pad[n, :, r:r + HH, c:c + WW] += w[f] * dout[n, f, i, j]
    db = None if b is None else dout.sum(axis=(0, 2, 3))
    return dx, dw, db
