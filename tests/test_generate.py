"""Exercises and solutions from one source (`cnn-grade generate`), and the other tools' forms.

The project's exercises/ must be exactly what solutions/ generates (so a stale exercise cannot land),
hold no solution code, grade 0 everywhere without a grader error, and run with only
NotImplementedError failures; the solutions grade fully and run top to bottom. The exports are
checked with the real tools: nbgrader generate_assignment + autograde, otter assign, and the
Gradescope zip's run_autograder against a fake /autograder root.

CNN_GRADE_SOLUTIONS / CNN_GRADE_EXERCISES point these tests at another pair of folders.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.authoring import generate
from autograder.assignment import load_assignment
from autograder.cli import main
from autograder.authoring.generate import exercise_of, solution_notebooks, stale_exercises, strip_solution
from autograder.notebooks import BEGIN_SOLUTION, END_SOLUTION, LESSON_KEY, is_solution_cell, read_notebook
from autograder.notebooks import test_question as question_of_test_cell

SOLUTIONS = Path(os.environ.get("CNN_GRADE_SOLUTIONS", generate.SOLUTIONS))
EXERCISES = Path(os.environ.get("CNN_GRADE_EXERCISES", generate.EXERCISES))
BIN = str(Path(sys.executable).parent)
TOOLS_ENV = {**os.environ, "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
MODEL = "cnn_model"


def _solution_cell(source, grade_id="corr2d-solution"):
    return nbformat.v4.new_code_cell(source, metadata={"nbgrader": {
        "grade": False, "solution": True, "locked": False, "grade_id": grade_id, "schema_version": 3}})


def _test_cell(question, points=2):
    return nbformat.v4.new_code_cell(f'from autograder import check\ncheck("{question}")', metadata={
        "nbgrader": {"grade": True, "solution": False, "locked": True, "grade_id": question,
                     "points": points, "schema_version": 3}})


CORR2D = '''import numpy as np


def corr2d(x, k):
    """Valid 2-D cross-correlation of one channel."""
    ### BEGIN SOLUTION
    x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    oh, ow = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    return np.array([[np.sum(x[i:i + k.shape[0], j:j + k.shape[1]] * k) for j in range(ow)]
                     for i in range(oh)])
    ### END SOLUTION
'''


def _solution_notebook(path):
    cells = [nbformat.v4.new_markdown_cell("# Convolution"), _solution_cell(CORR2D), _test_cell("corr2d"),
             nbformat.v4.new_code_cell("corr2d(np.eye(3), np.ones((2, 2)))",
                                       outputs=[nbformat.v4.new_output("stream", name="stdout", text="x")],
                                       execution_count=3)]
    notebook = nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {"name": "python3",
                                                                             "display_name": "Python 3"}})
    nbformat.write(notebook, str(path))
    return path


# ---- generating exercises (synthetic notebooks) -----------------------------------------------------

def test_solution_region_becomes_not_implemented_at_its_indentation():
    exercise = strip_solution(CORR2D)
    assert BEGIN_SOLUTION not in exercise and "np.sum" not in exercise
    assert ('    raise NotImplementedError("Implement corr2d(): valid 2-D cross-correlation of one channel.")'
            in exercise.replace("'", '"'))
    assert exercise.startswith("import numpy as np") and '"""Valid 2-D' in exercise
    compile(exercise, "<exercise>", "exec")


def test_region_outside_a_function_gets_a_generic_sentence():
    source = "x = 1\nif x:\n    ### BEGIN SOLUTION\n    y = 2\n    ### END SOLUTION\n"
    assert strip_solution(source) == 'x = 1\nif x:\n    raise NotImplementedError("Replace this line with your code.")\n'
    nested = 'class A:\n    def f(self):\n        """Return two."""\n        ### BEGIN SOLUTION\n        return 2\n        ### END SOLUTION\n'
    assert 'raise NotImplementedError("Implement f(): return two.")' in strip_solution(nested)


def test_unclosed_region_is_an_error():
    with pytest.raises(ValueError, match="BEGIN SOLUTION"):
        strip_solution("def f():\n    ### BEGIN SOLUTION\n    return 1\n")


