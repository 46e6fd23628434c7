"""The catalogue of known wrong variants (misconceptions) of every NumPy question, and their diagnoses.

A `Variant` recomputes what a student with one misconception returns, built from `cnn_ref` wherever
possible. When a student's answer is wrong, `diagnose` names the variants whose output it matches,
each a `Diagnosis` of `autograder.diagnoses`, where every id is explained.
A variant that does not apply to the inputs at hand returns the correct result or raises; either way
it cannot match a wrong answer.
"""
import math
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Callable

import numpy as np

import cnn_ref
from cnn_ref import sizes
from cnn_ref._args import pair
from cnn_ref.convolution import conv_padding
from cnn_ref.pooling import POOL_MODES

from autograder.grading.patterns import case_facts
from autograder.grading.tolerance import same_array
from autograder.diagnoses import Diagnosis


@dataclass(frozen=True)
class Variant:
    """diagnosis: a diagnosis id; compute: the question's signature, returning the wrong answer."""
    diagnosis: str
    compute: Callable


def _int_buffer(result, like):
    """`result` as stored in a buffer made by np.zeros_like(like): truncated when `like` holds ints."""
    dtype = np.asarray(like).dtype
    return result.astype(dtype) if dtype.kind in "iu" else result


def _zeros_of(function, part=None):
    """`function` whose result (or its element `part`, for a tuple) is left as np.zeros of its shape."""
    def compute(*args, **kwargs):
        result = function(*args, **kwargs)
        if part is None:
            return np.zeros(np.shape(result))
        return tuple(np.zeros(np.shape(item)) if index == part else item for index, item in enumerate(result))
    return compute


def _swapped_side(sides, kernel, axis):
    """The size of output `axis` (-2: height, -1: width) computed with the kernel's other side, as
    (n + pads - k_other) // stride + 1. sides: ((H, pads_h, stride_h), (W, pads_w, stride_w));
    kernel: (KH, KW)."""
    n, pads, stride = sides[axis]
    return (n + pads - kernel[-1 - axis]) // stride + 1


def _cut_to(result, axis, size):
    """result with only its first `size` entries along `axis`; raises when that is not fewer (the
    student's code then runs past the input and fails, which no value can match)."""
    if not 1 <= size < result.shape[axis]:
        raise ValueError("not a smaller size")
    return np.take(result, np.arange(size), axis=axis)


# ----------------------------------------------------------------------------- 1-D and 2-D, one channel


def _conv1d_same_from(start):
    """conv1d whose "same" mode keeps max(N, M) values of "full" from `start(shorter)` on."""
    def compute(x, k, mode="full"):
        if mode != "same":
            return cnn_ref.conv1d(x, k, mode)
        begin = start(min(len(x), len(k)))
        return cnn_ref.conv1d(x, k, "full")[begin:begin + max(len(x), len(k))]
    return compute


def _conv1d_kernel_shorter(x, k, mode="full"):
    # Slicing written for len(k) <= len(x): "same" keeps len(x) values, "valid" comes out empty.
    n, m = len(x), len(k)
    full = cnn_ref.conv1d(x, k, "full")
    return {"full": full, "same": full[(m - 1) // 2:][:n], "valid": full[m - 1:n]}[mode]


def _convolve2d_same_centering(x, k, mode="full"):
    # The odd pixel of an even kernel's padding on the top / left instead of the bottom / right.
    if mode != "same":
        return cnn_ref.convolve2d(x, k, mode)
    (h, w), (kh, kw) = np.shape(x), np.shape(k)
    return cnn_ref.convolve2d(x, k, "full")[kh // 2:kh // 2 + h, kw // 2:kw // 2 + w]


def _convolve2d_kernel_smaller(x, k, mode="full"):
    # Valid slicing written for k smaller than x: empty when k is the larger one.
    if mode != "valid":
        return cnn_ref.convolve2d(x, k, mode)
    (h, w), (kh, kw) = np.shape(x), np.shape(k)
    return cnn_ref.convolve2d(x, k, "full")[kh - 1:h, kw - 1:w]


# ------------------------------------------------------------------------------------ the conv layer


def _padded_layer(resolve):
    """conv2d_forward padded by `resolve(((top, bottom), (left, right)))` instead of the right pads."""
    def compute(x, w, b=None, stride=1, padding=0):
        pads = conv_padding(padding, np.shape(w)[2:], pair(stride, "stride", 1))
        padded = np.pad(np.asarray(x), ((0, 0), (0, 0)) + tuple(resolve(pads)))
        return cnn_ref.conv2d_forward(padded, w, b, stride, 0)
    return compute


def _bias_per_channel(x, w, b=None, stride=1, padding=0):
    # `+ b[f]` inside the loop over input channels adds the bias C times.
    out = cnn_ref.conv2d_forward(x, w, b, stride, padding)
    return out if b is None else out + (np.shape(w)[1] - 1) * np.asarray(b)[:, None, None]


def _last_channel_only(x, w, b=None, stride=1, padding=0):
    # `out[...] = ...` instead of `+=` inside the loop over input channels: the last one survives.
    return cnn_ref.conv2d_forward(np.asarray(x)[:, -1:], np.asarray(w)[:, -1:], b, stride, padding)


def _stride_one_cropped(x, w, b=None, stride=1, padding=0):
    # The right output size, but window (i, j) taken at (i, j) instead of (i * stride, j * stride).
    oh, ow = cnn_ref.conv2d_forward(x, w, b, stride, padding).shape[2:]
    return cnn_ref.conv2d_forward(x, w, b, 1, padding)[:, :, :oh, :ow]


def _layer_side_swapped(axis):
    """conv2d_forward whose output width (axis -1) comes from the kernel's height, or its height
    (axis -2) from the kernel's width."""
    def compute(x, w, b=None, stride=1, padding=0):
        kernel, strides = np.shape(w)[2:], pair(stride, "stride", 1)
        pads = conv_padding(padding, kernel, strides)
        sides = tuple(zip(np.shape(x)[2:], map(sum, pads), strides))
        return _cut_to(cnn_ref.conv2d_forward(x, w, b, stride, padding), axis, _swapped_side(sides, kernel, axis))
    return compute


def _layer_reshaped_channels_last(x, w, b=None, stride=1, padding=0):
    # NCHW arrays reshaped (not transposed) to NHWC for channels-last code, its output reshaped back.
    pads = conv_padding(padding, np.shape(w)[2:], pair(stride, "stride", 1))
    padded = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0)) + tuple(pads))
    (n, c, h, width), (f, _, kh, kw) = padded.shape, np.shape(w)
    kernel = np.asarray(w).reshape(kh, kw, c, f).transpose(3, 2, 0, 1)
    out = cnn_ref.conv2d_forward(padded.reshape(n, h, width, c).transpose(0, 3, 1, 2), kernel, b, stride, 0)
    return out.transpose(0, 2, 3, 1).reshape(out.shape)


