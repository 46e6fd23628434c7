import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    """
    Forward pass for a convolutional layer (naive).
    x: (N, C, H, W), w: (F, C, HH, WW), b: (F,)
    conv_param: {'stride': int or (sh, sw), 'pad': int or (ph, pw)}
    """
    out = None
    stride, pad = conv_param['stride'], conv_param['pad']
    sh, sw = (stride, stride) if type(stride) is int else stride
    ph, pw = (pad, pad) if type(pad) is int else pad
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_prime = 1 + (H + 2 * ph - HH) // sh
    W_prime = 1 + (W + 2 * pw - HH) // sw

    x_padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode='constant')
    out = np.zeros((N, F, H_prime, W_prime))
    for n in range(N):
        for f in range(F):
            for hp in range(H_prime):
                for wp in range(W_prime):
                    h0, w0 = hp * sh, wp * sw
                    out[n, f, hp, wp] = np.sum(x_padded[n, :, h0:h0 + HH, w0:w0 + WW] * w[f, :, :, :]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    if padding == "valid":
        padding = 0
    elif padding == "same":
        kh, kw = w.shape[2:]
        x = np.pad(x, ((0, 0), (0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
        padding = 0
    if b is None:
        b = np.zeros(w.shape[0])
    out, _ = conv_forward_naive(x, w, b, {'stride': stride, 'pad': padding})
    return out
