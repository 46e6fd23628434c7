import numpy as np


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if b is None:
        b = np.zeros(w.shape[0])
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    sy, sx = (stride, stride) if isinstance(stride, int) else stride
    if padding == "same":
        x = np.pad(x, ((0, 0), (0, 0), ((HH - 1) // 2, HH // 2), ((WW - 1) // 2, WW // 2)))
        py = px = 0
    elif padding == "valid":
        py = px = 0
    else:
        py, px = (padding, padding) if isinstance(padding, int) else padding
    xp = np.pad(x, ((0, 0), (0, 0), (py, py), (px, px)))
    Hout = (xp.shape[2] - HH) // sy + 1
    Wout = (xp.shape[3] - WW) // sx + 1
    out = np.zeros((N, F, Hout, Wout))
    for n in range(N):
        for f in range(F):
            for c in range(C):
                for i in range(Hout):
                    for j in range(Wout):
                        patch = xp[n, c, i * sy:i * sy + HH, j * sx:j * sx + WW]
                        out[n, f, i, j] = np.sum(patch * w[f, c]) + b[f]
    return out
