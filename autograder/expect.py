"""The checks a hidden test applies to an `Answer`: each passes or raises `WrongAnswer`.

A `WrongAnswer` carries what the student reads (what was tried, what went wrong, and which known
misconception the result matches) and never the expected values or the test's code.
"""
import numpy as np

from autograder.grading.answer import CRASHED, MISSING, RAISED, TIMEOUT, UNLOADABLE, UNREADABLE
from autograder.grading.tolerance import mismatches
from autograder.grading.variants import diagnose, is_integer
from autograder.diagnoses import Diagnosis, explain


class WrongAnswer(AssertionError):
    """A failed check: `message` for the student, `diagnoses` a list of SPEC's diagnosis ids."""

    def __init__(self, message, diagnoses=()):
        super().__init__(message)
        self.message = message
        self.diagnoses = list(dict.fromkeys(diagnoses))


class PartialCredit(WrongAnswer):
    """A check that earns `fraction` (between 0 and 1) of its points."""

    def __init__(self, fraction, message, diagnoses=()):
        super().__init__(message, diagnoses)
        self.fraction = fraction


def fail(answer, problem, diagnoses=()):
    """Raise a WrongAnswer that says which call failed, what went wrong and what it suggests."""
    lines = [problem] if answer.failure == MISSING else [f"Called {answer.describe_call()}.", problem]
    lines += [explain(diagnosis) for diagnosis in diagnoses if explain(diagnosis)]
    if answer.output:
        lines.append(f"Your function printed:\n{answer.output}")
    raise WrongAnswer("\n".join(lines), diagnoses)


_FAILURES = {
    MISSING: ("missing", "Your submission does not define {function}."),
    RAISED: (Diagnosis.EXCEPTION, "Your function raised {message}"),
    TIMEOUT: (Diagnosis.TIMEOUT, "Your function did not finish within {message}."),
    CRASHED: (Diagnosis.EXCEPTION, "The process running your code died: {message}"),
    UNREADABLE: (Diagnosis.WRONG_TYPE, "Your function returned {message}"),
    UNLOADABLE: (Diagnosis.EXCEPTION, "Your submission could not be loaded: {message}"),
}


def returned(answer):
    """The answer's value, or a WrongAnswer when the call gave none (missing, raised, timed out)."""
    if answer.failure is None:
        return answer.value
    diagnosis, problem = _FAILURES[answer.failure]
    if "NotImplementedError" in answer.exception:
        diagnosis = Diagnosis.NOT_IMPLEMENTED
    fail(answer, problem.format(message=answer.message, function=answer.function),
         [] if diagnosis == "missing" else [diagnosis])


def expect_close(answer, expected, names=None):
    """Pass when the answer equals `expected` (arrays within RTOL, or a tuple of them, None alike).

    names: what to call each element when `expected` is a tuple, e.g. ("dx", "dw", "db").
    """
    value = returned(answer)
    problem = _difference(value, expected, names)
    if problem:
        fail(answer, problem, _diagnoses(answer, value, expected))


def expect_int(answer, expected):
    """Pass when the answer is the integer `expected` (a Python int or a NumPy integer scalar)."""
    value = returned(answer)
    if is_integer(value) and int(value) == expected:
        return
    problem = (f"Your function returned {value!r}, a {type(value).__name__}: sizes and counts are ints."
               if not is_integer(value) else f"Your function returned {int(value)}, which is not right.")
    fail(answer, problem, _diagnoses(answer, value, expected))


def expect_equal(answer, expected):
    """Pass when the answer equals `expected` exactly, lists and tuples alike (e.g. summarize's rows)."""
    value = returned(answer)
    if _plain(value) != _plain(expected):
        fail(answer, "Your function's result is not right.", _diagnoses(answer, value, expected))


def expect_value_error(answer, argument):
    """Pass when the call raised ValueError, as SPEC asks for an invalid `argument`."""
    if answer.failure == RAISED and "ValueError" in answer.exception:
        return
    if answer.failure not in (None, RAISED):
        returned(answer)
    got = f"raised {answer.message}" if answer.failure == RAISED else f"returned {answer.value!r}"
    fail(answer, f"An invalid {argument} should raise ValueError, but your function {got}.")


