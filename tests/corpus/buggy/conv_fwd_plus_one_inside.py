import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    stride = conv_param["stride"]
    pad = conv_param["pad"]
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (pad, pad) if isinstance(pad, int) else pad
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    # number of positions the filter fits in, divided by the stride
    out_h = (H + 2 * ph - HH + 1) // sh
    out_w = (W + 2 * pw - WW + 1) // sw
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    out = np.zeros((N, F, out_h, out_w))
    for n in range(N):
        for f in range(F):
            for i in range(out_h):
                for j in range(out_w):
                    out[n, f, i, j] = np.sum(xp[n, :, i * sh:i * sh + HH, j * sw:j * sw + WW] * w[f]) + b[f]
    return out, (x, w, b, conv_param)


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x)
    w = np.asarray(w)
    if padding in ("same", "valid"):
        if padding == "same":
            kh, kw = w.shape[2:]
            x = np.pad(x, ((0, 0), (0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
        padding = 0
    if b is None:
        b = np.zeros(w.shape[0])
    out, _ = conv_forward_naive(x, w, b, {"stride": stride, "pad": padding})
    return out
