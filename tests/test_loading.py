"""Loading a submission (SPEC's "Loading a submission", issue 10's hanging cell): a cell that runs
too long is stopped, named and skipped, and the rest is graded; the unchanged lesson cells that
nothing graded needs are skipped, and skipping never changes a grade."""
import io
import textwrap
from dataclasses import replace

import nbformat
import pytest

from autograder.assignment import Limits, load_assignment
from autograder.authoring.generate import SOLUTIONS, completed_exercise, exercise_of
from autograder.grading.lesson_cells import cell_names, load_plan
from autograder.grading.pipeline import Environment, grade_submission
from autograder.grading.sandbox import Sandbox, bubblewrap
from autograder.grading.submission import read_submission
from autograder.notebooks import is_solution_cell, nbgrader_meta, notebook_text, read_notebook
from autograder.selfcheck.notebook import check_notebook

LIMITS = Limits(load_seconds=8, cell_seconds=1, call_seconds=5, memory_mb=1024, processes=32, output_kb=4)
HANGS = "while True:\n    pass\n"
NUMPY_QUESTIONS = [question.id for question in load_assignment().questions.values() if not question.trains_model]


def cells(*sources):
    return [{"label": f"cell [{number}]", "filename": f"<cell [{number}]>", "source": textwrap.dedent(source)}
            for number, source in enumerate(sources, 1)]


@pytest.fixture
def loaded():
    """loaded(*sources): a Sandbox with LIMITS, loaded; (sandbox, LoadReport). Killed afterwards."""
    made = []

    def load(*sources):
        sandbox = Sandbox(cells(*sources), LIMITS, isolate=bubblewrap() is not None)
        made.append(sandbox)
        return sandbox, sandbox.load()

    yield load
    for sandbox in made:
        sandbox.kill()


def test_a_hanging_cell_is_stopped_named_and_the_cells_after_it_run(loaded):
    sandbox, report = loaded("def first():\n    return 1\n", "x = 0\n" + HANGS, "def second():\n    return 2\n")
    assert report.failure is None and report.defined == ["first", "second"]
    assert "CellTimeout" in report.cells[1]["error"] and "x = 0" in report.cells[1]["error"]
    assert report.cells[0]["error"] is None and report.cells[2]["error"] is None
    assert sandbox.call("second", (), {}).value == 2


def test_except_exception_does_not_swallow_the_stop(loaded):
    _, report = loaded("while True:\n    try:\n        sum(range(10**6))\n    except Exception:\n        pass\n",
                       "def after():\n    return 1\n")
    assert "CellTimeout" in report.cells[0]["error"] and report.defined == ["after"]


@pytest.mark.parametrize("unstoppable", [
    "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass\n",
    "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass\n",
])
def test_a_cell_that_cannot_be_stopped_is_left_out_and_the_notebook_loaded_again(loaded, unstoppable):
    sandbox, report = loaded("def first():\n    return 1\n", unstoppable, "def second():\n    return 2\n")
    assert report.failure is None and report.defined == ["first", "second"]
    assert "could not be stopped" in report.cells[1]["error"]
    assert first_line_of(unstoppable) in report.cells[1]["error"]
    again = sandbox.load()  # a later reload (after a crash) does not wait for it again
    assert again.defined == ["first", "second"] and "CellTimeout" in again.cells[1]["error"]


def first_line_of(source):
    return source.splitlines()[0]


def test_after_a_crash_the_reload_leaves_the_stopped_cell_out(loaded):
    sandbox, report = loaded("import os\ndef crash():\n    os.abort()\n", HANGS, "def second():\n    return 2\n")
    assert "CellTimeout" in report.cells[1]["error"]
    assert sandbox.call("crash", (), {}).failure == "crashed"
    assert sandbox.call("second", (), {}).value == 2
    assert "left it out" in sandbox.load().cells[1]["error"]


def lesson_cell(source, *, grade_id=None, execution_count=None):
    cell = nbformat.v4.new_code_cell(textwrap.dedent(source), execution_count=execution_count)
    if grade_id:
        cell.metadata["nbgrader"] = {"solution": True, "grade_id": grade_id}
    return cell


