"""Hidden tests of pool_output_size: torch's pooling rule, ceil mode included, ValueError when out of range.

Every test has the same case structure for every student (which arguments are given, whether the
stride divides the span and by how much it misses, where ceil mode's last window starts); only the
sizes are drawn from `rng`.
"""
import cnn_ref
from autograder.expect import expect_int, expect_value_error


def _draw(rng, low, high):
    return int(rng.integers(low, high + 1))


def test_default_stride(student, rng):
    """no stride given (so stride = kernel_size 3), a side 2 more than a multiple of the window"""
    k = 3
    n = k * _draw(rng, 3, 8) + 2
    expect_int(student.pool_output_size(n, k), cnn_ref.pool_output_size(n, k))


def test_stride(student, rng):
    """an explicit stride 2, smaller than the window, which divides the span"""
    k, s = _draw(rng, 3, 5), 2
    n = k + s * _draw(rng, 4, 15)
    expect_int(student.pool_output_size(n, k, stride=s), cnn_ref.pool_output_size(n, k, stride=s))


def test_padding(student, rng):
    """size 5, padding 2 on both sides, stride 3, which leaves 1 over"""
    k, s, p = 5, 3, 2
    n = k - 2 * p + s * _draw(rng, 4, 12) + 1
    expect_int(student.pool_output_size(n, k, stride=s, padding=p),
               cnn_ref.pool_output_size(n, k, stride=s, padding=p))


def test_ceil_mode(student, rng):
    """ceil_mode=True, size 3, stride 2, padding 1, where it keeps one more window than floor mode"""
    n = 2 * _draw(rng, 4, 15)
    expect_int(student.pool_output_size(n, 3, stride=2, padding=1, ceil_mode=True),
               cnn_ref.pool_output_size(n, 3, stride=2, padding=1, ceil_mode=True))


def test_ceil_mode_drops_window_in_padding(student, rng):
    """ceil_mode=True, size 2, stride 2, padding 1, where the last window would start in the right padding"""
    n = 2 * _draw(rng, 4, 15) + 1
    expect_int(student.pool_output_size(n, 2, stride=2, padding=1, ceil_mode=True),
               cnn_ref.pool_output_size(n, 2, stride=2, padding=1, ceil_mode=True))


def test_kernel_larger_than_input(student, rng):
    """a window one larger than the input, without padding, raises ValueError"""
    n = _draw(rng, 2, 5)
    expect_value_error(student.pool_output_size(n, n + 1), "kernel_size")


def test_negative_padding(student, rng):
    """a negative padding raises ValueError"""
    k = _draw(rng, 2, 4)
    expect_value_error(student.pool_output_size(_draw(rng, 8, 30), k, stride=1, padding=-1), "padding")


def test_stride_zero(student, rng):
    """stride 0 raises ValueError"""
    k = _draw(rng, 2, 4)
    expect_value_error(student.pool_output_size(_draw(rng, 8, 30), k, stride=0), "stride")
