"""What the nbgrader and otter exports run in the grading kernel, where the autograder package is
installed next to the student's code: a question's hidden suite against the notebook's namespace.
Students never see these cells in their notebooks."""
import sys

from autograder.assignment import load_assignment
from autograder.grading.hidden import SuiteContext, run_suites
from autograder.grading.student import LocalStudent


def hidden_check(question, seed=None, namespace=None, assignment=None):
    """Run `question`'s hidden suite (fixed seed: the assignment's, or `seed`) on the caller's
    namespace; raises AssertionError naming the tests that failed. For nbgrader's hidden tests
    and otter's hidden cases, where the autograder package is installed in the grading kernel."""
    namespace = sys._getframe(1).f_globals if namespace is None else namespace
    assignment = load_assignment(assignment)
    seed = assignment.seed if seed is None else str(seed)
    outcomes = run_suites(SuiteContext(LocalStudent(namespace), seed, assignment), [question])
    failed = [outcome for outcome in outcomes if outcome.fraction < 1]
    if not outcomes:
        raise AssertionError(f"{question} has no hidden tests")
    if failed:
        details = "\n\n".join(f"{outcome.name}\n{outcome.output}" for outcome in failed)
        raise AssertionError(f"{len(failed)} of {len(outcomes)} hidden tests of {question} failed:\n\n{details}")
