"""The checks a hidden test applies to an `Answer`: each passes or raises `WrongAnswer`.

A `WrongAnswer` carries what the student reads (what was tried, what went wrong, and which known
misconception the result matches) and never the expected values or the test's code.
"""
import numpy as np

from autograder.grading.answer import CRASHED, MISSING, RAISED, TIMEOUT, UNLOADABLE, UNREADABLE, describe_value
from autograder.grading.tolerance import mismatches
from autograder.grading.patterns import shape_pattern, value_pattern
from autograder.grading.variants import diagnose, diagnose_crash, is_integer
from autograder.diagnoses import Diagnosis, explain


class WrongAnswer(AssertionError):
    """A failed check: `message` for the student, `diagnoses` a list of SPEC's diagnosis ids.

    A check decides at once, but one raised `later` has no words yet: `settle` composes them.
    """

    def __init__(self, message, diagnoses=(), problem=None, printed=""):
        super().__init__(message)
        self.message = message
        self.diagnoses = list(dict.fromkeys(diagnoses))
        # The message's parts, so that review.py can rewrite it once every test of the question
        # has run: what was called and went wrong (lines), and what the function printed.
        self.problem, self.printed = (problem or [message]), printed
        self.pattern = ""       # where the wrong result differs (patterns.py), shown when no diagnosis names a cause
        self.picture = None     # (expected, got) for the feedback page's picture: `picture_arrays`
        self.pending = None     # what `settle` runs: returns the finished WrongAnswer

    @classmethod
    def later(cls, finish):
        """A wrong answer whose message, diagnoses, pattern and picture `finish()` (which returns
        the finished WrongAnswer) works out when `settle`d. The catalogue search and the message
        take longer for a wrong answer than a pass takes: run between two calls, student code
        could time them and learn which of its answers were right (issue 14)."""
        wrong = cls("This wrong answer is described once the submission's sandboxes are closed.")
        wrong.pending = finish
        return wrong

    def settle(self):
        """Run the work the check left for later, once no student code runs any more (the grader:
        after the submission's sandboxes are closed; the self-check: after each case). Returns self."""
        if self.pending is not None:
            finished, self.pending = self.pending(), None
            self.args = finished.args
            vars(self).update(vars(finished))
        return self


class PartialCredit(WrongAnswer):
    """A check that earns `fraction` (between 0 and 1) of its points."""

    def __init__(self, fraction, message, diagnoses=()):
        super().__init__(message, diagnoses)
        self.fraction = fraction


def wrong_answer(answer, problem, diagnoses=(), pattern=""):
    """A WrongAnswer that says which call failed, what went wrong, what it suggests and, when no
    diagnosis names a cause, the `pattern` of the wrong result."""
    lines = [problem] if answer.failure == MISSING else [f"Called {answer.describe_call()}.", problem]
    if pattern:
        lines.append(pattern)
    wrong = WrongAnswer(compose(lines, diagnoses, answer.output), diagnoses, lines, answer.output)
    wrong.pattern = pattern
    return wrong


def compose(problem, diagnoses, printed, pattern=""):
    """The student's message: the problem's lines, each diagnosis's explanation, a pattern shared
    with other failing tests, and what the function printed."""
    lines = list(problem) + [explain(diagnosis) for diagnosis in dict.fromkeys(diagnoses) if explain(diagnosis)]
    if pattern:
        lines.append(pattern)
    if printed:
        lines.append(f"Your function printed:\n{printed}")
    return "\n".join(lines)


_FAILURES = {
    MISSING: ("missing", "Your submission does not define {function}."),
    RAISED: (Diagnosis.EXCEPTION, "Your function raised {message}"),
    TIMEOUT: (Diagnosis.TIMEOUT, "Your function did not finish within {message}."),
    CRASHED: (Diagnosis.EXCEPTION, "The process running your code died: {message}"),
    UNREADABLE: (Diagnosis.WRONG_TYPE, "Your function returned {message}"),
    UNLOADABLE: (Diagnosis.EXCEPTION, "Your submission could not be loaded: {message}"),
}


def returned(answer):
    """The answer's value, or a WrongAnswer (settled later) when the call gave none (missing,
    raised, timed out)."""
    if answer.failure is None:
        return answer.value
    raise WrongAnswer.later(lambda: _no_value(answer))


def _no_value(answer):
    """The WrongAnswer of a call that gave no value, its crash diagnosed."""
    diagnosis, problem = _FAILURES[answer.failure]
    if "NotImplementedError" in answer.exception:
        diagnosis = Diagnosis.NOT_IMPLEMENTED
    named = diagnose_crash(answer.function, answer.args, answer.kwargs, answer.exception, answer.message) \
        if answer.failure == RAISED else []
    return wrong_answer(answer, problem.format(message=answer.message, function=answer.function),
                        [] if diagnosis == "missing" else [*named, diagnosis])


