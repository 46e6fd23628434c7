import numpy as np


class Conv(object):

    @staticmethod
    def forward(x, w, b, conv_param):
        """
        Forward pass for a convolutional layer (EECS 498 style).
        x: (N, C, H, W); w: (F, C, HH, WW); b: (F,)
        Returns (out, cache)
        """
        pad, stride = conv_param['pad'], conv_param['stride']
        ph, pw = pad if isinstance(pad, tuple) else (pad, pad)
        sh, sw = stride if isinstance(stride, tuple) else (stride, stride)
        N, C, H, W = x.shape
        F, _, HH, WW = w.shape
        x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        H_out = 1 + (H + 2 * ph - HH) // sh
        W_out = 1 + (W + 2 * pw - WW) // sw
        out = np.zeros((N, F, H_out, W_out))
        for f in range(F):
            for c in range(C):
                acc = np.zeros((N, H_out, W_out))
                for di in range(HH):
                    for dj in range(WW):
                        rows = slice(di, di + sh * (H_out - 1) + 1, sh)
                        cols = slice(dj, dj + sw * (W_out - 1) + 1, sw)
                        acc += x_pad[:, c, rows, cols] * w[f, c, di, dj]
            out[:, f] = acc + b[f]
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
    if isinstance(padding, list):
        padding = tuple(padding)
    if isinstance(stride, list):
        stride = tuple(stride)
    bias = np.zeros(w.shape[0]) if b is None else np.asarray(b, dtype=float)
    out, _ = Conv.forward(x, w, bias, {'pad': padding, 'stride': stride})
    return out