def solution_source(question):
    """The instructor's solution cell of `question` (its grade_id is `<question>-solution`)."""
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        for cell in read_notebook(path).cells:
            if nbgrader_meta(cell).get("grade_id") == f"{question}-solution":
                return cell.source
    raise LookupError(question)


def hanging_notebook(path):
    """A student's notebook: two graded functions with a demonstration cell that hangs between."""
    notebook = nbformat.v4.new_notebook(cells=[
        lesson_cell(solution_source("dense_params"), execution_count=3),
        lesson_cell("print('a demonstration')\n" + HANGS, execution_count=7),
        lesson_cell("import numpy as np\n" + solution_source("conv_output_size"), execution_count=9),
    ])
    path.write_text(notebook_text(notebook))
    return path


def with_cell_seconds(assignment, seconds):
    return replace(assignment, limits=replace(assignment.limits, cell_seconds=seconds))


def test_a_hanging_demonstration_cell_costs_no_question(tmp_path):
    assignment = with_cell_seconds(load_assignment(), 1)
    submission = read_submission("alice", [hanging_notebook(tmp_path / "alice.ipynb")])
    results = grade_submission(submission, assignment, ["dense_params", "conv_output_size"]).to_json()
    assert results["extra_data"]["error"] is None
    assert results["tests"] and all(test["score"] == test["max_score"] for test in results["tests"])
    assert "alice.ipynb, cell [7]" in results["output"] and "print('a demonstration')" in results["output"]
    assert "CellTimeout" in results["output"]


def test_the_self_check_stops_a_hanging_cell_too(tmp_path):
    out = io.StringIO()
    status = check_notebook(hanging_notebook(tmp_path / "alice.ipynb"), out, cell_seconds=1)
    text = out.getvalue()
    assert "alice.ipynb, cell [7]" in text and "CellTimeout" in text and "print('a demonstration')" in text
    assert "dense_params" in text and "conv_output_size" in text
    assert status == 0, text


# ---- the fast path: unchanged lesson cells ------------------------------------------------------

