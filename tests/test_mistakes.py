"""Every mistake gets one clear line and loses nothing: the command line's bad arguments, an
instructor's bad assignment file, a partial regrade, an interrupted batch, a self-check that must
agree with the grader."""
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from autograder.assignment import DEFAULT, AssignmentError, load_assignment
from autograder.cli import main

CORRECT_SIZE = """
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    span = dilation * (kernel_size - 1) + 1
    if n < 1 or kernel_size < 1 or stride < 1 or padding < 0 or dilation < 1 or n + 2 * padding < span:
        raise ValueError("bad size")
    return (n + 2 * padding - span) // stride + 1

def dense_params(in_features, out_features, bias=True):
    return in_features * out_features + (out_features if bias else 0)
"""
QUESTIONS = "conv_output_size,dense_params"


def write_class(folder, students, source=CORRECT_SIZE):
    folder.mkdir(parents=True, exist_ok=True)
    for student in students:
        (folder / f"{student}.py").write_text(textwrap.dedent(source))
    return folder


def one_line(capsys, argv):
    """Run the command line; (exit status, its complaint: the last non-empty line of stderr)."""
    status = main(argv)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    return status, lines[-1] if lines else ""


# ---- the command line -------------------------------------------------------------------------------

@pytest.mark.parametrize("arguments, words", [
    (["--workers", "0"], "--workers: must be a whole number of at least 1"),
    (["--workers", "two"], "--workers: must be a whole number of at least 1"),
    (["--timeout", "-1"], "--timeout: must be a number of seconds above 0"),
    (["--questions", ","], "--questions: give at least one question id"),
])
def test_bad_grade_options_are_refused_in_one_line(tmp_path, capsys, arguments, words):
    with pytest.raises(SystemExit) as exit_info:
        main(["grade", str(write_class(tmp_path / "class", ["ann"])), "--out", str(tmp_path / "out"), *arguments])
    error = capsys.readouterr().err.strip()
    assert exit_info.value.code == 2
    assert words in error and len(error.splitlines()) == 1
    assert not (tmp_path / "out").exists()


