"""The `cnn-grade` command line (SPEC: demo, grade, report, export, check, generate)."""
import argparse
import difflib
import sys
from pathlib import Path

from rich.console import Console
from rich.markup import escape

from autograder import __version__
from autograder.grading.batch import GRADEBOOK
from autograder.grading.pipeline import Environment
from autograder.records.reports import build_reports

DEMO_CLASS = Path(__file__).parent / "demo" / "class"


class Parser(argparse.ArgumentParser):
    """argparse, with a mistake told in one line (and where to read more) instead of the usage."""

    def error(self, message):
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def _complain(console, message):
    """A mistake in one red line; returns the exit status that says so."""
    console.print(f"[red]{escape(str(message))}[/]", soft_wrap=True)
    return 2


def _question_list(text):
    questions = [question.strip() for question in text.split(",") if question.strip()]
    if not questions:
        raise argparse.ArgumentTypeError("give at least one question id, e.g. --questions conv1d,corr2d")
    return questions


def _at_least_one(text):
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {text!r}")
    return number


def _seconds(text):
    try:
        number = float(text)
    except ValueError:
        number = 0.0
    if not 0 < number < float("inf"):
        raise argparse.ArgumentTypeError(f"must be a number of seconds above 0, not {text!r}")
    return number


def _add_grading_options(parser):
    parser.add_argument("--assignment", type=Path, metavar="FILE", help="assignment file (default: the bundled one)")
    parser.add_argument("--questions", type=_question_list, metavar="ID[,ID...]",
                        help="question ids to grade (default: all)")
    parser.add_argument("--workers", type=_at_least_one, default=1, metavar="N",
                        help="submissions graded at a time (default: 1)")
    parser.add_argument("--scheduler", metavar="ADDRESS", help="address of a Dask scheduler to grade on")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="where a model question trains (auto: cuda when torch sees a GPU)")
    parser.add_argument("--data-dir", type=Path, metavar="DIR", help="MNIST IDX files or CIFAR-10 python "
                        "batches for the model question (default: scikit-learn's 8x8 digits)")
    parser.add_argument("--timeout", type=_seconds, metavar="S",
                        help="seconds one call of a student function may take (default: the assignment's "
                             "call_seconds)")
    parser.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    parser.add_argument("--submitted-at", type=Path, metavar="FILE",
                        help="submission times, for the assignment's late policy: a CSV student,submitted_at "
                             "(ISO 8601 with a time zone) or Gradescope's submission_metadata.json "
                             "(default: the files' modification times, with a warning)")
    parser.add_argument("--grace-ledger", type=Path, metavar="FILE",
                        help="the CSV student,assignment,days_used of grace days spent, shared by every "
                             "assignment's grading: read, and updated")
    parser.add_argument("--all-cells", action="store_true",
                        help="run every cell, the lesson cells a student left unchanged too (by default "
                             "those that nothing graded needs are skipped; the grades are the same)")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student code without bubblewrap (rlimits only): trusted code only")


