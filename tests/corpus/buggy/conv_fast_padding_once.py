import numpy as np


def get_im2col_indices(x_shape, field_height, field_width, padding=1, stride=1):
    N, C, H, W = x_shape
    sh, sw = stride
    ph, pw = padding
    out_height = int((H + ph - field_height) / sh + 1)
    out_width = int((W + pw - field_width) / sw + 1)

    i0 = np.repeat(np.arange(field_height), field_width)
    i0 = np.tile(i0, C)
    i1 = sh * np.repeat(np.arange(out_height), out_width)
    j0 = np.tile(np.arange(field_width), field_height * C)
    j1 = sw * np.tile(np.arange(out_width), out_height)
    i = i0.reshape(-1, 1) + i1.reshape(1, -1)
    j = j0.reshape(-1, 1) + j1.reshape(1, -1)
    k = np.repeat(np.arange(C), field_height * field_width).reshape(-1, 1)
    return k, i, j, out_height, out_width


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    num_filters, C, filter_height, filter_width = w.shape
    stride = (stride, stride) if isinstance(stride, int) else tuple(stride)
    if padding == "same":
        x = np.pad(x, ((0, 0), (0, 0), ((filter_height - 1) // 2, filter_height // 2),
                       ((filter_width - 1) // 2, filter_width // 2)))
        padding = 0
    elif padding == "valid":
        padding = 0
    padding = (padding, padding) if isinstance(padding, int) else tuple(padding)
    N = x.shape[0]
    x_padded = np.pad(x, ((0, 0), (0, 0), (padding[0], padding[0]), (padding[1], padding[1])))
    k, i, j, oh, ow = get_im2col_indices(x.shape, filter_height, filter_width, padding, stride)
    x_cols = x_padded[:, k, i, j].transpose(1, 2, 0).reshape(C * filter_height * filter_width, -1)
    res = w.reshape(num_filters, -1).dot(x_cols)
    if b is not None:
        res += np.asarray(b).reshape(-1, 1)
    out = res.reshape(num_filters, oh, ow, N)
    return out.transpose(3, 0, 1, 2)
