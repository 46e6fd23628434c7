"""Fixtures of the hidden suites, all handed out by the grader through one SuiteContext."""
import pytest

from autograder.hidden import CONTEXT, question_of, rng_for


@pytest.fixture(scope="session")
def student(request):
    """The submission under test: `student.corr2d(x, k)` returns an Answer."""
    return request.config.stash[CONTEXT].student


@pytest.fixture
def rng(request):
    """Inputs are random but reproducible: seeded by the assignment, the student and the test."""
    return rng_for(request.config.stash[CONTEXT].seed, request.node.nodeid)


@pytest.fixture(scope="module")
def settings(request):
    """This question's settings from the assignment file (thresholds and the like)."""
    return request.config.stash[CONTEXT].settings.get(question_of(request.node.fspath), {})


@pytest.fixture
def record_output(request):
    """record_output(text): what a passing test tells the student (an accuracy, a time)."""
    return lambda text: request.node.user_properties.append(("output", text))


@pytest.fixture(scope="session")
def dataset(request):
    """The model question's data: a cnn_ref.data.Dataset, held-out labels included (never sent)."""
    return request.config.stash[CONTEXT].dataset


@pytest.fixture(scope="session")
def device(request):
    """Where the model question trains: "cpu" or "cuda"."""
    return request.config.stash[CONTEXT].device
