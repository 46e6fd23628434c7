"""Hidden tests of conv2d_forward: a convolution layer over NCHW inputs, as torch.nn.functional.conv2d.

conv2d_fast has the same contract: its suite imports most of these tests and runs them on its own
`layer` fixture.
"""
import pytest

import cnn_ref
from autograder.expect import expect_close, expect_unchanged


@pytest.fixture
def layer(student):
    """The student's function under test."""
    return student.conv2d_forward


def _layer(rng, kernel=None, bias=True, dtype="float64"):
    """Random x (N, C, H, W), w (F, C, KH, KW) and b (F,) or None: C, F >= 2, H != W, KH != KW."""
    n, c, f = 2, int(rng.integers(2, 4)), int(rng.integers(2, 5))
    h = int(rng.integers(6, 9))
    w = h + int(rng.integers(1, 3))
    if kernel is None:
        kh = int(rng.integers(2, 4))
        kernel = (kh, kh + 1) if rng.random() < 0.5 else (kh + 1, kh)
    x = rng.normal(size=(n, c, h, w)).astype(dtype)
    weights = rng.normal(size=(f, c, *kernel)).astype(dtype)
    b = rng.normal(size=f).astype(dtype) if bias else None
    return x, weights, b


def test_no_bias_defaults(layer, rng):
    """no bias, default stride and padding, 2+ input channels and filters"""
    x, w, _ = _layer(rng, bias=False)
    expect_close(layer(x, w), cnn_ref.conv2d_forward(x, w))


def test_bias(layer, rng):
    """with a bias, default stride and padding"""
    x, w, b = _layer(rng)
    expect_close(layer(x, w, b), cnn_ref.conv2d_forward(x, w, b))


def test_stride_and_padding_ints(layer, rng):
    """stride 2, padding 1 (ints), with a bias"""
    x, w, b = _layer(rng)
    expect_close(layer(x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_forward(x, w, b, stride=2, padding=1))


def test_stride_and_padding_pairs(layer, rng):
    """stride and padding as different (h, w) pairs"""
    x, w, b = _layer(rng)
    stride = (2, 1) if rng.random() < 0.5 else (1, 2)
    padding = (int(rng.integers(0, 2)), 2) if stride[0] == 2 else (2, int(rng.integers(0, 2)))
    expect_close(layer(x, w, b, stride=stride, padding=padding),
                 cnn_ref.conv2d_forward(x, w, b, stride=stride, padding=padding))


def test_same_padding_even_kernel(layer, rng):
    """padding "same" with an even kernel (2x4 or 4x2)"""
    x, w, b = _layer(rng, kernel=(2, 4) if rng.random() < 0.5 else (4, 2))
    expect_close(layer(x, w, b, padding="same"),
                 cnn_ref.conv2d_forward(x, w, b, padding="same"))


def test_same_padding_odd_kernel(layer, rng):
    """padding "same" with an odd 3x5 kernel, no bias"""
    x, w, _ = _layer(rng, kernel=(3, 5), bias=False)
    expect_close(layer(x, w, padding="same"),
                 cnn_ref.conv2d_forward(x, w, padding="same"))


def test_valid_padding(layer, rng):
    """padding "valid" and stride 2"""
    x, w, b = _layer(rng)
    expect_close(layer(x, w, b, stride=2, padding="valid"),
                 cnn_ref.conv2d_forward(x, w, b, stride=2, padding="valid"))


def test_one_by_one_kernel(layer, rng):
    """a 1x1 kernel with a bias (a per-pixel mix of channels)"""
    x, w, b = _layer(rng, kernel=(1, 1))
    expect_close(layer(x, w, b), cnn_ref.conv2d_forward(x, w, b))


def test_float32(layer, rng):
    """float32 inputs, stride 2, padding 1"""
    x, w, b = _layer(rng, dtype="float32")
    expect_close(layer(x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_forward(x, w, b, stride=2, padding=1))


def test_integer_image(layer, rng):
    """an integer image and integer weights (the result must be a float array)"""
    x, w, _ = _layer(rng, bias=False)
    x, w = rng.integers(0, 10, size=x.shape), rng.integers(-2, 3, size=w.shape)
    expect_close(layer(x, w, padding=1), cnn_ref.conv2d_forward(x, w, padding=1))


def test_inputs_unchanged(layer, rng):
    """leaves its input arrays unchanged"""
    x, w, b = _layer(rng)
    expect_unchanged(layer(x, w, b, stride=1, padding=1))
