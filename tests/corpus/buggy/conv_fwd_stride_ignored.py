import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride, pad = conv_param['stride'], conv_param['pad']
    s1, s2 = (stride, stride) if isinstance(stride, int) else stride
    p1, p2 = (pad, pad) if isinstance(pad, int) else pad
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape
    H_new = 1 + (H + 2 * p1 - HH) // s1
    W_new = 1 + (W + 2 * p2 - WW) // s2
    x_padded = np.pad(x, ((0, 0), (0, 0), (p1, p1), (p2, p2)), 'constant')
    out = np.zeros((N, F, H_new, W_new))
    for i in range(N):            # ith image
        for j in range(H_new):
            for k in range(W_new):
                window = x_padded[i, :, j:j + HH, k:k + WW]
                # all filters at once: (F, C, HH, WW) . (C, HH, WW) -> (F,)
                out[i, :, j, k] = np.tensordot(w, window, axes=3) + b
    return out, (x, w, b, conv_param)


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    if padding == "same":
        hh, ww = w.shape[2:]
        x = np.pad(x, ((0, 0), (0, 0), ((hh - 1) // 2, hh // 2), ((ww - 1) // 2, ww // 2)))
        padding = 0
    if padding == "valid":
        padding = 0
    b = np.zeros(w.shape[0]) if b is None else b
    return conv_forward_naive(x, w, b, {'stride': stride, 'pad': padding})[0]