def test_an_empty_folder_is_not_a_silent_success(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    status, line = one_line(capsys, ["grade", str(tmp_path / "empty"), "--out", str(tmp_path / "out")])
    assert status == 2 and line.startswith(f"no submissions in {tmp_path / 'empty'}")


def test_out_naming_a_file_is_refused(tmp_path, capsys):
    (tmp_path / "out").write_text("my notes")
    status, line = one_line(capsys, ["grade", str(write_class(tmp_path / "class", ["ann"])),
                                     "--out", str(tmp_path / "out"), "--questions", QUESTIONS])
    assert status == 2 and line == f"--out {tmp_path / 'out'} is a file; give a folder for the results"
    assert (tmp_path / "out").read_text() == "my notes"


def test_a_misspelled_question_gets_a_suggestion(tmp_path, capsys):
    status, line = one_line(capsys, ["grade", str(write_class(tmp_path / "class", ["ann"])),
                                     "--out", str(tmp_path / "out"), "--questions", "dense_param"])
    assert status == 2 and "dense_param (did you mean dense_params?)" in line


def test_macos_archive_folders_are_skipped_with_a_word(tmp_path, capsys):
    folder = write_class(tmp_path / "class", ["ann"])
    write_class(folder / "__MACOSX", ["._ann"])
    assert main(["grade", str(folder), "--out", str(tmp_path / "out"), "--questions", QUESTIONS]) == 0
    assert f"skipped {folder / '__MACOSX'}" in capsys.readouterr().err
    assert [path.name for path in (tmp_path / "out").iterdir() if path.is_dir()] == ["ann"]


def test_export_mistakes_get_one_line(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["grade", str(write_class(tmp_path / "class", ["ann"])), "--out", str(out), "--questions", QUESTIONS]) == 0
    capsys.readouterr()
    status, line = one_line(capsys, ["export", str(out), "--format", "csv", "--to", str(tmp_path / "no" / "g.csv")])
    assert status == 2 and line == f"--to {tmp_path / 'no' / 'g.csv'}: the folder {tmp_path / 'no'} does not exist"
    status, line = one_line(capsys, ["export", str(out), "--format", "canvas", "--assignment", str(tmp_path / "x.toml")])
    assert status == 2 and "cannot read the assignment file" in line
    status, line = one_line(capsys, ["export", str(tmp_path / "nothing"), "--format", "csv"])
    assert status == 2 and "has no gradebook.sqlite" in line


def test_every_subcommand_has_an_example_and_shows_its_defaults(capsys):
    for command in ("grade", "report", "export", "demo", "check", "generate"):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        text = capsys.readouterr().out
        assert f"example:\n  cnn-grade {command}" in text
    with pytest.raises(SystemExit):
        main(["grade", "--help"])
    assert "(default: 1)" in capsys.readouterr().out


# ---- the assignment file ----------------------------------------------------------------------------

def edited_assignment(tmp_path, old, new):
    text = DEFAULT.read_text()
    assert old in text
    path = tmp_path / "assignment.toml"
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize("old, new, words", [
    ("test_valid = 1\n", "test_valid = -3\n", "questions.conv1d.tests.test_valid: -3 is less than the minimum of 0"),
    ("test_valid = 1\n", 'test_valid = "one"\n', "questions.conv1d.tests.test_valid: 'one' is not of type 'number'"),
    ("test_valid = 1\n", "test_vaild = 1\n", "questions.conv1d.tests.test_vaild: the suite has no such test (did you mean test_valid?)"),
    ("call_seconds = 10 ", "call_seconds = -1 ", "limits.call_seconds: -1 is less than or equal to the minimum of 0"),
    ("call_seconds = 10 ", "call_second = 10 ", "limits: Additional properties are not allowed ('call_second' was unexpected)"),
    ("digits = [0.80, 0.97]", "digits = [0.97, 0.80]", "questions.cnn_model.accuracy.digits: [0.97, 0.8] must rise"),
    ("[questions.corr2d", "[questions.corr2dd", "questions.corr2dd: no hidden suite for this question (did you mean corr2d?)"),
])
def test_a_bad_assignment_is_refused_naming_the_value(tmp_path, capsys, old, new, words):
    path = edited_assignment(tmp_path, old, new)
    with pytest.raises(AssignmentError) as error:
        load_assignment(path)
    assert any(line == f"{path}: {words}" or line.startswith(f"{path}: {words}") for line in str(error.value).splitlines())
    status, line = one_line(capsys, ["grade", str(write_class(tmp_path / "class", ["ann"])), "--out",
                                     str(tmp_path / "out"), "--assignment", str(path)])
    assert status == 2 and line.startswith(str(path)) and not (tmp_path / "out").exists()


def test_every_bad_value_gets_its_own_line(tmp_path):
    path = edited_assignment(tmp_path, "call_seconds = 10 ", "call_seconds = -1 ")
    path.write_text(path.read_text().replace("memory_mb = 2048", 'memory_mb = "lots"'))
    with pytest.raises(AssignmentError) as error:
        load_assignment(path)
    assert len(str(error.value).splitlines()) == 2


# ---- partial regrades -------------------------------------------------------------------------------

def test_a_partial_regrade_does_not_replace_full_records(tmp_path, capsys):
    folder, out = write_class(tmp_path / "class", ["ann", "bob"]), tmp_path / "out"
    assert main(["grade", str(folder), "--out", str(out), "--questions", QUESTIONS]) == 0
    before = (out / "ann" / "results.json").read_text()
    capsys.readouterr()
    status, line = one_line(capsys, ["grade", str(folder), "--out", str(out), "--questions", "dense_params", "--force"])
    assert status == 2 and "grading only dense_params would replace them" in line
    assert (out / "ann" / "results.json").read_text() == before


# ---- interruptions ----------------------------------------------------------------------------------

SLOW_SIZE = CORRECT_SIZE.replace("    span = dilation", "    import time; time.sleep(0.3)\n    span = dilation")


def graded_scores(out):
    return {path.parent.name: json.loads(path.read_text()) for path in sorted(out.glob("*/results.json"))}


def test_ctrl_c_stores_nothing_false_and_the_rerun_grades_the_rest(tmp_path):
    folder, out = write_class(tmp_path / "class", [f"s{i}" for i in range(8)], SLOW_SIZE), tmp_path / "out"
    command = [sys.executable, "-m", "autograder.cli", "grade", str(folder), "--out", str(out),
               "--questions", QUESTIONS, "--workers", "2"]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 300
    while not list(out.glob("*/results.json")) and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole process group
    _, error = process.communicate(timeout=120)
    stored = graded_scores(out)
    assert process.returncode == 130, error
    assert f"interrupted: {len(stored)} of 8 submission(s) graded and stored" in error
    assert 1 <= len(stored) < 8
    full = stored[next(iter(stored))]
    for results in stored.values():  # nothing partial: every stored record is the whole, right grade
        assert results["score"] == full["score"] == sum(test["max_score"] for test in full["tests"])
        assert len(results["tests"]) == len(full["tests"])
    rerun = subprocess.run(command, stderr=subprocess.PIPE, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(stored)} unchanged submission(s) already graded" in rerun.stderr
    final = graded_scores(out)
    assert len(final) == 8 and all(results["score"] == full["score"] for results in final.values())
    assert all(final[student] == stored[student] for student in stored)  # graded once, not twice


# ---- the self-check agrees with the grader -----------------------------------------------------------

CONVOLVING_CORR2D = """
import numpy as np

def corr2d(x, k):
    x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    rows = [sum(np.convolve(x[i + a], k[a][::-1], "valid") for a in range(k.shape[0]))
            for i in range(x.shape[0] - k.shape[0] + 1)]
    return np.array(rows)
"""


def notebook_namespace(tmp_path, source):
    path = tmp_path / "student_cells.py"
    path.write_text(textwrap.dedent(source))
    namespace = {"__name__": "student_cells"}
    exec(compile(path.read_text(), str(path), "exec"), namespace)
    return namespace


def test_the_self_check_applies_the_forbidden_api_rule(tmp_path, capsys):
    from autograder.selfcheck.checks import check

    namespace = notebook_namespace(tmp_path, CONVOLVING_CORR2D)
    with pytest.raises(AssertionError):
        check("corr2d", namespace)
    printed = capsys.readouterr().out
    assert "corr2d uses numpy.convolve" in printed and "The grader gives it 0." in printed


def test_check_without_a_question_shows_every_question(tmp_path, capsys):
    from autograder.selfcheck.checks import check, public_questions

    namespace = notebook_namespace(tmp_path, CORRECT_SIZE + "\ndef conv1d(x, k, mode='full'):\n    raise NotImplementedError\n")
    check(namespace=namespace)
    lines = capsys.readouterr().out.splitlines()
    assert len([line for line in lines if line.startswith("  ")]) == len(public_questions())
    assert any("conv_output_size: " in line and "passed" in line for line in lines)
    assert any("conv1d: not implemented yet" in line for line in lines)
    assert any("corr2d: corr2d not defined yet" in line for line in lines)


def test_a_misspelled_check_gets_a_suggestion():
    from autograder.selfcheck.checks import check

    with pytest.raises(ValueError, match="did you mean 'corr2d'"):
        check("cor2d", {})


def test_the_exercises_say_how_to_install_the_self_check():
    project = Path(__file__).resolve().parents[1]
    for path in sorted((project / "exercises").glob("*.ipynb")):
        assert "pip install" in path.read_text(), path.name
