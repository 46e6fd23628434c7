import numpy as np


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    N, C, H, W = x.shape
    F, C, WW, HH = w.shape
    stride_h, stride_w = (stride, stride) if isinstance(stride, int) else stride
    if padding == "same":
        x = np.pad(x, ((0, 0), (0, 0), ((HH - 1) // 2, HH // 2), ((WW - 1) // 2, WW // 2)))
        pad_h = pad_w = 0
    elif padding == "valid":
        pad_h = pad_w = 0
    else:
        pad_h, pad_w = (padding, padding) if isinstance(padding, int) else padding
    x = np.pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)))
    H_out = (x.shape[2] - HH) // stride_h + 1
    W_out = (x.shape[3] - WW) // stride_w + 1
    out = np.zeros((N, F, H_out, W_out))
    for f in range(F):
        for i in range(H_out):
            for j in range(W_out):
                total = np.zeros(N)
                for c in range(C):
                    for di in range(HH):
                        for dj in range(WW):
                            total += x[:, c, i * stride_h + di, j * stride_w + dj] * w[f, c, dj, di]
                out[:, f, i, j] = total
    if b is not None:
        out += np.asarray(b).reshape(1, -1, 1, 1)
    return out
