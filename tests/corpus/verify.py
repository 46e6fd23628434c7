#!/usr/bin/env python
"""Check the corpus of student implementations in tests/corpus against cnn_ref.

Every table of manifest.toml names one file (relative to this folder), its question, its diagnosis
(a SPEC id, "" for a correct file), the bug in one line, and its style. Each file is loaded with
runpy.run_path and its question's function is called on three sets of inputs:

- simple: what a student tries first (square inputs and kernels, stride 1, padding 0 or 1, one
  channel or a few, a symmetric kernel, non-overlapping pooling windows);
- hard: the kind the hidden suites use (non-square inputs and kernels, several channels, strides
  1-3, padding 0-2 and pairs, "same" / "valid", float32, integer inputs, overlapping pooling
  windows, one input element that is the maximum of several windows);
- invalid (sizes questions only): arguments that must raise ValueError.

A call is right when it does not raise, returns what cnn_ref returns (arrays: same shape, a float
dtype, within the grader's tolerance, rtol 1e-4 relative to each entry and to the largest entry)
and leaves its inputs unchanged. A buggy file passes when

1. runs:   it loads and its function runs on a simple input without raising
           (removed-api: it raises AttributeError under NumPy 2);
2. wrong:  it is wrong on at least one hard input
           (no-value-error: it returns a value for invalid arguments; mutates-input: it changes an
           input; removed-api: it raises AttributeError on a hard input);
3. simple: it is right on at least one simple input
           (mutates-input: its output is right; removed-api: right with the removed NumPy 1 names
           put back, as a student running NumPy 1.x would see it).

A correct file passes when it is right on every input, with the reference's exact dtype (float32
stays float32), raises ValueError on every invalid one, and changes no input.

The "grader" column lists what autograder's misconception catalogue names for the wrong results
(informational: it is empty when the autograder package cannot be imported).

Run: python tests/corpus/verify.py [-v] [FILE ...]; the exit status is 1 when any check fails.
`verify_entry(name, meta)` returns one row, for a pytest test.
"""
import contextlib
import runpy
import sys
import tomllib
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import cnn_ref  # noqa: E402

RTOL = 1e-4
SIZE_QUESTIONS = ("conv_output_size", "pool_output_size")


# ------------------------------------------------------------------------------------------ cases


@dataclass
class Case:
    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)


def _rng(seed):
    return np.random.default_rng(seed)


def _distinct(rng, shape, dtype="float64"):
    """An array without ties (max pooling's gradient is only defined without them)."""
    size = int(np.prod(shape))
    values = rng.permutation(size).reshape(shape)
    if np.dtype(dtype).kind in "iu":
        return values.astype(dtype)
    return ((values + rng.uniform(0.1, 0.9, size=shape)) / size * 4 - 2).astype(dtype)


def _symmetric(size):
    """A kernel equal to its flip and its transpose (a blur), the kind students test with first."""
    row = np.array([1.0, 2.0, 1.0]) if size == 3 else np.array([1.0, 1.0])
    return np.outer(row, row) / np.outer(row, row).sum()


def _layer(rng, n, c, h, w, f, kh, kw, bias=True, dtype="float64", int_x=False):
    x = rng.integers(-5, 6, size=(n, c, h, w)) if int_x else rng.normal(size=(n, c, h, w)).astype(dtype)
    weights = rng.normal(size=(f, c, kh, kw)).astype(dtype)
    b = rng.normal(size=f).astype(dtype) if bias else None
    return x, weights, b


