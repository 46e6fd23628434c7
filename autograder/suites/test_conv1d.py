"""Hidden tests of conv1d: true 1-D convolution, as numpy.convolve, in the modes full, same and valid."""
import cnn_ref
from autograder.expect import expect_close, expect_unchanged


def _lengths(rng, shorter, longer):
    """Two random lengths, the first drawn from `shorter` and the second from `longer` (inclusive)."""
    return int(rng.integers(shorter[0], shorter[1] + 1)), int(rng.integers(longer[0], longer[1] + 1))


def test_full_is_default(student, rng):
    """no mode given (so "full"), a signal longer than the kernel"""
    m, n = _lengths(rng, (2, 4), (7, 11))
    x, k = rng.normal(size=n), rng.normal(size=m)
    expect_close(student.conv1d(x, k), cnn_ref.conv1d(x, k))


def test_same_even_kernel(student, rng):
    """mode "same" with an even-length kernel"""
    m, n = 2 * int(rng.integers(1, 3)), int(rng.integers(7, 12))
    x, k = rng.normal(size=n), rng.normal(size=m)
    expect_close(student.conv1d(x, k, mode="same"), cnn_ref.conv1d(x, k, mode="same"))


def test_valid(student, rng):
    """mode "valid", an asymmetric kernel"""
    m, n = _lengths(rng, (2, 5), (7, 11))
    x, k = rng.normal(size=n), rng.normal(size=m)
    expect_close(student.conv1d(x, k, mode="valid"), cnn_ref.conv1d(x, k, mode="valid"))


def test_kernel_longer_same(student, rng):
    """mode "same" with a kernel longer than the signal"""
    n, m = _lengths(rng, (3, 5), (6, 9))
    x, k = rng.normal(size=n), rng.normal(size=m)
    expect_close(student.conv1d(x, k, mode="same"), cnn_ref.conv1d(x, k, mode="same"))


def test_kernel_longer_valid(student, rng):
    """mode "valid" with a kernel longer than the signal"""
    n, m = _lengths(rng, (3, 5), (6, 9))
    x, k = rng.normal(size=n), rng.normal(size=m)
    expect_close(student.conv1d(x, k, mode="valid"), cnn_ref.conv1d(x, k, mode="valid"))


def test_integer_inputs(student, rng):
    """integer signal and kernel (the result must be a float array)"""
    m, n = _lengths(rng, (2, 4), (6, 10))
    x, k = rng.integers(0, 10, size=n), rng.integers(-3, 4, size=m)
    expect_close(student.conv1d(x, k), cnn_ref.conv1d(x, k))


def test_float32(student, rng):
    """float32 signal and kernel, mode "same" """
    m, n = _lengths(rng, (3, 5), (7, 11))
    x, k = rng.normal(size=n).astype("float32"), rng.normal(size=m).astype("float32")
    expect_close(student.conv1d(x, k, mode="same"), cnn_ref.conv1d(x, k, mode="same"))


def test_inputs_unchanged(student, rng):
    """leaves its input arrays unchanged"""
    m, n = _lengths(rng, (2, 4), (6, 10))
    expect_unchanged(student.conv1d(rng.normal(size=n), rng.normal(size=m), mode="same"))
