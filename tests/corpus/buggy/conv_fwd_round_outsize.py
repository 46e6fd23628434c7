import numpy as np


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x)
    w = np.asarray(w)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    s_h, s_w = (stride, stride) if np.isscalar(stride) else stride
    if padding == "same":
        top, left = (KH - 1) // 2, (KW - 1) // 2
        x = np.pad(x, ((0, 0), (0, 0), (top, KH - 1 - top), (left, KW - 1 - left)))
        p_h = p_w = 0
        H, W = x.shape[2:]
    elif padding == "valid":
        p_h = p_w = 0
    else:
        p_h, p_w = (padding, padding) if np.isscalar(padding) else padding
        x = np.pad(x, ((0, 0), (0, 0), (p_h, p_h), (p_w, p_w)))

    # output size formula from lecture
    H_out = int(round((H + 2 * p_h - KH) / s_h)) + 1
    W_out = int(round((W + 2 * p_w - KW) / s_w)) + 1

    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    region = x[n, :, i * s_h:i * s_h + KH, j * s_w:j * s_w + KW]
                    out[n, f, i, j] = np.sum(region * w[f])
            if b is not None:
                out[n, f] += b[f]
    return out