def _layer_padding_once(x, w, b=None, stride=1, padding=0):
    # (n + p - k) // s + 1 windows where (n + 2p - k) // s + 1 belong: the right output's first
    # ones (what padding the top and left only gives, for a padding that is a number).
    if isinstance(padding, str):
        raise ValueError("'same' and 'valid' are not counted from p")
    return _padded_layer(lambda pads: [(top, 0) for top, _ in pads])(x, w, b, stride, padding)


def _three_by_three(x, w, b=None, stride=1, padding=0):
    # Kernel taps looped over range(3) x range(3), the output size computed with 3: a 3 x 3 kernel
    # assumed (padded as the real kernel asks).
    pads = conv_padding(padding, np.shape(w)[2:], pair(stride, "stride", 1))
    if min(np.shape(w)[2:]) < 3:
        raise ValueError("the student's code indexes past the kernel")
    padded = np.pad(np.asarray(x), ((0, 0), (0, 0)) + tuple(pads))
    return cnn_ref.conv2d_forward(padded, np.asarray(w)[:, :, :3, :3], b, stride, 0)


CONV_LAYER = (
    Variant(Diagnosis.FLIPPED_KERNEL, lambda x, w, b=None, stride=1, padding=0:
            cnn_ref.conv2d_forward(x, np.asarray(w)[..., ::-1, ::-1], b, stride, padding)),
    Variant(Diagnosis.KERNEL_TRANSPOSED, lambda x, w, b=None, stride=1, padding=0:
            cnn_ref.conv2d_forward(x, np.asarray(w).transpose(0, 1, 3, 2), b, stride, padding)),
    Variant(Diagnosis.MISSING_BIAS, lambda x, w, b=None, stride=1, padding=0:
            cnn_ref.conv2d_forward(x, w, None, stride, padding)),
    Variant(Diagnosis.BIAS_REPEATED, _bias_per_channel),
    Variant(Diagnosis.NO_CHANNEL_SUM, _last_channel_only),
    # x read as (N, H, W, C), or the output written as (N, OH, OW, F).
    Variant(Diagnosis.CHANNELS_LAST, lambda x, w, b=None, stride=1, padding=0:
            cnn_ref.conv2d_forward(np.asarray(x).transpose(0, 3, 1, 2), w, b, stride, padding)),
    Variant(Diagnosis.CHANNELS_LAST, lambda x, w, b=None, stride=1, padding=0:
            cnn_ref.conv2d_forward(x, w, b, stride, padding).transpose(0, 2, 3, 1)),
    Variant(Diagnosis.CHANNELS_LAST, _layer_reshaped_channels_last),
    Variant(Diagnosis.STRIDE_IGNORED, lambda x, w, b=None, stride=1, padding=0:
            cnn_ref.conv2d_forward(x, w, b, 1, padding)),
    Variant(Diagnosis.STRIDE_IGNORED, _stride_one_cropped),
    Variant(Diagnosis.PADDING_IGNORED, _padded_layer(lambda pads: ((0, 0), (0, 0)))),
    # All the padding on the top / left, only the top / left padded, all of it on the bottom / right.
    Variant(Diagnosis.PADDING_ONE_SIDE, _padded_layer(lambda pads: [(top + bottom, 0) for top, bottom in pads])),
    Variant(Diagnosis.PADDING_ONE_SIDE, _padded_layer(lambda pads: [(top, 0) for top, _ in pads])),
    Variant(Diagnosis.PADDING_ONE_SIDE, _padded_layer(lambda pads: [(0, top + bottom) for top, bottom in pads])),
    # "same" split the other way, or k // 2 on both sides (one pixel too many for an even kernel);
    # both give the right pads for a symmetric int padding, so they apply to "same" only.
    Variant(Diagnosis.SAME_CENTERING, _padded_layer(lambda pads: [(bottom, top) for top, bottom in pads])),
    Variant(Diagnosis.SAME_CENTERING, _padded_layer(lambda pads: [((top + bottom + 1) // 2,) * 2
                                                          for top, bottom in pads])),
    Variant(Diagnosis.MISSING_PLUS_ONE, lambda x, w, b=None, stride=1, padding=0:
            cnn_ref.conv2d_forward(x, w, b, stride, padding)[:, :, :-1, :-1]),
    Variant(Diagnosis.PADDING_ONCE, _layer_padding_once),
    Variant(Diagnosis.INTEGER_OUTPUT, lambda x, w, b=None, stride=1, padding=0:
            _int_buffer(cnn_ref.conv2d_forward(x, w, b, stride, padding), x)),
    Variant(Diagnosis.HEIGHT_WIDTH_SWAP, _layer_side_swapped(-1)),
    Variant(Diagnosis.HEIGHT_WIDTH_SWAP, _layer_side_swapped(-2)),
    Variant(Diagnosis.HARD_CODED_SIZE, _three_by_three),
    Variant(Diagnosis.ALL_ZEROS, _zeros_of(cnn_ref.conv2d_forward)),
)


def _conv_matrix_missing_plus_one(k, input_shape):
    # One output row and column too few: (H - KH) * (W - KW) rows.
    matrix = cnn_ref.conv_matrix(k, input_shape)
    h, w = pair(input_shape, "input_shape", 1)
    oh, ow = h - np.shape(k)[0] + 1, w - np.shape(k)[1] + 1
    return matrix.reshape(oh, ow, -1)[:-1, :-1].reshape(-1, h * w)


# -------------------------------------------------------------------------------- conv2d_backward


def _flipped_backward(dx_flipped, dw_flipped):
    """conv2d_backward with dx and / or dw computed as for a layer that flips its kernel."""
    def compute(dout, x, w, b=None, stride=1, padding=0):
        dx, dw, db = cnn_ref.conv2d_backward(dout, x, w, b, stride, padding)
        flip_dx, flip_dw, _ = cnn_ref.conv2d_backward(dout, x, np.asarray(w)[..., ::-1, ::-1], b, stride,
                                                      padding)
        return (flip_dx if dx_flipped else dx), (flip_dw[..., ::-1, ::-1] if dw_flipped else dw), db
    return compute


def _db_reduced(axis):
    """conv2d_backward with db = dout summed over `axis` only."""
    def compute(dout, x, w, b=None, stride=1, padding=0):
        dx, dw, db = cnn_ref.conv2d_backward(dout, x, w, b, stride, padding)
        return dx, dw, None if b is None else np.asarray(dout).sum(axis=axis)
    return compute


def _backward_stride_ignored(dout, x, w, b=None, stride=1, padding=0):
    # Gradients routed through window (i, j) at (i, j) instead of (i * stride, j * stride): dout
    # fills the top-left corner of a stride-1 layer's output (the undilated "full convolution").
    dout = np.asarray(dout)
    spread = np.zeros(cnn_ref.conv2d_forward(x, w, None, 1, padding).shape)
    spread[:, :, :dout.shape[2], :dout.shape[3]] = dout
    return cnn_ref.conv2d_backward(spread, x, w, b, 1, padding)


def _backward_uncropped(dout, x, w, b=None, stride=1, padding=0):
    # dx of the padded input, the padding's border not cut off.
    _, dw, db = cnn_ref.conv2d_backward(dout, x, w, b, stride, padding)
    pads = conv_padding(padding, np.shape(w)[2:], pair(stride, "stride", 1))
    padded = np.pad(np.asarray(x), ((0, 0), (0, 0)) + pads)
    return cnn_ref.conv2d_backward(dout, padded, w, b, stride, 0)[0], dw, db


def _backward_cropped(crop):
    """conv2d_backward whose dx is the padded input's gradient cut by crop(pad) rows and columns on
    each side, in slices [crop:-crop]: -0 is 0, so a crop of 0 leaves an empty axis."""
    def compute(dout, x, w, b=None, stride=1, padding=0):
        _, dw, db = cnn_ref.conv2d_backward(dout, x, w, b, stride, padding)
        padded_dx = _backward_uncropped(dout, x, w, b, stride, padding)[0]
        (top, _), (left, _) = conv_padding(padding, np.shape(w)[2:], pair(stride, "stride", 1))
        return padded_dx[:, :, crop(top):-crop(top), crop(left):-crop(left)], dw, db
    return compute


def _backward_width_swapped(dout, x, w, b=None, stride=1, padding=0):
    # W_out from the kernel's height: the loops stop short of dout's last columns (db is summed over
    # all of dout).
    kernel, strides = np.shape(w)[2:], pair(stride, "stride", 1)
    sides = tuple(zip(np.shape(x)[2:], map(sum, conv_padding(padding, kernel, strides)), strides))
    kept = np.zeros(np.shape(dout))
    kept[..., :_swapped_side(sides, kernel, -1)] = 1
    if kept.all():
        raise ValueError("the student's loops run past dout")
    dx, dw, _ = cnn_ref.conv2d_backward(np.asarray(dout) * kept, x, w, b, stride, padding)
    return dx, dw, cnn_ref.conv2d_backward(dout, x, w, b, stride, padding)[2]


def _backward_int_buffers(dout, x, w, b=None, stride=1, padding=0):
    # dx = np.zeros_like(x) and dw = np.zeros_like(w): integer buffers when x or w holds ints.
    dx, dw, db = cnn_ref.conv2d_backward(dout, x, w, b, stride, padding)
    return _int_buffer(dx, x), _int_buffer(dw, w), db


# ---------------------------------------------------------------------------------------- pooling


def _pooled_as(computed):
    """pool2d computing the `computed` mode whatever mode was asked."""
    return lambda x, size, stride=None, mode="max": cnn_ref.pool2d(x, size, stride, computed)


def _l2_scaled(scale):
    """pool2d whose l2 mode returns scale(l2, window area) instead."""
    def compute(x, size, stride=None, mode="max"):
        out = cnn_ref.pool2d(x, size, stride, mode)
        return scale(out, math.prod(pair(size, "size", 1))) if mode == "l2" else out
    return compute


def _pool_stride_one_cropped(x, size, stride=None, mode="max"):
    # The right output size, but window (i, j) taken at (i, j) instead of (i * stride, j * stride).
    oh, ow = cnn_ref.pool2d(x, size, stride, mode).shape[2:]
    return cnn_ref.pool2d(x, size, 1, mode)[:, :, :oh, :ow]


def _pool_channels_last(x, size, stride=None, mode="max"):
    # x read as (N, H, W, C): the windows slide over the channel and height axes, output (N, H, W, C).
    return cnn_ref.pool2d(np.asarray(x).transpose(0, 3, 1, 2), size, stride, mode).transpose(0, 2, 3, 1)


def _pool_at(x, size, stride, mode, counts):
    """pool2d with counts = (rows, columns) windows, each reduced over what NumPy's slicing gives
    (fewer pixels for a window that runs past the input)."""
    x = np.asarray(x, dtype=float)
    (kh, kw), (sh, sw) = pair(size, "size", 1), pair(size if stride is None else stride, "stride", 1)
    reduce = {"max": np.max, "avg": np.mean, "sum": np.sum,
              "l2": lambda window, axis: np.sqrt(np.sum(window ** 2, axis=axis))}[mode]
    out = np.zeros(x.shape[:2] + tuple(counts))
    for i, j in np.ndindex(*counts):
        out[:, :, i, j] = reduce(x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw], axis=(2, 3))
    return out