def build_parser():
    parser = Parser(prog="cnn-grade", description="Grade CNN assignment notebooks.",
                    epilog="Run `cnn-grade COMMAND --help` for a command's options and an example.")
    parser.add_argument("--version", action="version", version=f"cnn-grade {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND", parser_class=Parser)

    grade = commands.add_parser("grade", epilog="example:\n  cnn-grade grade submissions/ --out out --workers 2\n  cnn-grade grade alice.ipynb bob/ --out out --questions conv1d,corr2d --force", formatter_class=argparse.RawDescriptionHelpFormatter, help="grade notebooks, .py files and folders of them",
                                description="Grade submissions: writes OUT/<student>/results.json and "
                                            "feedback, and updates OUT/gradebook.sqlite.")
    grade.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="a notebook or .py file (one student), or a folder of them and of "
                            "per-student folders")
    grade.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    _add_grading_options(grade)
    grade.set_defaults(run=run_grade)

    report = commands.add_parser("report", epilog="example:\n  cnn-grade report out", formatter_class=argparse.RawDescriptionHelpFormatter, help="(re)build the feedback pages and the class report",
                                 description="Rebuild DIR/<student>/feedback.html and DIR/index.html "
                                             "from DIR/gradebook.sqlite.")
    report.add_argument("out", type=Path, metavar="DIR", help="a folder that `cnn-grade grade` wrote")
    report.set_defaults(run=run_report)

    export = commands.add_parser("export", epilog="example:\n  cnn-grade export out --format canvas --to grades.csv", formatter_class=argparse.RawDescriptionHelpFormatter, help="export grades (csv, canvas, gradescope)",
                                 description="Export the latest grades of DIR's gradebook.")
    export.add_argument("out", type=Path, metavar="DIR", help="a folder that `cnn-grade grade` wrote")
    export.add_argument("--format", choices=("csv", "canvas", "gradescope"), required=True,
                        help="gradescope also builds DIR/gradescope/<assignment>.zip, the autograder")
    export.add_argument("--to", type=Path, metavar="FILE", help="file to write (default: DIR/grades-FORMAT.csv)")
    export.add_argument("--assignment", type=Path, metavar="FILE",
                        help="assignment file, for its name (default: the bundled one)")
    export.set_defaults(run=run_export)

    demo = commands.add_parser("demo", epilog="example:\n  cnn-grade demo --out demo-output --workers 2", formatter_class=argparse.RawDescriptionHelpFormatter, help="grade the bundled sample class and write its reports",
                               description="Grade the bundled sample class (embedded data, no setup).")
    demo.add_argument("--out", type=Path, default=Path("demo-output"), metavar="DIR",
                      help="output folder (default: demo-output)")
    _add_grading_options(demo)
    demo.set_defaults(run=run_demo)

    check = commands.add_parser("check", epilog="example:\n  cnn-grade check 01_convolution.ipynb", formatter_class=argparse.RawDescriptionHelpFormatter, help="the student's self-check: public tests only, fast",
                                description="Run a notebook's cells (in this process: your own code "
                                            "on your own machine), then the public checks of every "
                                            "question it defines. Exit code 0 when all pass. Passing "
                                            "them does not mean full marks: the grader runs many more "
                                            "hidden tests.")
    check.add_argument("notebook", type=Path, metavar="NOTEBOOK", help="a notebook (.ipynb)")
    check.set_defaults(run=run_check)

    generate = commands.add_parser("generate", epilog="example:\n  cnn-grade generate --check\n  cnn-grade generate --dist dist --assignment my-course.toml", formatter_class=argparse.RawDescriptionHelpFormatter, help="build exercises/ from solutions/ (and the "
                                   "nbgrader / otter / Gradescope forms)",
                                   description="Write the student notebooks (exercises/) from the "
                                               "instructor's (solutions/): solution regions become "
                                               "raise NotImplementedError(...), outputs are cleared.")
    generate.add_argument("--solutions", type=Path, default=None, metavar="DIR",
                          help="the instructor's notebooks (default: the project's solutions/)")
    generate.add_argument("--exercises", type=Path, default=None, metavar="DIR",
                          help="where the student notebooks go (default: the project's exercises/, or "
                               "DIR/exercises with --dist)")
    generate.add_argument("--check", action="store_true",
                          help="write nothing; exit 1 when exercises/ is missing or stale")
    generate.add_argument("--dist", type=Path, metavar="DIR",
                          help="also write DIR/nbgrader (a course), DIR/otter (master notebooks) and "
                               "DIR/gradescope/<assignment>.zip")
    generate.add_argument("--assignment", type=Path, metavar="FILE",
                          help="assignment file, for its name and the Gradescope zip (default: the bundled one)")
    generate.set_defaults(run=run_generate)

    override = commands.add_parser("override", help="a TA's score for one question of one student",
                                   description="Set (or --clear) a TA's score for a question. It is recorded "
                                               "in DIR's gradebook (who, when, why), survives every regrade, "
                                               "and is shown to the student with its comment.")
    override.add_argument("out", type=Path, metavar="DIR", help="a folder that `cnn-grade grade` wrote")
    override.add_argument("student", metavar="STUDENT")
    override.add_argument("question", metavar="QUESTION")
    override.add_argument("score", type=float, nargs="?", metavar="SCORE", help="points, 0 to the question's maximum")
    override.add_argument("--comment", help="why, in words the student reads (required with a score)")
    override.add_argument("--by", help="who sets it (default: $USER)")
    override.add_argument("--clear", action="store_true", help="remove the override: the automatic score counts again")
    override.set_defaults(run=run_override)

    diff = commands.add_parser("diff", help="what the last grade run changed, and why",
                               description="List, per student and question, the old and new score of "
                                           "every score the last `cnn-grade grade` run changed, and why it "
                                           "was graded again (new submission, assignment changed, grader "
                                           "changed, forced, ...).")
    diff.add_argument("out", type=Path, metavar="DIR", help="a folder that `cnn-grade grade` wrote")
    diff.set_defaults(run=run_diff)
    return parser


def run_check(args, console):
    from autograder.selfcheck.notebook import check_notebook

    if not args.notebook.is_file():
        return _complain(console, f"no such notebook: {args.notebook}")
    return check_notebook(args.notebook)