def conv_layer_cases(question):
    """conv2d_forward / conv2d_fast / conv2d_backward: (simple, hard)."""
    backward = question == "conv2d_backward"
    rng = _rng(1)
    simple, hard = [], []

    def add(target, label, x, w, b=None, **kwargs):
        if backward:
            out = cnn_ref.conv2d_forward(x, w, b, **kwargs)
            dout = rng.normal(size=out.shape).astype(out.dtype)
            target.append(Case(label, (dout, x, w, b), kwargs))
        else:
            target.append(Case(label, (x, w, b), kwargs))

    x, w, _ = _layer(rng, 1, 1, 5, 5, 1, 3, 3, bias=False)
    b1 = rng.normal(size=1)
    add(simple, "1x1x5x5, 3x3 kernel, no bias", x, w)
    add(simple, "1x1x5x5, 3x3 kernel, bias", x, w, b1)
    add(simple, "1x1x5x5, symmetric 3x3 kernel, bias", x, _symmetric(3)[None, None], b1)
    x, w, b = _layer(rng, 2, 3, 6, 6, 2, 3, 3)
    add(simple, "2x3x6x6, 3x3, bias, padding 1", x, w, b, stride=1, padding=1)
    add(simple, "2x3x6x6, 3x3, bias", x, w, b)
    x, w, b = _layer(rng, 1, 1, 4, 4, 1, 2, 2)
    add(simple, "1x1x4x4, 2x2, stride 2", x, w, b, stride=2)

    x, w, b = _layer(rng, 2, 3, 7, 9, 4, 3, 2)
    add(hard, "7x9 3x2 no bias defaults", x, w)
    add(hard, "7x9 3x2 bias defaults", x, w, b)
    for stride in (1, 2, 3):
        for padding in (0, 1, 2):
            add(hard, f"7x9 3x2 s{stride} p{padding}", x, w, b, stride=stride, padding=padding)
    add(hard, "7x9 3x2 s(2,1) p(0,2)", x, w, b, stride=(2, 1), padding=(0, 2))
    add(hard, "7x9 3x2 s(1,3) p(2,1)", x, w, b, stride=(1, 3), padding=(2, 1))
    x2, w2, b2 = _layer(rng, 2, 2, 8, 6, 3, 2, 3)
    add(hard, "8x6 2x3 s2 p1", x2, w2, b2, stride=2, padding=1)
    add(hard, "8x6 2x3 s3 p0", x2, w2, b2, stride=3, padding=0)
    x3, w3, b3 = _layer(rng, 2, 3, 6, 8, 2, 3, 3)
    add(hard, "6x8 3x3 s2 p1", x3, w3, b3, stride=2, padding=1)
    add(hard, "6x8 3x3 s1 p2", x3, w3, b3, stride=1, padding=2)
    xf, wf, bf = _layer(rng, 2, 3, 7, 9, 4, 3, 2, dtype="float32")
    add(hard, "float32 7x9 3x2 s2 p1", xf, wf, bf, stride=2, padding=1)
    xi, wi, bi = _layer(rng, 2, 3, 7, 9, 4, 3, 2, int_x=True)
    add(hard, "int x 7x9 3x2 s1 p1", xi, wi, bi, stride=1, padding=1)
    if not backward:
        xs, ws, bs = _layer(rng, 2, 3, 7, 9, 4, 4, 2)
        add(hard, "same, 4x2 kernel", xs, ws, bs, padding="same")
        xs, ws, _ = _layer(rng, 2, 3, 7, 9, 4, 3, 5, bias=False)
        add(hard, "same, 3x5 kernel, no bias", xs, ws, padding="same")
        add(hard, "valid, stride 2", x, w, b, stride=2, padding="valid")
    return simple, hard


def maxpool_backward_cases():
    rng = _rng(2)
    simple, hard = [], []

    def add(target, label, x, size, stride=None, dout_dtype=None):
        out = cnn_ref.pool2d(x, size, stride)
        dout = rng.normal(size=out.shape).astype(dout_dtype or out.dtype)
        target.append(Case(label, (dout, x, size), {} if stride is None else {"stride": stride}))

    add(simple, "1x1x4x4 size 2", _distinct(rng, (1, 1, 4, 4)), 2)
    add(simple, "2x3x6x6 size 2 stride 2", _distinct(rng, (2, 3, 6, 6)), 2, 2)
    add(simple, "1x1x4x4 size 2 stride 1", _distinct(rng, (1, 1, 4, 4)), 2, 1)
    add(simple, "2x3x6x6 size 3", _distinct(rng, (2, 3, 6, 6)), 3)

    x = _distinct(rng, (2, 3, 7, 9))
    add(hard, "7x9 size 2", x, 2)
    add(hard, "7x9 size 3 stride 2 (overlap)", x, 3, 2)
    add(hard, "7x9 size 3 stride 1 (overlap)", x, 3, 1)
    add(hard, "7x9 size (2,3)", x, (2, 3))
    add(hard, "7x9 size (3,2) stride (2,1)", x, (3, 2), (2, 1))
    add(hard, "6x8 size 2 stride 1", _distinct(rng, (2, 3, 6, 8)), 2, 1)
    add(hard, "8x6 size 3 stride 3", _distinct(rng, (2, 2, 8, 6)), 3, 3)
    shared = _distinct(rng, (1, 2, 5, 7))
    shared[:, :, 2, 2] = 5.0   # the maximum of the four windows (size 3, stride 2) that hold it
    shared[:, :, 2, 4] = 6.0
    add(hard, "shared max, size 3 stride 2", shared, 3, 2)
    add(hard, "float32 7x9 size 3 stride 2", _distinct(rng, (2, 3, 7, 9), "float32"), 3, 2)
    add(hard, "int x 7x9 size 3 stride 2", _distinct(rng, (2, 3, 7, 9), "int64"), 3, 2, "float64")
    return simple, hard


