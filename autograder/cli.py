"""The `cnn-grade` command line (SPEC: demo, grade, report, export, check, generate)."""
import argparse
import sys
from pathlib import Path

from rich.console import Console

from autograder import __version__
from autograder.grading.batch import GRADEBOOK
from autograder.grading.pipeline import Environment
from autograder.records.reports import build_reports

DEMO_CLASS = Path(__file__).parent / "demo" / "class"


def _question_list(text):
    return [question.strip() for question in text.split(",") if question.strip()]


def _add_grading_options(parser):
    parser.add_argument("--assignment", type=Path, help="assignment file (default: the bundled one)")
    parser.add_argument("--questions", type=_question_list,
                        help="comma-separated question ids to grade (default: all)")
    parser.add_argument("--workers", type=int, default=1, help="submissions graded at a time")
    parser.add_argument("--scheduler", help="address of a Dask scheduler to grade on")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto",
                        help="where a model question trains (auto: cuda when torch sees a GPU)")
    parser.add_argument("--data-dir", type=Path, help="MNIST IDX files or CIFAR-10 python batches for "
                        "the model question (default: scikit-learn's 8x8 digits)")
    parser.add_argument("--timeout", type=float, help="seconds one call of a student function may take")
    parser.add_argument("--force", action="store_true", help="regrade unchanged submissions too")
    parser.add_argument("--no-sandbox", action="store_true",
                        help="run student code without bubblewrap (rlimits only): trusted code only")


def build_parser():
    parser = argparse.ArgumentParser(prog="cnn-grade", description="Grade CNN assignment notebooks.")
    parser.add_argument("--version", action="version", version=f"cnn-grade {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    grade = commands.add_parser("grade", help="grade notebooks, .py files and folders of them",
                                description="Grade submissions: writes OUT/<student>/results.json and "
                                            "feedback, and updates OUT/gradebook.sqlite.")
    grade.add_argument("paths", nargs="+", type=Path, metavar="PATH",
                       help="a notebook or .py file (one student), or a folder of them and of "
                            "per-student folders")
    grade.add_argument("--out", type=Path, required=True, metavar="DIR", help="output folder")
    _add_grading_options(grade)
    grade.set_defaults(run=run_grade)

    report = commands.add_parser("report", help="(re)build the feedback pages and the class report",
                                 description="Rebuild DIR/<student>/feedback.html and DIR/index.html "
                                             "from DIR/gradebook.sqlite.")
    report.add_argument("out", type=Path, metavar="DIR")
    report.set_defaults(run=run_report)

    export = commands.add_parser("export", help="export grades (csv, canvas, gradescope)",
                                 description="Export the latest grades of DIR's gradebook.")
    export.add_argument("out", type=Path, metavar="DIR")
    export.add_argument("--format", choices=("csv", "canvas", "gradescope"), required=True,
                        help="gradescope also builds DIR/gradescope/<assignment>.zip, the autograder")
    export.add_argument("--to", type=Path, help="file to write (default: DIR/grades-FORMAT.csv)")
    export.add_argument("--assignment", type=Path, help="assignment file, for its name")
    export.set_defaults(run=run_export)

    demo = commands.add_parser("demo", help="grade the bundled sample class and write its reports",
                               description="Grade the bundled sample class (embedded data, no setup).")
    demo.add_argument("--out", type=Path, default=Path("demo-output"), metavar="DIR",
                      help="output folder (default: demo-output)")
    _add_grading_options(demo)
    demo.set_defaults(run=run_demo)

    check = commands.add_parser("check", help="the student's self-check: public tests only, fast",
                                description="Run a notebook's cells (in this process: your own code "
                                            "on your own machine), then the public checks of every "
                                            "question it defines. Exit code 0 when all pass. Passing "
                                            "them does not mean full marks: the grader runs many more "
                                            "hidden tests.")
    check.add_argument("notebook", type=Path, metavar="NOTEBOOK", help="a notebook (.ipynb)")
    check.set_defaults(run=run_check)

    generate = commands.add_parser("generate", help="build exercises/ from solutions/ (and the "
                                   "nbgrader / otter / Gradescope forms)",
                                   description="Write the student notebooks (exercises/) from the "
                                               "instructor's (solutions/): solution regions become "
                                               "raise NotImplementedError(...), outputs are cleared.")
    generate.add_argument("--solutions", type=Path, default=None, metavar="DIR",
                          help="the instructor's notebooks (default: the project's solutions/)")
    generate.add_argument("--exercises", type=Path, default=None, metavar="DIR",
                          help="where the student notebooks go (default: the project's exercises/)")
    generate.add_argument("--check", action="store_true",
                          help="write nothing; exit 1 when exercises/ is missing or stale")
    generate.add_argument("--dist", type=Path, metavar="DIR",
                          help="also write DIR/nbgrader (a course), DIR/otter (master notebooks) and "
                               "DIR/gradescope/<assignment>.zip")
    generate.add_argument("--assignment", type=Path, metavar="FILE",
                          help="assignment file, for its name and the Gradescope zip (default: the bundled one)")
    generate.set_defaults(run=run_generate)
    return parser


