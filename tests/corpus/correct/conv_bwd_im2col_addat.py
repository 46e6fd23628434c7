import numpy as np


def _pair(v):
    if isinstance(v, (tuple, list)):
        return int(v[0]), int(v[1])
    return int(v), int(v)


def _indices(C, H, W, kh, kw, sh, sw):
    # rows: (c, ki, kj), columns: (oi, oj)
    oh = (H - kh) // sh + 1
    ow = (W - kw) // sw + 1
    i0 = np.tile(np.repeat(np.arange(kh), kw), C)
    j0 = np.tile(np.arange(kw), kh * C)
    i1 = sh * np.repeat(np.arange(oh), ow)
    j1 = sw * np.tile(np.arange(ow), oh)
    rows = i0[:, None] + i1[None, :]
    cols = j0[:, None] + j1[None, :]
    chan = np.repeat(np.arange(C), kh * kw)[:, None]
    return chan, rows, cols, oh, ow


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    """Backward pass with im2col / col2im (np.add.at does the overlapping scatter)."""
    x = np.asarray(x)
    x = x if x.dtype.kind == "f" else x.astype(np.float64)
    w = np.asarray(w)
    dout = np.asarray(dout)
    N, C, H, W = x.shape
    F, _, kh, kw = w.shape
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    chan, rows, cols, oh, ow = _indices(C, H + 2 * ph, W + 2 * pw, kh, kw, sh, sw)
    X_col = xp[:, chan, rows, cols]                                 # (N, C*kh*kw, oh*ow)
    d = dout.reshape(N, F, oh * ow)                                  # (N, F, oh*ow)
    w_row = w.reshape(F, -1)
    dw = np.einsum("nfp,nkp->fk", d, X_col).reshape(w.shape)
    db = None if b is None else dout.sum(axis=(0, 2, 3))
    dX_col = np.einsum("fk,nfp->nkp", w_row, d)
    dxp = np.zeros(xp.shape, dtype=dX_col.dtype)
    np.add.at(dxp, (slice(None), chan, rows, cols), dX_col)
    dx = dxp[:, :, ph:ph + H, pw:pw + W]
    return dx, dw, db