def test_exercise_clears_outputs_keeps_metadata_and_drops_hidden_tests(tmp_path):
    solution = read_notebook(_solution_notebook(tmp_path / "hw.ipynb"))
    solution.cells[2].source += "\n### BEGIN HIDDEN TESTS\nassert corr2d([[1]], [[1]]) == 1\n### END HIDDEN TESTS"
    exercise = exercise_of(solution)
    # All metadata stays; lesson cells (neither solution nor test cells) get their hash besides.
    assert [{key: value for key, value in cell.metadata.items() if key != LESSON_KEY} for cell in exercise.cells] == \
        [cell.metadata for cell in solution.cells]
    assert [LESSON_KEY in cell.metadata for cell in exercise.cells] == \
        [cell.cell_type == "code" and not is_solution_cell(cell) and question_of_test_cell(cell) is None for cell in solution.cells]
    assert [cell.get("id") for cell in exercise.cells] == [cell.get("id") for cell in solution.cells]
    assert all(cell.outputs == [] and cell.execution_count is None
               for cell in exercise.cells if cell.cell_type == "code")
    assert exercise.cells[2].source == 'from autograder import check\ncheck("corr2d")'
    assert solution.cells[3].outputs, "the solution itself is unchanged"
    nbformat.validate(exercise)


def test_missing_cell_ids_get_stable_ones(tmp_path):
    path = _solution_notebook(tmp_path / "hw.ipynb")
    data = json.loads(path.read_text())
    for cell in data["cells"]:
        del cell["id"]
    path.write_text(json.dumps(data))
    assert [c.id for c in read_notebook(path).cells] == [c.id for c in read_notebook(path).cells]


def test_generate_and_check_command(tmp_path, capsys):
    solutions, exercises = tmp_path / "solutions", tmp_path / "exercises"
    solutions.mkdir()
    _solution_notebook(solutions / "01_hw.ipynb")
    options = ["--solutions", str(solutions), "--exercises", str(exercises)]
    assert main(["generate", *options, "--check"]) == 1
    assert "01_hw.ipynb: missing" in capsys.readouterr().err.replace("\n", "")
    assert not exercises.exists(), "--check writes nothing"
    assert main(["generate", *options]) == 0
    assert main(["generate", *options, "--check"]) == 0
    assert stale_exercises(solutions, exercises) == []

    notebook = read_notebook(solutions / "01_hw.ipynb")
    notebook.cells[0].source = "# Convolution, revised"
    nbformat.write(notebook, str(solutions / "01_hw.ipynb"))
    assert main(["generate", *options, "--check"]) == 1
    assert "stale" in capsys.readouterr().err
    assert main(["generate", *options]) == 0
    shutil.copy(exercises / "01_hw.ipynb", exercises / "02_orphan.ipynb")
    assert [why for _, why in stale_exercises(solutions, exercises)] == ["has no solution notebook"]
    assert main(["generate", "--solutions", str(tmp_path / "none"), "--exercises", str(exercises)]) == 2


# ---- the project's own notebooks ------------------------------------------------------------------

def _solution_paths():
    paths = solution_notebooks(SOLUTIONS)
    assert paths, f"no solution notebooks in {SOLUTIONS}"
    return paths


def test_exercises_are_up_to_date():
    """`cnn-grade generate --check`: a stale or missing exercise fails here, so it cannot land."""
    assert stale_exercises(SOLUTIONS, EXERCISES) == []
    assert main(["generate", "--solutions", str(SOLUTIONS), "--exercises", str(EXERCISES), "--check"]) == 0


def test_exercises_hold_no_solution_code():
    for path in _solution_paths():
        solution, exercise = read_notebook(path), read_notebook(EXERCISES / path.name)
        assert len(solution.cells) == len(exercise.cells)
        regions = 0
        for theirs, ours in zip(solution.cells, exercise.cells):
            assert BEGIN_SOLUTION not in ours.source and END_SOLUTION not in ours.source
            if theirs.cell_type != "code" or BEGIN_SOLUTION not in theirs.source:
                continue
            regions += theirs.source.count(BEGIN_SOLUTION)
            assert ours.source.count("raise NotImplementedError(") >= theirs.source.count(BEGIN_SOLUTION)
            inside = False
            for line in theirs.source.split("\n"):
                if line.strip().startswith(BEGIN_SOLUTION):
                    inside = True
                elif line.strip().startswith(END_SOLUTION):
                    inside = False
                elif inside and len(line.strip()) > 12 and line.strip() not in theirs.source.split(BEGIN_SOLUTION)[0]:
                    assert line not in ours.source.split("\n"), f"{path.name}: solution line kept: {line}"
        assert regions, f"{path.name} has no solution region"


@pytest.fixture(scope="module")
def assignment():
    return load_assignment()


def _grade(paths, assignment, questions, student):
    from autograder.grading.pipeline import grade_submission
    from autograder.grading.submission import read_submission

    return grade_submission(read_submission(student, paths), assignment, questions).to_json()


def _by_question(results):
    found = {}
    for test in results["tests"]:
        found.setdefault(test["extra_data"]["question"], []).append(test)
    return found


