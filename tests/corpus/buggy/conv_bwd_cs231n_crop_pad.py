import numpy as np


def conv_backward_naive(dout, cache):
    """
    Inputs:
    - dout: Upstream derivatives.
    - cache: A tuple of (x, w, b, conv_param) as in conv_forward_naive

    Returns a tuple of:
    - dx: Gradient with respect to x
    - dw: Gradient with respect to w
    - db: Gradient with respect to b
    """
    dx, dw, db = None, None, None
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (pad, pad) if isinstance(pad, int) else pad
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape

    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode='constant')
    dx_pad = np.zeros_like(x_pad, dtype=float)
    dw = np.zeros_like(w, dtype=float)
    db = np.sum(dout, axis=(0, 2, 3))

    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    h1, w1 = i * sh, j * sw
                    dw[f] += x_pad[n, :, h1:h1 + HH, w1:w1 + WW] * dout[n, f, i, j]
                    dx_pad[n, :, h1:h1 + HH, w1:w1 + WW] += w[f] * dout[n, f, i, j]
    # remove the padding
    dx = dx_pad[:, :, ph:-ph, pw:-pw]
    return dx, dw, db


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x, w, dout = np.asarray(x), np.asarray(w), np.asarray(dout)
    bb = b if b is not None else np.zeros(w.shape[0])
    dx, dw, db = conv_backward_naive(dout, (x, w, bb, {'stride': stride, 'pad': padding}))
    if b is None:
        db = None
    return dx, dw, db
