"""conv2d_fast: the classic get_im2col_indices trick (fancy indexing) + one matrix product."""
import numpy as np


def get_im2col_indices(x_shape, field_height, field_width, pad_h, pad_w, stride_h, stride_w):
    N, C, H, W = x_shape
    out_height = (H + 2 * pad_h - field_height) // stride_h + 1
    out_width = (W + 2 * pad_w - field_width) // stride_w + 1

    i0 = np.repeat(np.arange(field_height), field_width)
    i0 = np.tile(i0, C)
    i1 = stride_h * np.repeat(np.arange(out_height), out_width)
    j0 = np.tile(np.arange(field_width), field_height * C)
    j1 = stride_w * np.tile(np.arange(out_width), out_height)
    i = i0.reshape(-1, 1) + i1.reshape(1, -1)
    j = j0.reshape(-1, 1) + j1.reshape(1, -1)
    k = np.repeat(np.arange(C), field_height * field_width).reshape(-1, 1)
    return k, i, j, out_height, out_width


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x)
    w = np.asarray(w)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    F, C, HH, WW = w.shape
    stride_h, stride_w = (stride, stride) if isinstance(stride, int) else stride
    if padding == "same":
        top, left = (HH - 1) // 2, (WW - 1) // 2
        x = np.pad(x, ((0, 0), (0, 0), (top, HH - 1 - top), (left, WW - 1 - left)))
        pad_h = pad_w = 0
    elif padding == "valid":
        pad_h = pad_w = 0
    else:
        pad_h, pad_w = (padding, padding) if isinstance(padding, int) else padding
    N = x.shape[0]
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)), mode="constant")
    k, i, j, oh, ow = get_im2col_indices(x.shape, HH, WW, pad_h, pad_w, stride_h, stride_w)
    cols = x_padded[:, k, i, j]                                  # (N, C*HH*WW, oh*ow)
    cols = cols.transpose(1, 2, 0).reshape(C * HH * WW, -1)     # (C*HH*WW, oh*ow*N)
    res = w.reshape(F, -1) @ cols                                # (F, oh*ow*N)
    if b is not None:
        res = res + np.asarray(b).reshape(-1, 1)
    out = res.reshape(F, oh, ow, N).transpose(3, 0, 1, 2)
    return out
