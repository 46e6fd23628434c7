"""Grading a class: find submissions, skip what is already graded, grade the rest N at a time
(processes on this machine, or a Dask cluster), and write each results.json and gradebook row.

Workers only compute; this process alone writes results and the gradebook, so a crashed or
malicious submission cannot touch them.
"""
import contextlib
import hashlib
import multiprocessing
import signal
import threading
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console
from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn,
                           TimeRemainingColumn)
from rich.table import Table

from autograder import __version__
from autograder.records.gradebook import Gradebook, Reason
from autograder.records.ledger import MTIME_SOURCE, Ledger
from autograder.grading.model_cache import FOLDER as MODEL_CACHE
from autograder.grading.pipeline import Environment, grade_chunk, load_dataset
from autograder.records.evidence import write_pictures
from autograder.records.results import write_results
from autograder.grading.sandbox import BWRAP_MISSING, bubblewrap
from autograder.grading.submission import NOT_STUDENTS, find_submissions, output_folder_name

GRADEBOOK = "gradebook.sqlite"
CHUNK_MAX = 8


class BatchInterrupted(Exception):
    """Ctrl-C stopped the batch: `finished` submissions are stored, the ones in flight are not."""

    def __init__(self, finished, total):
        super().__init__(f"interrupted: {finished} of {total} submission(s) graded and stored; the others "
                         "were not stored. Run the same command again to grade the rest.")
        self.finished, self.total = finished, total


@dataclass
class BatchOptions:
    questions: list
    workers: int = 1
    scheduler: str | None = None
    force: bool = False
    environment: Environment = Environment()
    ledger: Ledger | None = None    # the assignment has a late policy


def assignment_key(assignment, questions):
    """What a run depends on besides the submission: regrade when any of it changes."""
    text = b"\0".join([assignment.source, __version__.encode(), ",".join(questions).encode()])
    return hashlib.sha256(text).hexdigest()


def with_timeout(assignment, seconds):
    """The assignment with --timeout S as the per-call limit."""
    return assignment if seconds is None else replace(assignment, limits=replace(assignment.limits, call_seconds=seconds))


def grade_batch(paths, out_dir, assignment, options, console=None):
    """Grade every submission under `paths` into `out_dir`; returns [(student, results)]."""
    console = console or Console(stderr=True)
    out_dir = Path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise ValueError(f"--out {out_dir} is a file; give a folder for the results")
    out_dir.mkdir(parents=True, exist_ok=True)
    if options.environment.isolate and bubblewrap() is None:
        console.print(f"[bold red]WARNING: {BWRAP_MISSING}[/]")
    key = assignment_key(assignment, options.questions)
    if options.environment.model_cache is None:
        options = replace(options, environment=replace(options.environment, model_cache=str(out_dir / MODEL_CACHE)))
    submissions = find_submissions(paths)
    for path in map(Path, paths):
        for name, what in NOT_STUDENTS.items():
            if (path / name).is_dir():
                console.print(f"skipped {path / name}: {what}, not a student", markup=False, highlight=False, soft_wrap=True)
    if not submissions:
        raise ValueError(f"no submissions in {', '.join(map(str, paths))}: a submission is a notebook "
                         "(.ipynb) or .py file, or a folder of them per student")
    graded = []
    with Gradebook(out_dir / GRADEBOOK) as gradebook:
        refuse_partial_regrade(gradebook, submissions, assignment, options.questions, out_dir=out_dir)
        todo = [s for s in submissions
                if options.force or not gradebook.is_graded(s.student, s.sha256, key)
                or not (out_dir / output_folder_name(s.student) / "results.json").exists()]
        if len(todo) < len(submissions):
            console.print(f"{len(submissions) - len(todo)} unchanged submission(s) already graded "
                          "(--force regrades them)")
        batch = gradebook.start_batch(options.force)
        reasons = {found.student: regrade_reason(gradebook, found, assignment, options) for found in todo}
        refreshed = _refresh_lateness(gradebook, [s for s in submissions if s not in todo], out_dir,
                                      options.ledger, key=key, batch=batch) if options.ledger else []
        found_of = {found.student: found for found in todo}
        jobs = [(s.student, [str(p) for p in s.paths]) for s in todo]
        if jobs and any(assignment.questions[question].trains_model for question in options.questions):
            # Loaded here once: forked workers inherit it, and a bad --data-dir fails before grading.
            load_dataset(options.environment.data_dir)
        progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TextColumn("eta"), TimeRemainingColumn(), TextColumn("{task.description}"),
                            console=console, auto_refresh=False)
        with progress, _interruption(jobs, graded):
            task = progress.add_task("", total=len(jobs))
            for student, results, evidence in _run(jobs, assignment, options):
                with _uninterrupted():  # a record is stored whole or not at all
                    folder = out_dir / output_folder_name(student)
                    if options.ledger:
                        results = replace(results, late=options.ledger.late(student, found_of[student].paths))
                    final = replace(results, overrides=gradebook.overrides(student))
                    write_results(folder, final)
                    write_pictures(folder, evidence.pictures)
                    run = gradebook.record(results, folder.name, key, batch=batch, reason=reasons[student],
                                           assignment_sha256=hashlib.sha256(assignment.source).hexdigest())
                    gradebook.record_evidence(run, evidence)
                    graded.append((student, final))
                progress.update(task, advance=1, description=student[:40])
                progress.refresh()
                if not console.is_terminal:  # a log file or CI: one plain line per submission
                    console.print(f"graded {len(graded)}/{len(jobs)}: {student}", markup=False, highlight=False, soft_wrap=True)
    return refreshed + graded