def expect_unchanged(answer):
    """Pass when the call left every input array as it was."""
    returned(answer)
    if answer.mutated:
        fail(answer, f"Your function changed its input {', '.join(answer.mutated)}.", [Diagnosis.MUTATES_INPUT])


def _difference(value, expected, names):
    """None when value matches expected, else a sentence saying how it differs."""
    if isinstance(expected, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(expected):
            return f"Your function should return a tuple of {len(expected)} values, got {_kind(value)}."
        for index, (part, wanted) in enumerate(zip(value, expected)):
            problem = _difference(part, wanted, None)
            if problem:
                return f"{names[index] if names else f'Element {index}'}: {problem}"
        return None
    if expected is None:
        return None if value is None else f"Expected None, got {_kind(value)}."
    if not isinstance(value, np.ndarray):
        return f"Your function should return a NumPy array, got {_kind(value)}."
    if value.shape != expected.shape:
        return f"The result has shape {value.shape}; the expected shape is {expected.shape}."
    if value.dtype.kind != "f":
        return f"The result has dtype {value.dtype}; it should be a float array."
    if not np.all(np.isfinite(value)):
        return "The result contains NaN or infinite values."
    wrong = mismatches(value, expected)
    if wrong.any():
        return (f"{wrong.sum()} of {wrong.size} values are wrong "
                f"(the largest difference is {np.abs(value - expected).max():.3g}).")
    return None


def _diagnoses(answer, value, expected):
    found = diagnose(answer.function, answer.args, answer.kwargs, value)
    if isinstance(value, np.ndarray) and isinstance(expected, np.ndarray):
        if value.shape != expected.shape:
            found.append(Diagnosis.WRONG_SHAPE)
        elif value.dtype.kind != "f":
            found.append(Diagnosis.WRONG_TYPE)
        elif not np.all(np.isfinite(value)):
            found.append(Diagnosis.NAN_OUTPUT)
    elif is_integer(expected) and not is_integer(value):
        found.append(Diagnosis.NO_FLOOR if isinstance(value, float) else Diagnosis.WRONG_TYPE)
    elif isinstance(expected, np.ndarray) or (isinstance(expected, tuple) and not isinstance(value, (tuple, list))):
        found.append(Diagnosis.WRONG_TYPE)
    return found


def _plain(value):
    """Lists and tuples compared alike, NumPy integer scalars as ints."""
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if is_integer(value):
        return int(value)
    return value


def _kind(value):
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    return f"a {type(value).__name__} ({value!r:.60})"


def expect_fast(timing, full_ratio, zero_ratio):
    """Full points when the call took at most `full_ratio` times the matrix product of the same
    size (timed in the same process), none from `zero_ratio` on, and a straight line between."""
    if timing is None:
        raise WrongAnswer("Your function could not be timed: it is missing, raised an error or crashed.")
    ratio = timing["student_seconds"] / max(timing["matmul_seconds"], 1e-9)
    measured = (f"It took {timing['student_seconds'] * 1e3:.1f} ms, {ratio:.0f} times the matrix product "
                f"of the same size ({timing['matmul_seconds'] * 1e3:.2f} ms).")
    if ratio <= full_ratio:
        return
    fraction = min(max((zero_ratio - ratio) / (zero_ratio - full_ratio), 0.0), 1.0)
    raise PartialCredit(fraction, f"{measured} A vectorized im2col takes under {full_ratio} times as "
                        "long: build all windows at once (stride tricks) and use one matrix product, "
                        "with no Python loop over output pixels.", [Diagnosis.TOO_SLOW])


def trained(run):
    """The ModelRun, or a WrongAnswer when building, training or predicting failed."""
    if run.failure is None:
        return run
    diagnosis, problem = _FAILURES[run.failure]
    lines = [problem.format(message=run.message, function=run.message)]
    if run.output:
        lines.append(f"Your code printed:\n{run.output}")
    raise WrongAnswer("\n".join(lines), [diagnosis])
