"""CS231n conv_backward_naive with the usual cache, adapted to conv2d_backward."""
import numpy as np


def conv_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for a convolutional layer.

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

    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), 'constant')
    dx_pad = np.zeros(x_pad.shape, dtype=np.result_type(dout, w))
    dw = np.zeros(w.shape, dtype=np.result_type(dout, x_pad))
    db = np.zeros(F, dtype=dout.dtype)

    for n in range(N):
        for f in range(F):
            db[f] += dout[n, f].sum()
            for i in range(H_out):
                for j in range(W_out):
                    hs, ws = i * sh, j * sw
                    dw[f] += x_pad[n, :, hs:hs + HH, ws:ws + WW] * dout[n, f, i, j]
                    dx_pad[n, :, hs:hs + HH, ws:ws + WW] += w[f] * dout[n, f, i, j]
    # unpad
    dx = dx_pad[:, :, ph:ph + H, pw:pw + W]
    return dx, dw, db


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x, w, dout = np.asarray(x), np.asarray(w), np.asarray(dout)
    if x.dtype.kind != 'f':
        x = x.astype(float)
    bias = np.zeros(w.shape[0]) if b is None else np.asarray(b)
    dx, dw, db = conv_backward_naive(dout, (x, w, bias, {'stride': stride, 'pad': padding}))
    return dx, dw, (None if b is None else db)
