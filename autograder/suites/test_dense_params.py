"""Hidden tests of dense_params: in*out (+ out) trainable parameters."""
import cnn_ref
from autograder.expect import expect_int


def test_mnist_to_30_units(student, rng):
    """28x28 inputs to 30 units"""
    expect_int(student.dense_params(784, 30), cnn_ref.dense_params(784, 30))


def test_with_bias(student, rng):
    """random sizes, with bias (the default)"""
    n_in, n_out = int(rng.integers(10, 2000)), int(rng.integers(2, 300))
    expect_int(student.dense_params(n_in, n_out), cnn_ref.dense_params(n_in, n_out))


def test_no_bias(student, rng):
    """random sizes, bias=False"""
    n_in, n_out = int(rng.integers(10, 2000)), int(rng.integers(2, 300))
    expect_int(student.dense_params(n_in, n_out, bias=False), cnn_ref.dense_params(n_in, n_out, bias=False))