def pool2d_cases():
    rng = _rng(3)
    simple, hard = [], []
    modes = ("max", "avg", "sum", "l2")
    x44, x66 = rng.normal(size=(1, 1, 4, 4)), rng.normal(size=(2, 3, 6, 6))
    for mode in modes:
        simple.append(Case(f"1x1x4x4 size 2 {mode}", (x44, 2), {"mode": mode}))
    for mode in modes:
        simple.append(Case(f"2x3x6x6 size 2 {mode}", (x66, 2), {"mode": mode}))
    simple.append(Case("2x3x6x6 size 2 stride 2 max", (x66, 2, 2), {"mode": "max"}))
    x = rng.normal(size=(2, 3, 7, 9))
    for mode in modes:
        hard.append(Case(f"7x9 size 2 {mode}", (x, 2), {"mode": mode}))
        hard.append(Case(f"7x9 size 3 stride 2 {mode}", (x, 3, 2), {"mode": mode}))
        hard.append(Case(f"7x9 size (2,3) stride (1,2) {mode}", (x, (2, 3), (1, 2)), {"mode": mode}))
        hard.append(Case(f"7x9 size 3 stride 1 {mode}", (x, 3, 1), {"mode": mode}))
        hard.append(Case(f"7x9 size (3,2) stride 1 {mode}", (x, (3, 2), 1), {"mode": mode}))
    hard.append(Case("6x8 size 3 stride 3 max", (rng.normal(size=(2, 2, 6, 8)), 3, 3), {"mode": "max"}))
    hard.append(Case("int x 7x9 size 2 avg", (rng.integers(0, 10, size=(2, 3, 7, 9)), 2), {"mode": "avg"}))
    hard.append(Case("float32 7x9 size 3 stride 2 l2", (x.astype("float32"), 3, 2), {"mode": "l2"}))
    return simple, hard


def global_avg_pool_cases():
    rng = _rng(4)
    simple = [Case("1x1x4x4", (rng.normal(size=(1, 1, 4, 4)),)),
              Case("ones 2x3x4x3", (np.ones((2, 3, 4, 3)),))]
    hard = [Case("2x3x5x7", (rng.normal(size=(2, 3, 5, 7)),)),
            Case("float32 2x4x6x5", (rng.normal(size=(2, 4, 6, 5)).astype("float32"),)),
            Case("int x 2x3x5x7", (rng.integers(0, 10, size=(2, 3, 5, 7)),))]
    return simple, hard


def corr2d_cases():
    rng = _rng(5)
    simple = [Case("4x4, 2x2 kernel", (rng.normal(size=(4, 4)), rng.normal(size=(2, 2)))),
              Case("5x5, symmetric 3x3 kernel", (rng.normal(size=(5, 5)), _symmetric(3)))]
    hard = [Case("6x8, 2x3 kernel", (rng.normal(size=(6, 8)), rng.normal(size=(2, 3)))),
            Case("7x5, 3x2 kernel", (rng.normal(size=(7, 5)), rng.normal(size=(3, 2)))),
            Case("6x8, 3x3 kernel", (rng.normal(size=(6, 8)), rng.normal(size=(3, 3)))),
            Case("int x 6x7, float 2x3 kernel", (rng.integers(-5, 6, size=(6, 7)), rng.normal(size=(2, 3)))),
            Case("float32 6x8, 3x2", (rng.normal(size=(6, 8)).astype("float32"),
                                      rng.normal(size=(3, 2)).astype("float32")))]
    return simple, hard


