"""Hidden tests of pool2d: max, avg, sum and l2 pooling over NCHW inputs, as torch's pooling."""
import cnn_ref
from autograder.expect import expect_close, expect_unchanged


def _input(rng, dtype="float64"):
    """Random x (N, C, H, W) with C >= 2 and H != W; sides not all multiples of the window."""
    c, h = int(rng.integers(2, 4)), int(rng.integers(6, 10))
    return rng.normal(size=(2, c, h, h + int(rng.integers(1, 4)))).astype(dtype)


def test_max_is_default(student, rng):
    """no stride or mode given (so max pooling with stride = size), size 2"""
    x = _input(rng)
    expect_close(student.pool2d(x, 2), cnn_ref.pool2d(x, 2))


def test_avg(student, rng):
    """mode "avg", size 3"""
    x = _input(rng)
    expect_close(student.pool2d(x, 3, mode="avg"), cnn_ref.pool2d(x, 3, mode="avg"))


def test_sum(student, rng):
    """mode "sum", size 2, stride 1"""
    x = _input(rng)
    expect_close(student.pool2d(x, 2, stride=1, mode="sum"), cnn_ref.pool2d(x, 2, stride=1, mode="sum"))


def test_l2(student, rng):
    """mode "l2", size 2"""
    x = _input(rng)
    expect_close(student.pool2d(x, 2, mode="l2"), cnn_ref.pool2d(x, 2, mode="l2"))


def test_overlapping_windows(student, rng):
    """max pooling with size 3, stride 2 (overlapping windows)"""
    x = _input(rng)
    expect_close(student.pool2d(x, 3, stride=2, mode="max"), cnn_ref.pool2d(x, 3, stride=2, mode="max"))


def test_size_and_stride_pairs(student, rng):
    """size and stride as (h, w) pairs, mode "avg" """
    x = _input(rng)
    size = (2, 3) if rng.random() < 0.5 else (3, 2)
    stride = (size[0], 1) if rng.random() < 0.5 else (1, size[1])
    expect_close(student.pool2d(x, size, stride=stride, mode="avg"),
                 cnn_ref.pool2d(x, size, stride=stride, mode="avg"))


def test_float32(student, rng):
    """float32 input, mode "l2", size 3, stride 2"""
    x = _input(rng, "float32")
    expect_close(student.pool2d(x, 3, stride=2, mode="l2"), cnn_ref.pool2d(x, 3, stride=2, mode="l2"))


def test_integer_image(student, rng):
    """an integer image, mode "avg" (the result must be a float array)"""
    x = rng.integers(0, 10, size=_input(rng).shape)
    expect_close(student.pool2d(x, 2, mode="avg"), cnn_ref.pool2d(x, 2, mode="avg"))


def test_input_unchanged(student, rng):
    """leaves its input array unchanged"""
    expect_unchanged(student.pool2d(_input(rng), 2, mode="l2"))
