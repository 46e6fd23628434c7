"""Comparisons shared by the reference's oracle tests (test_ref_*.py)."""
import numpy as np
import torch


def assert_unchanged(inputs, originals):
    for array, original in zip(inputs, originals):
        if array is not None:
            np.testing.assert_array_equal(array, original, strict=True)


def assert_close(actual, expected, dtype):
    """1e-6 relative in float64, 1e-4 in float32; atol scaled to the result for entries near 0."""
    expected = np.asarray(expected, dtype=np.float64)
    assert isinstance(actual, np.ndarray)
    assert actual.shape == expected.shape
    assert actual.dtype == dtype
    rtol = 1e-4 if dtype == np.float32 else 1e-6
    scale = max(1.0, float(np.abs(expected).max(initial=0.0)))
    atol = (1e-5 if dtype == np.float32 else 1e-9) * scale
    np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)


def t64(array):
    """A float64 tensor of an array (None stays None), for torch's oracles."""
    return None if array is None else torch.tensor(np.asarray(array, dtype=np.float64))