def expect_close(answer, expected, names=None):
    """Pass when the answer equals `expected` (arrays within RTOL, or a tuple of them, None alike).

    names: what to call each element when `expected` is a tuple, e.g. ("dx", "dw", "db").
    """
    value = returned(answer)
    problem = _difference(value, expected, names)
    if problem:
        raise WrongAnswer.later(lambda: _not_close(answer, value, expected, problem))


def _not_close(answer, value, expected, problem):
    """expect_close's WrongAnswer: `problem()` its sentence, diagnosed, with its pattern and picture."""
    wrong = _diagnosed(answer, value, expected, problem())
    wrong.picture = picture_arrays(value, expected)
    return wrong


def _diagnosed(answer, value, expected, problem):
    """The WrongAnswer of a wrong array answer: its diagnoses and, when none names a cause, its pattern."""
    diagnoses = _diagnoses(answer, value, expected)
    return wrong_answer(answer, problem, diagnoses, "" if causes(diagnoses) else result_pattern(answer, value, expected))


def expect_int(answer, expected):
    """Pass when the answer is the integer `expected` (a Python int or a NumPy integer scalar)."""
    value = returned(answer)
    if is_integer(value) and int(value) == expected:
        return
    raise WrongAnswer.later(lambda: wrong_answer(answer, (
        f"Your function returned {describe_value(value)}, a {type(value).__name__}: sizes and counts are ints."
        if not is_integer(value) else f"Your function returned {int(value)}, which is not right."),
        _diagnoses(answer, value, expected)))


def expect_equal(answer, expected):
    """Pass when the answer equals `expected` exactly, lists and tuples alike (e.g. summarize's rows)."""
    value = returned(answer)
    if _plain(value) != _plain(expected):
        raise WrongAnswer.later(lambda: wrong_answer(answer, "Your function's result is not right.",
                                                     _diagnoses(answer, value, expected)))


def expect_value_error(answer, argument):
    """Pass when the call raised ValueError, as SPEC asks for an invalid `argument`."""
    if answer.failure == RAISED and "ValueError" in answer.exception:
        return
    if answer.failure not in (None, RAISED):
        returned(answer)
    raise WrongAnswer.later(lambda: _no_value_error(answer, argument))


def _no_value_error(answer, argument):
    got = f"raised {answer.message}" if answer.failure == RAISED else f"returned {describe_value(answer.value)}"
    return wrong_answer(answer, f"An invalid {argument} should raise ValueError, but your function {got}.",
                        [Diagnosis.NO_VALUE_ERROR] if answer.failure is None else [])


def expect_unchanged(answer):
    """Pass when the call left every input array as it was."""
    returned(answer)
    if answer.mutated:
        raise wrong_answer(answer, f"Your function changed its input {', '.join(answer.mutated)}.",
                           [Diagnosis.MUTATES_INPUT])


def expect_unchanged_and_right(answer, expected, names=None):
    """Pass when the call left every input array as it was and returned `expected` (as
    expect_close): leaving the inputs alone earns points only with a right answer."""
    expect_unchanged(answer)
    value = answer.value
    problem = _difference(value, expected, names)
    if problem:
        raise WrongAnswer.later(lambda: _diagnosed(
            answer, value, expected, "Your function left its inputs unchanged, but its result is wrong, and this "
                                     f"test's points need both. {problem()}"))


# Ids that say what the result looks like, not why: a pattern may still help beside them.
SYMPTOMS = frozenset({Diagnosis.WRONG_SHAPE, Diagnosis.WRONG_TYPE, Diagnosis.NAN_OUTPUT, Diagnosis.EXCEPTION})


def causes(diagnoses):
    """The diagnoses that name a cause (a known misconception), not only a symptom."""
    return [diagnosis for diagnosis in diagnoses if diagnosis not in SYMPTOMS]


