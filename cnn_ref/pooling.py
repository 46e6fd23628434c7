"""Pooling over NCHW inputs: max, average, sum and L2 windows, global average, and max's gradient.

Windows come from stride tricks (no copy) and are reduced over their last two axes, so there is no
Python loop over windows. There is no padding: the output side is floor((H - size) / stride) + 1.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ._args import choice, float_array, pair

POOL_MODES = ("max", "avg", "sum", "l2")


def _windows(x, size, stride):
    """x: (N, C, H, W) -> windows (N, C, OH, OW, KH, KW), a strided view."""
    kh, kw = pair(size, "size", 1)
    sh, sw = (kh, kw) if stride is None else pair(stride, "stride", 1)
    if kh > x.shape[2] or kw > x.shape[3]:
        raise ValueError(f"size {(kh, kw)} is larger than the input {x.shape[2:]}")
    return sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]


def pool2d(x, size, stride=None, mode="max"):
    """Pool each channel over size windows, as torch's max_pool2d / avg_pool2d / lp_pool2d(2).

    x: (N, C, H, W), size and stride: int or (h, w), stride defaults to size
    -> (N, C, OH, OW) with OH = floor((H - KH) / SH) + 1
    """
    x = float_array(x, "x", 4)
    choice(mode, "mode", POOL_MODES)
    windows = _windows(x, size, stride)
    if mode == "max":
        return windows.max(axis=(4, 5))
    if mode == "avg":
        return windows.mean(axis=(4, 5))
    if mode == "sum":
        return windows.sum(axis=(4, 5))
    return np.sqrt((windows * windows).sum(axis=(4, 5)))


def global_avg_pool(x):
    """The mean of each channel. x: (N, C, H, W) -> (N, C)"""
    return float_array(x, "x", 4).mean(axis=(2, 3))


def maxpool2d_backward(dout, x, size, stride=None):
    """dx of `pool2d(x, size, stride, "max")`: each window's dout goes to its largest input.

    dout: (N, C, OH, OW), x: (N, C, H, W) -> dx: (N, C, H, W)
    """
    x = float_array(x, "x", 4)
    windows = _windows(x, size, stride)
    n, c, oh, ow, kh, kw = windows.shape
    dout = float_array(dout, "dout", 4)
    if dout.shape != (n, c, oh, ow):
        raise ValueError(f"dout must have the pooled shape {(n, c, oh, ow)}, got {dout.shape}")
    flat = windows.reshape(n, c, oh, ow, kh * kw)
    is_max = np.arange(kh * kw) == flat.argmax(axis=-1)[..., None]
    routed = (is_max * dout[..., None]).reshape(n, c, oh, ow, kh, kw)
    sh, sw = (kh, kw) if stride is None else pair(stride, "stride", 1)
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout))
    # Overlapping windows (stride < size) add up; the loop runs over window offsets, not windows.
    for i in range(kh):
        for j in range(kw):
            dx[:, :, i:i + sh * oh:sh, j:j + sw * ow:sw] += routed[..., i, j]
    return dx