@pytest.mark.slow
def test_solutions_get_full_marks_on_every_numpy_question(assignment):
    numpy_questions = [question for question in assignment.questions if question != MODEL]
    results = _grade(_solution_paths(), assignment, numpy_questions, "solutions")
    assert results["extra_data"]["error"] is None
    failed = [(test["name"], test["output"]) for test in results["tests"] if test["score"] != test["max_score"]]
    assert not failed
    assert set(_by_question(results)) == set(numpy_questions)
    assert results["score"] == sum(assignment.points(question) for question in numpy_questions)


@pytest.mark.slow
def test_untouched_exercises_get_zero_everywhere_with_a_clear_output(assignment):
    results = _grade([EXERCISES / path.name for path in _solution_paths()], assignment, assignment.questions,
                     "exercises")
    assert results["score"] == 0 and results["extra_data"]["error"] is None
    assert not [flag for flag in results["extra_data"]["flags"] if flag.startswith("grader-error")]
    assert set(_by_question(results)) == set(assignment.questions)
    for test in results["tests"]:
        assert test["score"] == 0 and test["status"] == "failed"
        assert not any(d.startswith("grader-error") for d in test["extra_data"]["diagnoses"]), test
        assert "NotImplementedError" in test["output"] or "does not define" in test["output"] or \
            "not implemented" in test["output"].lower() or test["extra_data"]["question"] == MODEL, test


