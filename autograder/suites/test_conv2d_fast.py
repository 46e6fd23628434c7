"""Hidden tests of conv2d_fast: conv2d_forward's contract, and speed without a loop over pixels."""
import pytest

import cnn_ref
from autograder.expect import expect_close, expect_fast
from test_conv2d_forward import (test_bias, test_float32, test_inputs_unchanged,  # noqa: F401 (collected)
                                 test_no_bias_defaults, test_same_padding_even_kernel,
                                 test_stride_and_padding_ints, test_stride_and_padding_pairs,
                                 test_valid_padding)


@pytest.fixture
def layer(student):
    """The student's function under test: conv2d_forward's tests imported above run on it."""
    return student.conv2d_fast


def test_speed(student, rng, settings):
    """speed: no Python loop over output pixels (timed against a matrix product of the same size)"""
    # Many output pixels and few channels: a loop over pixels pays Python's overhead 3,000 times,
    # while one im2col product stays within a few times the bare matrix product.
    n, c, f, h, w, k = 2, 3, 8, 32, 48, 3
    x, weights, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f)
    # Speed counts only for a right answer.
    expect_close(student.conv2d_fast(x, weights, b, padding=1), cnn_ref.conv2d_fast(x, weights, b, padding=1))
    timing = student.timing("conv2d_fast", x, weights, b, padding=1, matmul=(n * h * w, c * k * k, f))
    expect_fast(timing, settings["full_speed_ratio"], settings["zero_speed_ratio"])
