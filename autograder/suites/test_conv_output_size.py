"""Hidden tests of conv_output_size: floor((n + 2p - d(k-1) - 1) / s) + 1, ValueError when out of range.

Every test has the same case structure for every student (which arguments are given, whether the
stride divides the span and by how much it misses); only the sizes are drawn from `rng`.
"""
import cnn_ref
from autograder.expect import expect_int, expect_value_error


def _draw(rng, low, high):
    return int(rng.integers(low, high + 1))


def test_defaults(student, rng):
    """only n and kernel_size given (stride 1, no padding, no dilation)"""
    n, k = _draw(rng, 8, 40), _draw(rng, 2, 7)
    expect_int(student.conv_output_size(n, k), cnn_ref.conv_output_size(n, k))


def test_stride_rounds_down(student, rng):
    """stride 3, which does not divide the span (2 left over: rounds down)"""
    k = _draw(rng, 2, 5)
    n = k + 3 * _draw(rng, 3, 8) + 2
    expect_int(student.conv_output_size(n, k, stride=3), cnn_ref.conv_output_size(n, k, stride=3))


def test_padding(student, rng):
    """padding 2 on both sides, stride 1"""
    n, k, p = _draw(rng, 8, 40), _draw(rng, 3, 7), 2
    expect_int(student.conv_output_size(n, k, padding=p), cnn_ref.conv_output_size(n, k, padding=p))


def test_dilation(student, rng):
    """a dilated kernel"""
    n, k, d = _draw(rng, 12, 40), _draw(rng, 2, 4), _draw(rng, 2, 3)
    expect_int(student.conv_output_size(n, k, dilation=d), cnn_ref.conv_output_size(n, k, dilation=d))


def test_all_arguments(student, rng):
    """stride 3 (which leaves 1 over), padding and dilation together"""
    k, p, d = _draw(rng, 2, 5), _draw(rng, 1, 3), _draw(rng, 2, 3)
    n = d * (k - 1) + 1 - 2 * p + 3 * _draw(rng, 5, 12) + 1
    expect_int(student.conv_output_size(n, k, stride=3, padding=p, dilation=d),
               cnn_ref.conv_output_size(n, k, stride=3, padding=p, dilation=d))


def test_kernel_larger_than_input(student, rng):
    """a kernel one larger than the input, without padding, raises ValueError"""
    n = _draw(rng, 2, 5)
    expect_value_error(student.conv_output_size(n, n + 1), "kernel_size")


def test_dilated_kernel_larger_than_input(student, rng):
    """a dilated kernel that spans more than the input raises ValueError"""
    n = _draw(rng, 4, 6)
    expect_value_error(student.conv_output_size(n, 3, dilation=n), "dilation")


def test_stride_zero(student, rng):
    """stride 0 raises ValueError"""
    n, k = _draw(rng, 8, 30), _draw(rng, 1, 5)
    expect_value_error(student.conv_output_size(n, k, stride=0), "stride")