def _pool_past_edge(x, size, stride=None, mode="max"):
    # Windows started at range(0, n, stride): past the last full one, partial windows at the edge.
    strides = pair(size if stride is None else stride, "stride", 1)
    return _pool_at(x, size, stride, mode, [len(range(0, n, s)) for n, s in zip(np.shape(x)[2:], strides)])


def _pool2d_ceil(x, size, stride=None, mode="max"):
    # ceil((n - k) / s) + 1 windows, the last one partial where it runs past the input.
    kernel, strides = pair(size, "size", 1), pair(size if stride is None else stride, "stride", 1)
    return _pool_at(x, size, stride, mode, [-(-(n - k) // s) + 1 for n, k, s in zip(np.shape(x)[2:], kernel, strides)])


def _pool_padded_to_multiple(x, size, stride=None, mode="max"):
    # Non-overlapping windows: the input zero-padded to a multiple of the window, then tiled.
    (kh, kw), (sh, sw) = pair(size, "size", 1), pair(size if stride is None else stride, "stride", 1)
    if (kh, kw) != (sh, sw):
        raise ValueError("applies to non-overlapping windows only")
    h, w = np.shape(x)[2:]
    return cnn_ref.pool2d(np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (0, -h % kh), (0, -w % kw))),
                          size, stride, mode)


def _pool_side_swapped(axis):
    """pool2d whose output width (axis -1) comes from the window's height, or its height (axis -2)
    from its width; windows past the input are partial."""
    def compute(x, size, stride=None, mode="max"):
        kernel, strides = pair(size, "size", 1), pair(size if stride is None else stride, "stride", 1)
        sides = np.shape(x)[2:]
        counts = [(n - k) // s + 1 for n, k, s in zip(sides, kernel, strides)]
        swapped = _swapped_side(tuple(zip(sides, (0, 0), strides)), kernel, axis)
        if swapped == counts[axis] or swapped < 1:
            raise ValueError("the same size")
        counts[axis] = swapped
        return _pool_at(x, size, stride, mode, counts)
    return compute


def _maxpool_backward_assigned(whole_window):
    """maxpool2d_backward that assigns (=) where it must add, window after window in row-major
    order: the whole window (its mask times dout, zeros included) when `whole_window`, else the
    maximum's position only. A maximum shared by several windows keeps the last one's gradient."""
    def compute(dout, x, size, stride=None):
        x, dout = np.asarray(x, dtype=float), np.asarray(dout, dtype=float)
        (kh, kw), (sh, sw) = pair(size, "size", 1), pair(size if stride is None else stride, "stride", 1)
        dx = np.zeros(x.shape)
        for i in range(dout.shape[2]):
            for j in range(dout.shape[3]):
                window = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                target = dx[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw]
                mask = window == window.max(axis=(2, 3), keepdims=True)
                gradient = np.broadcast_to(dout[:, :, i, j, None, None], mask.shape)
                if whole_window:
                    target[...] = mask * gradient
                else:
                    np.copyto(target, gradient, where=mask)
        return dx
    return compute


def _maxpool_backward_unravelled_square(dout, x, size, stride=None):
    # The window's argmax unravelled with (KH, KH) instead of (KH, KW).
    x, dout = np.asarray(x, dtype=float), np.asarray(dout, dtype=float)
    (kh, kw), (sh, sw) = pair(size, "size", 1), pair(size if stride is None else stride, "stride", 1)
    if kh == kw:
        raise ValueError("right for square windows")
    dx = np.zeros(x.shape)
    for n, c, i, j in np.ndindex(dout.shape):
        window = x[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
        row, column = np.unravel_index(np.argmax(window), (kh, kh))
        if i * sh + row >= x.shape[2] or j * sw + column >= x.shape[3]:
            raise ValueError("the student's code indexes past the input")
        dx[n, c, i * sh + row, j * sw + column] += dout[n, c, i, j]
    return dx


def _pool_reshaped_channels_last(x, size, stride=None, mode="max"):
    # x reshaped (not transposed) to (N, H, W, C) for channels-last code, its output reshaped back.
    n, c, h, w = np.shape(x)
    out = cnn_ref.pool2d(np.reshape(x, (n, h, w, c)).transpose(0, 3, 1, 2), size, stride, mode)
    return out.transpose(0, 2, 3, 1).reshape(out.shape)


def _global_pool(mode):
    """global_avg_pool computing a global `mode` pool instead."""
    return lambda x: cnn_ref.pool2d(x, np.shape(x)[2:], mode=mode)[:, :, 0, 0]


def _window_gradient(average):
    """maxpool2d_backward giving every position of a window its dout (divided by the window's area
    when `average`, which is avg pooling's gradient).

    It is the input gradient of a conv layer applied to each channel alone with a constant kernel.
    """
    def compute(dout, x, size, stride=None):
        n, c, h, w = np.shape(x)
        window = pair(size, "size", 1)
        kernel = np.full((1, 1) + window, 1 / math.prod(window) if average else 1.0)
        dout = np.asarray(dout)
        dx = cnn_ref.conv2d_backward(dout.reshape((n * c, 1) + dout.shape[2:]),
                                     np.reshape(x, (n * c, 1, h, w)), kernel, None,
                                     kernel.shape[2:] if stride is None else stride)[0]
        return dx.reshape(n, c, h, w)
    return compute


def _maxpool_backward_stride_ignored(dout, x, size, stride=None):
    # Gradients routed through window (i, j) at (i, j) instead of (i * stride, j * stride).
    dout = np.asarray(dout)
    spread = np.zeros(cnn_ref.pool2d(x, size, 1).shape)
    spread[:, :, :dout.shape[2], :dout.shape[3]] = dout
    return cnn_ref.maxpool2d_backward(spread, x, size, 1)


# ------------------------------------------------------------------------------ sizes and counts


def _side(n, kernel_span, stride, total_padding, rounding=math.floor):
    """An output side, (n + total_padding - kernel_span) / stride rounded by `rounding`, plus one."""
    return rounding(Fraction(n + total_padding - kernel_span, stride)) + 1


def _conv_side(rounding=math.floor, padding_times=2, span=lambda k, d: d * (k - 1) + 1):
    """conv_output_size with the division rounded by `rounding`, the padding counted `padding_times`
    and a kernel of dilation d spanning span(k, d) pixels."""
    return lambda n, kernel_size, stride=1, padding=0, dilation=1: _side(
        n, span(kernel_size, dilation), stride, padding_times * padding, rounding)


def _pool_side(rounding=None, padding_times=2):
    """pool_output_size rounded by `rounding` (floor or ceil as ceil_mode asks when None) and the
    padding counted `padding_times`, without torch's rule that drops a window starting past the input."""
    def compute(n, kernel_size, stride=None, padding=0, ceil_mode=False):
        stride = kernel_size if stride is None else stride
        chosen = rounding or (math.ceil if ceil_mode else math.floor)
        return _side(n, kernel_size, stride, padding_times * padding, chosen)
    return compute


def _half_up(fraction):
    """int(x + 0.5): rounds halves up, where Python's round() rounds them to the even neighbour."""
    return math.floor(fraction + Fraction(1, 2))


def _pool_rounded(rounding):
    """pool_output_size rounded to the nearest by `rounding` in floor mode (ceil mode as asked)."""
    def compute(n, kernel_size, stride=None, padding=0, ceil_mode=False):
        if ceil_mode:
            raise ValueError("applies to floor mode")
        return _pool_side(rounding=rounding)(n, kernel_size, stride, padding)
    return compute


def _rf_own_stride(layers):
    # Each layer's k - 1 scaled by the strides up to and including its own.
    field, jump = 1, 1
    for kernel, stride in layers:
        jump *= stride
        field += (kernel - 1) * jump
    return field


def _summary(**overrides):
    """summarize with some layer types computed by `overrides` (type -> (layer, shape) -> row)."""
    def compute(layers, input_shape):
        # The reference's layer table is read at each call, not at import: the students' wheel
        # records what these calls ask of it (authoring/student_wheel.py).
        table = {**sizes.LAYERS, **overrides}
        shape, rows = tuple(input_shape), []
        for layer in layers:
            shape, params = table[layer["type"]](layer, shape)
            rows.append((tuple(shape), params))
        return rows
    return compute


def _without_bias(kind):
    return lambda layer, shape: sizes.LAYERS[kind]({**layer, "bias": False}, shape)


def _minus_one(kind):
    """A layer whose output side lacks the + 1 (layers padded "same" keep their size)."""
    def row(layer, shape):
        (channels, h, w), params = sizes.LAYERS[kind](layer, shape)
        return ((channels, h, w) if layer.get("padding") == "same" else (channels, h - 1, w - 1)), params
    return row


def _conv_padding_once(layer, shape):
    # n + p instead of n + 2p: the same as an unpadded input p pixels larger.
    padding = layer.get("padding", 0)
    if isinstance(padding, str):
        return sizes.LAYERS["conv2d"](layer, shape)
    (ph, pw), (channels, h, w) = pair(padding, "padding", 0), shape
    return sizes.LAYERS["conv2d"]({**layer, "padding": 0}, (channels, h + ph, w + pw))


def _conv_without_in_channels(layer, shape):
    out, _ = sizes.LAYERS["conv2d"](layer, shape)
    return out, sizes.LAYERS["conv2d"](layer, (1,) + tuple(shape[1:]))[1]


def _pool_ceil(layer, shape):
    channels, h, w = shape
    kernel = pair(layer["size"], "size", 1)
    stride = kernel if layer.get("stride") is None else pair(layer["stride"], "stride", 1)
    sides = (cnn_ref.pool_output_size(n, k, s, ceil_mode=True) for n, k, s in zip((h, w), kernel, stride))
    return (channels, *sides), 0


def _kept_dims(layer, shape):
    return (shape[0], 1, 1), 0


def _dense_of_any_shape(layer, shape):
    # Takes (C, 1, 1) after global pooling as C features.
    return sizes.LAYERS["dense"](layer, (math.prod(shape),))


def _pool_stride_one(kind):
    return lambda layer, shape: sizes.LAYERS[kind]({**layer, "stride": layer.get("stride") or 1}, shape)


VARIANTS = {
    "conv1d": (
        Variant(Diagnosis.FLIPPED_KERNEL, lambda x, k, mode="full": cnn_ref.conv1d(x, np.asarray(k)[::-1], mode)),
        # "same" centred the other way, or padded on the left only, or on the right only.
        Variant(Diagnosis.SAME_CENTERING, _conv1d_same_from(lambda shorter: shorter // 2)),
        Variant(Diagnosis.SAME_CENTERING, _conv1d_same_from(lambda shorter: 0)),
        Variant(Diagnosis.SAME_CENTERING, _conv1d_same_from(lambda shorter: shorter - 1)),
        Variant(Diagnosis.MODE_IGNORED, lambda x, k, mode="full": cnn_ref.conv1d(x, k, "full")),
        Variant(Diagnosis.LONGER_KERNEL, _conv1d_kernel_shorter),
        Variant(Diagnosis.INTEGER_OUTPUT, lambda x, k, mode="full": _int_buffer(cnn_ref.conv1d(x, k, mode), x)),
        Variant(Diagnosis.ALL_ZEROS, _zeros_of(cnn_ref.conv1d)),
    ),
    "corr2d": (
        Variant(Diagnosis.FLIPPED_KERNEL, lambda x, k: cnn_ref.convolve2d(x, k, "valid")),
        Variant(Diagnosis.KERNEL_TRANSPOSED, lambda x, k: cnn_ref.corr2d(x, np.asarray(k).T)),
        Variant(Diagnosis.MISSING_PLUS_ONE, lambda x, k: cnn_ref.corr2d(x, k)[:-1, :-1]),
        Variant(Diagnosis.INTEGER_OUTPUT, lambda x, k: _int_buffer(cnn_ref.corr2d(x, k), x)),
        # The output width from the kernel's height, or the height from its width.
        Variant(Diagnosis.HEIGHT_WIDTH_SWAP, lambda x, k: _cut_to(cnn_ref.corr2d(x, k), -1,
                                                                   np.shape(x)[1] - np.shape(k)[0] + 1)),
        Variant(Diagnosis.HEIGHT_WIDTH_SWAP, lambda x, k: _cut_to(cnn_ref.corr2d(x, k), -2,
                                                                   np.shape(x)[0] - np.shape(k)[1] + 1)),
        Variant(Diagnosis.ALL_ZEROS, _zeros_of(cnn_ref.corr2d)),
    ),
    "convolve2d": (
        Variant(Diagnosis.FLIPPED_KERNEL, lambda x, k, mode="full":
                cnn_ref.convolve2d(x, np.asarray(k)[::-1, ::-1], mode)),
        # Unflipped, with "same" padded as a CNN layer pads it (scipy's correlate2d).
        Variant(Diagnosis.FLIPPED_KERNEL, lambda x, k, mode="full":
                _convolve2d_same_centering(x, np.asarray(k)[::-1, ::-1], mode)),
        Variant(Diagnosis.KERNEL_TRANSPOSED, lambda x, k, mode="full": cnn_ref.convolve2d(x, np.asarray(k).T, mode)),
        Variant(Diagnosis.SAME_CENTERING, _convolve2d_same_centering),
        Variant(Diagnosis.MODE_IGNORED, lambda x, k, mode="full": cnn_ref.convolve2d(x, k, "full")),
        Variant(Diagnosis.LONGER_KERNEL, _convolve2d_kernel_smaller),
        Variant(Diagnosis.INTEGER_OUTPUT, lambda x, k, mode="full": _int_buffer(cnn_ref.convolve2d(x, k, mode), x)),
        Variant(Diagnosis.ALL_ZEROS, _zeros_of(cnn_ref.convolve2d)),
    ),
    "conv2d_forward": CONV_LAYER,
    "conv2d_fast": CONV_LAYER,
    "conv_matrix": (
        Variant(Diagnosis.FLIPPED_KERNEL, lambda k, input_shape: cnn_ref.conv_matrix(np.asarray(k)[::-1, ::-1],
                                                                             input_shape)),
        Variant(Diagnosis.KERNEL_TRANSPOSED, lambda k, input_shape:
                cnn_ref.conv_matrix(np.asarray(k).T, input_shape)),
        Variant(Diagnosis.MATRIX_TRANSPOSED, lambda k, input_shape: cnn_ref.conv_matrix(k, input_shape).T),
        Variant(Diagnosis.MISSING_PLUS_ONE, _conv_matrix_missing_plus_one),
        Variant(Diagnosis.ALL_ZEROS, _zeros_of(cnn_ref.conv_matrix)),
    ),
    "conv2d_backward": (
        Variant(Diagnosis.FLIPPED_KERNEL, _flipped_backward(dx_flipped=True, dw_flipped=False)),
        Variant(Diagnosis.FLIPPED_KERNEL, _flipped_backward(dx_flipped=False, dw_flipped=True)),
        Variant(Diagnosis.FLIPPED_KERNEL, _flipped_backward(dx_flipped=True, dw_flipped=True)),
        Variant(Diagnosis.MISSING_BIAS, lambda dout, x, w, b=None, stride=1, padding=0:
                cnn_ref.conv2d_backward(dout, x, w, None, stride, padding)),
        Variant(Diagnosis.DB_NOT_SUMMED, _db_reduced(axis=(2, 3))),
        Variant(Diagnosis.DB_NOT_SUMMED, _db_reduced(axis=0)),
        # db[f] = dout[i, f].sum() inside the loop over images: the last image's sum is left.
        Variant(Diagnosis.DB_NOT_SUMMED, lambda dout, x, w, b=None, stride=1, padding=0:
                cnn_ref.conv2d_backward(dout, x, w, b, stride, padding)[:2]
                + ((None,) if b is None else (np.asarray(dout)[-1].sum(axis=(1, 2)),))),
        Variant(Diagnosis.STRIDE_IGNORED, _backward_stride_ignored),
        Variant(Diagnosis.PADDING_NOT_CROPPED, _backward_uncropped),
        Variant(Diagnosis.INTEGER_OUTPUT, _backward_int_buffers),
        Variant(Diagnosis.ZERO_PADDING_CROP, _backward_cropped(lambda pad: pad)),
        # A crop of [1:-1] whatever the padding.
        Variant(Diagnosis.HARD_CODED_SIZE, _backward_cropped(lambda pad: 1)),
        Variant(Diagnosis.HEIGHT_WIDTH_SWAP, _backward_width_swapped),
        Variant(Diagnosis.ALL_ZEROS, _zeros_of(cnn_ref.conv2d_backward, part=0)),
    ),
    "pool2d": (
        Variant(Diagnosis.POOL_STRIDE_IGNORED, lambda x, size, stride=None, mode="max":
                cnn_ref.pool2d(x, size, 1, mode)),
        Variant(Diagnosis.POOL_STRIDE_IGNORED, _pool_stride_one_cropped),
        *(Variant(Diagnosis.POOL_MODE_SWAPPED, _pooled_as(mode)) for mode in POOL_MODES),
        Variant(Diagnosis.L2_NO_SQRT, _l2_scaled(lambda out, area: out ** 2)),
        Variant(Diagnosis.L2_MEAN, _l2_scaled(lambda out, area: out / math.sqrt(area))),
        Variant(Diagnosis.CHANNELS_LAST, _pool_channels_last),
        Variant(Diagnosis.CHANNELS_LAST, _pool_reshaped_channels_last),
        Variant(Diagnosis.MISSING_PLUS_ONE, lambda x, size, stride=None, mode="max":
                cnn_ref.pool2d(x, size, stride, mode)[:, :, :-1, :-1]),
        Variant(Diagnosis.INTEGER_OUTPUT, lambda x, size, stride=None, mode="max":
                _int_buffer(cnn_ref.pool2d(x, size, stride, mode), x)),
        Variant(Diagnosis.CEIL_FLOOR, _pool2d_ceil),
        Variant(Diagnosis.WINDOW_PAST_EDGE, _pool_past_edge),
        Variant(Diagnosis.WINDOW_PAST_EDGE, _pool_padded_to_multiple),
        Variant(Diagnosis.HEIGHT_WIDTH_SWAP, _pool_side_swapped(-1)),
        Variant(Diagnosis.HEIGHT_WIDTH_SWAP, _pool_side_swapped(-2)),
        Variant(Diagnosis.ALL_ZEROS, _zeros_of(cnn_ref.pool2d)),
    ),
    "global_avg_pool": (
        Variant(Diagnosis.CHANNELS_LAST, lambda x: cnn_ref.global_avg_pool(np.asarray(x).transpose(0, 3, 1, 2))),
        Variant(Diagnosis.KEPT_DIMS, lambda x: cnn_ref.global_avg_pool(x)[:, :, None, None]),
        Variant(Diagnosis.POOL_MODE_SWAPPED, _global_pool("max")),
        Variant(Diagnosis.POOL_MODE_SWAPPED, _global_pool("sum")),
        Variant(Diagnosis.INTEGER_OUTPUT, lambda x: _int_buffer(cnn_ref.global_avg_pool(x), x)),
        Variant(Diagnosis.ALL_ZEROS, _zeros_of(cnn_ref.global_avg_pool)),
    ),
    "maxpool2d_backward": (
        Variant(Diagnosis.POOL_MODE_SWAPPED, _window_gradient(average=True)),
        Variant(Diagnosis.MAX_NOT_ROUTED, _window_gradient(average=False)),
        Variant(Diagnosis.POOL_STRIDE_IGNORED, _maxpool_backward_stride_ignored),
        Variant(Diagnosis.INTEGER_OUTPUT, lambda dout, x, size, stride=None:
                _int_buffer(cnn_ref.maxpool2d_backward(dout, x, size, stride), x)),
        Variant(Diagnosis.OVERLAP_ASSIGN, _maxpool_backward_assigned(whole_window=True)),
        Variant(Diagnosis.OVERLAP_ASSIGN, _maxpool_backward_assigned(whole_window=False)),
        Variant(Diagnosis.HEIGHT_WIDTH_SWAP, _maxpool_backward_unravelled_square),
        Variant(Diagnosis.ALL_ZEROS, _zeros_of(cnn_ref.maxpool2d_backward)),
    ),
    "conv_output_size": (
        Variant(Diagnosis.MISSING_PLUS_ONE, lambda n, kernel_size, stride=1, padding=0, dilation=1:
                cnn_ref.conv_output_size(n, kernel_size, stride, padding, dilation) - 1),
        # (n + 2p - k + 1) // s: the + 1 inside the division, right for stride 1 only.
        Variant(Diagnosis.MISSING_PLUS_ONE, lambda n, kernel_size, stride=1, padding=0, dilation=1:
                (n + 2 * padding - dilation * (kernel_size - 1)) // stride),
        Variant(Diagnosis.PADDING_ONCE, _conv_side(padding_times=1)),
        Variant(Diagnosis.NO_FLOOR, _conv_side(rounding=float)),
        Variant(Diagnosis.ROUND_NOT_FLOOR, _conv_side(rounding=round)),
        Variant(Diagnosis.ROUND_NOT_FLOOR, _conv_side(rounding=_half_up)),
        Variant(Diagnosis.CEIL_FLOOR, _conv_side(rounding=math.ceil)),
        Variant(Diagnosis.STRIDE_IGNORED, lambda n, kernel_size, stride=1, padding=0, dilation=1:
                cnn_ref.conv_output_size(n, kernel_size, 1, padding, dilation)),
        Variant(Diagnosis.DILATION_IGNORED, lambda n, kernel_size, stride=1, padding=0, dilation=1:
                cnn_ref.conv_output_size(n, kernel_size, stride, padding, 1)),
        # A dilated kernel taken to span d * k pixels instead of d * (k - 1) + 1.
        Variant(Diagnosis.DILATION_SPAN, _conv_side(span=lambda k, d: d * k)),
    ),
    "pool_output_size": (
        Variant(Diagnosis.CEIL_FLOOR, lambda n, kernel_size, stride=None, padding=0, ceil_mode=False:
                cnn_ref.pool_output_size(n, kernel_size, stride, padding, not ceil_mode)),
        # ceil_mode ignored: always floor.
        Variant(Diagnosis.CEIL_FLOOR, _pool_side(rounding=math.floor)),
        Variant(Diagnosis.CEIL_LAST_WINDOW, _pool_side()),
        Variant(Diagnosis.MISSING_PLUS_ONE, lambda n, kernel_size, stride=None, padding=0, ceil_mode=False:
                cnn_ref.pool_output_size(n, kernel_size, stride, padding, ceil_mode) - 1),
        Variant(Diagnosis.POOL_STRIDE_IGNORED, lambda n, kernel_size, stride=None, padding=0, ceil_mode=False:
                cnn_ref.pool_output_size(n, kernel_size, 1, padding, ceil_mode)),
        Variant(Diagnosis.PADDING_ONCE, _pool_side(padding_times=1)),
        Variant(Diagnosis.NO_FLOOR, _pool_side(rounding=float)),
        Variant(Diagnosis.ROUND_NOT_FLOOR, _pool_rounded(round)),
        Variant(Diagnosis.ROUND_NOT_FLOOR, _pool_rounded(_half_up)),
    ),
    "conv2d_params": (
        Variant(Diagnosis.MISSING_BIAS_PARAMS, lambda in_channels, out_channels, kernel_size, bias=True:
                cnn_ref.conv2d_params(in_channels, out_channels, kernel_size, False)),
        Variant(Diagnosis.MISSING_IN_CHANNELS, lambda in_channels, out_channels, kernel_size, bias=True:
                cnn_ref.conv2d_params(1, out_channels, kernel_size, bias)),
        # k where k * k belongs: the count of a k x 1 kernel (an int kernel_size only).
        Variant(Diagnosis.SIDE_FOR_AREA, lambda in_channels, out_channels, kernel_size, bias=True:
                cnn_ref.conv2d_params(in_channels, out_channels, (kernel_size, 1), bias)),
    ),
    "dense_params": (
        Variant(Diagnosis.MISSING_BIAS_PARAMS, lambda in_features, out_features, bias=True:
                cnn_ref.dense_params(in_features, out_features, False)),
    ),
    "conv2d_mults": (
        Variant(Diagnosis.MISSING_IN_CHANNELS, lambda in_channels, out_channels, kernel_size, output_size:
                cnn_ref.conv2d_mults(1, out_channels, kernel_size, output_size)),
        Variant(Diagnosis.MISSING_OUT_CHANNELS, lambda in_channels, out_channels, kernel_size, output_size:
                cnn_ref.conv2d_mults(in_channels, 1, kernel_size, output_size)),
        # k or n where k * k or n * n belongs (int kernel_size or output_size only).
        Variant(Diagnosis.SIDE_FOR_AREA, lambda in_channels, out_channels, kernel_size, output_size:
                cnn_ref.conv2d_mults(in_channels, out_channels, (kernel_size, 1), output_size)),
        Variant(Diagnosis.SIDE_FOR_AREA, lambda in_channels, out_channels, kernel_size, output_size:
                cnn_ref.conv2d_mults(in_channels, out_channels, kernel_size, (output_size, 1))),
    ),
    "receptive_field": (
        Variant(Diagnosis.RF_STRIDE_IGNORED, lambda layers: cnn_ref.receptive_field([(k, 1) for k, _ in layers])),
        Variant(Diagnosis.RF_OWN_STRIDE, _rf_own_stride),
        Variant(Diagnosis.RF_KERNEL_SUM, lambda layers: sum(k for k, _ in layers)),
    ),
    "summarize": (
        Variant(Diagnosis.MISSING_BIAS_PARAMS, _summary(conv2d=_without_bias("conv2d"),
                                                dense=_without_bias("dense"))),
        Variant(Diagnosis.MISSING_BIAS_PARAMS, _summary(conv2d=_without_bias("conv2d"))),
        Variant(Diagnosis.MISSING_BIAS_PARAMS, _summary(dense=_without_bias("dense"))),
        Variant(Diagnosis.MISSING_IN_CHANNELS, _summary(conv2d=_conv_without_in_channels)),
        Variant(Diagnosis.MISSING_PLUS_ONE, _summary(conv2d=_minus_one("conv2d"), maxpool2d=_minus_one("maxpool2d"),
                                             avgpool2d=_minus_one("avgpool2d"))),
        Variant(Diagnosis.PADDING_ONCE, _summary(conv2d=_conv_padding_once)),
        Variant(Diagnosis.POOL_STRIDE_IGNORED, _summary(maxpool2d=_pool_stride_one("maxpool2d"),
                                                avgpool2d=_pool_stride_one("avgpool2d"))),
        Variant(Diagnosis.CEIL_FLOOR, _summary(maxpool2d=_pool_ceil, avgpool2d=_pool_ceil)),
        Variant(Diagnosis.KEPT_DIMS, _summary(globalavgpool=_kept_dims, dense=_dense_of_any_shape)),
        # Running mean and variance counted as trainable parameters.
        Variant(Diagnosis.BATCHNORM_RUNNING_STATS, _summary(batchnorm=lambda layer, shape: (shape, 4 * shape[0]))),
    ),
}



def is_integer(value):
    return (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))) or (
        isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iu")


def _matches(value, wrong):
    """True when `value` is what a variant returned: arrays within the grader's tolerance, ints exactly,
    floats closely, tuples and lists element by element."""
    if isinstance(wrong, np.ndarray):
        # An integer array (integer-output) matches integer arrays only: its values may be right.
        return same_array(value, wrong) and (wrong.dtype.kind not in "iu" or value.dtype.kind in "iu")
    if isinstance(wrong, (tuple, list)):
        return (isinstance(value, (tuple, list)) and len(value) == len(wrong)
                and all(_matches(part, wrong_part) for part, wrong_part in zip(value, wrong)))
    if wrong is None:
        return value is None
    if isinstance(wrong, float):
        return isinstance(value, (float, np.floating)) and math.isclose(value, wrong, rel_tol=1e-6)
    return is_integer(value) and int(value) == wrong


# NumPy names that NumPy 2 removed (the 1.24 and 2.0 release notes), as `module 'numpy' has no
# attribute 'NAME'` names them; np.lib.pad is `module 'numpy.lib' has no attribute 'pad'`.
REMOVED_NUMPY = frozenset({
    "float", "int", "bool", "object", "str", "complex", "long", "unicode", "float_", "complex_", "string_",
    "unicode_", "product", "cumproduct", "alltrue", "sometrue", "asfarray", "round_", "msort", "mat", "NaN",
    "Inf", "Infinity", "infty", "NINF", "PINF", "NZERO", "PZERO", "cfloat", "clongfloat", "longcomplex",
    "longfloat", "singlecomplex", "issubclass_", "find_common_type", "cast", "source", "lookfor", "who",
    "deprecate", "safe_eval", "set_string_function", "pad"})
_MISSING_NAME = re.compile(r"module 'numpy(?:\.\w+)*' has no attribute '(\w+)'")
_EMPTY_TARGET = re.compile(r"into shape \(([^)]*\b0\b[^)]*)\)")
_INTEGER_CAST = re.compile(r"Cannot cast ufunc '\w+' output from dtype\('float\d+'\) to dtype\('u?int\d+'\)")
_DOUT_INDEX = re.compile(r"index (\d+) is out of bounds for axis ([23]) with size (\d+)")


def diagnose_crash(function, args, kwargs, exception, message):
    """Ids that a raised exception names, from its class names (most derived first), the student's
    traceback `message` and the call; only what the traceback and the call together show."""
    found = []
    facts = case_facts(function, args, kwargs)
    removed = _MISSING_NAME.search(message)
    if "AttributeError" in exception and removed and removed.group(1) in REMOVED_NUMPY:
        found.append(Diagnosis.REMOVED_API)
    # An assert (or, in a size function, a ValueError of its own) on valid arguments whose stride
    # does not divide: the code refuses what the reference computes.
    dividing = {"a stride that does not divide the padded input size", "a stride that does not divide the span",
                "a side that the windows do not tile exactly"}
    if facts & dividing and ("AssertionError" in exception or (
            "ValueError" in exception and function in ("conv_output_size", "pool_output_size"))):
        found.append(Diagnosis.DIVISIBILITY_ASSUMED)
    # A padded copy built only when p > 0 (a name left unbound), or filled through x[p:-p] (empty).
    if "padding 0" in facts and ("UnboundLocalError" in exception or "NameError" in exception or (
            "ValueError" in exception and _EMPTY_TARGET.search(message))):
        found.append(Diagnosis.ZERO_PADDING_CROP)
    # `dx += ...` into a buffer made by np.zeros_like of an integer input: NumPy refuses the cast.
    if "integer inputs" in facts and _INTEGER_CAST.search(message):
        found.append(Diagnosis.INTEGER_OUTPUT)
    # dout indexed one past its last row or column, with a square window (so no height / width
    # mix-up can explain it): a window started past the last full one.
    past = _DOUT_INDEX.search(message)
    if (function == "maxpool2d_backward" and "IndexError" in exception and past and "a square window" in facts
            and int(past.group(1)) == int(past.group(3)) == np.shape(args[0])[int(past.group(2))]):
        found.append(Diagnosis.WINDOW_PAST_EDGE)
    return found


def telling_variants(function, args, kwargs):
    """[(index in VARIANTS[function], output)] of the variants whose output for (args, kwargs)
    differs from the correct result: those that a right answer refutes and a wrong one may match.
    Variants that raise on these inputs are left out."""
    if function not in VARIANTS:
        return []
    telling = []
    with np.errstate(all="ignore"):
        try:
            correct = getattr(cnn_ref, function)(*args, **kwargs)
        except Exception:  # inputs the reference rejects: nothing to tell
            return []
        for index, variant in enumerate(VARIANTS[function]):
            try:
                wrong = variant.compute(*args, **kwargs)
                if not _matches(correct, wrong):
                    telling.append((index, wrong))
            except Exception:  # the variant does not apply to these inputs
                continue
    return telling


def matching_variants(function, args, kwargs, value):
    """Indices in VARIANTS[function] of the variants whose (wrong) output for the call is `value`."""
    return [index for index, wrong in telling_variants(function, args, kwargs) if _matches(value, wrong)]


def diagnose(function, args, kwargs, value):
    """Ids of the variants of `function` whose output for (args, kwargs) matches `value`.

    Variants that raise on these inputs, or give the correct result for them, are skipped.
    """
    return list(dict.fromkeys(VARIANTS[function][index].diagnosis
                              for index in matching_variants(function, args, kwargs, value)))
