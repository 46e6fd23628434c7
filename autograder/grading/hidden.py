"""Runs the hidden suites (plain pytest files in `suites/`, one per question) against a student.

The suites ask for fixtures (`student`, a seeded `rng`, the `question` and its `settings`, the model
question's `dataset` and `device`); this module hands them to pytest, one `SuiteContext` per
submission, through its stash and collects one `TestOutcome` per test and submission. Several
submissions share one pytest session (each test parametrized by submission, which pytest groups
so that one submission's tests run together): configuring pytest and collecting the suites cost
more than a submission's whole sandbox, and are paid once per session. Output goes to the grader alone: nothing of a
suite's code or traceback reaches the student, only a `WrongAnswer`'s message.
"""
import contextlib
import hashlib
import os
import traceback
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pytest

from autograder.assignment import SUITES
from autograder.diagnoses import Diagnosis
from autograder.expect import WrongAnswer
from autograder.grading.review import review

# pytest's plugins that grading does not use; each costs time on every one of ~100 tests.
PLUGINS_OFF = [option for plugin in ("cacheprovider", "terminal", "logging", "warnings", "faulthandler",
                                     "junitxml", "doctest", "pastebin", "nose", "stepwise", "lsof",
                                     "unraisableexception", "threadexception")
               for option in ("-p", f"no:{plugin}")]
CONTEXTS = pytest.StashKey()
AUTOLOAD = "PYTEST_DISABLE_PLUGIN_AUTOLOAD"


@dataclass
class SuiteContext:
    """What the suites' fixtures hand out. seed: `suite_seed` (the assignment's secret, the student
    id and the submission's sha256);
    assignment: the Assignment (its questions' settings); load_dataset: called once, and
    only by the model question, to get the held-out split that stays in this process."""
    student: object
    seed: str
    assignment: object
    load_dataset: object = None
    device: str = "cpu"

    @cached_property
    def dataset(self):
        return self.load_dataset()

    def close(self):
        """After the submission's last test: stop whatever its student started (sandboxes)."""
        self.student.close()


@dataclass
class TestOutcome:
    """One hidden test's result. name: what it checks, in student terms (the test's docstring)."""
    question: str
    test: str
    name: str
    passed: bool
    fraction: float             # of the test's points earned: 1 when passed, partial credit below
    output: str = ""
    diagnoses: list = field(default_factory=list)
    grader_error: bool = False
    grader_detail: str = ""     # the suite's own exception, for the TA's log only
    picture: tuple | None = None  # (expected, got) 2-D arrays of a wrong answer, for the feedback page only
    seconds: float = 0.0        # the test's duration, for the class report's runtime section (never a grade)
    pattern: str = ""           # what this wrong answer and the question's other failing tests share (review.py)
    answers: list = field(default_factory=list)     # the test's calls (Answers), for review.py
    problem: list = field(default_factory=list)     # the WrongAnswer's message parts, for review.py
    printed: str = ""


def suite_path(question):
    return SUITES / f"test_{question}.py"


def suite_seed(secret, student, submission_sha256):
    """The seed of a submission's hidden inputs: the assignment's secret, the student and the
    submission's sha256, so that a resubmission gets new values (the suites fix each test's case
    structure, so new values never change which bugs a test exposes)."""
    return f"{secret}\0{student}\0{submission_sha256}"


