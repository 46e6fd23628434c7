"""Two students with the same bug lose the same points: the hidden suites fix every test's case
structure and seed only its values, so a bug scores the same under any student name and any
submission hash (issue 10), and gets the same diagnoses."""
import warnings

import numpy as np
import pytest

from autograder.assignment import load_assignment
from autograder.grading.hidden import SuiteContext, run_suites_for, suite_seed
from autograder.grading.student import LocalStudent
from autograder.grading.variants import VARIANTS
from test_corpus import BUGGY, grade_corpus, score

SECRET = load_assignment().seed
# (student, submission sha256): different names, and one name resubmitting.
SUBMITTERS = [("alice", "a" * 64), ("bob", "b" * 64), ("alice", "d" * 64)]
# The questions whose catalogues hold the bugs that seeded shapes used to hide or show (the corpus
# covers the others).
QUESTIONS = ["conv2d_backward", "maxpool2d_backward", "pool2d", "conv_output_size", "pool_output_size"]


def _seeds():
    return [suite_seed(SECRET, student, sha) for student, sha in SUBMITTERS]


def _verdicts(outcomes):
    return score(outcomes), sorted({diagnosis for outcome in outcomes for diagnosis in outcome.diagnoses})


def test_seeds_differ_per_student_and_submission():
    assert len(set(_seeds())) == len(SUBMITTERS)


def test_every_corpus_bug_scores_the_same_for_every_submitter():
    runs = [grade_corpus(BUGGY, seed) for seed in _seeds()]
    for name in BUGGY:
        verdicts = [_verdicts(run[name]) for run in runs]
        assert all(verdict == verdicts[0] for verdict in verdicts), (name, verdicts)


@pytest.mark.parametrize("question", QUESTIONS)
def test_every_catalogue_variant_scores_the_same_for_every_submitter(question):
    assignment, seeds = load_assignment(), _seeds()
    contexts = [SuiteContext(LocalStudent({question: variant.compute}), seed, assignment)
                for variant in VARIANTS[question] for seed in seeds]
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        outcomes = run_suites_for(contexts, [question])
    for index, variant in enumerate(VARIANTS[question]):
        verdicts = [_verdicts(run) for run in outcomes[index * len(seeds):(index + 1) * len(seeds)]]
        assert all(verdict == verdicts[0] for verdict in verdicts), (variant.diagnosis, index, verdicts)
        assert verdicts[0][0] < assignment.points(question), (variant.diagnosis, index, "never caught")
