"""Hidden tests of global_avg_pool: (N, C, H, W) -> (N, C), the mean of each channel."""
import cnn_ref
from autograder.expect import expect_close, expect_unchanged


def _shape(rng):
    h = int(rng.integers(3, 7))
    return int(rng.integers(2, 4)), int(rng.integers(2, 5)), h, h + int(rng.integers(1, 3))


def test_non_square(student, rng):
    """several images and channels, non-square"""
    x = rng.normal(size=_shape(rng))
    expect_close(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))


def test_one_pixel(student, rng):
    """1x1 images (the mean is the pixel itself)"""
    x = rng.normal(size=_shape(rng)[:2] + (1, 1))
    expect_close(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))


def test_integer_image(student, rng):
    """an integer image (the result must be a float array)"""
    x = rng.integers(0, 10, size=_shape(rng))
    expect_close(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))


def test_float32(student, rng):
    """a float32 input"""
    x = rng.normal(size=_shape(rng)).astype("float32")
    expect_close(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))


def test_input_unchanged(student, rng):
    """leaves its input array unchanged"""
    expect_unchanged(student.global_avg_pool(rng.normal(size=_shape(rng))))
