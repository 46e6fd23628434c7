import numpy as np
from numpy.lib.stride_tricks import as_strided


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=np.float64)
    w = np.asarray(w, dtype=np.float64)
    F, C, KH, KW = w.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    if padding == "same":
        pad = (((KH - 1) // 2, KH // 2), ((KW - 1) // 2, KW // 2))
    elif padding == "valid":
        pad = ((0, 0), (0, 0))
    else:
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        pad = ((ph, ph), (pw, pw))
    xp = np.lib.pad(x, ((0, 0), (0, 0)) + pad, 'constant')
    xp = np.ascontiguousarray(xp)
    N, _, H, W = xp.shape
    OH = (H - KH) // sh + 1
    OW = (W - KW) // sw + 1
    st = xp.strides
    cols = as_strided(xp, (N, OH, OW, C, KH, KW), (st[0], st[2] * sh, st[3] * sw, st[1], st[2], st[3]))
    cols = cols.reshape(N * OH * OW, C * KH * KW)
    out = cols @ w.reshape(F, -1).T
    if b is not None:
        out += b
    return out.reshape(N, OH, OW, F).transpose(0, 3, 1, 2)