def run_generate(args, console):
    from autograder.assignment import load_assignment
    from autograder.authoring.generate import EXERCISES, SOLUTIONS, generate_exercises, stale_exercises, write_dist

    solutions = args.solutions or SOLUTIONS
    # --dist writes only DIR: the student notebooks go to DIR/exercises unless --exercises says where.
    exercises = args.exercises or (args.dist / "exercises" if args.dist else EXERCISES)
    try:
        if args.check:
            if args.dist:
                return _complain(console, "--check writes nothing: leave out --dist")
            problems = stale_exercises(solutions, exercises)
            for path, why in problems:
                console.print(f"[red]{path}: {why}[/]", soft_wrap=True)
            if problems:
                console.print(f"exercises are out of date: run `cnn-grade generate` and commit {exercises}", soft_wrap=True)
                return 1
            console.print(f"{exercises} is up to date with {solutions}", soft_wrap=True)
            return 0
        if args.dist:
            load_assignment(args.assignment)  # a bad assignment file is refused before anything is written
        for path in generate_exercises(solutions, exercises):
            console.print(f"wrote {path}", soft_wrap=True)
        if args.dist:
            for form, path in write_dist(solutions, args.dist, args.assignment).items():
                console.print(f"wrote {form}: {path}", soft_wrap=True)
    except (OSError, ValueError, RuntimeError) as error:   # no solutions, an unclosed region, a failed build
        return _complain(console, error)
    return 0


def run_grade(args, console):
    from autograder.assignment import load_assignment
    from autograder.grading.batch import BatchInterrupted, BatchOptions, grade_batch, summary_table, with_timeout

    try:
        assignment = with_timeout(load_assignment(args.assignment), args.timeout)
    except (OSError, ValueError) as error:
        return _complain(console, error)
    questions = args.questions or assignment.ids
    unknown = [question for question in questions if question not in assignment.questions]
    if unknown:
        hints = [f"{question} (did you mean {close[0]}?)" if close else question for question in unknown
                 for close in [difflib.get_close_matches(question, assignment.ids, n=1)]]
        return _complain(console, f"unknown question(s): {', '.join(hints)}; the assignment has "
                                  f"{', '.join(assignment.ids)}")
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        return _complain(console, f"no such file or folder: {', '.join(missing)}")
    environment = Environment(isolate=not args.no_sandbox, device=_device(args.device, assignment, questions),
                              data_dir=str(args.data_dir) if args.data_dir else None, all_cells=args.all_cells)
    try:
        ledger = _ledger(args, assignment, console)
    except (OSError, ValueError) as error:  # a bad --submitted-at, --grace-ledger or extensions.toml
        return _complain(console, error)
    options = BatchOptions(questions=questions, workers=args.workers, scheduler=args.scheduler,
                           force=args.force, environment=environment, ledger=ledger)
    try:
        graded = grade_batch(args.paths, args.out, assignment, options, console)
    except BatchInterrupted as interruption:
        console.print(f"[red]{interruption}[/]", soft_wrap=True)
        return 130
    except (OSError, ValueError) as error:  # a bad --data-dir, an unwritable --out, no submissions
        return _complain(console, error)
    if graded:
        console.print(summary_table(graded))
    index = build_reports(args.out)
    console.print(f"results: {args.out}/<student>/results.json; feedback: {args.out}/<student>/feedback.html; "
                  f"class report: {index}; gradebook: {args.out}/gradebook.sqlite")
    return 0


def _ledger(args, assignment, console):
    """The late policy's Ledger for this grading, or None when the assignment has no [policy]."""
    from autograder.assignment import DEFAULT
    from autograder.records.ledger import GraceLedger, Ledger, SubmissionTimes, load_extensions, read_submission_times

    if assignment.policy is None:
        if args.submitted_at or args.grace_ledger:
            console.print("note: the assignment file has no [policy] (no due date): --submitted-at and "
                          "--grace-ledger are not used", soft_wrap=True)
        return None
    return Ledger(assignment.policy, assignment.name, extensions=load_extensions(args.assignment or DEFAULT),
                  times=read_submission_times(args.submitted_at) if args.submitted_at else SubmissionTimes({}),
                  grace=GraceLedger(args.grace_ledger))


def _device(choice, assignment, questions):
    """auto means cuda when torch sees a GPU; torch is imported only when a model is graded."""
    if choice != "auto" or not any(assignment.questions[question].trains_model for question in questions):
        return "cpu" if choice == "auto" else choice
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _gradebook_or_complain(out, console):
    if not (out / GRADEBOOK).exists():
        _complain(console, f"{out} has no {GRADEBOOK}: grade into it first (cnn-grade grade PATH... --out {out})")
        return False
    return True


