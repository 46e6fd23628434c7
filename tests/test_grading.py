"""Grading batches through the command line: results files, the gradebook, bad input, odd names."""
import json
import sqlite3
import textwrap
from pathlib import Path

import nbformat
import pytest

from autograder.cli import main
from autograder.grading.submission import output_folder_name

CORR2D = """
import numpy as np

def corr2d(x, k):
    x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    out = np.zeros((x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            out[i, j] = np.sum(x[i:i + k.shape[0], j:j + k.shape[1]] * k)
    return out
"""
FLIPPED = CORR2D.replace("* k)", "* k[::-1, ::-1])")
QUESTIONS = "corr2d,dense_params"


def notebook(*sources):
    cells = [nbformat.v4.new_code_cell(textwrap.dedent(source)) for source in sources]
    return nbformat.writes(nbformat.v4.new_notebook(cells=cells))


def grade(paths, out, *options):
    return main(["grade", *map(str, paths), "--out", str(out), "--questions", QUESTIONS, *options])


def results_of(out, student):
    return json.loads((out / output_folder_name(student) / "results.json").read_text())


def test_a_class_with_right_wrong_broken_and_missing_work(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    (submissions / "right.ipynb").write_text(notebook("%matplotlib inline", CORR2D, "1 / 0"))
    (submissions / "flipped.py").write_text(FLIPPED)
    (submissions / "badjson.ipynb").write_text('{"cells": [')
    (submissions / "empty.ipynb").write_text("")
    (submissions / "binary.ipynb").write_bytes(b"\x89PNG\r\n\x00\x00")
    (submissions / "notanotebook.ipynb").write_text("[1, 2, 3]")
    assert grade([submissions], tmp_path / "out") == 0
    out = tmp_path / "out"

    right = results_of(out, "right")
    corr2d = [test for test in right["tests"] if test["extra_data"]["question"] == "corr2d"]
    assert corr2d and all(test["score"] == test["max_score"] for test in corr2d)
    assert "ZeroDivisionError" in right["output"]  # the exploratory cell's error is reported, not scored
    dense = [test for test in right["tests"] if test["extra_data"]["question"] == "dense_params"]
    assert dense and all(test["score"] == 0 and "does not define dense_params" in test["output"] for test in dense)
    assert right["score"] == sum(test["score"] for test in right["tests"])

    flipped = results_of(out, "flipped")
    wrong = [test for test in flipped["tests"] if test["extra_data"]["question"] == "corr2d" and test["score"] == 0]
    assert wrong and all("flipped-kernel" in test["extra_data"]["diagnoses"] for test in wrong)
    assert "cross-correlation" in wrong[0]["output"]

    for student, kind in (("badjson", "bad-json"), ("empty", "empty"), ("binary", "binary"),
                          ("notanotebook", "not-a-notebook")):
        results = results_of(out, student)
        assert results["score"] == 0 and results["extra_data"]["error"]["kind"] == kind, student
        assert {test["extra_data"]["question"] for test in results["tests"]} == set(QUESTIONS.split(","))
    assert (out / "index.html").exists() and (out / "right" / "feedback.html").exists()


def test_odd_student_ids_stay_inside_the_output_folder(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for name in ["$(touch pwned); rm -rf ~", "-rf", "élève ünïcode", "a" * 200]:
        (submissions / f"{name}.py").write_text(CORR2D)
    dot = tmp_path / "..py"  # student id "."; files starting with a dot are skipped in folders
    dot.write_text(CORR2D)
    out = tmp_path / "out"
    assert grade([submissions, dot], out) == 0
    folders = [path for path in out.iterdir() if path.is_dir()]
    assert len(folders) == 5
    assert all(path.resolve().parent == out.resolve() for path in folders)
    assert not (Path.cwd() / "pwned").exists()
    students = {json.loads((path / "results.json").read_text())["extra_data"]["student"] for path in folders}
    assert "$(touch pwned); rm -rf ~" in students and "." in students


def test_unchanged_work_is_not_graded_twice_unless_forced(tmp_path):
    submission = tmp_path / "alice.py"
    submission.write_text(CORR2D)
    out = tmp_path / "out"
    grade([submission], out)
    grade([submission], out)
    runs = lambda: sqlite3.connect(out / "gradebook.sqlite").execute("SELECT COUNT(*) FROM runs").fetchone()[0]
    assert runs() == 1
    grade([submission], out, "--force")
    assert runs() == 2
    submission.write_text(FLIPPED)
    grade([submission], out)
    assert runs() == 3
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("SELECT COUNT(*) FROM submissions").fetchone()[0] == 2
        assert db.execute("SELECT COUNT(DISTINCT question) FROM tests").fetchone()[0] == 2


def test_two_workers_give_the_same_grades_as_one(tmp_path):
    submissions = tmp_path / "submissions"
    submissions.mkdir()
    for index in range(3):
        (submissions / f"s{index}.py").write_text(CORR2D if index % 2 == 0 else FLIPPED)
    grade([submissions], tmp_path / "one")
    grade([submissions], tmp_path / "two", "--workers", "2")
    for index in range(3):
        one, two = results_of(tmp_path / "one", f"s{index}"), results_of(tmp_path / "two", f"s{index}")
        assert one["score"] == two["score"] and [t["score"] for t in one["tests"]] == [t["score"] for t in two["tests"]]


def test_a_student_folder_of_several_notebooks_is_one_submission(tmp_path):
    carol = tmp_path / "submissions" / "carol"
    carol.mkdir(parents=True)
    (carol / "part1.ipynb").write_text(notebook(CORR2D))
    (carol / "part2.py").write_text("def dense_params(i, o, bias=True):\n    return i * o + (o if bias else 0)\n")
    grade([tmp_path / "submissions"], tmp_path / "out")
    results = results_of(tmp_path / "out", "carol")
    assert results["score"] == sum(test["max_score"] for test in results["tests"])


def test_monkeypatching_numpy_in_the_notebook_earns_nothing(tmp_path):
    cheat = tmp_path / "cheat.py"
    cheat.write_text(textwrap.dedent("""
        import numpy as np, numpy.testing, builtins
        np.allclose = lambda *args, **kwargs: True
        np.array_equal = lambda *args, **kwargs: True
        numpy.testing.assert_allclose = lambda *args, **kwargs: None
        builtins.isinstance = lambda *args: True
        def corr2d(x, k):
            return np.zeros((1, 1))
    """))
    grade([cheat], tmp_path / "out")
    results = results_of(tmp_path / "out", "cheat")
    assert results["score"] == 0


def test_without_bubblewrap_every_result_says_so(tmp_path):
    submission = tmp_path / "alice.py"
    submission.write_text(CORR2D)
    grade([submission], tmp_path / "out", "--no-sandbox")
    results = results_of(tmp_path / "out", "alice")
    assert "no-sandbox" in results["extra_data"]["flags"]
    assert results["extra_data"]["sandbox"].startswith("rlimits only")


def test_command_line_errors_are_clear(tmp_path, capsys):
    assert main(["grade", str(tmp_path / "nowhere.ipynb"), "--out", str(tmp_path / "out")]) == 2
    assert main(["grade", str(tmp_path), "--out", str(tmp_path / "out"), "--questions", "nope"]) == 2
    assert main(["report", str(tmp_path / "empty")]) == 2
    message = capsys.readouterr().err
    assert "no such file" in message and "unknown question" in message and "gradebook" in message
    for command in ([], ["grade"], ["report"], ["export"], ["demo"]):
        with pytest.raises(SystemExit) as exit_info:
            main([*command, "--help"])
        assert exit_info.value.code == 0


@pytest.mark.slow
def test_exports_for_a_spreadsheet_canvas_and_gradescope(tmp_path):
    (tmp_path / "alice.py").write_text(CORR2D)
    out = tmp_path / "out"
    grade([tmp_path / "alice.py"], out)
    for form in ("csv", "canvas", "gradescope"):
        assert main(["export", str(out), "--format", form]) == 0
    assert (out / "grades-csv.csv").read_text().splitlines()[1].startswith("alice,")
    canvas = (out / "grades-canvas.csv").read_text().splitlines()
    assert canvas[1].startswith("Points Possible") and canvas[2].split(",")[3] == "alice"
    assert (out / "grades-gradescope.csv").read_text().splitlines() == ["SID,Score", "alice,6.0"]
    assert (out / "gradescope" / "cnn.zip").stat().st_size > 10_000


def test_old_notebook_formats_are_upgraded_or_refused_clearly(tmp_path):
    v3 = nbformat.v3.new_notebook(worksheets=[nbformat.v3.new_worksheet(cells=[
        nbformat.v3.new_code_cell(input=CORR2D)])])
    (tmp_path / "old.ipynb").write_text(nbformat.v3.writes_json(v3))
    (tmp_path / "ancient.ipynb").write_text('{"nbformat": 99, "nbformat_minor": 0, "cells": [], "metadata": {}}')
    grade([tmp_path / "old.ipynb", tmp_path / "ancient.ipynb"], tmp_path / "out")
    old = results_of(tmp_path / "out", "old")
    assert old["extra_data"]["error"] is None
    assert all(t["score"] == t["max_score"] for t in old["tests"] if t["extra_data"]["question"] == "corr2d")
    ancient = results_of(tmp_path / "out", "ancient")
    assert ancient["extra_data"]["error"]["kind"] == "not-a-notebook"
    assert "Unsupported nbformat version 99" in ancient["extra_data"]["error"]["message"]


def test_student_output_cannot_inject_markup_into_feedback_pages(tmp_path):
    (tmp_path / "mallory.py").write_text('print("<script>alert(1)</script>")\nraise ValueError("<b>x</b>")\n')
    grade([tmp_path / "mallory.py"], tmp_path / "out")
    page = (tmp_path / "out" / "mallory" / "feedback.html").read_text()
    assert "<script>alert" not in page and "&lt;b&gt;x&lt;/b&gt;" in page
