"""Hidden tests of conv2d_forward: a convolution layer over NCHW inputs, as torch.nn.functional.conv2d.

Every test has the same case structure for every student (its shapes, strides and paddings are
written here: which sides differ, which strides divide); only the values are drawn from `rng`.
conv2d_fast has the same contract: its suite imports most of these tests and runs them on its own
`layer` fixture.
"""
import pytest

import cnn_ref
from autograder.expect import expect_close, expect_unchanged_and_right


@pytest.fixture
def layer(student):
    """The student's function under test."""
    return student.conv2d_forward


def _layer(rng, shape, kernel, filters, bias=True, dtype="float64"):
    """Random x of `shape` (N, C, H, W), w (filters, C, *kernel) and b (filters,) or None."""
    x = rng.normal(size=shape).astype(dtype)
    weights = rng.normal(size=(filters, shape[1], *kernel)).astype(dtype)
    b = rng.normal(size=filters).astype(dtype) if bias else None
    return x, weights, b


def test_no_bias_defaults(layer, rng):
    """no bias, default stride and padding, 2+ input channels and filters"""
    x, w, _ = _layer(rng, (2, 3, 7, 9), (3, 2), 4, bias=False)
    expect_close(layer(x, w), cnn_ref.conv2d_forward(x, w))


def test_bias(layer, rng):
    """with a bias, default stride and padding"""
    x, w, b = _layer(rng, (2, 2, 6, 8), (2, 3), 3)
    expect_close(layer(x, w, b), cnn_ref.conv2d_forward(x, w, b))


def test_square_input_and_kernel(layer, rng):
    """a square input and a square 3x3 kernel, padding 1, with a bias"""
    x, w, b = _layer(rng, (2, 3, 7, 7), (3, 3), 2)
    expect_close(layer(x, w, b, padding=1), cnn_ref.conv2d_forward(x, w, b, padding=1))


def test_stride_and_padding_ints(layer, rng):
    """stride 2, padding 1 (ints), with a bias; the stride does not divide the padded size"""
    x, w, b = _layer(rng, (2, 3, 8, 11), (3, 4), 2)
    expect_close(layer(x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_forward(x, w, b, stride=2, padding=1))


def test_stride_and_padding_pairs(layer, rng):
    """stride (2, 1) and padding (1, 2) as (h, w) pairs"""
    x, w, b = _layer(rng, (2, 3, 7, 10), (3, 2), 3)
    expect_close(layer(x, w, b, stride=(2, 1), padding=(1, 2)),
                 cnn_ref.conv2d_forward(x, w, b, stride=(2, 1), padding=(1, 2)))


def test_same_padding_even_kernel(layer, rng):
    """padding "same" with an even 2x4 kernel"""
    x, w, b = _layer(rng, (2, 3, 6, 9), (2, 4), 2)
    expect_close(layer(x, w, b, padding="same"),
                 cnn_ref.conv2d_forward(x, w, b, padding="same"))


def test_same_padding_odd_kernel(layer, rng):
    """padding "same" with an odd 3x5 kernel, no bias"""
    x, w, _ = _layer(rng, (2, 2, 7, 8), (3, 5), 3, bias=False)
    expect_close(layer(x, w, padding="same"),
                 cnn_ref.conv2d_forward(x, w, padding="same"))


def test_valid_padding(layer, rng):
    """padding "valid" and stride 2 (a stride that divides)"""
    x, w, b = _layer(rng, (2, 3, 9, 12), (3, 2), 2)
    expect_close(layer(x, w, b, stride=2, padding="valid"),
                 cnn_ref.conv2d_forward(x, w, b, stride=2, padding="valid"))


def test_one_by_one_kernel(layer, rng):
    """a 1x1 kernel with a bias (a per-pixel mix of channels)"""
    x, w, b = _layer(rng, (2, 3, 5, 7), (1, 1), 4)
    expect_close(layer(x, w, b), cnn_ref.conv2d_forward(x, w, b))


def test_float32(layer, rng):
    """float32 inputs, stride 3, padding 1; the stride leaves one pixel over on each axis"""
    x, w, b = _layer(rng, (2, 2, 10, 8), (2, 3), 3, dtype="float32")
    expect_close(layer(x, w, b, stride=3, padding=1),
                 cnn_ref.conv2d_forward(x, w, b, stride=3, padding=1))


def test_integer_image(layer, rng):
    """an integer image and integer weights, padding 1 (the result must be a float array)"""
    x, w = rng.integers(0, 10, size=(2, 3, 6, 8)), rng.integers(-2, 3, size=(3, 3, 2, 3))
    expect_close(layer(x, w, padding=1), cnn_ref.conv2d_forward(x, w, padding=1))


def test_inputs_unchanged(layer, rng):
    """leaves its input arrays unchanged (and returns the right result)"""
    x, w, b = _layer(rng, (2, 3, 6, 8), (3, 2), 2)
    answer = layer(x, w, b, stride=1, padding=1)
    expect_unchanged_and_right(answer, cnn_ref.conv2d_forward(x, w, b, stride=1, padding=1))