def regrade_reason(gradebook, found, assignment, options):
    """Why a found submission is graded now (a Reason), from the student's last recorded run."""
    previous = gradebook.latest_run(found.student)
    if previous is None or previous.sha256 != found.sha256:
        return Reason.NEW_SUBMISSION
    if previous.results.grader_version != __version__:
        return Reason.GRADER_CHANGED
    if previous.assignment_sha256 not in (None, hashlib.sha256(assignment.source).hexdigest()):
        return Reason.ASSIGNMENT_CHANGED
    if set(options.questions) != {test.question for test in previous.results.tests}:
        return Reason.QUESTIONS_CHANGED
    if options.force:
        return Reason.FORCED
    if gradebook.is_graded(found.student, found.sha256, assignment_key(assignment, options.questions)):
        return Reason.RESULTS_MISSING
    return Reason.ASSIGNMENT_CHANGED   # a run recorded before the gradebook kept the assignment's hash


def _refresh_lateness(gradebook, unchanged, out_dir, ledger, *, key, batch):
    """Unchanged submissions are not graded again, but their lateness is looked at again (an
    extension granted, grace days spent elsewhere): a run whose lateness changed is recorded anew.
    -> [(student, final Results)] of those."""
    refreshed = []
    for found in unchanged:
        previous = gradebook.latest_run(found.student)
        late = ledger.late(found.student, found.paths)
        if previous is None or previous.results.late == late:
            continue
        results = replace(previous.results, late=late)
        folder = out_dir / output_folder_name(found.student)
        final = replace(results, overrides=gradebook.overrides(found.student))
        write_results(folder, final)
        run = gradebook.record(results, folder.name, key, batch=batch, reason=Reason.LATENESS_CHANGED,
                               assignment_sha256=previous.assignment_sha256)
        gradebook.copy_evidence(previous.id, run)
        refreshed.append((found.student, final))
    return refreshed


@contextlib.contextmanager
def _uninterrupted():
    """Ctrl-C waits while one submission's results file and gradebook rows are written, then
    interrupts: what is stored is always a whole record."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    received = []
    previous = signal.signal(signal.SIGINT, lambda *_: received.append(True))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if received:
        raise KeyboardInterrupt


@contextlib.contextmanager
def _interruption(jobs, graded):
    """Ctrl-C becomes BatchInterrupted, which says how many submissions were stored."""
    try:
        yield
    except KeyboardInterrupt:
        raise BatchInterrupted(len(graded), len(jobs)) from None


def refuse_partial_regrade(gradebook, submissions, assignment, questions, *, out_dir):
    """Grading some questions into a gradebook that holds grades of others would replace each
    student's whole record with part of it: refuse, in one line."""
    if set(questions) >= set(assignment.questions):
        return
    for found in submissions:
        previous = gradebook.latest_run(found.student)
        recorded = set(previous.results.questions) if previous else set()
        if recorded - set(questions):
            raise ValueError(f"{out_dir} already holds grades of {len(recorded)} question(s) for "
                             f"{found.student}; grading only {', '.join(questions)} would replace them. Grade "
                             "every question again, or grade into another --out folder")


def chunks(jobs, workers):
    """Jobs in groups that share a pytest session: big enough to pay its set-up once for several
    submissions, small enough that every worker gets a few groups and none waits for the last."""
    size = max(1, min(CHUNK_MAX, -(-len(jobs) // (3 * workers))))
    return [jobs[start:start + size] for start in range(0, len(jobs), size)]


def _run(jobs, assignment, options):
    """Yield (student, results, Evidence) as each chunk of jobs finishes, in this process, a pool or on Dask."""
    work = [(chunk, assignment, options.questions, options.environment)
            for chunk in chunks(jobs, max(options.workers, 1))]
    if options.scheduler:
        from distributed import Client, as_completed as dask_completed

        with Client(options.scheduler) as client:
            for future in dask_completed([client.submit(grade_chunk, *args, pure=False) for args in work]):
                yield from future.result()
    elif options.workers <= 1 or len(work) <= 1:
        for args in work:
            yield from grade_chunk(*args)
    else:
        # fork: the workers start with everything this process imported, in milliseconds.
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(options.workers, mp_context=context) as pool:
            try:
                for future in as_completed([pool.submit(grade_chunk, *args) for args in work]):
                    yield from future.result()
            except BaseException:  # Ctrl-C or a closed generator: no chunk starts after it
                pool.shutdown(wait=False, cancel_futures=True)
                raise


def summary_table(graded):
    """The end-of-batch table: one row per student, lowest scores first."""
    guessed = [student for student, results in graded if results.late and results.late.source == MTIME_SOURCE]
    caption = (f"WARNING: the submission times of {len(guessed)} student(s) are their files' modification "
               "times (give --submitted-at FILE)" if guessed else None)
    table = Table(title="Graded submissions", caption=caption)
    for column in ("student", "score", "of", "late", "flags", "error"):
        table.add_column(column, justify="right" if column in ("score", "of") else "left")
    for student, results in sorted(graded, key=lambda item: item[1].score):
        late = results.late
        table.add_row(student, f"{round(results.score, 2):g}", f"{results.max_score:g}",
                      f"{late.days_late} d, -{results.penalty:g}" if late and late.days_late else "",
                      ", ".join(results.all_flags()), (results.error or {}).get("message", "")[:60])
    return table
