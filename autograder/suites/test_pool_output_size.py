"""Hidden tests of pool_output_size: torch's pooling rule, ceil mode included, ValueError when out of range."""
import cnn_ref
from autograder.expect import expect_int, expect_value_error


def _draw(rng, low, high):
    return int(rng.integers(low, high + 1))


def _ceil_case(rng, dropped):
    """(n, k, s, p) where ceil mode gives one more window than floor mode, the last one starting
    inside the input (dropped=False), or where ceil mode's last window would start in the right
    padding and is dropped (dropped=True)."""
    while True:
        k = _draw(rng, 2, 4)
        s, p, n = _draw(rng, 2, 4), _draw(rng, 0, k // 2), _draw(rng, k, 20)
        span = n + 2 * p - k
        floor, ceil = span // s + 1, -(-span // s) + 1
        starts_in_padding = (ceil - 1) * s >= n + p
        if dropped and starts_in_padding:
            return n, k, s, p
        if not dropped and ceil > floor and not starts_in_padding:
            return n, k, s, p


def test_default_stride(student, rng):
    """no stride given (so stride = kernel_size), a side that is not a multiple of the window"""
    k = _draw(rng, 2, 4)
    n = k * _draw(rng, 3, 8) + _draw(rng, 1, k - 1)
    expect_int(student.pool_output_size(n, k), cnn_ref.pool_output_size(n, k))


def test_stride(student, rng):
    """an explicit stride smaller than the window"""
    k = _draw(rng, 3, 5)
    s, n = _draw(rng, 1, k - 1), _draw(rng, 10, 40)
    expect_int(student.pool_output_size(n, k, stride=s), cnn_ref.pool_output_size(n, k, stride=s))


def test_padding(student, rng):
    """padding on both sides"""
    k = _draw(rng, 2, 5)
    n, s, p = _draw(rng, 10, 40), _draw(rng, 1, 3), _draw(rng, 1, k // 2)
    expect_int(student.pool_output_size(n, k, stride=s, padding=p),
               cnn_ref.pool_output_size(n, k, stride=s, padding=p))


def test_ceil_mode(student, rng):
    """ceil_mode=True where it keeps one more window than floor mode"""
    n, k, s, p = _ceil_case(rng, dropped=False)
    expect_int(student.pool_output_size(n, k, stride=s, padding=p, ceil_mode=True),
               cnn_ref.pool_output_size(n, k, stride=s, padding=p, ceil_mode=True))


def test_ceil_mode_drops_window_in_padding(student, rng):
    """ceil_mode=True where the last window would start in the right padding"""
    n, k, s, p = _ceil_case(rng, dropped=True)
    expect_int(student.pool_output_size(n, k, stride=s, padding=p, ceil_mode=True),
               cnn_ref.pool_output_size(n, k, stride=s, padding=p, ceil_mode=True))


def test_kernel_larger_than_input(student, rng):
    """a window larger than the input without padding raises ValueError"""
    n = _draw(rng, 2, 5)
    expect_value_error(student.pool_output_size(n, n + _draw(rng, 1, 3)), "kernel_size")


def test_negative_padding(student, rng):
    """a negative padding raises ValueError"""
    k = _draw(rng, 2, 4)
    expect_value_error(student.pool_output_size(_draw(rng, 8, 30), k, stride=1, padding=-1), "padding")
