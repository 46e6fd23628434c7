"""Hidden tests of convolve2d: true 2-D convolution of one channel (zero fill), as scipy.signal.convolve2d.

Shapes are written here, the same for every student (non-square images and kernels); only the
values are drawn from `rng`.
"""
import numpy as np

import cnn_ref
from autograder.expect import expect_close, expect_unchanged_and_right


def test_full_is_default(student, rng):
    """no mode given (so "full"), an asymmetric 3x2 kernel"""
    x, k = rng.normal(size=(6, 9)), rng.normal(size=(3, 2))
    expect_close(student.convolve2d(x, k), cnn_ref.convolve2d(x, k))


def test_same_odd_kernel(student, rng):
    """mode "same" with an odd 3x5 kernel"""
    x, k = rng.normal(size=(7, 9)), rng.normal(size=(3, 5))
    expect_close(student.convolve2d(x, k, mode="same"), cnn_ref.convolve2d(x, k, mode="same"))


def test_same_even_kernel(student, rng):
    """mode "same" with an even 2x4 kernel"""
    x, k = rng.normal(size=(6, 8)), rng.normal(size=(2, 4))
    expect_close(student.convolve2d(x, k, mode="same"), cnn_ref.convolve2d(x, k, mode="same"))


def test_valid(student, rng):
    """mode "valid", a non-square 2x3 kernel"""
    x, k = rng.normal(size=(7, 10)), rng.normal(size=(2, 3))
    expect_close(student.convolve2d(x, k, mode="valid"), cnn_ref.convolve2d(x, k, mode="valid"))


def test_valid_kernel_as_large_as_image(student, rng):
    """mode "valid" with a kernel exactly as large as the image (a 1x1 result)"""
    x, k = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    expect_close(student.convolve2d(x, k, mode="valid"), cnn_ref.convolve2d(x, k, mode="valid"))


def test_integer_image(student, rng):
    """an integer image and an integer kernel of distinct values, mode "same" (the result must be a float array)"""
    x, k = rng.integers(0, 10, size=(6, 8)), rng.permutation(np.arange(-3, 4))[:6].reshape(3, 2)
    expect_close(student.convolve2d(x, k, mode="same"), cnn_ref.convolve2d(x, k, mode="same"))


def test_float32(student, rng):
    """a float32 image and kernel, mode "full" """
    x = rng.normal(size=(7, 9)).astype("float32")
    k = rng.normal(size=(2, 3)).astype("float32")
    expect_close(student.convolve2d(x, k, mode="full"), cnn_ref.convolve2d(x, k, mode="full"))


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged (and returns the right result)"""
    x, k = rng.normal(size=(6, 9)), rng.normal(size=(3, 2))
    expect_unchanged_and_right(student.convolve2d(x, k, mode="same"), cnn_ref.convolve2d(x, k, mode="same"))