def completed_lessons(folder):
    """folder/*.ipynb: the four lessons as a student who solved every question hands them in."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in sorted(SOLUTIONS.glob("*.ipynb")):
        (folder / path.name).write_text(notebook_text(completed_exercise(read_notebook(path))))
    return folder


@pytest.fixture(scope="module")
def lessons(tmp_path_factory):
    return completed_lessons(tmp_path_factory.mktemp("lessons") / "student")


def scores(results):
    return {test["name"]: test["score"] for test in results["tests"]}


def test_exercises_mark_lesson_cells_with_their_hash():
    exercise = exercise_of(read_notebook(SOLUTIONS / "01_convolution.ipynb"))
    marked = [cell for cell in exercise.cells if "cnn_grade" in cell.metadata]
    assert marked and not any(is_solution_cell(cell) or "check(" in cell.source for cell in marked)
    assert all(len(cell.metadata["cnn_grade"]["lesson_sha256"]) == 64 for cell in marked)


def test_only_what_graded_functions_need_runs(lessons):
    submission = read_submission("student", sorted(lessons.glob("*.ipynb")))
    functions = [function for question in NUMPY_QUESTIONS for function in load_assignment().questions[question].functions]
    plan = load_plan(submission.cells, functions)
    ran = [cell for index, cell in enumerate(submission.cells) if index not in plan.skipped]
    assert all(not cell["lesson"] for cell in ran if "def as_float" not in cell["source"])
    assert not any("import torch" in cell["source"] or "load_digits" in cell["source"] for cell in ran)
    assert plan.dropped == {"plt": "matplotlib.pyplot"}    # the helpers' cell runs without it
    assert not any("import matplotlib" in cell["source"] for cell in plan.cells)
    assert all(cell_names(cell["source"]).binds & {"as_float", "as_pair", "np"} for cell in ran if cell["lesson"])


def test_the_fast_path_gives_the_grades_of_a_full_run(lessons):
    assignment = load_assignment()
    submission = read_submission("student", sorted(lessons.glob("*.ipynb")))
    fast = grade_submission(submission, assignment, NUMPY_QUESTIONS).to_json()
    full = grade_submission(submission, assignment, NUMPY_QUESTIONS, Environment(all_cells=True)).to_json()
    assert scores(fast) == scores(full)
    assert fast["score"] == sum(test["max_score"] for test in fast["tests"])
    assert "lesson cells you left unchanged, which nothing graded needs" in fast["output"]
    assert "lesson cells you left unchanged" not in full["output"]


def test_a_changed_lesson_cell_runs(lessons, tmp_path):
    notebook = read_notebook(lessons / "02_pooling_and_sizes.ipynb")
    demo = next(cell for cell in notebook.cells if "print_summary(keras_mnist" in cell.source)
    demo.source += "\nprint('my own line')\nmy_total = 6 * 7"
    (tmp_path / "02_pooling_and_sizes.ipynb").write_text(notebook_text(notebook))
    submission = read_submission("student", [tmp_path / "02_pooling_and_sizes.ipynb"])
    changed = next(cell for cell in submission.cells if "my_total" in cell["source"])
    assert not changed["lesson"]
    results = grade_submission(submission, load_assignment(), ["summarize"]).to_json()
    assert scores(results) and all(test["score"] == test["max_score"] for test in results["tests"])
    assert changed["label"] not in results["output"]  # it ran, so it is not among the skipped


def test_a_name_from_a_skipped_cell_sends_the_submission_to_a_full_run(lessons, tmp_path):
    """A student's function reads `digits`, which only a demonstration cell binds, through eval
    (which no reading of the source sees): the fast run fails for want of it, and the grade is
    the full run's."""
    notebook = read_notebook(lessons / "02_pooling_and_sizes.ipynb")
    answer = next(cell for cell in notebook.cells if nbgrader_meta(cell).get("grade_id") == "dense_params-solution")
    answer.source = answer.source.replace("def dense_params(in_features, out_features, bias=True):",
                                          "def dense_params(in_features, out_features, bias=True):\n"
                                          "    assert len(eval('digits').images) > 0")
    (tmp_path / "02_pooling_and_sizes.ipynb").write_text(notebook_text(notebook))
    submission = read_submission("student", [tmp_path / "02_pooling_and_sizes.ipynb"])
    assignment = load_assignment()
    fast = grade_submission(submission, assignment, ["dense_params"]).to_json()
    full = grade_submission(submission, assignment, ["dense_params"], Environment(all_cells=True)).to_json()
    assert scores(fast) == scores(full) and fast["score"] == sum(test["max_score"] for test in fast["tests"])
    assert "lesson cells you left unchanged" not in fast["output"]


def test_a_setup_tag_makes_a_lesson_cell_run(tmp_path):
    """The tagged cell binds no name the function reads (it sets a builtin): without the tag the
    fast run would fail and the submission be graded again with every cell, with no skip note."""
    setup = lesson_cell("import builtins\nbuiltins.SCALE = 2\nprint(builtins.SCALE)")
    setup.metadata["tags"] = ["setup"]
    solution = nbformat.v4.new_notebook(cells=[
        setup, lesson_cell("print('a demonstration')"),
        lesson_cell("def dense_params(i, o, bias=True):\n    return int((i * o + (o if bias else 0)) * SCALE / 2)\n",
                    grade_id="dense_params-solution")])
    exercise = exercise_of(solution)
    exercise.cells[2].source = solution.cells[2].source
    (tmp_path / "bob.ipynb").write_text(notebook_text(exercise))
    submission = read_submission("bob", [tmp_path / "bob.ipynb"])
    assert [cell["lesson"] for cell in submission.cells] == [False, True, False]
    results = grade_submission(submission, load_assignment(), ["dense_params"]).to_json()
    assert results["score"] == sum(test["max_score"] for test in results["tests"])
    assert "1 lesson cell you left unchanged, which nothing graded needs (bob.ipynb: cell 2)" in results["output"]
