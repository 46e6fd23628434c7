import numpy as np


def get_im2col_indices(x_shape, field_height, field_width, padding=1, stride=1):
    # First figure out what the size of the output should be
    N, C, H, W = x_shape
    ph, pw = padding
    sh, sw = stride
    assert (H + 2 * ph - field_height) % sh == 0
    assert (W + 2 * pw - field_width) % sw == 0
    out_height = (H + 2 * ph - field_height) // sh + 1
    out_width = (W + 2 * pw - field_width) // sw + 1

    i0 = np.repeat(np.arange(field_height), field_width)
    i0 = np.tile(i0, C)
    i1 = sh * np.repeat(np.arange(out_height), out_width)
    j0 = np.tile(np.arange(field_width), field_height * C)
    j1 = sw * np.tile(np.arange(out_width), out_height)
    i = i0.reshape(-1, 1) + i1.reshape(1, -1)
    j = j0.reshape(-1, 1) + j1.reshape(1, -1)
    k = np.repeat(np.arange(C), field_height * field_width).reshape(-1, 1)
    return (k, i, j)


def im2col_indices(x, field_height, field_width, padding=(1, 1), stride=(1, 1)):
    """An implementation of im2col based on some fancy indexing."""
    ph, pw = padding
    x_padded = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode='constant')
    k, i, j = get_im2col_indices(x.shape, field_height, field_width, padding, stride)
    cols = x_padded[:, k, i, j]
    C = x.shape[1]
    cols = cols.transpose(1, 2, 0).reshape(field_height * field_width * C, -1)
    return cols


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    stride = (stride, stride) if isinstance(stride, int) else tuple(stride)
    if padding == "same":
        x = np.pad(x, ((0, 0), (0, 0), ((HH - 1) // 2, HH // 2), ((WW - 1) // 2, WW // 2)))
        padding = 0
    elif padding == "valid":
        padding = 0
    padding = (padding, padding) if isinstance(padding, int) else tuple(padding)
    H, W = x.shape[2:]
    out_h = (H + 2 * padding[0] - HH) // stride[0] + 1
    out_w = (W + 2 * padding[1] - WW) // stride[1] + 1
    x_cols = im2col_indices(x, HH, WW, padding, stride)
    res = w.reshape(F, -1) @ x_cols
    if b is not None:
        res += np.asarray(b).reshape(-1, 1)
    out = res.reshape(F, out_h, out_w, N).transpose(3, 0, 1, 2)
    return out