def _execute(path, allow_errors):
    from nbclient import NotebookClient

    notebook = nbformat.read(str(path), as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", allow_errors=allow_errors,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return notebook


@pytest.mark.slow
@pytest.mark.parametrize("name", [path.name for path in solution_notebooks(SOLUTIONS)] or ["(none)"])
def test_solution_runs_top_to_bottom(name):
    """Every cell of the solution, the check cells included, runs without an error."""
    _execute(SOLUTIONS / name, allow_errors=False)


@pytest.mark.slow
@pytest.mark.parametrize("name", [path.name for path in solution_notebooks(SOLUTIONS)] or ["(none)"])
def test_exercise_fails_only_with_not_implemented(name):
    notebook = _execute(EXERCISES / name, allow_errors=True)
    errors = [(index, output["ename"], output["evalue"]) for index, cell in enumerate(notebook.cells)
              if cell.cell_type == "code" for output in cell.outputs if output["output_type"] == "error"]
    assert errors, "an untouched exercise raises somewhere"
    assert all(ename == "NotImplementedError" for _, ename, _ in errors), errors


# ---- the exports, with the real tools --------------------------------------------------------------

@pytest.fixture(scope="module")
def dist(tmp_path_factory):
    target = tmp_path_factory.mktemp("dist")
    before = {path.name: path.read_bytes() for path in EXERCISES.glob("*.ipynb")}
    assert main(["generate", "--solutions", str(SOLUTIONS), "--dist", str(target)]) == 0
    # --dist writes only DIR: the student notebooks go there, the project's exercises/ stay as they were.
    assert sorted(path.name for path in (target / "exercises").glob("*.ipynb")) == sorted(before)
    assert {path.name: path.read_bytes() for path in EXERCISES.glob("*.ipynb")} == before
    # The wheel the notebooks tell students to install (tests/test_student_wheel.py checks its contents).
    install = re.search(r"pip install (\S+\.whl)", (target / "exercises" / "01_convolution.ipynb").read_text())
    assert (target / "students" / install.group(1)).is_file()
    return target


def test_every_form_takes_its_points_from_the_assignment_file(assignment):
    points = {question: 2 * value for question, value in generate.points_of(assignment).items()}
    solution = read_notebook(_solution_paths()[0])
    nbgrader = generate.nbgrader_source_of(solution, set(), points)
    graded = [cell for cell in nbgrader.cells if cell.metadata.get("nbgrader", {}).get("grade")]
    assert graded and all(cell.metadata["nbgrader"]["points"] == points[question_of_test_cell(cell)] for cell in graded)
    otter = generate.otter_master_of(solution, "cnn", set(), points)
    headers = [cell.source for cell in otter.cells if cell.source.startswith("# BEGIN QUESTION")]
    assert headers and all(f"points: {points[header.split()[4]]:g}" in header for header in headers)


def test_dist_with_a_bad_assignment_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[questions.conv1d.tests]\ntest_valid = -1\n')
    assert main(["generate", "--solutions", str(SOLUTIONS), "--dist", str(tmp_path / "dist"),
                 "--assignment", str(bad)]) == 2
    assert "questions.conv1d.tests.test_valid: -1 is less than the minimum of 0" in capsys.readouterr().err
    assert not (tmp_path / "dist").exists()


def _run(command, cwd, timeout=1500):
    done = subprocess.run(command, cwd=cwd, env=TOOLS_ENV, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.slow
def test_nbgrader_autogrades_the_solution_fully(dist, tmp_path, assignment):
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    shutil.copytree(dist / "nbgrader", course)
    name = assignment.name
    sources = sorted((course / "source" / name).glob("*.ipynb"))
    assert [path.name for path in sources] == [path.name for path in _solution_paths()]
    for path in sources:   # every test cell of a numpy question runs its hidden suite too
        for cell in read_notebook(path).cells:
            if question_of_test_cell(cell) not in (None, MODEL):
                assert "### BEGIN HIDDEN TESTS" in cell.source and "hidden_check(" in cell.source, path.name
    _run([f"{BIN}/nbgrader", "generate_assignment", name, "--force"], course)
    released = sorted((course / "release" / name).glob("*.ipynb"))
    assert len(released) == len(sources)
    assert not any("BEGIN HIDDEN TESTS" in path.read_text() or "hidden_check" in path.read_text() for path in released)
    submitted = course / "submitted" / "alice" / name
    submitted.mkdir(parents=True)
    for path in _solution_paths():
        shutil.copy(path, submitted / path.name)
    _run([f"{BIN}/nbgrader", "autograde", name], course)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(name, "alice")
        grades = {grade.name: (grade.score, grade.max_score) for notebook in submission.notebooks
                  for grade in notebook.grades}
        assert submission.max_score > 0
        assert submission.score == submission.max_score, grades


@pytest.mark.slow
def test_otter_assign_builds_the_master_notebooks(dist, tmp_path):
    masters = sorted((dist / "otter").glob("*.ipynb"))
    assert [path.name for path in masters] == [path.name for path in _solution_paths()]
    for number, master in enumerate(masters):
        out = tmp_path / master.stem
        # On the first notebook otter also runs every test on the master's solution and requires
        # full marks (hidden suites included); the others are only built, to save a few minutes
        # (nbgrader's test above runs every hidden suite in a kernel already).
        _run([f"{BIN}/otter", "assign", master.name, str(out), *(["--no-run-tests"] if number else [])],
             dist / "otter")
        student = nbformat.read(str(out / "student" / master.name), as_version=4)
        autograder = nbformat.read(str(out / "autograder" / master.name), as_version=4)
        tests = autograder.metadata["otter"]["tests"]
        assert tests, master.name
        for question, spec in tests.items():
            cases = spec["suites"][0]["cases"]
            assert any(not case["hidden"] for case in cases), question
        assert "BEGIN SOLUTION" not in "".join(cell.source for cell in student.cells)
        assert list(out.glob("autograder/*.zip"))


@pytest.mark.slow
def test_gradescope_run_autograder_writes_results(dist, tmp_path, assignment):
    archive = dist / "gradescope" / f"{assignment.name}.zip"
    root = tmp_path / "autograder"
    with zipfile.ZipFile(archive) as bundle:
        names = set(bundle.namelist())
        assert {"setup.sh", "run_autograder", "assignment.toml"} <= names
        assert any(name.startswith("cnn_autograder-") and name.endswith(".whl") for name in names)
        bundle.extractall(root / "source")
        setup = bundle.read("setup.sh").decode()
    assert "torch==2.13.0" in setup and "bubblewrap" in setup and ".whl[grader]" in setup
    for script in ("setup.sh", "run_autograder"):
        subprocess.run(["bash", "-n", str(root / "source" / script)], check=True)
    submission = root / "submission"
    submission.mkdir()
    answer = "\n".join(line for line in CORR2D.split("\n") if "### " not in line)
    part1 = [nbformat.v4.new_code_cell(answer), _test_cell("corr2d")]
    part2 = [nbformat.v4.new_code_cell("def dense_params(n_in, n_out, bias=True):\n"
                                       "    return n_in * n_out + (n_out if bias else 0)")]
    for name, cells in (("part1.ipynb", part1), ("part2.ipynb", part2)):
        nbformat.write(nbformat.v4.new_notebook(cells=cells), str(submission / name))
    (root / "submission_metadata.json").write_text(json.dumps({"users": [{"email": "ada@example.edu", "id": 7}]}))
    done = subprocess.run(["bash", str(root / "source" / "run_autograder")], env={**TOOLS_ENV, "AUTOGRADER_ROOT": str(root)},
                          capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["extra_data"]["student"] == "ada@example.edu"
    assert results["extra_data"]["error"] is None
    questions = _by_question(results)
    assert set(questions) == set(assignment.questions)
    for question in ("corr2d", "dense_params"):
        assert all(test["score"] == test["max_score"] for test in questions[question]), question
    assert all(test["score"] == 0 for test in questions["conv1d"])
    assert results["score"] == sum(test["score"] for test in results["tests"])
    assert all({"name", "score", "max_score", "output"} <= set(test) for test in results["tests"])
