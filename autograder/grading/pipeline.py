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
from autograder.grading.hidden import SuiteContext, run_suites_for, suite_seed
from autograder.grading.model_cache import ModelCache
from autograder.records.evidence import Evidence, gather
from autograder.records.results import error_results, graded_results
from autograder.grading.sandbox import LoadReport, bubblewrap
from autograder.grading.student import SandboxStudent
from autograder.grading.submission import Submission, read_submission


@dataclass(frozen=True)
class Environment:
    """Where grading happens. device: "cpu" or "cuda" for the model question; data_dir: MNIST or
    CIFAR-10 files for it (None: the digits); isolate: use bubblewrap when it is there; all_cells:
    run every cell, the unchanged lesson cells that nothing graded needs included (SPEC's
    "Loading a submission": off, they are skipped, and a submission that then fails for want of
    a name they bind is graded again with all of them); model_cache: the folder of trained
    models kept between gradings (`model_cache.py`; None: every grading trains)."""
    isolate: bool = True
    device: str = "cpu"
    data_dir: str | None = None
    all_cells: bool = False
    model_cache: str | None = None


@functools.cache
def load_dataset(data_dir):
    """The model question's data, loaded once per grading process (and only when it is graded)."""
    from cnn_ref.data import load_dataset as load

    return load(data_dir)


def grade_submissions(submissions, assignment, questions, environment=Environment(), *, evidence=None):
    """The results dicts of read Submissions, in order, for the chosen questions. The gradable
    ones share one pytest session; each runs in sandboxes of its own, one submission at a time.
    evidence: a dict that receives {student: records.evidence.Evidence} of each graded submission."""
    start = time.perf_counter()
    isolated = environment.isolate and bubblewrap() is not None
    gradable = [submission for submission in submissions if not submission.error]
    cache = ModelCache(environment.model_cache) if environment.model_cache else None
    students = [SandboxStudent(submission.cells, assignment, isolate=environment.isolate,
                               gpu=environment.device == "cuda", all_cells=environment.all_cells,
                               model_cache=cache, submission_sha256=submission.sha256)
                for submission in gradable]
    contexts = [SuiteContext(student, suite_seed(assignment.seed, submission.student, submission.sha256), assignment,
                             lambda: load_dataset(environment.data_dir), environment.device)
                for submission, student in zip(gradable, students)]
    try:
        outcomes = dict(zip(map(id, gradable), zip(students, run_suites_for(contexts, questions))))
    finally:
        for student in students:
            student.close()
    from_scratch = {question: assignment.questions[question].functions for question in questions
                    if assignment.questions[question].from_scratch}
    again = [submission for submission, student in zip(gradable, students) if student.needs_every_cell()]
    regraded = dict(zip(map(id, again), grade_submissions(again, assignment, questions, replace(
        environment, all_cells=True), evidence=evidence))) if again else {}
    results = []
    for submission in submissions:
        if submission.error:
            results.append(error_results(submission, assignment, questions, submission.error,
                                         time.perf_counter() - start, isolated))
            continue
        if id(submission) in regraded:
            results.append(regraded[id(submission)])
            continue
        student, tests = outcomes[id(submission)]
        try:
            results.append(_results_of(submission, assignment, questions, student, tests, from_scratch, isolated))
        except Exception as error:  # a fault here is this submission's alone, not its chunk-mates'
            results.append(grader_error_results(submission, assignment, questions, error, isolated))
        if evidence is not None:
            evidence[submission.student] = _evidence_guarded(submission, tests, assignment)
    return results


def _evidence_guarded(submission, outcomes, assignment):
    """The submission's Evidence (pictures, code, seconds); a fault here costs the pages a
    picture, never the grade, so it is logged and an empty Evidence stands in."""
    try:
        return gather(submission, outcomes, assignment)
    except Exception as error:
        logging.getLogger(__name__).error("evidence of %s failed", submission.student, exc_info=error)
        return Evidence()


def _results_of(submission, assignment, questions, student, tests, from_scratch, isolated):
    """One graded submission's results dict: its load, its static forbidden-API check, its tests."""
    load = student.__dict__.get("load") or LoadReport()  # not loaded: no test asked for it
    if load.failure:
        error = {"kind": "load-failed", "message": load.failure}
        return error_results(submission, assignment, questions, error, student.seconds, isolated)
    static_forbidden = forbidden_uses([cell["source"] for cell in submission.cells], from_scratch,
                                      assignment.forbidden)
    return graded_results(submission, assignment, tests, load, student.answers,
                          static_forbidden, student.seconds, isolated)


def grader_error_results(submission, assignment, questions, error, isolated):
    """The results of a submission the grader itself failed on: logged for a TA, flagged."""
    logging.getLogger(__name__).error("grading %s failed", submission.student, exc_info=error)
    failure = {"kind": Diagnosis.GRADER_ERROR,
               "message": f"the grader failed ({type(error).__name__}); a TA has been told"}
    return error_results(submission, assignment, questions, failure, 0.0, isolated)


def grade_submission(submission, assignment, questions, environment=Environment()):
    """The results dict of one read Submission."""
    return grade_submissions([submission], assignment, questions, environment)[0]


def grade_chunk(jobs, assignment, questions, environment=Environment()):
    """Read and grade [(student, paths)]: the unit of work sent to pool and Dask workers, a few
    submissions at a time so that they share a pytest session. A fault of the grader itself costs
    these submissions a results file that says so, not the batch.
    -> [(student, results, Evidence)], the Evidence empty where the submission was not graded"""
    submissions = [_read_guarded(student, paths) for student, paths in jobs]
    evidence = {}
    graded = _graded_guarded(submissions, assignment, questions, environment, evidence)
    return [(submission.student, result, evidence.get(submission.student, Evidence()))
            for submission, result in zip(submissions, graded)]


def _read_guarded(student, paths):
    """read_submission, with any fault of the reader turned into this submission's error."""
    try:
        return read_submission(student, [Path(path) for path in paths])
    except Exception as error:
        logging.getLogger(__name__).error("reading %s failed", student, exc_info=error)
        return Submission(student, list(paths), error={
            "kind": Diagnosis.GRADER_ERROR, "message": f"the grader could not read it ({type(error).__name__}); a TA has been told"})


def _graded_guarded(submissions, assignment, questions, environment, evidence):
    """The results of grade_submissions; when their shared session fails, each submission is
    graded again alone, so that the fault costs only the submission that caused it."""
    try:
        return grade_submissions(submissions, assignment, questions, environment, evidence=evidence)
    except Exception as error:
        if len(submissions) > 1:
            return [result for submission in submissions
                    for result in _graded_guarded([submission], assignment, questions, environment, evidence)]
        return [grader_error_results(submissions[0], assignment, questions, error, environment.isolate)]
