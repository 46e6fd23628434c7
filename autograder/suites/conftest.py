"""Fixtures of the hidden suites, handed out by the grader through one SuiteContext per submission."""
import pytest

from autograder.grading.hidden import CONTEXTS, question_of, rng_for


@pytest.fixture(scope="session")
def submission(request):
    """The SuiteContext of the submission under test; its sandboxes stop after its last test."""
    context = request.config.stash[CONTEXTS][request.param]
    yield context
    context.close()


@pytest.fixture(scope="session")
def student(submission):
    """The submission under test: `student.corr2d(x, k)` returns an Answer."""
    return submission.student


@pytest.fixture
def rng(request, submission):
    """Values are random but reproducible: seeded by the assignment, the student, the submission and
    the test. Draw only values from it: each test writes its case structure (shapes, strides,
    paddings) itself, so that every student's test exposes the same bugs."""
    return rng_for(submission.seed, f"{request.node.path.name}::{request.node.originalname}")


@pytest.fixture(autouse=True)
def calls(request, submission):
    """Records where this test's calls of the student's functions begin, so that the grader can
    weigh a question's answers across its tests (grading/review.py)."""
    request.node.user_properties.append(("calls", len(submission.student.answers)))


@pytest.fixture(scope="module")
def question(request):
    """This question as the assignment file declares it: its functions, points and settings."""
    return request.config.stash[CONTEXTS][0].assignment.questions[question_of(request.node.path)]


@pytest.fixture(scope="module")
def settings(question):
    """This question's settings from the assignment file (thresholds and the like)."""
    return question.settings


@pytest.fixture
def record_output(request):
    """record_output(text): what a passing test tells the student (an accuracy, a time)."""
    return lambda text: request.node.user_properties.append(("output", text))


@pytest.fixture(scope="session")
def dataset(submission):
    """The model question's data: a cnn_ref.data.Dataset, held-out labels included (never sent)."""
    return submission.dataset


@pytest.fixture(scope="session")
def device(submission):
    """Where the model question trains: "cpu" or "cuda"."""
    return submission.device
