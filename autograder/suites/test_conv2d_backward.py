"""Hidden tests of conv2d_backward: (dx, dw, db) of a convolution layer, as torch autograd.

Every test has the same case structure for every student (its shapes, strides and paddings are
written here: padding 0, 1, 2 and a pair; strides that divide and that do not); only the values
are drawn from `rng`.
"""
import cnn_ref
from autograder.expect import expect_close, expect_unchanged_and_right

NAMES = ("dx", "dw", "db")


def _case(rng, shape, kernel, filters, bias=True, stride=1, padding=0, dtype="float64"):
    """Random dout, x of `shape` (N, C, H, W), w (filters, C, *kernel), b (None without bias)."""
    x = rng.normal(size=shape).astype(dtype)
    w = rng.normal(size=(filters, shape[1], *kernel)).astype(dtype)
    b = rng.normal(size=filters).astype(dtype) if bias else None
    out_shape = cnn_ref.conv2d_forward(x, w, b, stride=stride, padding=padding).shape
    dout = rng.normal(size=out_shape).astype(dtype)
    return dout, x, w, b


def test_no_bias_defaults(student, rng):
    """no bias (db must be None), default stride and padding (padding 0)"""
    dout, x, w, _ = _case(rng, (2, 3, 7, 9), (3, 2), 2, bias=False)
    expect_close(student.conv2d_backward(dout, x, w), cnn_ref.conv2d_backward(dout, x, w), names=NAMES)


def test_bias(student, rng):
    """with a bias, default stride and padding (padding 0)"""
    dout, x, w, b = _case(rng, (2, 2, 6, 8), (2, 3), 3)
    expect_close(student.conv2d_backward(dout, x, w, b), cnn_ref.conv2d_backward(dout, x, w, b),
                 names=NAMES)


def test_stride_and_padding_ints(student, rng):
    """stride 2, padding 1 (ints), with a bias; the stride does not divide the padded size"""
    dout, x, w, b = _case(rng, (2, 3, 8, 11), (3, 4), 2, stride=2, padding=1)
    expect_close(student.conv2d_backward(dout, x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_backward(dout, x, w, b, stride=2, padding=1), names=NAMES)


def test_padding_two(student, rng):
    """stride 1, padding 2, with a bias"""
    dout, x, w, b = _case(rng, (2, 2, 6, 7), (3, 2), 3, padding=2)
    expect_close(student.conv2d_backward(dout, x, w, b, padding=2),
                 cnn_ref.conv2d_backward(dout, x, w, b, padding=2), names=NAMES)


def test_stride_and_padding_pairs(student, rng):
    """stride (2, 1) and padding (1, 2) as (h, w) pairs, with a bias"""
    dout, x, w, b = _case(rng, (2, 3, 7, 10), (3, 2), 2, stride=(2, 1), padding=(1, 2))
    expect_close(student.conv2d_backward(dout, x, w, b, stride=(2, 1), padding=(1, 2)),
                 cnn_ref.conv2d_backward(dout, x, w, b, stride=(2, 1), padding=(1, 2)), names=NAMES)


def test_stride_leaves_pixels_out(student, rng):
    """stride 3 with a 2x2 kernel: some input pixels are in no window (their dx is 0)"""
    dout, x, w, b = _case(rng, (2, 2, 7, 10), (2, 2), 2, stride=3)
    expect_close(student.conv2d_backward(dout, x, w, b, stride=3),
                 cnn_ref.conv2d_backward(dout, x, w, b, stride=3), names=NAMES)


def test_integer_inputs(student, rng):
    """an integer image and integer weights, padding 1 (the gradients must be float arrays)"""
    x, w = rng.integers(0, 10, size=(2, 2, 6, 7)), rng.integers(-2, 3, size=(2, 2, 2, 3))
    dout = rng.normal(size=cnn_ref.conv2d_forward(x, w, padding=1).shape)
    expect_close(student.conv2d_backward(dout, x, w, padding=1), cnn_ref.conv2d_backward(dout, x, w, padding=1),
                 names=NAMES)


def test_float32(student, rng):
    """float32 inputs, stride 2, padding 1, with a bias"""
    dout, x, w, b = _case(rng, (2, 2, 9, 8), (2, 3), 3, stride=2, padding=1, dtype="float32")
    expect_close(student.conv2d_backward(dout, x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_backward(dout, x, w, b, stride=2, padding=1), names=NAMES)


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged (and returns the right gradients)"""
    dout, x, w, b = _case(rng, (2, 3, 6, 8), (3, 2), 2, padding=1)
    expect_unchanged_and_right(student.conv2d_backward(dout, x, w, b, stride=1, padding=1),
                     cnn_ref.conv2d_backward(dout, x, w, b, stride=1, padding=1), names=NAMES)
