import numpy as np


def im2col(xp, kh, kw, sh, sw, oh, ow):
    N, C = xp.shape[:2]
    cols = np.empty((C * kh * kw, N * oh * ow))
    idx = 0
    for c in range(C):
        for u in range(kh):
            for v in range(kw):
                cols[idx] = xp[:, c, u:u + sh * oh:sh, v:v + sw * ow:sw].reshape(-1)
                idx += 1
    return cols


def col2im(cols, shape, kh, kw, sh, sw, oh, ow):
    N, C, Hp, Wp = shape
    out = np.zeros(shape)
    idx = 0
    for c in range(C):
        for u in range(kh):
            for v in range(kw):
                out[:, c, u:u + sh * oh:sh, v:v + sw * ow:sw] += cols[idx].reshape(N, oh, ow)
                idx += 1
    return out


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    dout = np.asarray(dout, dtype=float)
    F, C, kh, kw = w.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, _, oh, ow = dout.shape
    cols = im2col(xp, kh, kw, sh, sw, oh, ow)                 # (C*kh*kw, N*oh*ow)
    dout_mat = dout.transpose(1, 0, 2, 3).reshape(F, -1)       # (F, N*oh*ow)
    dw = (dout_mat @ cols.T).reshape(w.shape)
    dcols = w.reshape(F, -1).T @ dout_mat
    dxp = col2im(dcols, xp.shape, kh, kw, sh, sw, oh, ow)
    dx = dxp[:, :, 1:-1, 1:-1]   # strip the padding
    db = dout.sum(axis=(0, 2, 3)) if b is not None else None
    return dx, dw, db
