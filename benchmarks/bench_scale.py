"""cnn-grade at class scale: a class of realistic submissions, graded several ways in one run.

Each student hands in the four lesson notebooks completed (`completed_exercise`: the exercises
with the instructor's solutions, lesson cells and their metadata as generated), most correct, some
with a buggy solution region, one in ten broken (a solution cell that does not parse), one in fifty
with a demonstration cell that hangs (stopped by the assignment's cell limit). The numpy questions
are graded with the sandbox on:

- with 1 and 2 worker processes and through a 2-worker Dask LocalCluster: seconds per
  submission, speed-up over 1 worker, peak memory of the grader (its own maxrss) and of the
  largest child (with 1 worker: one sandbox);
- the first 16 submissions with the fast path on and off (every lesson cell run): seconds, and
  the check that every test's score is the same;
- 16 correct submissions (the issue's acceptance class: every student hands in the completed
  lessons, all right) with 2 workers, fast path on and off;
- nbgrader's `autograde` on the first 5 through the nbgrader export (`--nbgrader 0` skips it).

Each configuration runs in a fresh Python process, so that its memory figures are its own.

    python benchmarks/bench_scale.py [--students 200] [--nbgrader 5]
"""
import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.assignment import load_assignment
from autograder.authoring.generate import SOLUTIONS, completed_exercise, write_nbgrader
from autograder.grading.batch import BatchOptions, grade_batch
from autograder.grading.pipeline import Environment
from autograder.grading.sandbox import bubblewrap
from autograder.notebooks import nbgrader_meta, notebook_text, read_notebook

# (question, text in its solution, the buggy text): each a misconception the suites name.
BUGS = [("dense_params", "(out_features if bias else 0)", "0"),
        ("receptive_field", "jump *= stride", "jump = stride"),
        ("conv1d", "full[i:i + n] += k[i] * x", "full[i:i + n] += k[m - 1 - i] * x"),
        ("conv2d_params", "KH * KW * in_channels", "KH * in_channels")]
BROKEN = ("conv_output_size", "def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):",
          "def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1)")
HANGING_DEMO = "# trying something out\nwhile True:\n    pass\n"
COMPARED = 16          # submissions graded with the fast path on and off


def kind_of(index):
    """What student `index` hands in: correct, buggy, broken or hangs (6 : 2 : 1 : 1 in ten,
    the tenth hanging in one of fifty and buggy otherwise)."""
    position = index % 10
    if position < 6:
        return "correct"
    if position == 8:
        return "broken"
    return "hangs" if index % 50 == 9 else "buggy"


def edited(notebook, question, old, new):
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("grade_id") == f"{question}-solution":
            assert old in cell.source, (question, old)
            cell.source = cell.source.replace(old, new)
            return True
    return False


def build_class(root, students, kind_of=kind_of):
    """root/<student>/*.ipynb for every student; returns {student: kind}."""
    lessons = {path.name: read_notebook(path) for path in sorted(SOLUTIONS.glob("*.ipynb"))}
    kinds = {}
    for index in range(students):
        student, kind = f"student{index:03d}", kind_of(index)
        folder = root / student
        folder.mkdir(parents=True)
        bug = BUGS[index % len(BUGS)]
        for name, solution in lessons.items():
            notebook = completed_exercise(solution)
            if kind == "buggy":
                edited(notebook, *bug)
            elif kind == "broken":
                edited(notebook, *BROKEN)
            elif kind == "hangs" and name == min(lessons):
                notebook.cells.insert(3, nbformat.v4.new_code_cell(HANGING_DEMO))
            (folder / name).write_text(notebook_text(notebook))
        kinds[student] = kind
    return kinds


def numpy_questions(assignment):
    return [question.id for question in assignment.questions.values() if not question.trains_model]


def run_configuration(class_dir, out, how, all_cells):
    """Grade class_dir in this process as `how` ("1", "2" workers or "dask"); print a JSON line."""
    assignment = load_assignment()
    environment = Environment(all_cells=all_cells)
    questions = numpy_questions(assignment)
    cluster = None
    if how == "dask":
        from distributed import LocalCluster

        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)
        options = BatchOptions(questions=questions, workers=2, scheduler=cluster.scheduler_address,
                               force=True, environment=environment)
    else:
        options = BatchOptions(questions=questions, workers=int(how), force=True, environment=environment)
    start = time.perf_counter()
    graded = grade_batch([class_dir], out, assignment, options)
    seconds = time.perf_counter() - start
    if cluster is not None:
        cluster.close()
    scores = {}
    for student, results in graded:
        data = results.to_json() if hasattr(results, "to_json") else results
        scores[student] = {test["name"]: test["score"] for test in data["tests"]}
    megabytes = {who: resource.getrusage(which).ru_maxrss / 1024
                 for who, which in (("grader", resource.RUSAGE_SELF), ("child", resource.RUSAGE_CHILDREN))}
    print(json.dumps({"seconds": seconds, "scores": scores, **megabytes}))