def result_pattern(answer, value, expected):
    """Where a wrong array answer (or the first wrong array of a tuple) differs from the expected
    one, or which axis of its shape is off: a sentence, "" when there is no simple pattern."""
    if isinstance(expected, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(expected):
            return ""
        wrong = [(part, wanted) for part, wanted in zip(value, expected) if _difference(part, wanted, None)]
        return result_pattern(answer, *wrong[0]) if wrong else ""
    if not (isinstance(value, np.ndarray) and isinstance(expected, np.ndarray)) or value.dtype.kind not in "biuf":
        return ""
    if value.shape != expected.shape:
        return shape_pattern(answer.function, answer.args, answer.kwargs, value.shape, expected.shape)
    return value_pattern(value, expected)


def _difference(value, expected, names):
    """None when value matches expected, else a function that returns a sentence saying how it
    differs: a check decides at once, but words cost time only for a wrong answer, so they wait
    for `WrongAnswer.settle`. Every array of a tuple is compared, right or wrong, so that a wrong
    element costs as much to find as a right one."""
    if isinstance(expected, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(expected):
            return lambda: f"Your function should return a tuple of {len(expected)} values, got {_kind(value)}."
        problems = [_difference(part, wanted, None) for part, wanted in zip(value, expected)]
        index = next((index for index, problem in enumerate(problems) if problem), None)
        return None if index is None else \
            lambda: f"{names[index] if names else f'Element {index}'}: {problems[index]()}"
    if expected is None:
        return None if value is None else lambda: f"Expected None, got {_kind(value)}."
    if not isinstance(value, np.ndarray):
        return lambda: f"Your function should return a NumPy array, got {_kind(value)}."
    if value.shape != expected.shape:
        return lambda: f"The result has shape {value.shape}; the expected shape is {expected.shape}."
    if value.dtype.kind != "f":
        return lambda: f"The result has dtype {value.dtype}; it should be a float array."
    if not np.all(np.isfinite(value)):
        return lambda: "The result contains NaN or infinite values."
    wrong = mismatches(value, expected)
    if wrong.any():
        return lambda: (f"{wrong.sum()} of {wrong.size} values are wrong "
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
    return f"a {type(value).__name__} ({describe_value(value, 60)})"


SPEED_RULE = ("Speed is judged by the Python-level work done per output pixel, never by wall-clock "
              "time, so that a grade does not depend on how busy the machine is.")


def expect_fast(answer, pixels, *, full_lines, zero_lines):
    """Speed by work, not time: full points when a counted call (`student.counted`) ran at most
    `full_lines` Python lines of the student's own code per output pixel (`pixels`: N * OH * OW),
    none from `zero_lines` on, and a straight line between. Check the answer's value first: speed
    counts only for a right answer. Returns what a fast answer is told: its count."""
    returned(answer)
    if answer.lines is None:
        raise WrongAnswer(f"Called {answer.describe_call()}. Your function switched off the grader's line "
                          "counter (sys.settrace, sys.setprofile or a frame's trace) or did its work in another "
                          f"process, so its speed could not be judged and earns no points. {SPEED_RULE}")
    per_pixel = answer.lines / pixels
    measured = (f"Your {answer.function} ran {per_pixel:,.3f} Python lines per output pixel "
                f"({answer.lines:,} lines for {pixels:,} pixels)")
    if per_pixel <= full_lines:
        return f"{measured}: full points up to {full_lines:g}."
    fraction = min(max((zero_lines - per_pixel) / (zero_lines - full_lines), 0.0), 1.0)
    raise PartialCredit(fraction, f"Called {answer.describe_call()}. {measured}; full points need at most "
                        f"{full_lines:g}: build all windows at once (stride tricks) and use one matrix product, "
                        f"with no Python loop over output pixels. {SPEED_RULE}", [Diagnosis.TOO_SLOW])


def trained(run):
    """The ModelRun, or a WrongAnswer when building, training or predicting failed."""
    if run.failure is None:
        return run
    diagnosis, problem = _FAILURES[run.failure]
    lines = [problem.format(message=run.message, function=run.message)]
    if run.output:
        lines.append(f"Your code printed:\n{run.output}")
    raise WrongAnswer("\n".join(lines), [diagnosis])


PICTURE_SIDE = 24   # the largest side of a picture's arrays: a few hundred numbers cross, not a tensor


def picture_arrays(value, expected):
    """(expected, got): 2-D float arrays of at most PICTURE_SIDE a side, the slice (over the leading
    axes) of a wrong array answer where most values are wrong, for the feedback page to draw;
    None when there is nothing to draw side by side (a wrong shape, type or tuple length).
    value, expected: arrays of any rank, or tuples of them (the first wrong element is drawn)."""
    if isinstance(expected, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(expected):
            return None
        return next(filter(None, map(picture_arrays, value, expected)), None)
    if not (isinstance(value, np.ndarray) and isinstance(expected, np.ndarray)) or value.shape != expected.shape \
            or value.dtype.kind not in "biuf" or expected.ndim == 0:
        return None
    wrong = mismatches(value.astype(np.float64), expected)
    if not wrong.any():
        return None
    side = expected.shape[-2:] if expected.ndim > 1 else (1, expected.shape[0])
    slices = wrong.reshape(-1, *side).sum(axis=(1, 2))
    worst = int(np.argmax(slices))
    got, want = (np.asarray(array, np.float64).reshape(-1, *side)[worst, :PICTURE_SIDE, :PICTURE_SIDE]
                 for array in (value, expected))
    return want, got
