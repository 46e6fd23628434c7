import numpy as np


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x)
    w = np.asarray(w)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else tuple(stride)
    if padding == "same":
        pads = (((KH - 1) // 2, KH // 2), ((KW - 1) // 2, KW // 2))
    elif padding == "valid":
        pads = ((0, 0), (0, 0))
    else:
        ph, pw = (padding, padding) if isinstance(padding, int) else tuple(padding)
        pads = ((ph, ph), (pw, pw))
    xp = np.pad(x, ((0, 0), (0, 0)) + pads)
    OH = (xp.shape[2] - KH) // sh + 1
    OW = (xp.shape[3] - KW) // sw + 1
    # keep the input's dtype so that float32 stays float32
    out = np.zeros((N, F, OH, OW), dtype=x.dtype)
    w_flat = w.reshape(F, -1)
    bias = np.zeros(F) if b is None else np.asarray(b)
    for i in range(OH):
        for j in range(OW):
            patch = xp[:, :, i * sh:i * sh + KH, j * sw:j * sw + KW].reshape(N, -1)
            out[:, :, i, j] = patch @ w_flat.T + bias
    return out
