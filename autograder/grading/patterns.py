"""What wrong answers have in common, stated as patterns, never as causes: for a student whose
mistake no known variant names.

Three kinds of evidence, each from plain data the grader holds:
- a call's case facts (`case_facts`: padding 0, a stride that does not divide, a non-square input,
  overlapping windows, ...), read from its arguments, so that no test has to declare them;
- where a wrong array differs from the right one (`value_pattern`: the border only, one channel,
  a constant offset, a scale factor, a shift by one, zeros);
- which axis of a wrong shape is off, by how much, and which size formula gives the student's size
  (`shape_pattern`);
and, across a question's tests, the facts that every failing test has and no passing test has
(`shared_pattern`).
"""
import math

import numpy as np

import cnn_ref
from cnn_ref._args import pair
from cnn_ref.convolution import conv_padding

from autograder.grading.tolerance import mismatches

LAYERS = ("conv2d_forward", "conv2d_fast", "conv2d_backward")
POOLS = ("pool2d", "maxpool2d_backward")
AXES = {2: "height", 3: "width"}


def _arguments(function, args, kwargs):
    """The call's arguments by name, defaults filled in, or None for a function without facts."""
    names = {
        "conv2d_forward": ("x", "w", "b", "stride", "padding"), "conv2d_fast": ("x", "w", "b", "stride", "padding"),
        "conv2d_backward": ("dout", "x", "w", "b", "stride", "padding"),
        "pool2d": ("x", "size", "stride", "mode"), "maxpool2d_backward": ("dout", "x", "size", "stride"),
        "corr2d": ("x", "k"), "convolve2d": ("x", "k", "mode"), "conv1d": ("x", "k", "mode"),
        "conv_matrix": ("k", "input_shape"),
        "conv_output_size": ("n", "kernel_size", "stride", "padding", "dilation"),
        "pool_output_size": ("n", "kernel_size", "stride", "padding", "ceil_mode"),
    }.get(function)
    if names is None:
        return None
    defaults = {"b": None, "stride": 1 if function in LAYERS or function == "conv_output_size" else None,
                "padding": 0, "mode": "full" if function in ("conv1d", "convolve2d") else "max",
                "dilation": 1, "ceil_mode": False}
    given = {**dict(zip(names, args)), **kwargs}
    return {name: given.get(name, defaults.get(name)) for name in names}


def _layer_facts(given):
    x, w = np.asarray(given["x"]), np.asarray(given["w"])
    strides = pair(given["stride"], "stride", 1)
    pads = conv_padding(given["padding"], w.shape[2:], strides)
    spans = [n + sum(pad) - k for n, pad, k in zip(x.shape[2:], pads, w.shape[2:])]
    facts = {f"a {'square' if x.shape[2] == x.shape[3] else 'non-square'} input",
             f"a {'square' if w.shape[2] == w.shape[3] else 'non-square'} kernel", kernel_size(w.shape[2:]),
             "padding 0" if min(map(min, pads)) == 0 else "padding of at least 1 on every side",
             "stride 1" if strides == (1, 1) else "a stride above 1"}
    if max(map(max, pads)) >= 2:
        facts.add("padding of 2 or more")
    if any(span % stride for span, stride in zip(spans, strides)):
        facts.add("a stride that does not divide the padded input size")
        facts.add("a stride that leaves half a step or more over" if any(
            2 * (span % stride) >= stride for span, stride in zip(spans, strides))
            else "a stride that leaves less than half a step over")
    facts.add("a bias" if given["b"] is not None else "no bias")
    return facts


def _pool_facts(given):
    x = np.asarray(given["x"])
    kernel = pair(given["size"], "size", 1)
    strides = pair(given["size"] if given["stride"] is None else given["stride"], "stride", 1)
    facts = {f"a {'square' if x.shape[2] == x.shape[3] else 'non-square'} input",
             f"a {'square' if kernel[0] == kernel[1] else 'non-square'} window"}
    if any(s < k for s, k in zip(strides, kernel)):
        facts.add("overlapping windows")
    if any((n - k) % s for n, k, s in zip(x.shape[2:], kernel, strides)):
        facts.add("a side that the windows do not tile exactly")
    if "dout" in given:
        reached = cnn_ref.maxpool2d_backward(np.ones(np.shape(given["dout"])), x, given["size"], given["stride"])
        if reached.max() > 1:
            facts.add("a maximum shared by several windows")
    else:
        facts.add(f'mode "{given["mode"]}"')
    return facts


def _size_facts(function, given):
    n, k, p = given["n"], given["kernel_size"], given["padding"]
    stride = given["stride"] if given["stride"] is not None else k
    span = n + 2 * p - (given.get("dilation") or 1) * (k - 1) - 1
    facts = {"padding 0" if p == 0 else "padding", "stride 1" if stride == 1 else "a stride above 1"}
    if stride > 0 and span >= 0 and span % stride:
        facts.add("a stride that does not divide the span")
    if given.get("dilation", 1) not in (None, 1):
        facts.add("dilation")
    if given.get("ceil_mode"):
        facts.add("ceil_mode")
    return facts


