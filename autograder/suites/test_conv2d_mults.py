"""Hidden tests of conv2d_mults: C_out*C_in*KH*KW*OH*OW multiplications."""
import cnn_ref
from autograder.expect import expect_int


def _channels(rng):
    return int(rng.integers(2, 65)), int(rng.integers(2, 129))


def _pair(rng, low, high):
    """A non-square (h, w), h drawn from [low, high), w larger."""
    first = int(rng.integers(low, high))
    return first, first + int(rng.integers(1, 4))


def test_ints(student, rng):
    """a 3x3 kernel and the output size as ints"""
    (c_in, c_out), k, out = _channels(rng), 3, int(rng.integers(4, 33))
    expect_int(student.conv2d_mults(c_in, c_out, k, out), cnn_ref.conv2d_mults(c_in, c_out, k, out))


def test_kernel_pair(student, rng):
    """a non-square kernel as an (h, w) pair, output size as an int"""
    (c_in, c_out), k, out = _channels(rng), _pair(rng, 2, 4), int(rng.integers(4, 33))
    expect_int(student.conv2d_mults(c_in, c_out, k, out), cnn_ref.conv2d_mults(c_in, c_out, k, out))


def test_output_pair(student, rng):
    """a non-square output size as an (h, w) pair, kernel as an int"""
    (c_in, c_out), k, out = _channels(rng), 5, _pair(rng, 4, 30)
    expect_int(student.conv2d_mults(c_in, c_out, k, out), cnn_ref.conv2d_mults(c_in, c_out, k, out))


def test_both_pairs(student, rng):
    """kernel and output size both as (h, w) pairs"""
    (c_in, c_out), k, out = _channels(rng), _pair(rng, 2, 4), _pair(rng, 4, 30)
    expect_int(student.conv2d_mults(c_in, c_out, k, out), cnn_ref.conv2d_mults(c_in, c_out, k, out))
