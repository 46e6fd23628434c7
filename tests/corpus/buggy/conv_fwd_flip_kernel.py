import numpy as np


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    """Convolution layer, written from the lecture's definition of a convolution."""
    x = np.array(x, dtype=np.float64)
    w = np.array(w, dtype=np.float64)
    n_img, n_ch, height, width = x.shape
    n_filt, _, kh, kw = w.shape
    if isinstance(stride, int):
        stride = (stride, stride)
    if padding == "same":
        pads = [((k - 1) // 2, k - 1 - (k - 1) // 2) for k in (kh, kw)]
    elif padding == "valid":
        pads = [(0, 0), (0, 0)]
    elif isinstance(padding, int):
        pads = [(padding, padding)] * 2
    else:
        pads = [(padding[0], padding[0]), (padding[1], padding[1])]
    x = np.pad(x, [(0, 0), (0, 0)] + pads)
    out_h = (x.shape[2] - kh) // stride[0] + 1
    out_w = (x.shape[3] - kw) // stride[1] + 1
    result = np.zeros((n_img, n_filt, out_h, out_w))
    for f in range(n_filt):
        # convolution = flip the kernel, then slide it
        kernel = np.flip(w[f], axis=(1, 2))
        for r in range(out_h):
            for c in range(out_w):
                r0, c0 = r * stride[0], c * stride[1]
                window = x[:, :, r0:r0 + kh, c0:c0 + kw]
                result[:, f, r, c] = np.sum(window * kernel, axis=(1, 2, 3))
        if b is not None:
            result[:, f] += b[f]
    return result