def case_facts(function, args, kwargs):
    """The facts of one call that a pattern may name ("padding 0", "a non-square input", ...):
    a set of phrases, empty for a function without facts or arguments the reference rejects."""
    given = _arguments(function, args, kwargs)
    if given is None:
        return set()
    try:
        getattr(cnn_ref, function)(*args, **kwargs)
        if function in LAYERS:
            facts = _layer_facts(given)
        elif function in POOLS:
            facts = _pool_facts(given)
        elif function in ("conv_output_size", "pool_output_size"):
            facts = _size_facts(function, given)
        elif function == "conv_matrix":
            k, shape = np.shape(given["k"]), tuple(given["input_shape"])
            facts = {kernel_size(k), f"a {'square' if shape[0] == shape[1] else 'non-square'} input",
                     f"a {'square' if k[0] == k[1] else 'non-square'} kernel"}
        else:
            x, k = np.asarray(given["x"]), np.asarray(given["k"])
            facts = {"a kernel larger than the input" if k.size > x.size else "a kernel smaller than the input"}
            if k.ndim == 2:
                facts |= {kernel_size(k.shape), f"a {'square' if x.shape[0] == x.shape[1] else 'non-square'} input",
                          f"a {'square' if k.shape[0] == k.shape[1] else 'non-square'} kernel"}
            if given.get("mode", "valid") != "full" or function == "corr2d":
                facts.add(f'mode "{given.get("mode") or "valid"}"')
    except (ValueError, TypeError, IndexError):  # arguments the reference rejects: no facts
        return set()
    dtypes = {np.asarray(value).dtype.kind for value in given.values() if isinstance(value, np.ndarray)}
    if "i" in dtypes or "u" in dtypes:
        facts.add("integer inputs")
    return facts


def kernel_size(shape):
    """The fact "a 3x2 kernel" of a kernel's (KH, KW)."""
    return f"a {shape[0]}x{shape[1]} kernel"


def shared_pattern(tests):
    """A sentence naming the facts that every failing test has and no passing test has.

    tests: [(passed, facts)] of one question's tests, facts the union of its calls' case facts.
    "" when no fact separates them, or when nothing passed or nothing failed."""
    failing = [facts for passed, facts in tests if not passed]
    passing = [facts for passed, facts in tests if passed]
    if not failing or not passing or not all(failing):
        return ""
    shared = set.intersection(*map(set, failing)) - set.union(*map(set, passing))
    if not shared:
        return ""
    return (f"What the failing tests share: every one has {' and '.join(sorted(shared))}, "
            f"and no passing test has {'it' if len(shared) == 1 else 'these'}.")


def shared_by_passing(tests):
    """A sentence naming the facts that every passing test has and no failing test has (as "only
    tests with a 3x3 kernel pass"); "" as for shared_pattern."""
    flipped = [(not passed, facts) for passed, facts in tests]
    failing = [facts for passed, facts in flipped if not passed]
    passing = [facts for passed, facts in flipped if passed]
    if not failing or not passing or not all(failing):
        return ""
    shared = set.intersection(*map(set, failing)) - set.union(*map(set, passing))
    if not shared:
        return ""
    return f"What the passing tests share: every one has {' and '.join(sorted(shared))}, and no failing test has."


