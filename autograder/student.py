"""The `student` fixture's objects: `student.corr2d(x, k)` calls the student's corr2d and returns an
`Answer`. The hidden suites see only this interface, so the same suite runs against a sandboxed
submission (grading) or against functions in this process (the self-check and the project's tests).
"""
import copy
import time
import traceback

import numpy as np

from .answer import MISSING, RAISED, Answer
from .sandbox_worker import time_against_matmul


class Student:
    """Attribute access gives a function that records every call's Answer in `answers`."""

    def __init__(self):
        self.answers = []

    def __getattr__(self, function):
        if function.startswith("_"):
            raise AttributeError(function)
        return lambda *args, **kwargs: self._record(self.call(function, args, kwargs))

    def _record(self, answer):
        self.answers.append(answer)
        return answer

    def call(self, function, args, kwargs):
        raise NotImplementedError

    def timing(self, function, *args, **kwargs):
        """Seconds of the call and of a matrix product of `matmul=(m, k, n)`, best of three, or
        None when the function cannot be timed (missing, crashing)."""
        raise NotImplementedError


class LocalStudent(Student):
    """Calls functions of a namespace in this process: for trusted code only (a student's own
    self-check, the reference and the wrong variants in the project's tests), never for grading."""

    def __init__(self, namespace):
        super().__init__()
        self.namespace = namespace

    def call(self, function, args, kwargs):
        answer = Answer(function, args, kwargs)
        target = self.namespace.get(function)
        if not callable(target):
            answer.failure, answer.message = MISSING, f"{function} is not defined"
            return answer
        given_args, given_kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        start = time.perf_counter()
        try:
            answer.value = target(*given_args, **given_kwargs)
        except Exception as error:  # the student's error is the answer, not the grader's
            answer.failure = RAISED
            answer.message = "".join(traceback.format_exception_only(error)).strip()
            answer.exception = [kind.__name__ for kind in type(error).__mro__]
        answer.seconds = time.perf_counter() - start
        answer.mutated = changed_arguments((args, kwargs), (given_args, given_kwargs))
        return answer


    def timing(self, function, *args, matmul, **kwargs):
        target = self.namespace.get(function)
        try:
            return time_against_matmul(target, args, kwargs, matmul, 3)
        except Exception:  # missing or failing: the speed check reports it, as in the sandbox
            return None


def changed_arguments(sent, after):
    """Names of the array arguments that differ between two (args, kwargs) pairs."""
    (args, kwargs), (args_after, kwargs_after) = sent, after
    named = [(f"argument {i + 1}", a, b) for i, (a, b) in enumerate(zip(args, args_after))]
    named += [(name, kwargs[name], kwargs_after[name]) for name in kwargs]
    return [name for name, before, now in named
            if isinstance(before, np.ndarray) and not np.array_equal(before, now, equal_nan=True)]


class SandboxStudent(Student):
    """Calls into a submission's sandbox. Calls of from-scratch questions are watched for the
    forbidden APIs; `defined` (from loading) answers a missing function without a round trip."""

    def __init__(self, sandbox, defined, forbidden, exempt):
        super().__init__()
        self.sandbox, self.defined = sandbox, set(defined)
        self.forbidden, self.exempt = tuple(forbidden), frozenset(exempt)

    def call(self, function, args, kwargs):
        if function not in self.defined:
            return Answer(function, args, kwargs, failure=MISSING, message=f"{function} is not defined")
        watch = () if function in self.exempt else self.forbidden
        return self.sandbox.call(function, args, kwargs, forbidden=watch)

    def timing(self, function, *args, matmul, **kwargs):
        if function not in self.defined:
            return None
        return self.sandbox.time_call(function, args, kwargs, matmul)
