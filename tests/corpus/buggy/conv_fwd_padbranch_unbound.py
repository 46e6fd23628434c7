import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride = conv_param['stride']
    pad = conv_param['pad']
    if isinstance(stride, int):
        stride = (stride, stride)
    if isinstance(pad, int):
        pad = (pad, pad)
    N, C, H, W = x.shape
    F, C, HH, WW = w.shape

    # zero padding
    if pad[0] > 0 or pad[1] > 0:
        x_pad = np.zeros((N, C, H + 2 * pad[0], W + 2 * pad[1]), dtype=x.dtype)
        x_pad[:, :, pad[0]:-pad[0], pad[1]:-pad[1]] = x

    Hp, Wp = x_pad.shape[2], x_pad.shape[3]
    H_out = (Hp - HH) // stride[0] + 1
    W_out = (Wp - WW) // stride[1] + 1
    out = np.zeros((N, F, H_out, W_out))
    for n in range(N):
        for f in range(F):
            for i in range(H_out):
                for j in range(W_out):
                    r, c = i * stride[0], j * stride[1]
                    out[n, f, i, j] = (x_pad[n, :, r:r + HH, c:c + WW] * w[f]).sum() + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    if isinstance(padding, str):
        if padding == "same":
            kh, kw = w.shape[2:]
            x = np.pad(x, ((0, 0), (0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
        padding = 0
    b = np.zeros(w.shape[0]) if b is None else np.asarray(b)
    return conv_forward_naive(x, w, b, {'stride': stride, 'pad': padding})[0]
