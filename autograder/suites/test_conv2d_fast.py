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


def test_speed(student, rng, settings, record_output):
    """speed: no Python loop over output pixels (judged by the Python lines run per pixel, never by time)"""
    # 3,072 output pixels (one image, 48 x 64, padding 1): a loop over them runs at least one line
    # per pixel, an im2col a few dozen lines in all. Fresh inputs, used by no other call, so that no
    # answer kept from an earlier call can stand in for the work.
    n, c, f, h, w, k = 1, 3, 8, 48, 64, 3
    x, weights, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f)
    expected = cnn_ref.conv2d_fast(x, weights, b, padding=1)
    answer = student.counted("conv2d_fast", x, weights, b, padding=1)
    expect_close(answer, expected)  # speed counts only for a right answer
    pixels = expected.shape[0] * expected.shape[2] * expected.shape[3]
    record_output(expect_fast(answer, pixels, full_lines=settings["full_lines_per_pixel"],
                              zero_lines=settings["zero_lines_per_pixel"]))
