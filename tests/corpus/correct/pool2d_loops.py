import numpy as np


def pool2d(x, size, stride=None, mode="max"):
    """2-D pooling with explicit loops over the output grid."""
    x = np.asarray(x)
    if x.dtype != np.float32:
        x = x.astype(np.float64)
    if isinstance(size, int):
        size = (size, size)
    if stride is None:
        stride = size
    elif isinstance(stride, int):
        stride = (stride, stride)
    ph, pw = size
    sh, sw = stride
    N, C, H, W = x.shape
    out_h = (H - ph) // sh + 1
    out_w = (W - pw) // sw + 1
    out = np.zeros((N, C, out_h, out_w), dtype=x.dtype)
    for r in range(out_h):
        for c in range(out_w):
            patch = x[:, :, r * sh:r * sh + ph, c * sw:c * sw + pw]
            if mode == "max":
                out[:, :, r, c] = patch.max(axis=(2, 3))
            elif mode == "avg":
                out[:, :, r, c] = patch.mean(axis=(2, 3))
            elif mode == "sum":
                out[:, :, r, c] = patch.sum(axis=(2, 3))
            elif mode == "l2":
                out[:, :, r, c] = np.sqrt((patch ** 2).sum(axis=(2, 3)))
            else:
                raise ValueError(f"unknown mode {mode}")
    return out
