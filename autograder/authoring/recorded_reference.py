"""The students' stand-in for the reference: answers recorded from `cnn_ref`, never its code.

The self-check (`check("corr2d")`) compares a student's function with the reference on a few public
cases and names misconceptions by recomputing wrong variants from the reference. A student's
machine must not hold the reference (it is the solution), so the student wheel ships, as its
`cnn_ref` package, this module and `answers.json`: the result of every reference call that the
public checks make, recorded when the wheel was built (`student_wheel.record_answers`). A call
that was not recorded raises `NotRecorded`, a ValueError, which every caller already takes to
mean "the reference does not answer these arguments": the check then names fewer causes, and never
a wrong one.

In the wheel, `cnn_ref/_recorded.py` is this file, and `cnn_ref/__init__.py` and each submodule the
checks import say `__getattr__ = attribute_of(__name__)`. The grader imports it only to record.
"""
import base64
import functools
import hashlib
import json
from pathlib import Path

import numpy as np

ANSWERS = Path(__file__).with_name("answers.json")


class NotRecorded(ValueError):
    """A reference call that the public checks did not make when the wheel was built."""


def call_key(name, args, kwargs):
    """A digest of the call `name(*args, **kwargs)`, the same on any machine for the same values
    (arrays by dtype, shape and bytes); None for an argument that is not plain data."""
    digest = hashlib.sha256(name.encode())
    try:
        _feed(digest, (tuple(args), {key: kwargs[key] for key in sorted(kwargs)}))
    except TypeError:
        return None
    return digest.hexdigest()


def _feed(digest, value):
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        digest.update(f"array {array.dtype.str} {array.shape}".encode())
        digest.update(array.tobytes())
    elif isinstance(value, (tuple, list)):
        digest.update(f"{type(value).__name__} {len(value)}".encode())
        for item in value:
            _feed(digest, item)
    elif isinstance(value, dict):
        digest.update(f"dict {len(value)}".encode())
        for key, item in value.items():
            _feed(digest, key)
            _feed(digest, item)
    elif isinstance(value, np.generic):
        digest.update(f"{value.dtype.str} {value.item()!r};".encode())
    elif value is None or isinstance(value, (bool, int, float, str)):
        digest.update(f"{type(value).__name__} {value!r};".encode())
    else:
        raise TypeError(f"{type(value).__name__} is not plain data")


def encode(value):
    """JSON-ready form of a reference's result: arrays, NumPy and Python scalars, str, None, and
    tuples, lists and str-keyed dicts of them; TypeError for anything else."""
    if isinstance(value, np.ndarray):
        array = np.ascontiguousarray(value)
        return {"array": base64.b64encode(array.tobytes()).decode(), "dtype": array.dtype.str, "shape": list(array.shape)}
    if isinstance(value, np.generic):
        return {"scalar": encode(np.asarray(value))}
    if isinstance(value, (tuple, list)):
        return {type(value).__name__: [encode(item) for item in value]}
    if isinstance(value, dict) and all(isinstance(key, str) for key in value):
        return {"dict": {key: encode(item) for key, item in value.items()}}
    if value is None or isinstance(value, (bool, int, float, str)):
        return {"plain": value}
    raise TypeError(f"{type(value).__name__} cannot be recorded")


def decode(form):
    (tag, content), = ((tag, form[tag]) for tag in form if tag not in ("dtype", "shape"))
    if tag == "array":
        return np.frombuffer(base64.b64decode(content), dtype=form["dtype"]).reshape(form["shape"]).copy()
    if tag == "scalar":
        return decode(content)[()]
    if tag in ("tuple", "list"):
        return {"tuple": tuple, "list": list}[tag](decode(item) for item in content)
    if tag == "dict":
        return {key: decode(item) for key, item in content.items()}
    return content


# The exceptions a reference call may be recorded to raise: the argument checks' own.
RAISABLE = {error.__name__: error for error in (ValueError, TypeError, IndexError, ZeroDivisionError)}


@functools.cache
def _book():
    return json.loads(ANSWERS.read_text())


def attribute_of(module):
    """A module's `__getattr__`: its recorded constants, and for its functions (alone or in a
    table by name) stand-ins that answer recorded calls."""
    def attribute(name):
        qualified = f"{module}.{name}"
        if qualified in _book()["tables"]:
            return {key: functools.partial(_answer, f"{qualified}.{key}") for key in _book()["tables"][qualified]}
        if qualified in _book()["constants"]:
            return decode(_book()["constants"][qualified])
        if qualified not in _book()["functions"]:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        return functools.partial(_answer, qualified)
    return attribute


def _answer(qualified, *args, **kwargs):
    answer = _book()["calls"].get(call_key(qualified, args, kwargs))
    if answer is None:
        raise NotRecorded(f"{qualified} answers only the public checks' calls")
    if "raises" in answer:
        raise RAISABLE[answer["raises"]](answer["message"])
    return decode(answer["returns"])