def run_check(args, console):
    from autograder.selfcheck.notebook import check_notebook

    if not args.notebook.is_file():
        console.print(f"[red]no such notebook: {args.notebook}[/]")
        return 2
    return check_notebook(args.notebook)


def run_generate(args, console):
    from autograder.authoring.generate import EXERCISES, SOLUTIONS, generate_exercises, stale_exercises, write_dist

    solutions, exercises = args.solutions or SOLUTIONS, args.exercises or EXERCISES
    try:
        if args.check:
            if args.dist:
                console.print("[red]--check writes nothing: leave out --dist[/]")
                return 2
            problems = stale_exercises(solutions, exercises)
            for path, why in problems:
                console.print(f"[red]{path}: {why}[/]", soft_wrap=True)
            if problems:
                console.print(f"exercises are out of date: run `cnn-grade generate` and commit {exercises}", soft_wrap=True)
                return 1
            console.print(f"{exercises} is up to date with {solutions}", soft_wrap=True)
            return 0
        for path in generate_exercises(solutions, exercises):
            console.print(f"wrote {path}", soft_wrap=True)
        if args.dist:
            for form, path in write_dist(solutions, args.dist, args.assignment).items():
                console.print(f"wrote {form}: {path}", soft_wrap=True)
    except (OSError, ValueError, RuntimeError) as error:   # no solutions, an unclosed region, a failed build
        console.print(f"[red]{error}[/]")
        return 2
    return 0


def run_grade(args, console):
    from autograder.assignment import load_assignment
    from autograder.grading.batch import BatchOptions, grade_batch, summary_table, with_timeout

    try:
        assignment = with_timeout(load_assignment(args.assignment), args.timeout)
    except (OSError, ValueError) as error:
        console.print(f"[red]cannot read the assignment: {error}[/]")
        return 2
    questions = args.questions or assignment.ids
    unknown = [question for question in questions if question not in assignment.questions]
    if unknown:
        console.print(f"[red]unknown question(s): {', '.join(unknown)}; "
                      f"the assignment has {', '.join(assignment.questions)}[/]")
        return 2
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        console.print(f"[red]no such file or folder: {', '.join(missing)}[/]")
        return 2
    environment = Environment(isolate=not args.no_sandbox, device=_device(args.device, assignment, questions),
                              data_dir=str(args.data_dir) if args.data_dir else None)
    options = BatchOptions(questions=questions, workers=args.workers, scheduler=args.scheduler,
                           force=args.force, environment=environment)
    try:
        graded = grade_batch(args.paths, args.out, assignment, options, console)
    except (OSError, ValueError) as error:  # a bad --data-dir, an unwritable --out
        console.print(f"[red]{error}[/]")
        return 2
    if graded:
        console.print(summary_table(graded))
    index = build_reports(args.out)
    console.print(f"results: {args.out}/<student>/results.json; feedback: {args.out}/<student>/feedback.html; "
                  f"class report: {index}; gradebook: {args.out}/gradebook.sqlite")
    return 0


def _device(choice, assignment, questions):
    """auto means cuda when torch sees a GPU; torch is imported only when a model is graded."""
    if choice != "auto" or not any(assignment.questions[question].trains_model for question in questions):
        return "cpu" if choice == "auto" else choice
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _gradebook_or_complain(out, console):
    if not (out / GRADEBOOK).exists():
        console.print(f"[red]{out} has no {GRADEBOOK}: grade into it first (cnn-grade grade ... --out {out})[/]")
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
    if args.format == "csv":
        export_csv(args.out, target)
    elif args.format == "canvas":
        export_canvas(args.out, target, load_assignment(args.assignment).name)
    else:
        try:
            _, archive = export_gradescope(args.out, target, args.assignment)
        except RuntimeError as error:  # the wheel could not be built
            console.print(f"[red]{error}[/]")
            return 2
        console.print(f"wrote {archive} (upload it as the assignment's autograder)")
    console.print(f"wrote {target}")
    return 0


def run_demo(args, console):
    args.paths = [DEMO_CLASS]
    args.force = True
    return run_grade(args, console)


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.run(args, Console(stderr=True))


if __name__ == "__main__":
    sys.exit(main())
