"""Hidden tests of pool2d: max, avg, sum and l2 pooling over NCHW inputs, as torch's pooling.

Every test has the same case structure for every student (shapes, windows and strides written
here: non-square inputs whose sides are not multiples of the window); only the values are drawn
from `rng`.
"""
import cnn_ref
from autograder.expect import expect_close, expect_unchanged_and_right


def test_max_is_default(student, rng):
    """no stride or mode given (so max pooling with stride = size), size 2"""
    x = rng.normal(size=(2, 3, 7, 9))
    expect_close(student.pool2d(x, 2), cnn_ref.pool2d(x, 2))


def test_avg(student, rng):
    """mode "avg", size 3"""
    x = rng.normal(size=(2, 3, 8, 10))
    expect_close(student.pool2d(x, 3, mode="avg"), cnn_ref.pool2d(x, 3, mode="avg"))


def test_sum(student, rng):
    """mode "sum", size 2, stride 1"""
    x = rng.normal(size=(2, 2, 6, 9))
    expect_close(student.pool2d(x, 2, stride=1, mode="sum"), cnn_ref.pool2d(x, 2, stride=1, mode="sum"))


def test_l2(student, rng):
    """mode "l2", size 2"""
    x = rng.normal(size=(2, 3, 7, 8))
    expect_close(student.pool2d(x, 2, mode="l2"), cnn_ref.pool2d(x, 2, mode="l2"))


def test_overlapping_windows(student, rng):
    """max pooling with size 3, stride 2 (overlapping windows)"""
    x = rng.normal(size=(2, 3, 8, 11))
    expect_close(student.pool2d(x, 3, stride=2, mode="max"), cnn_ref.pool2d(x, 3, stride=2, mode="max"))


def test_size_and_stride_pairs(student, rng):
    """a non-square 2x3 window, stride (2, 1), mode "avg" """
    x = rng.normal(size=(2, 3, 7, 10))
    expect_close(student.pool2d(x, (2, 3), stride=(2, 1), mode="avg"),
                 cnn_ref.pool2d(x, (2, 3), stride=(2, 1), mode="avg"))


def test_float32(student, rng):
    """float32 input, mode "l2", size 3, stride 2"""
    x = rng.normal(size=(2, 2, 9, 8)).astype("float32")
    expect_close(student.pool2d(x, 3, stride=2, mode="l2"), cnn_ref.pool2d(x, 3, stride=2, mode="l2"))


def test_integer_image(student, rng):
    """an integer image, mode "avg" (the result must be a float array)"""
    x = rng.integers(0, 10, size=(2, 3, 6, 7))
    expect_close(student.pool2d(x, 2, mode="avg"), cnn_ref.pool2d(x, 2, mode="avg"))


def test_input_unchanged(student, rng):
    """leaves its input array unchanged (and returns the right result)"""
    x = rng.normal(size=(2, 3, 6, 8))
    expect_unchanged_and_right(student.pool2d(x, 2, mode="l2"), cnn_ref.pool2d(x, 2, mode="l2"))
