import numpy as np


def conv_backward_naive(dout, cache):
    x, w, b, conv_param = cache
    stride, pad = conv_param['stride'], conv_param['pad']
    s_h, s_w = (stride, stride) if isinstance(stride, int) else stride
    p_h, p_w = (pad, pad) if isinstance(pad, int) else pad
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_new, W_new = dout.shape[2], dout.shape[3]

    dx = np.zeros(x.shape)
    dw = np.zeros(w.shape)
    db = np.zeros(F)
    x_padded = np.pad(x, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)), 'constant')
    dx_padded = np.pad(dx, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)), 'constant')

    for i in range(N):           # ith image
        for f in range(F):       # fth filter
            db[f] = np.sum(dout[i, f])
            for j in range(H_new):
                for k in range(W_new):
                    window = x_padded[i, :, j * s_h:HH + j * s_h, k * s_w:WW + k * s_w]
                    dw[f] += window * dout[i, f, j, k]
                    dx_padded[i, :, j * s_h:HH + j * s_h, k * s_w:WW + k * s_w] += w[f] * dout[i, f, j, k]

    # Unpad
    dx = dx_padded[:, :, p_h:p_h + H, p_w:p_w + W]
    return dx, dw, db


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x, w, dout = np.asarray(x), np.asarray(w), np.asarray(dout)
    cache = (x, w, np.zeros(w.shape[0]) if b is None else b, {'stride': stride, 'pad': padding})
    dx, dw, db = conv_backward_naive(dout, cache)
    return dx, dw, (db if b is not None else None)
