"""`cnn-grade check NOTEBOOK`: the student's own notebook run on their own machine, read and run
exactly as the grader's sandbox does, then the public checks of every question it defines."""
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder.assignment import bundled_assignment
from autograder.grading.sandbox_worker import Worker
from autograder.grading.submission import read_submission
from autograder.selfcheck.checks import NOT_FULL_MARKS, _marks, defined_questions, run_public_checks


@dataclass
class NotebookRun:
    namespace: dict
    errors: list            # [(cell label, error text)]
    skipped: int            # check cells not run
    notes: list


def run_notebook(path, cell_seconds=None):
    """Run a notebook's code cells in this process (the student's own code on their own machine),
    read and run exactly as the grader's sandbox does: magics transformed, self-check cells left
    out, a cell that raises or runs past `cell_seconds` (None: the assignment's cell limit)
    reported and the next run, printed output kept out of the report."""
    path = Path(path)
    submission = read_submission(path.stem, [path])
    if submission.error:
        raise ValueError(submission.error["message"])
    os.environ.setdefault("MPLBACKEND", "Agg")
    worker = Worker()
    seconds = cell_seconds or bundled_assignment().limits.cell_seconds
    report, _ = worker.load({"cells": submission.cells, "cell_seconds": seconds}, [])
    worker.namespace.pop("get_ipython", None)
    errors = [(cell["label"], cell["error"]) for cell in report["cells"] if cell["error"]]
    notes = [note for cell in report["cells"] for note in cell["notes"]] + submission.notes
    return NotebookRun(worker.namespace, errors, submission.checks_skipped, notes)


def check_notebook(path, out=None, *, cell_seconds=None):
    """`cnn-grade check NOTEBOOK`: run the notebook, then the public checks of every question it
    defines; print the reports; 0 when every check passes, 1 otherwise."""
    out = out or sys.stdout
    path = Path(path)
    try:
        run = run_notebook(path, cell_seconds)
    except Exception as error:  # not a notebook nbformat can read
        print(f"cannot read {path}: {error}", file=out)
        return 1
    lines = [f"Ran {path.name}: {len(run.errors)} cell(s) raised an error, {run.skipped} check cell(s) skipped."]
    for label, error in run.errors:
        lines.append(f"{label} raised (later cells still ran):\n" + "\n".join(f"    {line}" for line in error.splitlines()))
    for note in dict.fromkeys(run.notes):
        lines.append(f"Not run: {note}")
    questions = defined_questions(run.namespace)
    print("\n".join(lines), file=out)
    if not questions:
        print("This notebook defines none of the assignment's functions: nothing to check.", file=out)
        return 1
    marks = _marks() if out is sys.stdout else ("✔", "✘")
    reports = [run_public_checks(question, run.namespace) for question in questions]
    for report in reports:
        print("\n" + report.text(marks).removesuffix("\n" + NOT_FULL_MARKS), file=out)
    failed = [report.question for report in reports if not report.passed]
    summary = (f"All public checks of the {len(reports)} question(s) passed." if not failed else
               f"Public checks failed for {len(failed)} of {len(reports)} question(s): {', '.join(failed)}.")
    print(f"\n{summary}\n{NOT_FULL_MARKS}", file=out)
    return 1 if failed else 0
