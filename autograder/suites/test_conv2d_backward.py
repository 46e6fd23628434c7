"""Hidden tests of conv2d_backward: (dx, dw, db) of a convolution layer, as torch autograd."""
import cnn_ref
from autograder.expect import expect_close, expect_unchanged

NAMES = ("dx", "dw", "db")


def _case(rng, bias=True, stride=1, padding=0, kernel=None, size=None, dtype="float64"):
    """Random dout, x, w, b (None without bias) for one layer: C, F >= 2, H != W, KH != KW."""
    n, c, f = 2, int(rng.integers(2, 4)), int(rng.integers(2, 4))
    if size is None:
        h = int(rng.integers(6, 9))
        size = (h, h + int(rng.integers(1, 3)))
    if kernel is None:
        kh = int(rng.integers(2, 4))
        kernel = (kh, kh + 1) if rng.random() < 0.5 else (kh + 1, kh)
    x = rng.normal(size=(n, c, *size)).astype(dtype)
    w = rng.normal(size=(f, c, *kernel)).astype(dtype)
    b = rng.normal(size=f).astype(dtype) if bias else None
    out_shape = cnn_ref.conv2d_forward(x, w, b, stride=stride, padding=padding).shape
    dout = rng.normal(size=out_shape).astype(dtype)
    return dout, x, w, b


def test_no_bias_defaults(student, rng):
    """no bias (db must be None), default stride and padding"""
    dout, x, w, _ = _case(rng, bias=False)
    expect_close(student.conv2d_backward(dout, x, w), cnn_ref.conv2d_backward(dout, x, w), names=NAMES)


def test_bias(student, rng):
    """with a bias, default stride and padding"""
    dout, x, w, b = _case(rng)
    expect_close(student.conv2d_backward(dout, x, w, b), cnn_ref.conv2d_backward(dout, x, w, b),
                 names=NAMES)


def test_stride_and_padding_ints(student, rng):
    """stride 2, padding 1 (ints), with a bias"""
    dout, x, w, b = _case(rng, stride=2, padding=1)
    expect_close(student.conv2d_backward(dout, x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_backward(dout, x, w, b, stride=2, padding=1), names=NAMES)


def test_stride_and_padding_pairs(student, rng):
    """stride and padding as different (h, w) pairs, with a bias"""
    stride = (2, 1) if rng.random() < 0.5 else (1, 2)
    padding = (1, 2) if stride[0] == 2 else (2, 1)
    dout, x, w, b = _case(rng, stride=stride, padding=padding)
    expect_close(student.conv2d_backward(dout, x, w, b, stride=stride, padding=padding),
                 cnn_ref.conv2d_backward(dout, x, w, b, stride=stride, padding=padding), names=NAMES)


def test_stride_leaves_pixels_out(student, rng):
    """stride 3 with a 2x2 kernel: some input pixels are in no window (their dx is 0)"""
    h = 3 * int(rng.integers(2, 4)) + 1
    dout, x, w, b = _case(rng, stride=3, kernel=(2, 2), size=(h, h + 3))
    expect_close(student.conv2d_backward(dout, x, w, b, stride=3),
                 cnn_ref.conv2d_backward(dout, x, w, b, stride=3), names=NAMES)


def test_float32(student, rng):
    """float32 inputs, stride 2, padding 1, with a bias"""
    dout, x, w, b = _case(rng, stride=2, padding=1, dtype="float32")
    expect_close(student.conv2d_backward(dout, x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_backward(dout, x, w, b, stride=2, padding=1), names=NAMES)


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged"""
    dout, x, w, b = _case(rng, padding=1)
    expect_unchanged(student.conv2d_backward(dout, x, w, b, stride=1, padding=1))
