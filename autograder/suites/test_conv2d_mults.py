"""Hidden tests of conv2d_mults: C_out*C_in*KH*KW*OH*OW multiplications."""
import cnn_ref
from autograder.expect import expect_int


def _channels(rng):
    return int(rng.integers(2, 65)), int(rng.integers(2, 129))


def _pair(rng, low, high):
    first = int(rng.integers(low, high))
    return first, first + int(rng.integers(1, 4))


def test_ints(student, rng):
    """kernel and output size as ints"""
    (c_in, c_out), k, out = _channels(rng), int(rng.choice([1, 3, 5])), int(rng.integers(4, 33))
    expect_int(student.conv2d_mults(c_in, c_out, k, out), cnn_ref.conv2d_mults(c_in, c_out, k, out))


def test_kernel_pair(student, rng):
    """a non-square kernel as an (h, w) pair, output size as an int"""
    (c_in, c_out), k, out = _channels(rng), _pair(rng, 1, 4), int(rng.integers(4, 33))
    expect_int(student.conv2d_mults(c_in, c_out, k, out), cnn_ref.conv2d_mults(c_in, c_out, k, out))


def test_output_pair(student, rng):
    """a non-square output size as an (h, w) pair, kernel as an int"""
    (c_in, c_out), k, out = _channels(rng), int(rng.choice([3, 5])), _pair(rng, 4, 30)
    expect_int(student.conv2d_mults(c_in, c_out, k, out), cnn_ref.conv2d_mults(c_in, c_out, k, out))


def test_both_pairs(student, rng):
    """kernel and output size both as (h, w) pairs"""
    (c_in, c_out), k, out = _channels(rng), _pair(rng, 1, 4), _pair(rng, 4, 30)
    expect_int(student.conv2d_mults(c_in, c_out, k, out), cnn_ref.conv2d_mults(c_in, c_out, k, out))
