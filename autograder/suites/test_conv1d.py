"""Hidden tests of conv1d: true 1-D convolution, as numpy.convolve, in the modes full, same and valid.

Lengths are written here, the same for every student; only the values are drawn from `rng`.
"""
import numpy as np

import cnn_ref
from autograder.expect import expect_close, expect_unchanged_and_right


def test_full_is_default(student, rng):
    """no mode given (so "full"), a signal longer than the kernel"""
    x, k = rng.normal(size=9), rng.normal(size=3)
    expect_close(student.conv1d(x, k), cnn_ref.conv1d(x, k))


def test_same_even_kernel(student, rng):
    """mode "same" with an even-length kernel"""
    x, k = rng.normal(size=10), rng.normal(size=4)
    expect_close(student.conv1d(x, k, mode="same"), cnn_ref.conv1d(x, k, mode="same"))


def test_valid(student, rng):
    """mode "valid", an asymmetric kernel"""
    x, k = rng.normal(size=11), rng.normal(size=3)
    expect_close(student.conv1d(x, k, mode="valid"), cnn_ref.conv1d(x, k, mode="valid"))


def test_kernel_longer_same(student, rng):
    """mode "same" with a kernel longer than the signal"""
    x, k = rng.normal(size=4), rng.normal(size=7)
    expect_close(student.conv1d(x, k, mode="same"), cnn_ref.conv1d(x, k, mode="same"))


def test_kernel_longer_valid(student, rng):
    """mode "valid" with a kernel longer than the signal"""
    x, k = rng.normal(size=3), rng.normal(size=7)
    expect_close(student.conv1d(x, k, mode="valid"), cnn_ref.conv1d(x, k, mode="valid"))


def test_integer_inputs(student, rng):
    """integer signal and an asymmetric integer kernel (the result must be a float array)"""
    x, k = rng.integers(0, 10, size=8), rng.permutation(np.arange(-3, 4))[:3]
    expect_close(student.conv1d(x, k), cnn_ref.conv1d(x, k))


def test_float32(student, rng):
    """float32 signal and kernel, mode "same" """
    x, k = rng.normal(size=9).astype("float32"), rng.normal(size=4).astype("float32")
    expect_close(student.conv1d(x, k, mode="same"), cnn_ref.conv1d(x, k, mode="same"))


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged (and returns the right result)"""
    x, k = rng.normal(size=8), rng.normal(size=3)
    expect_unchanged_and_right(student.conv1d(x, k, mode="same"), cnn_ref.conv1d(x, k, mode="same"))
