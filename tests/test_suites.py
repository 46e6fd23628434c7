"""The hidden suites (autograder/suites) against the reference and against submissions that fail.

The reference passes every test; a submission whose functions all raise, or that defines nothing,
fails every test with a message for the student and never as a grader error; and assignment.toml
lists exactly the suites' test functions, each with positive points.
"""
import ast

import numpy as np
import pytest

import cnn_ref
from autograder.assignment import load_assignment
from autograder.assignment import questions_with_suites
from autograder.grading.hidden import SuiteContext, run_suites, suite_path
from autograder.grading.student import LocalStudent

QUESTIONS = [
    "conv1d", "corr2d", "convolve2d", "conv2d_forward", "conv_matrix", "conv2d_backward",
    "conv2d_fast", "pool2d", "global_avg_pool", "maxpool2d_backward", "conv_output_size",
    "pool_output_size", "conv2d_params", "dense_params", "conv2d_mults", "receptive_field",
    "summarize",
]
SEEDS = ["suites-seed-1", "suites-seed-2"]
MAX_CALLS = 150  # every call is a round trip to a sandboxed process while grading


def _not_implemented(*args, **kwargs):
    raise NotImplementedError


def _suite_tests(question):
    """{test function name: its docstring} of one suite, read from its source, with the tests it
    imports from another suite (conv2d_fast reuses conv2d_forward's)."""
    tests = {}
    for node in ast.parse(suite_path(question).read_text()).body:
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_"):
            tests[node.name] = ast.get_docstring(node)
        elif isinstance(node, ast.ImportFrom) and node.module.startswith("test_"):
            source = _suite_tests(node.module.removeprefix("test_"))
            tests.update({alias.name: source[alias.name] for alias in node.names})
    return tests


def _run(namespace, seed=SEEDS[0]):
    student = LocalStudent(namespace)
    return run_suites(SuiteContext(student, seed, load_assignment()), QUESTIONS), student


@pytest.fixture(scope="module")
def reference_runs():
    return {seed: _run(dict(vars(cnn_ref)), seed) for seed in SEEDS}


def test_every_numpy_question_has_a_suite():
    assert set(QUESTIONS) <= set(questions_with_suites())


@pytest.mark.parametrize("question", QUESTIONS)
def test_assignment_lists_every_test_with_points(question):
    weights = load_assignment().weights
    assert question in weights
    tests = _suite_tests(question)
    assert set(weights[question]) == set(tests)
    assert all(points > 0 for points in weights[question].values())
    assert all(doc and doc.strip() for doc in tests.values()), "every test needs a docstring (its name)"


def test_assignment_lists_questions_in_spec_order():
    listed = [question for question in load_assignment().questions if question in QUESTIONS]
    assert listed == QUESTIONS


def test_reference_passes_every_test(reference_runs):
    for seed, (outcomes, _) in reference_runs.items():
        failed = [(outcome.name, outcome.output, outcome.diagnoses) for outcome in outcomes if not outcome.passed]
        assert not failed, (seed, failed)
        collected = {(outcome.question, outcome.test) for outcome in outcomes}
        assert collected == {(question, test) for question in QUESTIONS for test in _suite_tests(question)}


def test_suites_make_few_calls(reference_runs):
    for outcomes, student in reference_runs.values():
        assert len(student.answers) < MAX_CALLS
        assert {answer.function for answer in student.answers} == set(QUESTIONS)
        assert all(outcome.name.startswith(f"{outcome.question}: ") for outcome in outcomes)


def _arrays(student):
    return [value for answer in student.answers for value in (*answer.args, *answer.kwargs.values())
            if isinstance(value, np.ndarray)]


def test_values_depend_on_the_seed_and_case_structure_does_not(reference_runs):
    (_, first), (_, second) = (reference_runs[seed] for seed in SEEDS)
    again = _run(dict(vars(cnn_ref)), SEEDS[0])[1]
    assert all(np.array_equal(a, b) for a, b in zip(_arrays(first), _arrays(again), strict=True))
    pairs = list(zip(_arrays(first), _arrays(second), strict=True))
    assert all(a.shape == b.shape and a.dtype == b.dtype for a, b in pairs)
    assert sum(np.array_equal(a, b) for a, b in pairs) < len(pairs) / 10
    calls = [[(answer.function, [type(arg).__name__ for arg in answer.args], sorted(answer.kwargs))
              for answer in student.answers] for student in (first, second)]
    assert calls[0] == calls[1]


def test_inputs_unchanged_earns_points_only_with_a_right_answer():
    outcomes, _ = _run({question: lambda *args, **kwargs: None for question in QUESTIONS})
    unchanged = [outcome for outcome in outcomes if "unchanged" in outcome.test]
    assert len(unchanged) >= 9
    assert not any(outcome.passed for outcome in unchanged)
    assert all("left its inputs unchanged, but its result is wrong" in outcome.output for outcome in unchanged)


def test_raising_functions_fail_every_test_cleanly():
    outcomes, _ = _run({question: _not_implemented for question in QUESTIONS})
    assert len(outcomes) == sum(len(_suite_tests(question)) for question in QUESTIONS)
    for outcome in outcomes:
        assert not outcome.passed, outcome.name
        assert not outcome.grader_error, (outcome.name, outcome.diagnoses)
        assert "NotImplementedError" in outcome.output, outcome.name


def test_missing_functions_fail_every_test_cleanly():
    outcomes, _ = _run({})
    assert len(outcomes) == sum(len(_suite_tests(question)) for question in QUESTIONS)
    for outcome in outcomes:
        assert not outcome.passed, outcome.name
        assert not outcome.grader_error, (outcome.name, outcome.diagnoses)
        assert "does not define" in outcome.output, (outcome.name, outcome.output)
