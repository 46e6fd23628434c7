import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    """
    Input:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: 'stride' and 'pad'
    """
    out = None
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    S, P = conv_param['stride'], conv_param['pad']
    SH, SW = (S, S) if isinstance(S, int) else S
    PH, PW = (P, P) if isinstance(P, int) else P
    assert (H + 2 * PH - HH) % SH == 0, "filter height does not fit"
    assert (W + 2 * PW - WW) % SW == 0, "filter width does not fit"
    Ho = 1 + (H + 2 * PH - HH) // SH
    Wo = 1 + (W + 2 * PW - WW) // SW
    xpad = np.pad(x, [(0, 0), (0, 0), (PH, PH), (PW, PW)])
    out = np.zeros((N, F, Ho, Wo))
    for i in range(N):
        for f in range(F):
            for y in range(Ho):
                for z in range(Wo):
                    out[i, f, y, z] = np.sum(xpad[i, :, y * SH:y * SH + HH, z * SW:z * SW + WW] * w[f]) + b[f]
    cache = (x, w, b, conv_param)
    return out, cache


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    if padding == "same":
        kh, kw = w.shape[2:]
        x = np.pad(x, ((0, 0), (0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
        padding = 0
    elif padding == "valid":
        padding = 0
    return conv_forward_naive(x, w, b if b is not None else np.zeros(w.shape[0]),
                              {'stride': stride, 'pad': padding})[0]
