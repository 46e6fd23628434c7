"""The student's self-check: `check(question)` in a notebook and `cnn-grade check NOTEBOOK`.

check() finds the student's functions in the caller's globals, runs a few fixed public cases
through the grader's own checks (so a wrong answer is diagnosed as the grader would), says that
passing is not full marks, and raises when a case fails or the function is missing.
"""
import subprocess
import sys
from dataclasses import replace

import nbformat
import numpy as np
import pytest

import cnn_ref
from autograder.notebooks import is_check_cell
from autograder.selfcheck.checks import NOT_FULL_MARKS, check_case, public_questions, run_public_checks
from autograder.selfcheck.notebook import check_notebook
from autograder.cli import main
from autograder.assignment import bundled_assignment
from autograder.selfcheck.public_cases import PUBLIC
from autograder.diagnoses import explain

SCRATCH_QUESTIONS = [question for question in PUBLIC if question != "cnn_model"]


@pytest.fixture(autouse=True)
def reference_stands_in_for_a_student(monkeypatch):
    """These tests use cnn_ref's functions as a correct student's: the self-check must not count
    calling them as using a forbidden API (tests/test_mistakes.py checks that rule itself)."""
    assignment = bundled_assignment()
    trusting = replace(assignment, forbidden=tuple(api for api in assignment.forbidden if api != "cnn_ref"))
    monkeypatch.setattr("autograder.selfcheck.checks.bundled_assignment", lambda: trusting)


def reference_namespace():
    from cnn_ref.model import build_model, train_model

    return {**vars(cnn_ref), "build_model": build_model, "train_model": train_model}


def run_in_notebook(source, namespace):
    """Run `source` as a notebook cell would: at the top level of `namespace`."""
    exec(compile(source, "<cell>", "exec"), namespace)


def flipped_corr2d(x, k):
    return cnn_ref.convolve2d(x, k, "valid")


def test_every_question_of_the_assignment_has_public_checks():
    from autograder.assignment import load_assignment

    assert set(load_assignment().questions) <= set(PUBLIC)
    assert all(2 <= len(cases) <= 4 or question in ("cnn_model", "global_avg_pool", "summarize")
               for question, cases in PUBLIC.items())
    assert public_questions()[0] == "conv1d"


def test_importing_autograder_is_light():
    code = ("import sys, autograder; from autograder import check; "
            "heavy = {'numpy', 'torch', 'pytest', 'scipy'} & set(sys.modules); assert not heavy, heavy")
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize("question", list(PUBLIC))
def test_reference_passes_every_public_check(question):
    # How fast the check is, is measured by benchmarks, never asserted here: a busy machine is slow.
    report = run_public_checks(question, reference_namespace())
    assert report.passed, report.text()
    assert all(result.passed for result in report.results) and report.results


def test_check_finds_the_function_in_the_callers_globals(capsys):
    namespace = {"corr2d": cnn_ref.corr2d}
    run_in_notebook('from autograder import check\ncheck("corr2d")', namespace)
    printed = capsys.readouterr().out
    assert "✔" in printed and "✘" not in printed
    assert "2 of 2 public checks passed." in printed
    assert NOT_FULL_MARKS in printed
    assert "does not mean full marks" in NOT_FULL_MARKS and "hidden tests" in NOT_FULL_MARKS


def test_flipped_kernel_fails_with_the_flipped_kernel_explanation(capsys):
    namespace = {"corr2d": flipped_corr2d}
    with pytest.raises(AssertionError, match="corr2d: 2 public check"):
        run_in_notebook('from autograder import check\ncheck("corr2d")', namespace)
    printed = capsys.readouterr().out
    assert "✘ an asymmetric 2x3 kernel on a 4x5 image" in printed
    assert explain("flipped-kernel").split(". ")[0] in printed.replace("\n      ", " ")
    assert NOT_FULL_MARKS in printed


def test_missing_function_is_named(capsys):
    with pytest.raises(AssertionError):
        run_in_notebook('from autograder import check\ncheck("corr2d")', {"conv1d": cnn_ref.conv1d})
    printed = capsys.readouterr().out
    assert "corr2d is not defined" in printed
    report = run_public_checks("cnn_model", {"build_model": lambda shape, k: None})
    assert report.missing == ["train_model"] and not report.passed
    assert "train_model is not defined" in report.text()


def test_not_implemented_says_so_and_raises_not_implemented_error(capsys):
    def corr2d(x, k):
        raise NotImplementedError("Implement corr2d().")

    with pytest.raises(NotImplementedError, match="corr2d is not implemented yet"):
        run_in_notebook('from autograder import check\ncheck("corr2d")', {"corr2d": corr2d})
    printed = capsys.readouterr().out
    assert printed.count("not implemented yet") == 1
    assert "Replace the `raise NotImplementedError(...)` line" in printed


