"""Weighing a question's diagnoses across all its tests, once every test has run.

One wrong answer can match several known variants (a padding counted once and a missing + 1 give
the same size when the padding is 1); the other tests tell them apart. A variant is refuted when
a test that it would have failed passed, and a diagnosis is dropped when another one explains
every failing test it explains and more. A crash tells more across tests than alone: failures
that raise only on non-square shapes (height-width-swap), or only on kernels of another size
than the one that passes (hard-coded-size). Last, the facts that every failing test shares and
no passing test has become the question's pattern (patterns.shared_pattern), shown where no
diagnosis names a cause.
"""
import logging
import re
from itertools import groupby

from autograder.diagnoses import Diagnosis
from autograder.expect import causes, compose
from autograder.grading.answer import RAISED
from autograder.grading.patterns import case_facts, shared_pattern, shared_by_passing
from autograder.grading.variants import VARIANTS, matching_variants, telling_variants

# (fact of the failing tests, fact of the passing tests) that a height / width mix-up explains.
_SQUARE_ONLY = (("a non-square kernel", "a square kernel"), ("a non-square window", "a square window"),
                ("a non-square input", "a square input"))
_SHAPE_ERRORS = ("IndexError", "ValueError")
_NOT_DIVIDING = "a stride that does not divide the padded input size"
_HALF_OVER = "a stride that leaves half a step or more over"
_LESS_OVER = "a stride that leaves less than half a step over"


def review(outcomes):
    """Weigh each question's diagnoses across its tests and add the shared pattern: rewrites the
    failing TestOutcomes' diagnoses, pattern and output in place."""
    for question, tests in groupby(outcomes, key=lambda outcome: outcome.question):
        tests = list(tests)
        try:
            _weigh(tests)
        except Exception:  # the review only sharpens feedback: a fault of it must not cost a grade
            logging.getLogger(__name__).exception("reviewing %s failed", question)


def _weigh(tests):
    failing = [test for test in tests if not test.passed and test.problem and not test.grader_error]
    if not failing:
        return
    before = {id(test): list(test.diagnoses) for test in failing}
    _keep_best_variants(tests, failing)
    _crash_evidence(tests, failing)
    evidence = [(test.passed, _facts(test)) for test in tests if test.answers and not test.grader_error]
    shared = shared_pattern(evidence) or shared_by_passing(evidence)
    for test in failing:
        test.pattern = " ".join(filter(None, [test.pattern, shared]))
        if test.diagnoses != before[id(test)] or (shared and not causes(test.diagnoses)):
            test.output = compose(test.problem, test.diagnoses, test.printed,
                                  "" if causes(test.diagnoses) else shared)


def _facts(test):
    return set().union(*(case_facts(answer.function, answer.args, answer.kwargs) for answer in test.answers))


def _keep_best_variants(tests, failing):
    """Drop a variant diagnosis when another explains every failing test it explains and more, or
    explains the same tests and is not refuted where it is (a passing test that the refuted one
    would have failed). Refutation alone decides nothing: a bug may live in one branch only."""
    refuted = {(answer.function, index) for test in tests if test.passed for answer in test.answers
               if answer.failure is None
               for index, _ in telling_variants(answer.function, answer.args, answer.kwargs)}
    matched = {id(test): {(answer.function, index) for answer in test.answers if answer.failure is None
                          for index in matching_variants(answer.function, answer.args, answer.kwargs,
                                                         answer.value)}
               for test in failing}
    explains, standing = {}, set()
    for test in failing:
        for function, index in matched[id(test)]:
            diagnosis = VARIANTS[function][index].diagnosis
            explains.setdefault(diagnosis, set()).add(id(test))
            if (function, index) not in refuted:
                standing.add(diagnosis)
    best = {diagnosis for diagnosis, explained in explains.items()
            if not any(explained < other for other in explains.values())
            and (diagnosis in standing or not any(explains[other] == explained for other in standing))}
    for test in failing:
        from_variants = {VARIANTS[function][index].diagnosis for function, index in matched[id(test)]}
        test.diagnoses = [diagnosis for diagnosis in test.diagnoses
                          if diagnosis not in from_variants or diagnosis in best]


def _crash_evidence(tests, failing):
    """Name the cause of failures that only the split between failing and passing tests shows:
    shape errors raised on non-square cases alone, or every passing test with one kernel size."""
    passing = [_facts(test) for test in tests if test.passed and test.answers]
    if not passing:
        return
    failing_facts = [_facts(test) for test in failing]
    crashed = all(test.answers and test.answers[-1].failure == RAISED
                  and any(kind in test.answers[-1].exception for kind in _SHAPE_ERRORS) for test in failing)
    for odd, square in _SQUARE_ONLY:
        if crashed and all(odd in facts for facts in failing_facts) and all(square in facts for facts in passing):
            _add(failing, Diagnosis.HEIGHT_WIDTH_SWAP)
            return
    # More windows than fit, only where the stride does not divide: rounded (half a step or more
    # over, while less than half passes) or rounded up (any remainder).
    if crashed and all(_NOT_DIVIDING in facts for facts in failing_facts) and not any(
            _NOT_DIVIDING in facts for facts in passing):
        _add(failing, Diagnosis.CEIL_FLOOR)
        return
    if crashed and all(_HALF_OVER in facts for facts in failing_facts) and not any(
            _HALF_OVER in facts for facts in passing) and any(_LESS_OVER in facts for facts in passing):
        _add(failing, Diagnosis.ROUND_NOT_FLOOR)
        return
    kernels = {fact for fact in set.intersection(*passing) if re.fullmatch(r"a \d+x\d+ kernel", fact)}
    if len(passing) > 1 and kernels and not any(kernels & facts for facts in failing_facts):
        _add(failing, Diagnosis.HARD_CODED_SIZE)


def _add(failing, diagnosis):
    for test in failing:
        test.diagnoses = [diagnosis, *test.diagnoses]
