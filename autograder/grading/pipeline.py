"""Grading one submission, the one straight path: read -> sandboxed load -> hidden suites -> results.

`grade_chunk` is a plain function of plain data (paths in, results dicts out), so a process pool
or a Dask worker can run it; the caller alone writes files and the gradebook.
"""
import functools
import logging
import time
from dataclasses import dataclass, replace
from pathlib import Path

from autograder.diagnoses import Diagnosis
from autograder.grading.forbidden import forbidden_uses
from autograder.grading.hidden import SuiteContext, run_suites_for
from autograder.records.results import error_results, graded_results
from autograder.grading.sandbox import LoadReport, bubblewrap
from autograder.grading.student import SandboxStudent
from autograder.grading.submission import read_submission


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


def grade_submissions(submissions, assignment, questions, environment=Environment()):
    """The results dicts of read Submissions, in order, for the chosen questions. The gradable
    ones share one pytest session; each runs in sandboxes of its own, one submission at a time."""
    start = time.perf_counter()
    isolated = environment.isolate and bubblewrap() is not None
    gradable = [submission for submission in submissions if not submission.error]
    students = [SandboxStudent(submission.cells, assignment, isolate=environment.isolate,
                               gpu=environment.device == "cuda") for submission in gradable]
    contexts = [SuiteContext(student, f"{assignment.seed}\0{submission.student}", assignment,
                             lambda: load_dataset(environment.data_dir), environment.device)
                for submission, student in zip(gradable, students)]
    try:
        outcomes = dict(zip(map(id, gradable), zip(students, run_suites_for(contexts, questions))))
    finally:
        for student in students:
            student.close()
    from_scratch = {question: assignment.questions[question].functions for question in questions
                    if assignment.questions[question].from_scratch}
    results = []
    for submission in submissions:
        if submission.error:
            results.append(error_results(submission, assignment, questions, submission.error,
                                         time.perf_counter() - start, isolated))
            continue
        student, tests = outcomes[id(submission)]
        load = student.__dict__.get("load") or LoadReport()  # not loaded: no test asked for it
        if load.failure:
            error = {"kind": "load-failed", "message": load.failure}
            results.append(error_results(submission, assignment, questions, error, student.seconds, isolated))
            continue
        static_forbidden = forbidden_uses([cell["source"] for cell in submission.cells], from_scratch,
                                          assignment.forbidden)
        results.append(graded_results(submission, assignment, tests, load, student.answers,
                                      static_forbidden, student.seconds, isolated))
    return results


def grade_submission(submission, assignment, questions, environment=Environment()):
    """The results dict of one read Submission."""
    return grade_submissions([submission], assignment, questions, environment)[0]


def grade_chunk(jobs, assignment, questions, environment=Environment()):
    """Read and grade [(student, paths)]: the unit of work sent to pool and Dask workers, a few
    submissions at a time so that they share a pytest session. A fault of the grader itself costs
    these submissions a results file that says so, not the batch. -> [(student, results)]"""
    submissions = [read_submission(student, [Path(path) for path in paths]) for student, paths in jobs]
    try:
        results = grade_submissions(submissions, assignment, questions, environment)
    except Exception as error:
        logging.getLogger(__name__).exception("grading %s failed", ", ".join(s.student for s in submissions))
        failure = {"kind": Diagnosis.GRADER_ERROR, "message": f"the grader failed ({type(error).__name__}); a TA has been told"}
        results = [error_results(submission, assignment, questions, failure, 0.0, environment.isolate)
                   for submission in submissions]
    return [(submission.student, result) for submission, result in zip(submissions, results)]
