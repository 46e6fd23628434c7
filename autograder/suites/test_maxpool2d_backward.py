"""Hidden tests of maxpool2d_backward: dx of max pooling, as torch autograd (inputs have no ties).

Every test has the same case structure for every student (shapes, windows and strides written
here; where windows overlap, some maxima are shared by several windows by construction); only the
values are drawn from `rng`.
"""
import numpy as np

import cnn_ref
from autograder.expect import expect_close, expect_unchanged_and_right
from cnn_ref._args import pair


def _case(rng, shape, size, stride=None, dtype="float64"):
    """Random dout and x of `shape` without ties. Where windows overlap, the element at (stride_h,
    stride_w) of every image and channel (in the overlap of the first windows) is made larger than
    all others, so that it is the maximum of several windows and their gradients add up there."""
    x = (rng.permutation(int(np.prod(shape))).reshape(shape) + rng.uniform(0.1, 0.9, size=shape)) / 10
    (kh, kw), (sh, sw) = pair(size, "size", 1), pair(size if stride is None else stride, "stride", 1)
    if sh < kh or sw < kw:
        row, column = (sh if sh < kh else 0), (sw if sw < kw else 0)
        x[:, :, row, column] = x.max() + 1 + rng.permutation(shape[0] * shape[1]).reshape(shape[:2])
    x = x.astype(dtype)
    dout = rng.normal(size=cnn_ref.pool2d(x, size, stride).shape).astype(dtype)
    return dout, x


def test_default_stride(student, rng):
    """size 2, no stride given (so stride = size); leftover rows and columns get no gradient"""
    dout, x = _case(rng, (2, 3, 7, 9), 2)
    expect_close(student.maxpool2d_backward(dout, x, 2), cnn_ref.maxpool2d_backward(dout, x, 2))


def test_overlapping_windows(student, rng):
    """size 3, stride 2: overlapping windows, some maxima shared by four windows (gradients add up)"""
    dout, x = _case(rng, (2, 2, 9, 11), 3, 2)
    expect_close(student.maxpool2d_backward(dout, x, 3, stride=2),
                 cnn_ref.maxpool2d_backward(dout, x, 3, stride=2))


def test_stride_larger_than_size(student, rng):
    """size 2, stride 3: gaps between the windows"""
    dout, x = _case(rng, (2, 3, 9, 10), 2, 3)
    expect_close(student.maxpool2d_backward(dout, x, 2, stride=3),
                 cnn_ref.maxpool2d_backward(dout, x, 2, stride=3))


def test_size_and_stride_pairs(student, rng):
    """a non-square 2x3 window, stride (2, 1): windows overlap along the width, maxima shared"""
    dout, x = _case(rng, (2, 3, 8, 9), (2, 3), (2, 1))
    expect_close(student.maxpool2d_backward(dout, x, (2, 3), stride=(2, 1)),
                 cnn_ref.maxpool2d_backward(dout, x, (2, 3), stride=(2, 1)))


def test_float32(student, rng):
    """float32 inputs, size 2"""
    dout, x = _case(rng, (2, 3, 8, 7), 2, dtype="float32")
    expect_close(student.maxpool2d_backward(dout, x, 2), cnn_ref.maxpool2d_backward(dout, x, 2))


def test_integer_image(student, rng):
    """an integer image without ties, size 2 (the gradient must be a float array)"""
    _, x = _case(rng, (2, 2, 6, 9), 2)
    x = (10 * x).astype(int)
    dout = rng.normal(size=cnn_ref.pool2d(x, 2).shape)
    expect_close(student.maxpool2d_backward(dout, x, 2), cnn_ref.maxpool2d_backward(dout, x, 2))


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged (and returns the right gradient)"""
    dout, x = _case(rng, (2, 2, 7, 9), 3, 2)
    expect_unchanged_and_right(student.maxpool2d_backward(dout, x, 3, stride=2),
                     cnn_ref.maxpool2d_backward(dout, x, 3, stride=2))
