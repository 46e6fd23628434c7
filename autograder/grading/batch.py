"""Grading a class: find submissions, skip what is already graded, grade the rest N at a time
(processes on this machine, or a Dask cluster), and write each results.json and gradebook row.

Workers only compute; this process alone writes results and the gradebook, so a crashed or
malicious submission cannot touch them.
"""
import hashlib
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from autograder import __version__
from autograder.records.gradebook import Gradebook
from autograder.grading.pipeline import Environment, grade_chunk, load_dataset
from autograder.records.results import write_results
from autograder.grading.sandbox import BWRAP_MISSING, bubblewrap
from autograder.grading.submission import find_submissions, output_folder_name

GRADEBOOK = "gradebook.sqlite"
CHUNK_MAX = 8


@dataclass
class BatchOptions:
    questions: list
    workers: int = 1
    scheduler: str | None = None
    force: bool = False
    environment: Environment = Environment()


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
    out_dir.mkdir(parents=True, exist_ok=True)
    if options.environment.isolate and bubblewrap() is None:
        console.print(f"[bold red]WARNING: {BWRAP_MISSING}[/]")
    key = assignment_key(assignment, options.questions)
    submissions = find_submissions(paths)
    graded = []
    with Gradebook(out_dir / GRADEBOOK) as gradebook:
        todo = [s for s in submissions
                if options.force or not gradebook.is_graded(s.student, s.sha256, key)
                or not (out_dir / output_folder_name(s.student) / "results.json").exists()]
        if len(todo) < len(submissions):
            console.print(f"{len(submissions) - len(todo)} unchanged submission(s) already graded "
                          "(--force regrades them)")
        jobs = [(s.student, [str(p) for p in s.paths]) for s in todo]
        if jobs and any(assignment.questions[question].trains_model for question in options.questions):
            # Loaded here once: forked workers inherit it, and a bad --data-dir fails before grading.
            load_dataset(options.environment.data_dir)
        progress = Progress(TextColumn("grading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                            TextColumn("{task.description}"), console=console, auto_refresh=False)
        with progress:
            task = progress.add_task("", total=len(jobs))
            for student, results in _run(jobs, assignment, options):
                folder = out_dir / output_folder_name(student)
                write_results(folder, results)
                gradebook.record(results, folder.name, key)
                graded.append((student, results))
                progress.update(task, advance=1, description=student[:40])
                progress.refresh()
    return graded


def chunks(jobs, workers):
    """Jobs in groups that share a pytest session: big enough to pay its set-up once for several
    submissions, small enough that every worker gets a few groups and none waits for the last."""
    size = max(1, min(CHUNK_MAX, -(-len(jobs) // (3 * workers))))
    return [jobs[start:start + size] for start in range(0, len(jobs), size)]


def _run(jobs, assignment, options):
    """Yield (student, results) as each chunk of jobs finishes, in this process, a pool or on Dask."""
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
            for future in as_completed([pool.submit(grade_chunk, *args) for args in work]):
                yield from future.result()


def summary_table(graded):
    """The end-of-batch table: one row per student, lowest scores first."""
    table = Table(title="Graded submissions")
    for column in ("student", "score", "of", "flags", "error"):
        table.add_column(column, justify="right" if column in ("score", "of") else "left")
    for student, results in sorted(graded, key=lambda item: item[1]["score"]):
        extra = results["extra_data"]
        table.add_row(student, f"{round(results['score'], 2):g}", f"{sum(t['max_score'] for t in results['tests']):g}",
                      ", ".join(extra["flags"]), (extra["error"] or {}).get("message", "")[:60])
    return table