def conv1d_cases():
    rng = _rng(6)
    x5, k3 = rng.normal(size=5), rng.normal(size=3)
    sym = np.array([0.25, 0.5, 0.25])
    simple = [Case("5, 3 full", (x5, k3)), Case("5, symmetric 3 full", (x5, sym)),
              Case("5, symmetric 3 same", (x5, sym), {"mode": "same"})]
    hard = []
    x9 = rng.normal(size=9)
    for m in (3, 4):
        k = rng.normal(size=m)
        for mode in ("full", "same", "valid"):
            hard.append(Case(f"9, {m} {mode}", (x9, k), {"mode": mode}))
    x3, k6 = rng.normal(size=3), rng.normal(size=6)
    for mode in ("full", "same", "valid"):
        hard.append(Case(f"3, 6 (kernel longer) {mode}", (x3, k6), {"mode": mode}))
    hard.append(Case("int x 8, float 3 same", (rng.integers(-5, 6, size=8), rng.normal(size=3)),
                     {"mode": "same"}))
    hard.append(Case("float32 8, 4 full", (rng.normal(size=8).astype("float32"),
                                           rng.normal(size=4).astype("float32"))))
    return simple, hard


def convolve2d_cases():
    rng = _rng(7)
    x55 = rng.normal(size=(5, 5))
    simple = [Case("5x5, 3x3 full", (x55, rng.normal(size=(3, 3))))]
    simple += [Case(f"5x5, symmetric 3x3 {mode}", (x55, _symmetric(3)), {"mode": mode})
               for mode in ("full", "same", "valid")]
    hard = []
    x = rng.normal(size=(6, 8))
    for shape in ((2, 3), (3, 2), (4, 4)):
        k = rng.normal(size=shape)
        for mode in ("full", "same", "valid"):
            hard.append(Case(f"6x8, {shape[0]}x{shape[1]} {mode}", (x, k), {"mode": mode}))
    hard.append(Case("3x2, 5x4 kernel valid", (rng.normal(size=(3, 2)), rng.normal(size=(5, 4))),
                     {"mode": "valid"}))
    hard.append(Case("int x 6x7, 3x2 same", (rng.integers(-5, 6, size=(6, 7)), rng.normal(size=(3, 2))),
                     {"mode": "same"}))
    hard.append(Case("float32 6x8, 2x3 full", (x.astype("float32"), rng.normal(size=(2, 3)).astype("float32"))))
    return simple, hard


def conv_matrix_cases():
    rng = _rng(8)
    simple = [Case("2x2 kernel, 3x3 input", (rng.normal(size=(2, 2)), (3, 3))),
              Case("symmetric 3x3 kernel, 4x4 input", (_symmetric(3), (4, 4))),
              Case("3x3 kernel, 5x5 input", (rng.normal(size=(3, 3)), (5, 5)))]
    hard = [Case("2x3 kernel, 4x5 input", (rng.normal(size=(2, 3)), (4, 5))),
            Case("3x2 kernel, 5x4 input", (rng.normal(size=(3, 2)), (5, 4))),
            Case("3x3 kernel, 5x6 input", (rng.normal(size=(3, 3)), (5, 6))),
            Case("2x2 kernel, 4x6 input", (rng.normal(size=(2, 2)), (4, 6)))]
    return simple, hard


