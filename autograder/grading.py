"""Grading one submission, the one straight path: read -> sandboxed load -> hidden suites -> results.

`grade_one` is a plain function of plain data (paths in, a results dict out), so a process pool or
a Dask worker can run it; the caller alone writes files and the gradebook.
"""
import logging
import time
from pathlib import Path

from .forbidden import forbidden_uses
from .hidden import run_suites
from .results import error_results, graded_results
from .sandbox import Sandbox, bubblewrap
from .student import SandboxStudent
from .submission import read_submission


def grade_submission(submission, assignment, questions, isolate=True):
    """The results dict of one read Submission, for the chosen questions."""
    start = time.perf_counter()
    if submission.error:
        return error_results(submission, assignment, questions, submission.error,
                             time.perf_counter() - start, isolated=isolate and bubblewrap() is not None)
    from_scratch = {question: question for question in questions if question not in assignment.exempt}
    static_forbidden = forbidden_uses([cell["source"] for cell in submission.cells], from_scratch,
                                      assignment.forbidden)
    with Sandbox(submission.cells, assignment.limits, isolate=isolate) as sandbox:
        load = sandbox.load()
        if load.failure:
            error = {"kind": "load-failed", "message": load.failure}
            return error_results(submission, assignment, questions, error,
                                 time.perf_counter() - start, isolated=sandbox.isolated)
        student = SandboxStudent(sandbox, load.defined, assignment.forbidden, assignment.exempt)
        outcomes = run_suites(student, f"{assignment.seed}\0{submission.student}", questions,
                              assignment.settings)
        return graded_results(submission, assignment, outcomes, load, student.answers, static_forbidden,
                              time.perf_counter() - start, isolated=sandbox.isolated)


def grade_one(student, paths, assignment, questions, isolate=True):
    """Read and grade one student's files: the unit of work sent to pool and Dask workers.
    A fault of the grader itself costs this submission a results file that says so, not the batch."""
    submission = read_submission(student, [Path(path) for path in paths])
    try:
        return grade_submission(submission, assignment, questions, isolate)
    except Exception as error:
        logging.getLogger(__name__).exception("grading %s failed", student)
        failure = {"kind": "grader-error", "message": f"the grader failed ({type(error).__name__}); a TA has been told"}
        return error_results(submission, assignment, questions, failure, 0.0, isolated=isolate)
