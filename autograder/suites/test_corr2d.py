"""Hidden tests of corr2d: valid 2-D cross-correlation of one channel, as scipy.signal.correlate2d.

Shapes are written here, the same for every student (non-square images and kernels); only the
values are drawn from `rng`.
"""
import numpy as np

import cnn_ref
from autograder.expect import expect_close, expect_unchanged_and_right


def test_asymmetric_kernel(student, rng):
    """an asymmetric 3x2 kernel on a non-square image"""
    x, k = rng.normal(size=(7, 9)), rng.normal(size=(3, 2))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_random_kernel(student, rng):
    """a wide 2x4 kernel on a non-square image"""
    x, k = rng.normal(size=(6, 8)), rng.normal(size=(2, 4))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_one_by_one_kernel(student, rng):
    """a 1x1 kernel"""
    x, k = rng.normal(size=(4, 6)), rng.normal(size=(1, 1))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_kernel_as_large_as_image(student, rng):
    """a kernel exactly as large as the image (a 1x1 result)"""
    x, k = rng.normal(size=(3, 5)), rng.normal(size=(3, 5))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_full_width_kernel(student, rng):
    """a kernel as wide as the image but shorter (a single output column)"""
    x, k = rng.normal(size=(5, 7)), rng.normal(size=(2, 7))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_integer_image(student, rng):
    """an integer image and an integer kernel of distinct values (the result must be a float array)"""
    x, k = rng.integers(0, 10, size=(6, 9)), rng.permutation(np.arange(-3, 4))[:6].reshape(2, 3)
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_float32(student, rng):
    """a float32 image and kernel"""
    x = rng.normal(size=(7, 10)).astype("float32")
    k = rng.normal(size=(3, 4)).astype("float32")
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged (and returns the right result)"""
    x, k = rng.normal(size=(6, 8)), rng.normal(size=(3, 2))
    expect_unchanged_and_right(student.corr2d(x, k), cnn_ref.corr2d(x, k))
