import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    """
    dx is the "full" convolution of the (dilated) upstream gradient with the filters,
    dw the valid correlation of the padded input with the (dilated) upstream gradient.
    """
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    dout = np.asarray(dout, dtype=float)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    OH, OW = dout.shape[2:]

    # insert stride - 1 zeros between the gradient's entries
    Hd, Wd = (OH - 1) * sh + 1, (OW - 1) * sw + 1
    dil = np.zeros((N, F, Hd, Wd))
    dil[:, :, ::sh, ::sw] = dout

    # dw: correlate the padded input with the dilated gradient
    dw = np.zeros_like(w)
    for u in range(KH):
        for v in range(KW):
            dw[:, :, u, v] = np.einsum('nfij,ncij->fc', dil, xp[:, :, u:u + Hd, v:v + Wd])

    # dx: full convolution of the dilated gradient with the kernel
    full = np.pad(dil, ((0, 0), (0, 0), (KH - 1, KH - 1), (KW - 1, KW - 1)))
    win = sliding_window_view(full, (KH, KW), axis=(2, 3))       # (N, F, Hd+KH-1, Wd+KW-1, KH, KW)
    dxp_part = np.einsum('nfhwij,fcij->nchw', win, w)
    dxp = np.zeros_like(xp)
    dxp[:, :, :dxp_part.shape[2], :dxp_part.shape[3]] = dxp_part
    dx = dxp[:, :, ph:ph + H, pw:pw + W]

    db = None if b is None else dout.sum(axis=(0, 2, 3))
    return dx, dw, db
