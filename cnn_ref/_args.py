"""Argument checks shared by the reference functions.

Every public function validates its arguments here so that a bad call fails with a ValueError that
names the argument, instead of a NumPy broadcasting error deep inside.
"""
from numbers import Integral

import numpy as np


def float_array(value, name, ndim):
    """`value` as a float array with `ndim` dimensions: float32 stays float32, all else float64."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold real numbers, got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"{name} must not be empty, got shape {array.shape}")
    return array if array.dtype in (np.float32, np.float64) else array.astype(np.float64)


def integer(value, name, minimum):
    """`value` as a Python int >= minimum (bools are rejected: True is not a size)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise ValueError(f"{name} must be an int, got {value!r}")
    if value < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {value}")
    return int(value)


def pair(value, name, minimum):
    """An int or an (h, w) pair as a tuple of two ints >= minimum."""
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or an (h, w) pair, got {value!r}")
        return integer(value[0], name, minimum), integer(value[1], name, minimum)
    value = integer(value, name, minimum)
    return value, value


def choice(value, name, options):
    if value not in options:
        raise ValueError(f"{name} must be one of {', '.join(map(repr, options))}, got {value!r}")
    return value
