"""Hidden tests of maxpool2d_backward: dx of max pooling, as torch autograd (inputs have no ties)."""
import numpy as np

import cnn_ref
from autograder.expect import expect_close, expect_unchanged


def _case(rng, size, stride=None, dtype="float64"):
    """Random dout and x without ties: C >= 2, H != W, sides not all multiples of the window."""
    c, h = int(rng.integers(2, 4)), int(rng.integers(6, 10))
    shape = (2, c, h, h + int(rng.integers(1, 4)))
    # Distinct values, shuffled, so that every window has a single largest input.
    x = (rng.permutation(int(np.prod(shape))).reshape(shape) + rng.uniform(0.1, 0.9, size=shape)) / 10
    x = x.astype(dtype)
    dout = rng.normal(size=cnn_ref.pool2d(x, size, stride).shape).astype(dtype)
    return dout, x


def test_default_stride(student, rng):
    """size 2, no stride given (so stride = size); leftover rows or columns get no gradient"""
    dout, x = _case(rng, 2)
    expect_close(student.maxpool2d_backward(dout, x, 2), cnn_ref.maxpool2d_backward(dout, x, 2))


def test_overlapping_windows(student, rng):
    """size 3, stride 2: overlapping windows, whose gradients add up"""
    dout, x = _case(rng, 3, 2)
    expect_close(student.maxpool2d_backward(dout, x, 3, stride=2),
                 cnn_ref.maxpool2d_backward(dout, x, 3, stride=2))


def test_stride_larger_than_size(student, rng):
    """size 2, stride 3: gaps between the windows"""
    dout, x = _case(rng, 2, 3)
    expect_close(student.maxpool2d_backward(dout, x, 2, stride=3),
                 cnn_ref.maxpool2d_backward(dout, x, 2, stride=3))


def test_size_and_stride_pairs(student, rng):
    """size and stride as (h, w) pairs"""
    size = (2, 3) if rng.random() < 0.5 else (3, 2)
    stride = (size[0], 1) if rng.random() < 0.5 else (1, size[1])
    dout, x = _case(rng, size, stride)
    expect_close(student.maxpool2d_backward(dout, x, size, stride=stride),
                 cnn_ref.maxpool2d_backward(dout, x, size, stride=stride))


def test_float32(student, rng):
    """float32 inputs, size 2"""
    dout, x = _case(rng, 2, dtype="float32")
    expect_close(student.maxpool2d_backward(dout, x, 2), cnn_ref.maxpool2d_backward(dout, x, 2))


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged"""
    dout, x = _case(rng, 3, 2)
    expect_unchanged(student.maxpool2d_backward(dout, x, 3, stride=2))
