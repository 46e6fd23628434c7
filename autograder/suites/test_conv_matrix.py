"""Hidden tests of conv_matrix: the matrix C with C @ x.ravel() == corr2d(x, k).ravel().

Shapes are written here, the same for every student (non-square inputs and kernels); only the
kernels' values are drawn from `rng`.
"""
import numpy as np

import cnn_ref
from autograder.expect import expect_close, expect_unchanged_and_right


def _from_corr2d(k, shape):
    """The matrix that corr2d itself defines: column j is corr2d of the j-th unit image, raveled.

    corr2d is linear in x, so a matrix equal to this one reproduces corr2d on every x."""
    h, w = shape
    columns = [cnn_ref.corr2d(unit.reshape(h, w), k).ravel() for unit in np.eye(h * w)]
    return np.stack(columns, axis=1)


def test_matches_reference(student, rng):
    """an asymmetric 2x3 kernel on a non-square input shape"""
    shape, k = (4, 6), rng.normal(size=(2, 3))
    expect_close(student.conv_matrix(k, shape), cnn_ref.conv_matrix(k, shape))


def test_reproduces_corr2d(student, rng):
    """C @ x.ravel() equals corr2d(x, k).ravel() for every x (a square 3x3 kernel, a 5x7 input)"""
    shape, k = (5, 7), rng.normal(size=(3, 3))
    expect_close(student.conv_matrix(k, shape), _from_corr2d(k, shape))


def test_3x3_kernel_on_4x4(student, rng):
    """a 3x3 kernel on a 4x4 input (a 4x16 matrix)"""
    k = rng.normal(size=(3, 3))
    expect_close(student.conv_matrix(k, (4, 4)), _from_corr2d(k, (4, 4)))


def test_one_by_one_kernel(student, rng):
    """a 1x1 kernel"""
    shape, k = (3, 5), rng.normal(size=(1, 1))
    expect_close(student.conv_matrix(k, shape), cnn_ref.conv_matrix(k, shape))


def test_kernel_as_large_as_input(student, rng):
    """a kernel exactly as large as the input (a single row)"""
    shape = (3, 4)
    k = rng.normal(size=shape)
    expect_close(student.conv_matrix(k, shape), cnn_ref.conv_matrix(k, shape))


def test_integer_kernel(student, rng):
    """an integer kernel (the result must be a float array)"""
    shape, k = (5, 6), rng.integers(-5, 6, size=(3, 2))
    expect_close(student.conv_matrix(k, shape), cnn_ref.conv_matrix(k, shape))


def test_float32(student, rng):
    """a float32 kernel"""
    shape, k = (4, 5), rng.normal(size=(2, 3)).astype("float32")
    expect_close(student.conv_matrix(k, shape), cnn_ref.conv_matrix(k, shape))


def test_kernel_unchanged(student, rng):
    """leaves its kernel unchanged (and returns the right matrix)"""
    k = rng.normal(size=(3, 2))
    expect_unchanged_and_right(student.conv_matrix(k, (5, 7)), cnn_ref.conv_matrix(k, (5, 7)))
