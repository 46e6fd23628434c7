"""How close a float answer must be: float32 arithmetic inside correct code stays within this."""
import numpy as np

RTOL = 1e-4


def mismatches(value, expected):
    """Boolean array, True where value (same shape as expected) is off by more than the tolerance.

    The tolerance is relative to each entry and to the largest entry, so that cancellation near
    zero in float32 code does not count as wrong while any real mistake (O(1) errors) does.
    """
    magnitude = np.abs(expected)
    tolerance = RTOL * (magnitude + magnitude.max(initial=0.0) + 1e-12)
    with np.errstate(invalid="ignore"):
        return ~(np.abs(value - expected) <= tolerance)


def same_array(value, expected):
    """True when value is an array of expected's shape and within the tolerance everywhere."""
    return (isinstance(value, np.ndarray) and value.shape == np.shape(expected)
            and value.dtype.kind in "biuf" and not mismatches(value, expected).any())
