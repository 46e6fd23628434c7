"""Convolution: 1-D and 2-D, single channel and full NCHW layers, forward and backward.

CNN layers compute cross-correlation (the kernel slides unflipped); "convolution" in the signal
processing sense flips the kernel first. Every function builds its windows with stride tricks
(`sliding_window_view`, no copy) and reduces them with one tensor product, so there is no Python
loop over output pixels.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._args import choice, float_array, pair

MODES = ("full", "same", "valid")


def conv1d(x, k, mode="full"):
    """True 1-D convolution, as `numpy.convolve(x, k, mode)`.

    x: (N,), k: (M,) -> full: (N + M - 1,), same: (max(N, M),), valid: (max(N, M) - min(N, M) + 1,)
    """
    x = float_array(x, "x", 1)
    k = float_array(k, "k", 1)
    choice(mode, "mode", MODES)
    n, m = len(x), len(k)
    padded = np.pad(x, m - 1)
    full = sliding_window_view(padded, m) @ k[::-1]
    longer, shorter = max(n, m), min(n, m)
    if mode == "full":
        return full
    if mode == "same":
        start = (shorter - 1) // 2
        return full[start:start + longer]
    return full[shorter - 1:longer]


def corr2d(x, k):
    """Valid 2-D cross-correlation of one channel, as `scipy.signal.correlate2d(x, k, "valid")`.

    x: (H, W), k: (KH, KW) with KH <= H and KW <= W -> (H - KH + 1, W - KW + 1)
    """
    x = float_array(x, "x", 2)
    k = float_array(k, "k", 2)
    if k.shape[0] > x.shape[0] or k.shape[1] > x.shape[1]:
        raise ValueError(f"k {k.shape} must not be larger than x {x.shape}")
    return np.tensordot(sliding_window_view(x, k.shape), k, axes=2)


def convolve2d(x, k, mode="full"):
    """True 2-D convolution of one channel with zero fill, as `scipy.signal.convolve2d(x, k, mode)`.

    x: (H, W), k: (KH, KW) -> full: (H + KH - 1, W + KW - 1), same: (H, W),
    valid: (H - KH + 1, W - KW + 1) (or with x and k swapped when k is the larger in both axes)
    """
    x = float_array(x, "x", 2)
    k = float_array(k, "k", 2)
    choice(mode, "mode", MODES)
    (h, w), (kh, kw) = x.shape, k.shape
    full = corr2d(np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1))), k[::-1, ::-1])
    if mode == "full":
        return full
    if mode == "same":
        top, left = (kh - 1) // 2, (kw - 1) // 2
        return full[top:top + h, left:left + w]
    if kh <= h and kw <= w:
        return full[kh - 1:h, kw - 1:w]
    if kh >= h and kw >= w:  # convolution commutes, so the smaller array slides over the larger
        return full[h - 1:kh, w - 1:kw]
    raise ValueError(f"valid mode needs one of x {x.shape} and k {k.shape} to be at least as large as "
                     "the other in every axis")


def conv_padding(padding, kernel_shape, stride):
    """Resolve a layer's padding argument to ((top, bottom), (left, right)).

    padding: int, (ph, pw), "valid" or "same"; "same" (stride 1 only) splits k - 1 as torch does,
    the odd pixel going to the bottom and right.
    """
    if isinstance(padding, str):
        choice(padding, "padding", ("valid", "same"))
        if padding == "valid":
            return (0, 0), (0, 0)
        if stride != (1, 1):
            raise ValueError(f"padding='same' needs stride 1, got stride {stride}")
        return tuple(((k - 1) // 2, k - 1 - (k - 1) // 2) for k in kernel_shape)
    ph, pw = pair(padding, "padding", 0)
    return (ph, ph), (pw, pw)


def _layer_args(x, w, b, stride, padding):
    """Validate a conv layer's arguments; returns x, w, b, (sh, sw) and the padded x."""
    x = float_array(x, "x", 4)
    w = float_array(w, "w", 4)
    if w.shape[1] != x.shape[1]:
        raise ValueError(f"w has {w.shape[1]} input channels but x has {x.shape[1]}")
    if b is not None:
        b = float_array(b, "b", 1)
        if b.shape[0] != w.shape[0]:
            raise ValueError(f"b has {b.shape[0]} entries but w has {w.shape[0]} filters")
    stride = pair(stride, "stride", 1)
    pads = conv_padding(padding, w.shape[2:], stride)
    padded = np.pad(x, ((0, 0), (0, 0)) + pads)
    if w.shape[2] > padded.shape[2] or w.shape[3] > padded.shape[3]:
        raise ValueError(f"w's kernel {w.shape[2:]} is larger than the padded input {padded.shape[2:]}")
    return x, w, b, stride, pads, padded