def value_pattern(value, expected):
    """Where a wrong array of the right shape differs from the right one, in words; "" when the
    difference has no simple shape."""
    value, expected = np.asarray(value, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    wrong = mismatches(value, expected)
    if not wrong.any() or expected.size < 2:
        return ""
    difference = value - expected
    if not np.any(value):
        return "Every value of your result is 0."
    if not np.any(value[wrong]):
        return "Your result is 0 wherever it is wrong: some values were never written."
    if np.allclose(difference, difference.flat[0]):
        return f"Every value is off by the same amount ({difference.flat[0]:.3g})."
    if expected.ndim == 4:
        per_channel = difference.reshape(difference.shape[:2] + (-1,))
        if np.allclose(per_channel, per_channel[:, :, :1]) and np.allclose(per_channel, per_channel[:1]):
            return "Each output channel is off by its own constant, the same at every pixel and in every image."
        channels = np.flatnonzero(wrong.any(axis=(0, 2, 3)))
        if len(channels) < expected.shape[1] and len(channels) == 1:
            return f"Only channel {channels[0]} (of {expected.shape[1]}) is wrong."
    ratio = _ratio(value, expected)
    if ratio is not None:
        return f"Every value is {ratio:.3g} times the right one."
    shift = _shift(value, expected)
    if shift:
        return shift
    if expected.ndim >= 2 and expected.shape[-1] > 2 and expected.shape[-2] > 2:
        inner = wrong[..., 1:-1, 1:-1]
        if not inner.any():
            rows = np.flatnonzero(wrong.any(axis=tuple(range(wrong.ndim - 2)) + (wrong.ndim - 1,)))
            columns = np.flatnonzero(wrong.any(axis=tuple(range(wrong.ndim - 1))))
            return (f"Only border values are wrong (rows {_listed(rows)}, columns {_listed(columns)}); "
                    "the inside is right.")
    return ""


def _ratio(value, expected):
    """The constant factor value / expected, when there is one (other than 1)."""
    large = np.abs(expected) > 1e-6 * np.abs(expected).max()
    if not large.any():
        return None
    ratios = value[large] / expected[large]
    ratio = float(np.median(ratios))
    if np.allclose(value, ratio * expected, rtol=1e-4, atol=1e-9) and not math.isclose(ratio, 1.0):
        return ratio
    return None


def _shift(value, expected):
    """"Your result is the right one shifted by one row down" and the like, or ""."""
    if expected.ndim < 2:
        moves = {(1,): "one place to the right", (-1,): "one place to the left"}
        axes = (-1,)
    else:
        moves = {(1, 0): "one row down", (-1, 0): "one row up", (0, 1): "one column right",
                 (0, -1): "one column left"}
        axes = (-2, -1)
    for move, words in moves.items():
        kept = tuple(slice(max(m, 0), n + min(m, 0)) for m, n in zip(move, expected.shape[-len(move):]))
        source = tuple(slice(max(-m, 0), n + min(-m, 0)) for m, n in zip(move, expected.shape[-len(move):]))
        ellipsis = (Ellipsis,)
        if value[ellipsis + kept].size and np.allclose(value[ellipsis + kept], expected[ellipsis + source],
                                                         rtol=1e-4, atol=1e-9):
            return f"Your result is the right one shifted {words} (in the last {len(axes)} axes)."
    return ""


def _listed(indices):
    return ", ".join(str(int(index)) for index in indices[:6]) + (" ..." if len(indices) > 6 else "")


def shape_pattern(function, args, kwargs, shape, expected_shape):
    """Which axis of a wrong shape is off and by how much, and (for a layer's or a pooling's
    spatial axis) which size formula gives the student's size; "" when the ranks differ."""
    if len(shape) != len(expected_shape):
        return ""
    sentences = []
    for axis, (got, wanted) in enumerate(zip(shape, expected_shape)):
        if got == wanted:
            continue
        name = f"axis {axis}" + (f" ({AXES[axis]})" if len(shape) == 4 and axis in AXES else "")
        if got == 0:
            sentences.append(f"{name.capitalize()} is empty (size 0, {wanted} expected).")
            continue
        sentences.append(f"{name.capitalize()} has {got} entries, {abs(got - wanted)} "
                         f"{'more' if got > wanted else 'fewer'} than the {wanted} expected"
                         + _formula(function, args, kwargs, axis, got) + ".")
    return " ".join(sentences)


def _formula(function, args, kwargs, axis, size):
    """", which is (n + 2p - k) / s rounded up, + 1" and the like: a size formula that gives the
    student's size on a layer's or a pooling's spatial axis, or "" when none of them does."""
    given = _arguments(function, args, kwargs)
    if given is None or function not in LAYERS + POOLS or axis not in AXES or function == "conv2d_backward":
        return ""
    try:
        x = np.asarray(given["x"])
        if function in LAYERS:
            kernel, strides = np.shape(given["w"])[2:], pair(given["stride"], "stride", 1)
            pads = [sum(pad) for pad in conv_padding(given["padding"], kernel, strides)]
        else:
            kernel, pads = pair(given["size"], "size", 1), (0, 0)
            strides = pair(given["size"] if given["stride"] is None else given["stride"], "stride", 1)
    except (ValueError, TypeError):
        return ""
    index = axis - 2
    n, k, other, s, p = x.shape[axis], kernel[index], kernel[1 - index], strides[index], pads[index]
    candidates = [
        ("(n + 2p - k) // s, without the + 1", (n + p - k) // s),
        ("(n + 2p - k) / s rounded up, + 1", -(-(n + p - k) // s) + 1),
        ("(n + 2p - k) / s rounded to the nearest, + 1", round((n + p - k) / s) + 1),
        ("(n + p - k) // s + 1, with the padding counted once", (n + p // 2 - k) // s + 1),
        ("(n + 2p - k) // s + 1 with the kernel's other side for k", (n + p - other) // s + 1),
        ("(n + 2p - k + 1) // s", (n + p - k + 1) // s),
        ("n // s, one window per stride step from 0 to n", -(-(n + p) // s)),
        ("(n - k) // s + 1, without the padding", (n - k) // s + 1),
    ]
    matching = [words for words, candidate in candidates if candidate == size]
    return f", which is {matching[0]}" if len(matching) == 1 else ""
