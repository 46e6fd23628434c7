"""Fixtures of the hidden suites: the student under test and a seeded random generator."""
import pytest

from autograder.hidden import SEED, SETTINGS, STUDENT, question_of, rng_for


@pytest.fixture
def student(request):
    """The submission under test: `student.corr2d(x, k)` returns an Answer."""
    return request.config.stash[STUDENT]


@pytest.fixture
def rng(request):
    """Inputs are random but reproducible: seeded by the assignment, the student and the test."""
    return rng_for(request.config.stash[SEED], request.node.nodeid)


@pytest.fixture
def settings(request):
    """This question's settings from the assignment file (thresholds and the like)."""
    return request.config.stash[SETTINGS].get(question_of(request.node.fspath), {})
