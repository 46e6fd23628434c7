"""Runs the hidden suites (plain pytest files in `suites/`, one per question) against a student.

The suites ask for fixtures (`student`, a seeded `rng`, the `question` and its `settings`, the model
question's `dataset` and `device`); this module hands them to pytest, one `SuiteContext` per
submission, through its stash and collects one `TestOutcome` per test and submission. Several
submissions share one pytest session (each test parametrized by submission, which pytest groups
so that one submission's tests run together): configuring pytest and collecting the suites cost
more than a submission's whole sandbox, and are paid once per session. Output goes to the grader alone: nothing of a
suite's code or traceback reaches the student, only a `WrongAnswer`'s message.
"""
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pytest

from autograder.assignment import SUITES
from autograder.diagnoses import Diagnosis
from autograder.expect import WrongAnswer

# pytest's plugins that grading does not use; each costs time on every one of ~100 tests.
PLUGINS_OFF = [option for plugin in ("cacheprovider", "terminal", "logging", "warnings", "faulthandler",
                                     "junitxml", "doctest", "pastebin", "nose", "stepwise", "lsof",
                                     "unraisableexception", "threadexception")
               for option in ("-p", f"no:{plugin}")]
CONTEXTS = pytest.StashKey()


@dataclass
class SuiteContext:
    """What the suites' fixtures hand out. seed: the assignment's secret and the student id;
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


def suite_path(question):
    return SUITES / f"test_{question}.py"


def rng_for(seed, test_id):
    """A generator seeded by the assignment's secret, the student and the test: reproducible, and
    different for every student so that no answer can be shared or hard-coded."""
    digest = hashlib.sha256(f"{seed}\0{test_id}".encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:16], "little"))


class _Collector:
    def __init__(self, contexts):
        self.contexts, self.outcomes = contexts, [[] for _ in contexts]

    def pytest_configure(self, config):
        config.stash[CONTEXTS] = self.contexts

    def pytest_generate_tests(self, metafunc):
        if "submission" in metafunc.fixturenames:
            metafunc.parametrize("submission", range(len(self.contexts)), indirect=True, scope="session")

    def pytest_runtest_makereport(self, item, call):
        if call.when == "call" or (call.when == "setup" and call.excinfo is not None):
            question = question_of(item.fspath)
            doc = (item.function.__doc__ or item.originalname).strip().splitlines()[0]
            passed = call.excinfo is None
            outcome = TestOutcome(question, item.originalname, f"{question}: {doc}", passed, float(passed),
                                  output=dict(item.user_properties).get("output", ""))
            if call.excinfo is not None:
                error = call.excinfo.value
                if isinstance(error, WrongAnswer):
                    outcome.output, outcome.diagnoses = error.message, error.diagnoses
                    outcome.fraction = getattr(error, "fraction", 0.0)
                else:  # a bug in the suite or the grader, not the student's fault: a TA must look
                    outcome.grader_error = True
                    outcome.output = "The grader could not run this test; a TA has been told."
                    outcome.diagnoses = [Diagnosis.GRADER_ERROR]
                    outcome.grader_detail = call.excinfo.exconly()
            self.outcomes[item.callspec.params["submission"]].append(outcome)


def question_of(path):
    return Path(str(path)).stem.removeprefix("test_")


def run_suites_for(contexts, questions):
    """Run the suites of `questions` for every SuiteContext in one pytest session; for each
    context, its TestOutcomes in file order."""
    collector = _Collector(contexts)
    paths = [str(suite_path(question)) for question in questions if suite_path(question).exists()]
    if paths and contexts:
        pytest.main([*paths, "-s", *PLUGINS_OFF, "-c", str(SUITES / "pytest.ini"), "--rootdir", str(SUITES)],
                    plugins=[collector])
    return collector.outcomes


def run_suites(context, questions):
    """Run the suites of `questions` for one SuiteContext; its TestOutcomes in file order."""
    return run_suites_for([context], questions)[0]
