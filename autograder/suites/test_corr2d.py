"""Hidden tests of corr2d: valid 2-D cross-correlation of one channel, as scipy.signal.correlate2d."""
import cnn_ref
from autograder.expect import expect_close, expect_unchanged


def _image(rng, low=6, high=9):
    """A random non-square image size (H, W), W > H."""
    h = int(rng.integers(low, high + 1))
    return h, h + int(rng.integers(1, 4))


def test_asymmetric_kernel(student, rng):
    """an asymmetric 3x2 kernel on a non-square image"""
    x, k = rng.normal(size=_image(rng)), rng.normal(size=(3, 2))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_random_kernel(student, rng):
    """a random non-square kernel (taller or wider) on a non-square image"""
    kh = int(rng.integers(2, 5))
    kw = int(rng.choice([v for v in range(2, 6) if v != kh]))
    x, k = rng.normal(size=_image(rng)), rng.normal(size=(kh, kw))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_one_by_one_kernel(student, rng):
    """a 1x1 kernel"""
    x, k = rng.normal(size=_image(rng, 4, 6)), rng.normal(size=(1, 1))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_kernel_as_large_as_image(student, rng):
    """a kernel exactly as large as the image (a 1x1 result)"""
    shape = _image(rng, 3, 5)
    x, k = rng.normal(size=shape), rng.normal(size=shape)
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_full_width_kernel(student, rng):
    """a kernel as wide as the image but shorter (a single output column)"""
    h, w = _image(rng, 5, 7)
    x, k = rng.normal(size=(h, w)), rng.normal(size=(int(rng.integers(2, 4)), w))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_integer_image(student, rng):
    """an integer image and kernel (the result must be a float array)"""
    x, k = rng.integers(0, 10, size=_image(rng)), rng.integers(-3, 4, size=(2, 3))
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_float32(student, rng):
    """a float32 image and kernel"""
    x = rng.normal(size=_image(rng)).astype("float32")
    k = rng.normal(size=(3, 4)).astype("float32")
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged"""
    expect_unchanged(student.corr2d(rng.normal(size=_image(rng)), rng.normal(size=(3, 2))))