def measured(class_dir, out, how, all_cells=False):
    """run_configuration in a fresh interpreter: its result dict."""
    command = [sys.executable, __file__, "--run", how, "--class-dir", str(class_dir), "--out", str(out)]
    done = subprocess.run(command + (["--all-cells"] if all_cells else []), capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"{how} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def full_marks(scores, assignment):
    total = sum(assignment.points(question) for question in numpy_questions(assignment))
    return sum(1 for tests in scores.values() if abs(sum(tests.values()) - total) < 1e-9)


def nbgrader_autograde(root, class_dir, students, assignment):
    """Seconds of nbgrader's autograde on the first `students` through the nbgrader export, and
    how many of them got full marks."""
    course = write_nbgrader(SOLUTIONS, root / "nbgrader", assignment)
    name = assignment.name
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}

    def nbgrader(*arguments):
        done = subprocess.run([sys.executable, "-m", "nbgrader", *arguments], cwd=course, env=env,
                              capture_output=True, text=True)
        if done.returncode:
            raise RuntimeError(f"nbgrader {' '.join(arguments)} failed:\n{done.stderr[-2000:]}")

    nbgrader("generate_assignment", name, "--force")
    chosen = sorted(path.name for path in class_dir.iterdir())[:students]
    for student in chosen:
        shutil.copytree(class_dir / student, course / "submitted" / student / name)
        nbgrader("db", "student", "add", student)
    start = time.perf_counter()
    nbgrader("autograde", name, "--force")
    seconds = time.perf_counter() - start
    nbgrader("export", "--to", str(course / "grades.csv"))
    with open(course / "grades.csv") as file:
        rows = [row for row in csv.DictReader(file) if row["student_id"] in chosen]
    full = sum(1 for row in rows if float(row["score"]) == float(row["max_score"]))
    return seconds, full


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=200)
    parser.add_argument("--nbgrader", type=int, default=5, help="students nbgrader autogrades (0: none)")
    parser.add_argument("--run", help=argparse.SUPPRESS)
    parser.add_argument("--class-dir", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--all-cells", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.run:
        return run_configuration(Path(args.class_dir), Path(args.out), args.run, args.all_cells)
    assignment = load_assignment()
    root = Path(tempfile.mkdtemp(prefix="bench-scale-"))
    try:
        kinds = build_class(root / "class", args.students)
        compared = root / "compared"
        for student in sorted(kinds)[:COMPARED]:
            shutil.copytree(root / "class" / student, compared / student)
        rows = {how: measured(root / "class", root / f"out-{how}", how) for how in ("1", "2", "dask")}
        fast = measured(compared, root / "out-fast", "2")
        full = measured(compared, root / "out-full", "2", all_cells=True)
        build_class(root / "correct", COMPARED, kind_of=lambda index: "correct")
        correct = {"fast": measured(root / "correct", root / "out-correct-fast", "2"),
                   "full": measured(root / "correct", root / "out-correct-full", "2", all_cells=True)}
        nbgrader = nbgrader_autograde(root, root / "class", args.nbgrader, assignment) if args.nbgrader else None
    finally:
        shutil.rmtree(root, ignore_errors=True)
    report(args, kinds, rows, fast, full, correct, nbgrader, assignment)


def report(args, kinds, rows, fast, full, correct, nbgrader, assignment):
    counts = {kind: list(kinds.values()).count(kind) for kind in ("correct", "buggy", "broken", "hangs")}
    sandbox = "bubblewrap" if bubblewrap() else "rlimits only (no bubblewrap)"
    print(f"\n{args.students} submissions ({', '.join(f'{n} {kind}' for kind, n in counts.items())}), "
          f"4 lesson notebooks each, {len(numpy_questions(assignment))} numpy questions, sandbox: {sandbox}\n")
    print("| grader | submissions | total s | s / submission | speed-up | full marks | grader MB | largest child MB |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    one = rows["1"]["seconds"]
    names = {"1": "cnn-grade, 1 worker", "2": "cnn-grade, 2 workers", "dask": "cnn-grade, Dask LocalCluster (2 workers)"}
    for how, row in rows.items():
        print(f"| {names[how]} | {args.students} | {row['seconds']:.1f} | {row['seconds'] / args.students:.2f} | "
              f"{one / row['seconds']:.2f}x | {full_marks(row['scores'], assignment)} | {row['grader']:.0f} | {row['child']:.0f} |")
    compared = len(fast["scores"])
    for name, row, slowest in (("first 16: fast path on, 2 workers", fast, full),
                               ("first 16: fast path off (every cell), 2 workers", full, full),
                               ("16 correct: fast path on, 2 workers", correct["fast"], correct["full"]),
                               ("16 correct: fast path off (every cell), 2 workers", correct["full"], correct["full"])):
        print(f"| {name} | {compared} | {row['seconds']:.1f} | {row['seconds'] / compared:.2f} | "
              f"{slowest['seconds'] / row['seconds']:.2f}x | {full_marks(row['scores'], assignment)} | "
              f"{row['grader']:.0f} | {row['child']:.0f} |")
    if nbgrader:
        seconds, full_count = nbgrader
        print(f"| nbgrader autograde (the nbgrader export) | {args.nbgrader} | {seconds:.1f} | "
              f"{seconds / args.nbgrader:.2f} | | {full_count} | | |")
    differing = sorted(student for on, off in ((fast, full), (correct["fast"], correct["full"]))
                       for student in on["scores"] if on["scores"][student] != off["scores"].get(student))
    print(f"\nThe submissions graded with the fast path on and off (twice {compared}): "
          + ("every test's score is the same." if not differing else f"scores DIFFER for {', '.join(differing)}."))
    print("Memory: the grader's own peak resident set, and the largest child's (with 1 worker: one "
          "sandbox; with 2: a worker process or a sandbox; with Dask: a Dask worker).")
    if differing:
        sys.exit(1)


if __name__ == "__main__":
    main()
