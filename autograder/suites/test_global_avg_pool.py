"""Hidden tests of global_avg_pool: (N, C, H, W) -> (N, C), the mean of each channel.

Shapes are written here, the same for every student; only the values are drawn from `rng`.
"""
import cnn_ref
from autograder.expect import expect_close, expect_unchanged_and_right


def test_non_square(student, rng):
    """several images and channels, non-square"""
    x = rng.normal(size=(2, 3, 4, 6))
    expect_close(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))


def test_one_pixel(student, rng):
    """1x1 images (the mean is the pixel itself)"""
    x = rng.normal(size=(2, 4, 1, 1))
    expect_close(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))


def test_integer_image(student, rng):
    """an integer image (the result must be a float array)"""
    x = rng.integers(0, 10, size=(3, 2, 5, 3))
    expect_close(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))


def test_float32(student, rng):
    """a float32 input"""
    x = rng.normal(size=(2, 3, 3, 5)).astype("float32")
    expect_close(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))


def test_input_unchanged(student, rng):
    """leaves its input array unchanged (and returns the right result)"""
    x = rng.normal(size=(2, 3, 4, 5))
    expect_unchanged_and_right(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))
