"""Hidden tests of conv2d_params: KH*KW*C_in*C_out (+ C_out) trainable parameters."""
import cnn_ref
from autograder.expect import expect_int


def _channels(rng):
    return int(rng.integers(2, 65)), int(rng.integers(2, 129))


def test_square_kernel(student, rng):
    """a square kernel given as an int, with bias (the default)"""
    (c_in, c_out), k = _channels(rng), int(rng.choice([3, 5, 7]))
    expect_int(student.conv2d_params(c_in, c_out, k), cnn_ref.conv2d_params(c_in, c_out, k))


def test_kernel_pair(student, rng):
    """a non-square kernel given as an (h, w) pair"""
    (c_in, c_out), kh = _channels(rng), int(rng.integers(2, 4))
    k = (kh, kh + int(rng.integers(1, 3)))
    expect_int(student.conv2d_params(c_in, c_out, k), cnn_ref.conv2d_params(c_in, c_out, k))


def test_no_bias(student, rng):
    """bias=False"""
    (c_in, c_out), k = _channels(rng), int(rng.choice([3, 5]))
    expect_int(student.conv2d_params(c_in, c_out, k, bias=False),
               cnn_ref.conv2d_params(c_in, c_out, k, bias=False))


def test_one_by_one_kernel(student, rng):
    """a 1x1 kernel"""
    c_in, c_out = _channels(rng)
    expect_int(student.conv2d_params(c_in, c_out, 1), cnn_ref.conv2d_params(c_in, c_out, 1))
