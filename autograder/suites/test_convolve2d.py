"""Hidden tests of convolve2d: true 2-D convolution of one channel (zero fill), as scipy.signal.convolve2d."""
import cnn_ref
from autograder.expect import expect_close, expect_unchanged


def _image(rng, low=6, high=9):
    """A random non-square image size (H, W), W > H."""
    h = int(rng.integers(low, high + 1))
    return h, h + int(rng.integers(1, 4))


def test_full_is_default(student, rng):
    """no mode given (so "full"), an asymmetric 3x2 kernel"""
    x, k = rng.normal(size=_image(rng)), rng.normal(size=(3, 2))
    expect_close(student.convolve2d(x, k), cnn_ref.convolve2d(x, k))


def test_same_odd_kernel(student, rng):
    """mode "same" with an odd 3x5 kernel"""
    x, k = rng.normal(size=_image(rng)), rng.normal(size=(3, 5))
    expect_close(student.convolve2d(x, k, mode="same"), cnn_ref.convolve2d(x, k, mode="same"))


def test_same_even_kernel(student, rng):
    """mode "same" with an even kernel (2x4 or 4x2)"""
    shape = (2, 4) if rng.random() < 0.5 else (4, 2)
    x, k = rng.normal(size=_image(rng)), rng.normal(size=shape)
    expect_close(student.convolve2d(x, k, mode="same"), cnn_ref.convolve2d(x, k, mode="same"))


def test_valid(student, rng):
    """mode "valid", a non-square kernel"""
    kh = int(rng.integers(2, 4))
    x, k = rng.normal(size=_image(rng)), rng.normal(size=(kh, kh + 1))
    expect_close(student.convolve2d(x, k, mode="valid"), cnn_ref.convolve2d(x, k, mode="valid"))


def test_valid_kernel_as_large_as_image(student, rng):
    """mode "valid" with a kernel exactly as large as the image (a 1x1 result)"""
    shape = _image(rng, 3, 5)
    x, k = rng.normal(size=shape), rng.normal(size=shape)
    expect_close(student.convolve2d(x, k, mode="valid"), cnn_ref.convolve2d(x, k, mode="valid"))


def test_integer_image(student, rng):
    """an integer image and kernel, mode "same" (the result must be a float array)"""
    x, k = rng.integers(0, 10, size=_image(rng)), rng.integers(-3, 4, size=(3, 2))
    expect_close(student.convolve2d(x, k, mode="same"), cnn_ref.convolve2d(x, k, mode="same"))


def test_float32(student, rng):
    """a float32 image and kernel, mode "full" """
    x = rng.normal(size=_image(rng)).astype("float32")
    k = rng.normal(size=(2, 3)).astype("float32")
    expect_close(student.convolve2d(x, k, mode="full"), cnn_ref.convolve2d(x, k, mode="full"))


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged"""
    expect_unchanged(student.convolve2d(rng.normal(size=_image(rng)), rng.normal(size=(3, 2)), mode="same"))