def conv_output_size_cases():
    simple = [Case("n5 k3", (5, 3)), Case("n7 k3 p1", (7, 3, 1, 1)), Case("n28 k3", (28, 3))]
    hard = [Case(f"n{a[0]} k{a[1]} s{a[2]} p{a[3]} d{a[4]}", a) for a in (
        (7, 3, 2, 0, 1), (8, 3, 3, 1, 1), (10, 4, 3, 2, 1), (9, 3, 1, 0, 2), (6, 3, 2, 1, 1),
        (32, 5, 1, 2, 1), (10, 3, 2, 0, 1), (11, 3, 3, 0, 1), (12, 5, 4, 2, 1), (224, 7, 2, 3, 1))]
    invalid = [Case("n3 k5 (kernel larger)", (3, 5)), Case("stride 0", (5, 3, 0)),
               Case("n4 k3 d3 (dilated kernel larger)", (4, 3, 1, 0, 3)),
               Case("n2 k5 p1 (kernel larger than padded)", (2, 5, 1, 1))]
    return simple, hard, invalid


def pool_output_size_cases():
    simple = [Case("n4 k2", (4, 2)), Case("n6 k2 s2", (6, 2, 2)), Case("n8 k2", (8, 2))]
    hard = [Case(f"n{a[0]} k{a[1]} s{a[2]} p{a[3]} ceil={a[4]}", a) for a in (
        (7, 2, None, 0, False), (7, 3, 2, 0, False), (8, 3, 2, 1, False), (7, 2, None, 0, True),
        (6, 3, 2, 1, True), (10, 3, 3, 0, True), (5, 2, 2, 1, True), (13, 3, 2, 0, False),
        (9, 3, None, 1, False), (11, 4, 3, 2, False))]
    invalid = [Case("n2 k3 (kernel larger)", (2, 3)), Case("stride 0", (5, 2, 0)),
               Case("padding 2 > k/2", (5, 2, 2, 2))]
    return simple, hard, invalid


CASES = {
    "conv2d_forward": lambda: conv_layer_cases("conv2d_forward"),
    "conv2d_fast": lambda: conv_layer_cases("conv2d_fast"),
    "conv2d_backward": lambda: conv_layer_cases("conv2d_backward"),
    "maxpool2d_backward": maxpool_backward_cases,
    "pool2d": pool2d_cases,
    "global_avg_pool": global_avg_pool_cases,
    "corr2d": corr2d_cases,
    "conv1d": conv1d_cases,
    "convolve2d": convolve2d_cases,
    "conv_matrix": conv_matrix_cases,
    "conv_output_size": conv_output_size_cases,
    "pool_output_size": pool_output_size_cases,
}


def case_sets(question):
    """(simple, hard, invalid) for a question."""
    sets = CASES[question]()
    return sets if len(sets) == 3 else (*sets, [])


# ------------------------------------------------------------------------------------ comparisons


def _is_int(value):
    return isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))


def close(value, expected, strict_dtype=False):
    """True when value is what the grader accepts for expected (see the module docstring)."""
    if expected is None:
        return value is None
    if isinstance(expected, tuple):
        return (isinstance(value, (tuple, list)) and len(value) == len(expected)
                and all(close(v, e, strict_dtype) for v, e in zip(value, expected)))
    if isinstance(expected, np.ndarray):
        if not isinstance(value, np.ndarray) or value.shape != expected.shape or value.dtype.kind != "f":
            return False
        if strict_dtype and value.dtype != expected.dtype:
            return False
        magnitude = np.abs(expected)
        tolerance = RTOL * (magnitude + magnitude.max(initial=0.0) + 1e-12)
        with np.errstate(invalid="ignore"):
            return bool(np.all(np.abs(value - expected) <= tolerance))
    if _is_int(expected):
        return _is_int(value) and int(value) == int(expected)
    raise TypeError(f"unexpected reference value {expected!r}")


def _copy(value):
    return value.copy() if isinstance(value, np.ndarray) else value


@dataclass
class Outcome:
    status: str          # right, wrong, raised, mutated
    detail: str = ""
    value: object = None
    output_right: bool = False
    mutated: tuple = ()
    exception: BaseException = None


