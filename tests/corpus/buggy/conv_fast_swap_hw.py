import numpy as np


def get_im2col_indices(x_shape, field_height, field_width, padding=0, stride=1):
    N, C, H, W = x_shape
    out_height = (H + 2 * padding - field_height) // stride + 1
    out_width = (W + 2 * padding - field_height) // stride + 1
    i0 = np.tile(np.repeat(np.arange(field_height), field_width), C)
    i1 = stride * np.repeat(np.arange(out_height), out_width)
    j0 = np.tile(np.arange(field_width), field_height * C)
    j1 = stride * np.tile(np.arange(out_width), out_height)
    i = i0.reshape(-1, 1) + i1.reshape(1, -1)
    j = j0.reshape(-1, 1) + j1.reshape(1, -1)
    k = np.repeat(np.arange(C), field_height * field_width).reshape(-1, 1)
    return k.astype(int), i.astype(int), j.astype(int), out_height, out_width


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    F, C, fh, fw = w.shape
    if isinstance(stride, (tuple, list)) or isinstance(padding, (tuple, list)):
        # different stride / padding per axis: stride the rows and columns separately
        sh, sw = stride if isinstance(stride, (tuple, list)) else (stride, stride)
        ph, pw = padding if isinstance(padding, (tuple, list)) else (padding, padding)
        x = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
        full = conv2d_fast(x, w, None, 1, 0)
        out = full[:, :, ::sh, ::sw]
        return out if b is None else out + np.asarray(b)[None, :, None, None]
    if padding == "same":
        x = np.pad(x, ((0, 0), (0, 0), ((fh - 1) // 2, fh // 2), ((fw - 1) // 2, fw // 2)))
        padding = 0
    elif padding == "valid":
        padding = 0
    N = x.shape[0]
    k, i, j, oh, ow = get_im2col_indices(x.shape, fh, fw, padding, stride)
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    cols = xp[:, k, i, j].transpose(1, 2, 0).reshape(C * fh * fw, -1)
    out = (w.reshape(F, -1) @ cols).reshape(F, oh, ow, N).transpose(3, 0, 1, 2)
    if b is not None:
        out = out + np.asarray(b).reshape(1, F, 1, 1)
    return out