def run_report(args, console):
    if not _gradebook_or_complain(args.out, console):
        return 2
    console.print(f"class report: {build_reports(args.out)}")
    return 0


def run_export(args, console):
    from autograder.assignment import load_assignment
    from autograder.records.exports import export_canvas, export_csv, export_gradescope

    if not _gradebook_or_complain(args.out, console):
        return 2
    target = args.to or args.out / f"grades-{args.format}.csv"
    if not target.parent.is_dir():
        return _complain(console, f"--to {target}: the folder {target.parent} does not exist")
    if args.assignment is not None and args.format != "csv":
        try:
            load_assignment(args.assignment)
        except ValueError as error:
            return _complain(console, error)
    if args.format == "csv":
        export_csv(args.out, target)
    elif args.format == "canvas":
        export_canvas(args.out, target, load_assignment(args.assignment).name)
    else:
        export_gradescope(args.out, target)
        try:
            archive = _gradescope_autograder(args.out / "gradescope", args.assignment)
        except RuntimeError as error:  # the wheel could not be built
            return _complain(console, error)
        console.print(f"wrote {archive} (upload it as the assignment's autograder)")
    console.print(f"wrote {target}")
    return 0


def run_override(args, console):
    import os
    from dataclasses import replace

    from autograder.records.gradebook import Gradebook
    from autograder.records.results import write_results

    if not _gradebook_or_complain(args.out, console):
        return 2
    if args.clear == (args.score is not None):
        return _complain(console, "give either a SCORE (with --comment) or --clear")
    if args.score is not None and not (args.comment or "").strip():
        return _complain(console, "say why with --comment TEXT: the student reads it beside the score")
    with Gradebook(args.out / GRADEBOOK) as gradebook:
        run = gradebook.latest_run(args.student)
        if run is None:
            return _complain(console, f"{args.student} has no grade in {args.out}")
        results = run.results
        top = sum(test.max_score for test in results.tests if test.question == args.question)
        if not any(test.question == args.question for test in results.tests):
            return _complain(console, f"{args.student} has no grade for {args.question}; graded: "
                                      f"{', '.join(dict.fromkeys(test.question for test in results.tests))}")
        if args.score is not None and not 0 <= args.score <= top:
            return _complain(console, f"{args.question} is worth 0 to {top:g} points, not {args.score:g}")
        gradebook.set_override(args.student, args.question, args.score, comment=(args.comment or "cleared").strip(),
                               by=args.by or os.environ.get("USER") or "unknown", automatic_score=results.automatic_score(args.question))
        final = replace(results, overrides=gradebook.overrides(args.student))
        write_results(args.out / gradebook.folder(args.student), final)
    build_reports(args.out)
    console.print(f"{args.student}: {args.question} " + ("override cleared" if args.clear else f"set to {args.score:g}")
                  + f"; score now {final.score:g} / {final.max_score:g}", markup=False, highlight=False)
    return 0


def run_diff(args, console):
    from autograder.records.gradebook import Gradebook

    if not _gradebook_or_complain(args.out, console):
        return 2
    with Gradebook(args.out / GRADEBOOK) as gradebook:
        changes = gradebook.last_batch_changes()
    if changes is None:
        return _complain(console, f"{args.out}: no grade run is recorded (gradebooks older than the ledger keep none)")
    if not changes:
        console.print("the last grade run changed no score")
        return 0
    for change in changes:  # on stdout, one line each, for a reader or a script
        old, new = ("-" if score is None else f"{score:g}" for score in (change.old, change.new))
        print(f"{change.student}\t{change.question}\t{old} -> {new}\t{change.reason}")
    return 0


def _gradescope_autograder(target, assignment_file):
    """DIR/gradescope/<assignment>.zip, Gradescope's autograder, with a freshly built wheel."""
    import tempfile

    from autograder.assignment import DEFAULT, load_assignment
    from autograder.authoring.generate import build_wheel, write_gradescope

    assignment_file = Path(assignment_file or DEFAULT)
    with tempfile.TemporaryDirectory(prefix="cnn-grade-wheel-") as scratch:
        return write_gradescope(target, load_assignment(assignment_file).name, build_wheel(Path(scratch)), assignment_file)


def run_demo(args, console):
    args.paths = [DEMO_CLASS]
    args.force = True
    return run_grade(args, console)


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args, Console(stderr=True))


if __name__ == "__main__":
    sys.exit(main())
