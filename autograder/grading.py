"""Grading one submission, the one straight path: read -> sandboxed load -> hidden suites -> results.

`grade_one` is a plain function of plain data (paths in, a results dict out), so a process pool or
a Dask worker can run it; the caller alone writes files and the gradebook.
"""
import functools
import logging
import time
from contextlib import ExitStack
from dataclasses import dataclass, replace
from pathlib import Path

from .forbidden import forbidden_uses
from .hidden import SuiteContext, run_suites
from .results import error_results, graded_results
from .sandbox import Sandbox, bubblewrap
from .student import SandboxStudent
from .submission import read_submission

MODEL_QUESTION = "cnn_model"


@dataclass(frozen=True)
class Environment:
    """Where grading happens. device: "cpu" or "cuda" for the model question; data_dir: MNIST or
    CIFAR-10 files for it (None: the digits); isolate: use bubblewrap when it is there."""
    isolate: bool = True
    device: str = "cpu"
    data_dir: str | None = None


@functools.cache
def load_dataset(data_dir):
    """The model question's data, loaded once per grading process (and only when it is graded)."""
    from cnn_ref.data import load_dataset as load

    return load(data_dir)


def grade_submission(submission, assignment, questions, environment=Environment()):
    """The results dict of one read Submission, for the chosen questions."""
    start = time.perf_counter()
    if submission.error:
        return error_results(submission, assignment, questions, submission.error, time.perf_counter() - start,
                             isolated=environment.isolate and bubblewrap() is not None)
    from_scratch = {question: question for question in questions if question not in assignment.exempt}
    static_forbidden = forbidden_uses([cell["source"] for cell in submission.cells], from_scratch,
                                      assignment.forbidden)
    with ExitStack() as stack:
        sandbox = stack.enter_context(Sandbox(submission.cells, assignment.limits, environment.isolate))
        load = sandbox.load()
        if load.failure:
            error = {"kind": "load-failed", "message": load.failure}
            return error_results(submission, assignment, questions, error,
                                 time.perf_counter() - start, isolated=sandbox.isolated)
        model_sandbox = None
        if MODEL_QUESTION in questions:
            model_limits = replace(assignment.limits,
                                   memory_mb=assignment.settings[MODEL_QUESTION].get("memory_mb", 4096))
            model_sandbox = stack.enter_context(Sandbox(submission.cells, model_limits, environment.isolate,
                                                        gpu=environment.device == "cuda"))
        student = SandboxStudent(sandbox, load.defined, assignment.forbidden, assignment.exempt, model_sandbox)
        context = SuiteContext(student, f"{assignment.seed}\0{submission.student}", assignment.settings,
                               lambda: load_dataset(environment.data_dir), environment.device)
        outcomes = run_suites(context, questions)
        return graded_results(submission, assignment, outcomes, load, student.answers, static_forbidden,
                              time.perf_counter() - start, isolated=sandbox.isolated)


def grade_one(student, paths, assignment, questions, environment=Environment()):
    """Read and grade one student's files: the unit of work sent to pool and Dask workers.
    A fault of the grader itself costs this submission a results file that says so, not the batch."""
    submission = read_submission(student, [Path(path) for path in paths])
    try:
        return grade_submission(submission, assignment, questions, environment)
    except Exception as error:
        logging.getLogger(__name__).exception("grading %s failed", student)
        failure = {"kind": "grader-error", "message": f"the grader failed ({type(error).__name__}); a TA has been told"}
        return error_results(submission, assignment, questions, failure, 0.0, isolated=environment.isolate)