def im2col(padded, kernel_shape, stride):
    """The windows of a padded input as the columns of one matrix, one column per output pixel.

    padded: (N, C, H, W) -> (C * KH * KW, N * OH * OW), and the output shape (N, OH, OW).
    Channels and kernel offsets lead so that the copy reads the input nearly in order.
    """
    sh, sw = stride
    windows = sliding_window_view(padded, kernel_shape, axis=(2, 3))[:, :, ::sh, ::sw]
    n, c, oh, ow, kh, kw = windows.shape
    return windows.transpose(1, 4, 5, 0, 2, 3).reshape(c * kh * kw, n * oh * ow), (n, oh, ow)


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    """A convolution layer (cross-correlation summed over channels, plus bias), as `F.conv2d`.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,) or None -> (N, F, OH, OW)
    """
    x, w, b, stride, _, padded = _layer_args(x, w, b, stride, padding)
    cols, (n, oh, ow) = im2col(padded, w.shape[2:], stride)
    out = (w.reshape(w.shape[0], -1) @ cols).reshape(-1, n, oh, ow)
    if b is not None:
        out += b[:, None, None, None]
    return out.transpose(1, 0, 2, 3)


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    """`conv2d_forward` graded on speed too; the reference forward already is im2col + one product.

    x: (N, C, H, W), w: (F, C, KH, KW), b: (F,) or None -> (N, F, OH, OW)
    """
    return conv2d_forward(x, w, b, stride, padding)


def conv_matrix(k, input_shape):
    """The matrix C with `C @ x.ravel() == corr2d(x, k).ravel()` for every x of `input_shape`.

    k: (KH, KW), input_shape: (H, W) -> (OH * OW, H * W)
    """
    k = float_array(k, "k", 2)
    h, w = pair(input_shape, "input_shape", 1)
    kh, kw = k.shape
    if kh > h or kw > w:
        raise ValueError(f"k {k.shape} must not be larger than input_shape {(h, w)}")
    oh, ow = h - kh + 1, w - kw + 1
    out_r, out_c, k_r, k_c = np.ix_(np.arange(oh), np.arange(ow), np.arange(kh), np.arange(kw))
    matrix = np.zeros((oh, ow, h, w), dtype=k.dtype)
    matrix[out_r, out_c, out_r + k_r, out_c + k_c] = k
    return matrix.reshape(oh * ow, h * w)


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    """Gradients of `sum(dout * conv2d_forward(x, w, b, stride, padding))`, as torch autograd.

    dout: (N, F, OH, OW), x: (N, C, H, W), w: (F, C, KH, KW), b: (F,) or None
    -> dx: (N, C, H, W), dw: (F, C, KH, KW), db: (F,) or None
    """
    if isinstance(padding, str):
        raise ValueError(f"padding must be an int or an (h, w) pair, got {padding!r}")
    x, w, b, (sh, sw), ((top, _), (left, _)), padded = _layer_args(x, w, b, stride, padding)
    f, c, kh, kw = w.shape
    cols, (n, oh, ow) = im2col(padded, (kh, kw), (sh, sw))
    dout = float_array(dout, "dout", 4)
    if dout.shape != (n, f, oh, ow):
        raise ValueError(f"dout must have the layer's output shape {(n, f, oh, ow)}, got {dout.shape}")
    dout_rows = dout.transpose(1, 0, 2, 3).reshape(f, -1)
    dw = (dout_rows @ cols.T).reshape(w.shape)
    db = None if b is None else dout.sum(axis=(0, 2, 3))
    dcols = (w.reshape(f, -1).T @ dout_rows).reshape(c, kh, kw, n, oh, ow)
    dpadded = np.zeros(padded.shape, dtype=dcols.dtype)
    # Scatter each kernel offset's share back; the loop runs over KH * KW offsets, not over pixels.
    for i in range(kh):
        for j in range(kw):
            dpadded[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw] += dcols[:, i, j].transpose(1, 0, 2, 3)
    dx = dpadded[:, :, top:top + x.shape[2], left:left + x.shape[3]]
    return dx, dw, db
