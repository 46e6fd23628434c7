"""The corpus of realistic student implementations (tests/corpus, written the way students write,
not generated from cnn_ref) through the real hidden suites: every buggy file gets its named
diagnosis and no other cause, every correct style keeps full marks and gets no diagnosis."""
import runpy
import sys
import tomllib
import warnings
from collections import defaultdict
from pathlib import Path

import pytest

from autograder.assignment import load_assignment
from autograder.diagnoses import Diagnosis
from autograder.expect import SYMPTOMS
from autograder.grading.hidden import SuiteContext, run_suites_for
from autograder.grading.student import LocalStudent

CORPUS = Path(__file__).parent / "corpus"
MANIFEST = tomllib.loads((CORPUS / "manifest.toml").read_text())
# What a result looks like rather than why: allowed beside the named cause. no-value-error is a
# behaviour seen directly (a value returned for invalid arguments), whatever its cause.
OBSERVED = SYMPTOMS | {Diagnosis.NO_VALUE_ERROR}


def grade_corpus(names, seed="corpus-seed"):
    """{file: [TestOutcome]} of the corpus files `names`, each graded on its question's suite."""
    assignment, by_question = load_assignment(), defaultdict(list)
    for name in names:
        by_question[MANIFEST[name]["question"]].append(name)
    graded = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for question, files in by_question.items():
            contexts = [SuiteContext(LocalStudent(runpy.run_path(str(CORPUS / name), run_name="student")),
                                     seed, assignment) for name in files]
            graded.update(zip(files, run_suites_for(contexts, [question])))
    return graded


def score(outcomes):
    weights = load_assignment().weights
    return sum(weights[outcome.question][outcome.test] * outcome.fraction for outcome in outcomes)


@pytest.fixture(scope="module")
def graded():
    return grade_corpus(list(MANIFEST))


BUGGY = [name for name, meta in MANIFEST.items() if meta["diagnosis"]]
CORRECT = [name for name, meta in MANIFEST.items() if not meta["diagnosis"]]


def test_the_corpus_is_large_enough():
    assert len(BUGGY) >= 44 and len(CORRECT) >= 10
    assert len({MANIFEST[name]["diagnosis"] for name in BUGGY}) >= 20


@pytest.mark.parametrize("name", BUGGY)
def test_buggy_file_gets_its_diagnosis_and_no_other_cause(graded, name):
    outcomes, expected = graded[name], MANIFEST[name]["diagnosis"]
    named = {diagnosis for outcome in outcomes for diagnosis in outcome.diagnoses}
    assert expected in named, [(outcome.test, outcome.diagnoses, outcome.output) for outcome in outcomes
                               if not outcome.passed]
    assert named - OBSERVED - {expected} == set(), MANIFEST[name]["bug"]
    assert score(outcomes) < load_assignment().points(MANIFEST[name]["question"])


@pytest.mark.parametrize("name", CORRECT)
def test_correct_style_keeps_full_marks_and_no_diagnosis(graded, name):
    outcomes = graded[name]
    assert all(outcome.passed and not outcome.diagnoses for outcome in outcomes), \
        [(outcome.test, outcome.output) for outcome in outcomes if not outcome.passed]
    assert score(outcomes) == load_assignment().points(MANIFEST[name]["question"])


def test_every_failing_test_says_what_went_wrong(graded):
    for name in BUGGY:
        for outcome in graded[name]:
            if not outcome.passed:
                assert outcome.output.startswith("Called ") and not outcome.grader_error, (name, outcome.test)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_verify_script_accepts_the_entry(name):
    sys.path.insert(0, str(CORPUS))
    try:
        from verify import verify_entry
    finally:
        sys.path.remove(str(CORPUS))
    row = verify_entry(name, MANIFEST[name])
    assert row["ok"], row