def rng_for(seed, test_id):
    """A generator seeded by `suite_seed` and the test: reproducible, and different for every
    student and submission so that no answer can be shared, hard-coded or collected by resubmitting.
    The suites draw only values from it, never a case's structure (shapes, strides, paddings)."""
    digest = hashlib.sha256(f"{seed}\0{test_id}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


class _Collector:
    def __init__(self, contexts):
        self.contexts, self.outcomes = contexts, [[] for _ in contexts]
        self.unsettled = []     # (TestOutcome, WrongAnswer) of the wrong answers, described by `settle`

    def pytest_configure(self, config):
        config.stash[CONTEXTS] = self.contexts

    def pytest_generate_tests(self, metafunc):
        if "submission" in metafunc.fixturenames:
            metafunc.parametrize("submission", range(len(self.contexts)), indirect=True, scope="session")

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_makereport(self, item, call):
        """Record the test's outcome; a wrong answer's words wait in `self.unsettled`. Returns the
        report of a test that passed or failed a check, built alike for both: pytest's own report
        of a failure formats its traceback (milliseconds), a gap the student could time."""
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            question = question_of(item.fspath)
            doc = (item.function.__doc__ or item.originalname).strip().splitlines()[0]
            passed = call.excinfo is None
            outcome = TestOutcome(question, item.originalname, f"{question}: {doc}", passed, float(passed),
                                  output=dict(item.user_properties).get("output", ""), seconds=call.duration)
            context = self.contexts[item.callspec.params["submission"]]
            answers = context.student.answers
            outcome.answers = answers[dict(item.user_properties).get("calls", len(answers)):]
            self.outcomes[item.callspec.params["submission"]].append(outcome)
            if call.excinfo is not None and isinstance(call.excinfo.value, WrongAnswer):
                outcome.fraction = getattr(call.excinfo.value, "fraction", 0.0)
                self.unsettled.append((outcome, call.excinfo.value))
            elif call.excinfo is not None:
                _grader_error(outcome, call.excinfo.exconly())
                return None
            return pytest.TestReport(item.nodeid, item.location, dict.fromkeys(item.keywords, 1),
                                     "passed" if passed else "failed", None if passed else "a wrong answer",
                                     call.when, duration=call.duration, start=call.start, stop=call.stop,
                                     user_properties=item.user_properties)
        return None

    def settle(self):
        """Compose the wrong answers' messages (diagnoses, patterns, pictures): only once every
        sandbox of the session is closed, so that no student code can time this work."""
        for outcome, wrong in self.unsettled:
            try:
                wrong.settle()
            except Exception as error:  # diagnosing is the grader's work: its fault is a grader error
                _grader_error(outcome, "".join(traceback.format_exception_only(error)).strip())
                continue
            outcome.output, outcome.diagnoses, outcome.picture = wrong.message, wrong.diagnoses, wrong.picture
            outcome.problem, outcome.printed, outcome.pattern = wrong.problem, wrong.printed, wrong.pattern


def _grader_error(outcome, detail):
    """A bug in the suite or the grader, not the student's fault: a TA must look."""
    outcome.grader_error = True
    outcome.output = "The grader could not run this test; a TA has been told."
    outcome.diagnoses = [Diagnosis.GRADER_ERROR]
    outcome.grader_detail = detail


def question_of(path):
    return Path(str(path)).stem.removeprefix("test_")


def run_suites_for(contexts, questions):
    """Run the suites of `questions` for every SuiteContext in one pytest session; for each
    context, its TestOutcomes in file order, each question's diagnoses weighed across its tests.
    Wrong answers are diagnosed and reviewed after pytest returns, when every context is closed."""
    collector = _Collector(contexts)
    paths = [str(suite_path(question)) for question in questions if suite_path(question).exists()]
    if paths and contexts:
        with _no_plugin_autoload():
            exit_code = pytest.main([*paths, "-s", *PLUGINS_OFF, "-c", str(SUITES / "pytest.ini"),
                                     "--rootdir", str(SUITES)], plugins=[collector])
        if exit_code == pytest.ExitCode.INTERRUPTED:
            # pytest swallows Ctrl-C and reports what ran so far; partial outcomes must never be
            # stored as a grade, so the interruption goes on up.
            raise KeyboardInterrupt
    collector.settle()
    for outcomes in collector.outcomes:
        review(outcomes)
    return collector.outcomes


@contextlib.contextmanager
def _no_plugin_autoload():
    """pytest without the plugins other installed packages register (anyio's, hypothesis's...):
    the suites use none, and loading them is a tenth of a second of every session."""
    previous = os.environ.get(AUTOLOAD)
    os.environ[AUTOLOAD] = "1"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop(AUTOLOAD, None)
        else:
            os.environ[AUTOLOAD] = previous


def run_suites(context, questions):
    """Run the suites of `questions` for one SuiteContext; its TestOutcomes in file order."""
    return run_suites_for([context], questions)[0]