def test_mutated_input_is_diagnosed():
    def corr2d(x, k):
        result = cnn_ref.corr2d(x, k)
        x[...] = 0
        return result

    report = run_public_checks("corr2d", {"corr2d": corr2d})
    assert not report.passed
    assert all("mutates-input" in result.diagnoses for result in report.results)


def test_wrong_integer_answer_is_diagnosed():
    report = run_public_checks("conv_output_size",
                               {"conv_output_size": lambda n, k, stride=1, padding=0, dilation=1:
                                (n + 2 * padding - dilation * (k - 1) - 1) / stride + 1})
    assert not report.passed
    assert any("no-floor" in result.diagnoses or "wrong-type" in result.diagnoses for result in report.results)


def test_over_budget_model_fails():
    from torch import nn

    def build_model(input_shape, num_classes):
        return nn.Sequential(nn.Flatten(), nn.Linear(64, 2000), nn.Linear(2000, num_classes))

    report = run_public_checks("cnn_model", {"build_model": build_model, "train_model": lambda *a: None})
    assert not report.passed and "budget is 100,000" in report.text()


def test_unknown_question_is_a_value_error():
    with pytest.raises(ValueError, match="no public checks"):
        run_public_checks("conv3d", {})


def test_public_cases_differ_from_the_hidden_suites():
    """The public inputs are written out, not drawn: no case asks for the suites' rng."""
    import inspect

    for cases in PUBLIC.values():
        for case in cases:
            assert list(inspect.signature(case.run).parameters) == ["student"]


def test_check_case_is_quiet_on_success_and_explains_a_failure(capsys):
    check_case("corr2d", 0, {"corr2d": cnn_ref.corr2d})
    assert capsys.readouterr().out == ""
    with pytest.raises(AssertionError, match="flipped"):
        check_case("corr2d", 0, {"corr2d": flipped_corr2d})


def test_is_check_cell():
    assert is_check_cell('from autograder import check\ncheck("corr2d")')
    assert is_check_cell("# self-check\ncheck('conv1d')  # run me\n")
    assert not is_check_cell('x = 1\ncheck("corr2d")')
    assert not is_check_cell("from autograder import check")
    assert not is_check_cell('check("corr2d"); import os')


def _notebook(path, *sources):
    cells = [nbformat.v4.new_markdown_cell("# A student's notebook")]
    cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), str(path))
    return path


CORR2D = '''
import numpy as np

def corr2d(x, k):
    x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    oh, ow = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    return np.array([[np.sum(x[i:i + k.shape[0], j:j + k.shape[1]] * k) for j in range(ow)]
                     for i in range(oh)])
'''


def test_check_notebook_runs_cells_and_checks_what_is_defined(tmp_path, capsys):
    path = _notebook(tmp_path / "hw.ipynb", CORR2D, "%matplotlib inline\nprint('hello')",
                     "undefined_name + 1", 'from autograder import check\ncheck("corr2d")',
                     "def dense_params(n_in, n_out, bias=True):\n    return n_in * n_out + (n_out if bias else 0)")
    assert check_notebook(path) == 0
    printed = capsys.readouterr().out
    assert "1 cell(s) raised an error, 1 check cell(s) skipped" in printed
    assert "NameError" in printed and "hello" not in printed
    assert "Public checks of corr2d" in printed and "Public checks of dense_params" in printed
    assert "conv1d" not in printed
    assert "All public checks of the 2 question(s) passed." in printed and NOT_FULL_MARKS in printed


def test_check_command_exit_codes(tmp_path, capsys):
    good = _notebook(tmp_path / "good.ipynb", CORR2D)
    flipped = _notebook(tmp_path / "flipped.ipynb", CORR2D + "\n_ok = corr2d\ncorr2d = lambda x, k: _ok(x, np.asarray(k)[::-1, ::-1])")
    empty = _notebook(tmp_path / "empty.ipynb", "x = 1")
    assert main(["check", str(good)]) == 0
    assert main(["check", str(flipped)]) == 1
    assert "The kernel is flipped" in capsys.readouterr().out
    assert main(["check", str(empty)]) == 1
    assert "defines none of the assignment's functions" in capsys.readouterr().out
    assert main(["check", str(tmp_path / "absent.ipynb")]) == 2


def test_public_checks_use_only_fixed_inputs():
    """Running the public cases twice gives identical inputs (nothing random)."""
    from autograder.grading.student import LocalStudent

    calls = []
    for _ in range(2):
        student = LocalStudent(reference_namespace())
        for question in SCRATCH_QUESTIONS:
            for case in PUBLIC[question]:
                case.run(student)
        calls.append([(answer.function, [np.asarray(arg).tolist() if isinstance(arg, np.ndarray) else arg
                                         for arg in answer.args]) for answer in student.answers])
    assert calls[0] == calls[1]
    assert {function for function, _ in calls[0]} == {f for q in SCRATCH_QUESTIONS for f in bundled_assignment().questions[q].functions}
