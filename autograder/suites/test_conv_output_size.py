"""Hidden tests of conv_output_size: floor((n + 2p - d(k-1) - 1) / s) + 1, ValueError when out of range."""
import cnn_ref
from autograder.expect import expect_int, expect_value_error


def _draw(rng, low, high):
    return int(rng.integers(low, high + 1))


def test_defaults(student, rng):
    """only n and kernel_size given (stride 1, no padding, no dilation)"""
    n, k = _draw(rng, 8, 40), _draw(rng, 1, 7)
    expect_int(student.conv_output_size(n, k), cnn_ref.conv_output_size(n, k))


def test_stride_rounds_down(student, rng):
    """a stride that does not divide the span evenly (rounds down)"""
    s, k = _draw(rng, 2, 4), _draw(rng, 2, 5)
    n = k + s * _draw(rng, 3, 8) + _draw(rng, 1, s - 1)
    expect_int(student.conv_output_size(n, k, stride=s), cnn_ref.conv_output_size(n, k, stride=s))


def test_padding(student, rng):
    """padding on both sides, stride 1"""
    n, k, p = _draw(rng, 8, 40), _draw(rng, 3, 7), _draw(rng, 1, 3)
    expect_int(student.conv_output_size(n, k, padding=p), cnn_ref.conv_output_size(n, k, padding=p))


def test_dilation(student, rng):
    """a dilated kernel"""
    n, k, d = _draw(rng, 12, 40), _draw(rng, 2, 4), _draw(rng, 2, 3)
    expect_int(student.conv_output_size(n, k, dilation=d), cnn_ref.conv_output_size(n, k, dilation=d))


def test_all_arguments(student, rng):
    """stride, padding and dilation together"""
    n, k, s, p, d = _draw(rng, 15, 40), _draw(rng, 2, 5), _draw(rng, 2, 3), _draw(rng, 1, 3), _draw(rng, 2, 3)
    expect_int(student.conv_output_size(n, k, stride=s, padding=p, dilation=d),
               cnn_ref.conv_output_size(n, k, stride=s, padding=p, dilation=d))


def test_kernel_larger_than_input(student, rng):
    """a kernel larger than the input without padding raises ValueError"""
    n = _draw(rng, 2, 5)
    expect_value_error(student.conv_output_size(n, n + _draw(rng, 1, 3)), "kernel_size")


def test_stride_zero(student, rng):
    """stride 0 raises ValueError"""
    n, k = _draw(rng, 8, 30), _draw(rng, 1, 5)
    expect_value_error(student.conv_output_size(n, k, stride=0), "stride")