def run_case(function, question, case, strict_dtype=False):
    """Call `function` on a copy of the case's inputs and judge it against cnn_ref."""
    try:
        expected = getattr(cnn_ref, question)(*case.args, **case.kwargs)
    except ValueError:
        expected = ValueError
    args = tuple(_copy(a) for a in case.args)
    originals = tuple(_copy(a) for a in args)
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            value = function(*args, **case.kwargs)
    except Exception as error:  # noqa: BLE001 - a student's code may raise anything
        if expected is ValueError and isinstance(error, ValueError):
            return Outcome("right", output_right=True)
        message = (str(error).splitlines() or [""])[0][:60]
        return Outcome("raised", f"{type(error).__name__}: {message}", exception=error)
    mutated = tuple(str(i) for i, (a, o) in enumerate(zip(args, originals))
                    if isinstance(o, np.ndarray) and not (a.dtype == o.dtype and np.array_equal(a, o)))
    if expected is ValueError:
        return Outcome("wrong", f"returned {value!r} instead of raising ValueError", value)
    if not close(value, expected, strict_dtype):
        detail = (f"dtype {value.dtype}, expected {expected.dtype}" if close(value, expected)
                  else _describe(value, expected))
        return Outcome("wrong", detail, value, mutated=mutated)
    if mutated:
        return Outcome("mutated", f"changed input {', '.join(mutated)}", value, True, mutated)
    return Outcome("right", value=value, output_right=True)


def _describe(value, expected):
    if isinstance(expected, tuple) and isinstance(value, (tuple, list)) and len(value) == len(expected):
        for name, v, e in zip(("dx", "dw", "db"), value, expected):
            if not close(v, e):
                return f"{name}: {_describe(v, e)}"
    if isinstance(expected, np.ndarray) and isinstance(value, np.ndarray):
        if value.shape != expected.shape:
            return f"shape {value.shape}, expected {expected.shape}"
        if value.dtype.kind != "f":
            return f"dtype {value.dtype}"
        return f"max error {np.nanmax(np.abs(value - expected)):.3g}"
    return f"got {str(value)[:40]}, expected {str(expected)[:40]}"


# NumPy 1.x names that NumPy 2 removed, put back to check a removed-api file as its author saw it.
NUMPY1_NAMES = {"float": float, "int": int, "complex": complex, "object": object, "str": str,
                "product": np.prod, "alltrue": np.all, "sometrue": np.any, "cumproduct": np.cumprod,
                "asfarray": lambda a, dtype=np.float64: np.asarray(a, dtype=dtype)}


@contextlib.contextmanager
def numpy1_names():
    added = []
    for name, value in NUMPY1_NAMES.items():
        if name not in np.__dict__:
            setattr(np, name, value)
            added.append((np, name))
    if "pad" not in np.lib.__dict__:
        np.lib.pad = np.pad
        added.append((np.lib, "pad"))
    try:
        yield
    finally:
        for module, name in added:
            delattr(module, name)


# ----------------------------------------------------------------------------------- the checks


def _grader_diagnoses(question, cases_and_outcomes):
    """What autograder's variant catalogue names for the wrong values (informational)."""
    try:
        from autograder.grading.variants import diagnose
    except Exception:  # noqa: BLE001 - the package may be mid-restructure
        return "n/a"
    found = []
    for case, outcome in cases_and_outcomes:
        if outcome.status == "wrong" and outcome.value is not None:
            try:
                found += diagnose(question, case.args, case.kwargs, outcome.value)
            except Exception:  # noqa: BLE001
                pass
        elif outcome.status == "mutated":
            found.append("mutates-input")
        elif outcome.status == "raised":
            found.append("exception")
    return ",".join(dict.fromkeys(found))


def load(path, question):
    namespace = runpy.run_path(str(path), run_name="student_submission")
    function = namespace.get(question)
    if not callable(function):
        raise LookupError(f"{path.name} does not define {question}")
    return function


