"""cnn-grade against nbgrader's autograde on the same class of correct notebooks, in one run.

Each student's notebook is the demo class's Ben (a correct implementation of every numpy question,
his CNN left out) with nbgrader metadata on his cells, and one nbgrader test cell per question that
runs that question's hidden suite in the notebook's own kernel, so both graders run the same tests
on the same code. cnn-grade grades the numpy assignment with the sandbox on, with 1 and 2
workers; nbgrader autogrades the same submissions in an nbgrader course built here. Goal: at most
0.5 s per submission for cnn-grade on 2 cores.

    python benchmarks/bench_grade.py [--students 8]
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.assignment import load_assignment
from autograder.grading.batch import BatchOptions, grade_batch
from autograder.grading.pipeline import Environment
from autograder.grading.sandbox import bubblewrap
from autograder.grading.submission import read_submission

DEMO = Path(__file__).resolve().parents[1] / "autograder" / "demo" / "class"
ASSIGNMENT = "cnn"
TEST_CELL = """from autograder.grading.hidden import SuiteContext, run_suites
from autograder.grading.student import LocalStudent
from autograder.assignment import load_assignment
failed = [o.name for o in run_suites(SuiteContext(LocalStudent(globals()), "bench", load_assignment()),
                                     [{question!r}])
          if not o.passed]
assert not failed, failed"""


def metadata(grade_id, solution, points=None):
    cell = {"grade": points is not None, "solution": solution, "locked": not solution,
            "grade_id": grade_id, "schema_version": 3}
    return {"nbgrader": cell if points is None else {**cell, "points": points}}


def submission_notebook(student_cells, questions, weights):
    """nbgrader's shape: the student's cells as solution cells, then one test cell per question."""
    cells = [nbformat.v4.new_code_cell(source, metadata=metadata(f"answer-{index}", True))
             for index, source in enumerate(student_cells)]
    cells += [nbformat.v4.new_code_cell(TEST_CELL.format(question=question),
                                        metadata=metadata(question, False, sum(weights[question].values())))
              for question in questions]
    return nbformat.v4.new_notebook(cells=cells, metadata={"kernelspec": {
        "name": "python3", "display_name": "Python 3", "language": "python"}})


def student_cells(name):
    """A demo student's code cells, without the CNN (its torch import would dominate both times)."""
    return [cell["source"] for cell in read_submission(name, [DEMO / f"{name}.ipynb"]).cells
            if "build_model" not in cell["source"]]


def build_class(root, students, questions, weights):
    """root/submissions/<id>.ipynb for cnn-grade; root/course/ an nbgrader course with the same."""
    notebook = submission_notebook(student_cells("ben"), questions, weights)
    course = root / "course"
    source = course / "source" / ASSIGNMENT
    source.mkdir(parents=True)
    (course / "nbgrader_config.py").write_text(
        "c = get_config()\nc.CourseDirectory.root = %r\nc.Execute.timeout = 300\n" % str(course))
    nbformat.write(notebook, source / f"{ASSIGNMENT}.ipynb")
    (root / "submissions").mkdir()
    for index in range(students):
        nbformat.write(notebook, root / "submissions" / f"student{index:03d}.ipynb")
        submitted = course / "submitted" / f"student{index:03d}" / ASSIGNMENT
        submitted.mkdir(parents=True)
        nbformat.write(notebook, submitted / f"{ASSIGNMENT}.ipynb")
    return course


def time_cnn_grade(root, assignment, questions, workers):
    out = root / f"out-{workers}"
    options = BatchOptions(questions=questions, workers=workers, force=True, environment=Environment())
    start = time.perf_counter()
    graded = grade_batch([root / "submissions"], out, assignment, options)
    seconds = time.perf_counter() - start
    full = sum(results["score"] == sum(t["max_score"] for t in results["tests"]) for _, results in graded)
    return seconds, full


def time_nbgrader(course, students):
    # nbgrader runs `alembic` and a Jupyter kernel from PATH: this environment's must come first.
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}

    def nbgrader(*arguments):
        return subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=course, env=env,
                              capture_output=True, text=True)

    for step in (["generate_assignment", ASSIGNMENT, "--force"],
                 *(["db", "student", "add", f"student{index:03d}"] for index in range(students))):
        done = nbgrader(*step)
        if done.returncode:
            raise RuntimeError(f"nbgrader {' '.join(step)} failed:\n{done.stderr[-2000:]}")
    start = time.perf_counter()
    done = nbgrader("autograde", ASSIGNMENT, "--force")
    seconds = time.perf_counter() - start
    if done.returncode:
        raise RuntimeError(f"nbgrader autograde failed:\n{done.stderr[-2000:]}")
    scores = nbgrader("export", "--to", str(course / "grades.csv"))
    full = 0
    if scores.returncode == 0:
        rows = (course / "grades.csv").read_text().splitlines()[1:]
        full = sum(1 for row in rows if row.split(",")[-2] == row.split(",")[-1])
    return seconds, full


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=8)
    args = parser.parse_args()
    assignment = load_assignment()
    questions = [question.id for question in assignment.questions.values() if not question.trains_model]
    root = Path(tempfile.mkdtemp(prefix="bench-grade-"))
    try:
        course = build_class(root, args.students, questions, assignment.weights)
        rows = [(f"cnn-grade, {workers} worker{'s' * (workers > 1)}",
                 *time_cnn_grade(root, assignment, questions, workers)) for workers in (1, 2)]
        rows.append(("nbgrader autograde", *time_nbgrader(course, args.students)))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    sandbox = "bubblewrap" if bubblewrap() else "rlimits only (no bubblewrap)"
    print(f"\n{args.students} correct submissions, {len(questions)} numpy questions, sandbox: {sandbox}\n")
    print(f"{'grader':<24}{'total s':>9}{'s / submission':>16}{'full marks':>12}{'vs nbgrader':>13}")
    nbgrader_seconds = rows[-1][1]
    for name, seconds, full in rows:
        print(f"{name:<24}{seconds:>9.1f}{seconds / args.students:>16.2f}{full:>7}/{args.students:<4}"
              f"{nbgrader_seconds / seconds:>12.1f}x")
    per_submission = rows[1][1] / args.students
    print(f"\ngoal <= 0.5 s per submission with 2 workers: {'met' if per_submission <= 0.5 else 'NOT met'} "
          f"({per_submission:.2f} s)")


if __name__ == "__main__":
    main()
