import numpy as np


def conv2d_nhwc(x, k, bias, sh, sw):
    """My channels-last conv from the Keras lab: x (N, H, W, C), k (KH, KW, C, F)."""
    N, H, W, C = x.shape
    KH, KW, _, F = k.shape
    OH = (H - KH) // sh + 1
    OW = (W - KW) // sw + 1
    y = np.zeros((N, OH, OW, F))
    for i in range(OH):
        for j in range(OW):
            patch = x[:, i * sh:i * sh + KH, j * sw:j * sw + KW, :]       # (N, KH, KW, C)
            y[:, i, j, :] = np.tensordot(patch, k, axes=([1, 2, 3], [0, 1, 2])) + bias
    return y


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    if padding == "same":
        x = np.pad(x, ((0, 0), (0, 0), ((KH - 1) // 2, KH // 2), ((KW - 1) // 2, KW // 2)))
    elif padding != "valid":
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    N, C, H, W = x.shape
    # convert to channels-last for my NHWC code, and back
    x_nhwc = x.reshape(N, H, W, C)
    k_hwcf = w.reshape(KH, KW, C, F)
    bias = np.zeros(F) if b is None else np.asarray(b)
    y = conv2d_nhwc(x_nhwc, k_hwcf, bias, sh, sw)
    return y.reshape(N, F, y.shape[1], y.shape[2])