def verify_entry(name, meta):
    """One row of the table: the checks' results for manifest entry `name` (a path under HERE)."""
    question, diagnosis = meta["question"], meta["diagnosis"]
    row = {"file": name, "question": question, "diagnosis": diagnosis or "(correct)",
           "runs": False, "wrong": False, "simple": False, "fails": "", "first": "", "grader": "",
           "ok": False}
    try:
        function = load(HERE / name, question)
    except Exception as error:  # noqa: BLE001
        row["first"] = f"load: {type(error).__name__}: {error}"
        return row
    simple, hard, invalid = case_sets(question)
    correct = not diagnosis
    strict = correct
    simple_out = [(c, run_case(function, question, c, strict)) for c in simple]
    hard_out = [(c, run_case(function, question, c, strict)) for c in hard + invalid]
    failing = [(c, o) for c, o in hard_out if o.status != "right"]
    row["fails"] = f"{len(failing)}/{len(hard_out)}"
    row["first"] = "" if not failing else f"{failing[0][0].label}: {failing[0][1].detail or failing[0][1].status}"
    row["failing"] = [c.label for c, _ in failing]
    row["right_simple"] = [c.label for c, o in simple_out if o.output_right]
    row["grader"] = _grader_diagnoses(question, failing)

    if correct:
        row["runs"] = all(o.status != "raised" for _, o in simple_out)
        row["wrong"] = not failing                      # "nothing wrong" for a correct file
        row["simple"] = all(o.status == "right" for _, o in simple_out)
    elif diagnosis == "removed-api":
        def attribute_error(outcome):
            return outcome.status == "raised" and isinstance(outcome.exception, AttributeError)
        row["runs"] = any(attribute_error(o) for _, o in simple_out + hard_out)
        row["wrong"] = any(attribute_error(o) for _, o in hard_out)
        with numpy1_names():
            patched = [(c, run_case(function, question, c)) for c in simple]
        row["right_simple"] = [c.label + " (NumPy 1 names)" for c, o in patched if o.status == "right"]
        row["simple"] = bool(row["right_simple"])
    else:
        row["runs"] = any(o.status != "raised" for _, o in simple_out)
        if diagnosis == "no-value-error":
            invalid_out = hard_out[len(hard):]
            row["wrong"] = any(o.status == "wrong" for _, o in invalid_out)
        elif diagnosis == "mutates-input":
            row["wrong"] = any(o.mutated for _, o in hard_out)
        else:
            row["wrong"] = bool(failing)
        if diagnosis == "mutates-input":
            row["simple"] = any(o.output_right for _, o in simple_out)
        else:
            row["simple"] = any(o.status == "right" for _, o in simple_out)
    row["ok"] = row["runs"] and row["wrong"] and row["simple"]
    return row


def manifest():
    with open(HERE / "manifest.toml", "rb") as handle:
        return tomllib.load(handle)


def main(argv):
    verbose = "-v" in argv
    only = [a for a in argv if not a.startswith("-")]
    entries = manifest()
    missing = sorted(str(p.relative_to(HERE)) for p in HERE.glob("*/*.py") if str(p.relative_to(HERE)) not in entries)
    rows = [verify_entry(name, meta) for name, meta in entries.items()
            if not only or any(name.endswith(o) or o in name for o in only)]
    mark = {True: "yes", False: "NO"}
    header = ("file", "diagnosis", "1 runs", "2 wrong", "3 simple", "fails", "grader says", "first failing input")
    widths = (42, 21, 6, 7, 8, 6, 30, 0)
    print("  ".join(h.ljust(w) for h, w in zip(header, widths)))
    for row in rows:
        wrong = row["wrong"]
        cells = (row["file"], row["diagnosis"], mark[row["runs"]],
                 ("none" if wrong else "SOME") if row["diagnosis"] == "(correct)" else mark[wrong],
                 mark[row["simple"]], row["fails"], row["grader"][:30], row["first"][:90])
        print("  ".join(str(c).ljust(w) for c, w in zip(cells, widths)))
        if verbose and row.get("failing"):
            print("      wrong on:", "; ".join(row["failing"]))
        if verbose and row["diagnosis"] != "(correct)" and row.get("right_simple") is not None:
            print("      right on:", "; ".join(row["right_simple"]) or "-")
    bad = [r["file"] for r in rows if not r["ok"]]
    buggy = [r for r in rows if r["diagnosis"] != "(correct)"]
    print(f"\n{len(rows)} files ({len(buggy)} buggy, {len(rows) - len(buggy)} correct): "
          f"{len(rows) - len(bad)} pass, {len(bad)} fail{': ' + ', '.join(bad) if bad else ''}")
    if missing:
        print("not in manifest.toml:", ", ".join(missing))
    return 1 if bad or missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
