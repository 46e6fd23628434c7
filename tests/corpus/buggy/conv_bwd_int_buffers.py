import numpy as np


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (pad, pad) if isinstance(pad, int) else pad
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, Ho, Wo = dout.shape
    dx = np.zeros_like(x)
    dw = np.zeros_like(w)
    db = np.zeros_like(b)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    dxp = np.zeros((N, C, H + 2 * ph, W + 2 * pw))
    for n in range(N):
        for f in range(F):
            db[f] += dout[n, f].sum()
            for i in range(Ho):
                for j in range(Wo):
                    dw[f] += xp[n, :, i * sh:i * sh + HH, j * sw:j * sw + WW] * dout[n, f, i, j]
                    dxp[n, :, i * sh:i * sh + HH, j * sw:j * sw + WW] += w[f] * dout[n, f, i, j]
    dx[:] = dxp[:, :, ph:ph + H, pw:pw + W]
    return dx, dw, db


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x, w, dout = np.asarray(x), np.asarray(w), np.asarray(dout)
    b_ = np.zeros(w.shape[0]) if b is None else np.asarray(b)
    dx, dw, db = conv_backward_naive(dout, (x, w, b_, {'stride': stride, 'pad': padding}))
    return dx, dw, db if b is not None else None
