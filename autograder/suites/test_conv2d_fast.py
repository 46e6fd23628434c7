"""Hidden tests of conv2d_fast: conv2d_forward's contract, and speed without a loop over pixels."""
import cnn_ref
from autograder.expect import expect_close, expect_fast, expect_unchanged


def _layer(rng, kernel=None, bias=True, dtype="float64"):
    """Random x (N, C, H, W), w (F, C, KH, KW) and b (F,) or None: C, F >= 2, H != W, KH != KW."""
    n, c, f = 2, int(rng.integers(2, 4)), int(rng.integers(2, 5))
    h = int(rng.integers(6, 9))
    w = h + int(rng.integers(1, 3))
    if kernel is None:
        kh = int(rng.integers(2, 4))
        kernel = (kh, kh + 1) if rng.random() < 0.5 else (kh + 1, kh)
    x = rng.normal(size=(n, c, h, w)).astype(dtype)
    weights = rng.normal(size=(f, c, *kernel)).astype(dtype)
    b = rng.normal(size=f).astype(dtype) if bias else None
    return x, weights, b


def test_no_bias_defaults(student, rng):
    """no bias, default stride and padding, 2+ input channels and filters"""
    x, w, _ = _layer(rng, bias=False)
    expect_close(student.conv2d_fast(x, w), cnn_ref.conv2d_fast(x, w))


def test_bias(student, rng):
    """with a bias, default stride and padding"""
    x, w, b = _layer(rng)
    expect_close(student.conv2d_fast(x, w, b), cnn_ref.conv2d_fast(x, w, b))


def test_stride_and_padding_ints(student, rng):
    """stride 2, padding 1 (ints), with a bias"""
    x, w, b = _layer(rng)
    expect_close(student.conv2d_fast(x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_fast(x, w, b, stride=2, padding=1))


def test_stride_and_padding_pairs(student, rng):
    """stride and padding as different (h, w) pairs"""
    x, w, b = _layer(rng)
    stride = (2, 1) if rng.random() < 0.5 else (1, 2)
    padding = (int(rng.integers(0, 2)), 2) if stride[0] == 2 else (2, int(rng.integers(0, 2)))
    expect_close(student.conv2d_fast(x, w, b, stride=stride, padding=padding),
                 cnn_ref.conv2d_fast(x, w, b, stride=stride, padding=padding))


def test_same_padding_even_kernel(student, rng):
    """padding "same" with an even kernel (2x4 or 4x2)"""
    x, w, b = _layer(rng, kernel=(2, 4) if rng.random() < 0.5 else (4, 2))
    expect_close(student.conv2d_fast(x, w, b, padding="same"),
                 cnn_ref.conv2d_fast(x, w, b, padding="same"))


def test_valid_padding(student, rng):
    """padding "valid" and stride 2"""
    x, w, b = _layer(rng)
    expect_close(student.conv2d_fast(x, w, b, stride=2, padding="valid"),
                 cnn_ref.conv2d_fast(x, w, b, stride=2, padding="valid"))


def test_float32(student, rng):
    """float32 inputs, stride 2, padding 1"""
    x, w, b = _layer(rng, dtype="float32")
    expect_close(student.conv2d_fast(x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_fast(x, w, b, stride=2, padding=1))


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged"""
    x, w, b = _layer(rng)
    expect_unchanged(student.conv2d_fast(x, w, b, stride=1, padding=1))


def test_speed(student, rng, settings):
    """speed: no Python loop over output pixels (timed against a matrix product of the same size)"""
    # Many output pixels and few channels: a loop over pixels pays Python's overhead 3,000 times,
    # while one im2col product stays within a few times the bare matrix product.
    n, c, f, h, w, k = 2, 3, 8, 32, 48, 3
    x, weights, b = rng.normal(size=(n, c, h, w)), rng.normal(size=(f, c, k, k)), rng.normal(size=f)
    # Speed counts only for a right answer.
    expect_close(student.conv2d_fast(x, weights, b, padding=1), cnn_ref.conv2d_fast(x, weights, b, padding=1))
    timing = student.timing("conv2d_fast", x, weights, b, padding=1, matmul=(n * h * w, c * k * k, f))
    expect_fast(timing, settings["full_speed_ratio"], settings["zero_speed_ratio"])
