import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    dout = np.asarray(dout, dtype=float)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    OH, OW = dout.shape[2:]
    windows = sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::sh, ::sw][:, :, :OH, :OW]
    # dL/dw[f, c, u, v] = sum over n, i, j of dout[n, f, i, j] * x_pad[n, c, i*s + u, j*s + v]
    dw = np.einsum("nfij,ncijuv->fcuv", dout, windows)
    # dL/dx: scatter w * dout back onto the windows
    dxp = np.zeros_like(xp)
    contrib = np.einsum("nfij,fcuv->ncijuv", dout, w)
    for u in range(KH):
        for v in range(KW):
            dxp[:, :, u:u + sh * OH:sh, v:v + sw * OW:sw] += contrib[:, :, :, :, u, v]
    dx = dxp[:, :, ph:ph + H, pw:pw + W]
    db = None
    if b is not None:
        db = np.sum(dout, axis=(2, 3)).squeeze()
    return dx, dw, db
