"""The student's self-check: `check("corr2d")` in a notebook, and `cnn-grade check NOTEBOOK`.

`check(question)` finds the student's function(s) in the caller's namespace (the notebook's
globals), runs that question's few public cases (`public_checks`) through a `LocalStudent` and
the grader's own `expect_*` checks, so a failure carries the grader's diagnosis, prints a short
report and raises AssertionError when a case fails (so an nbgrader test cell fails too).

`hidden_check(question)` runs the question's hidden suite with a fixed seed against the caller's
namespace: for the instructor's nbgrader / otter exports, where the autograder package is
installed next to the kernel. Students never see it in their notebooks.

Importing this module is cheap (no numpy, torch or pytest): `autograder/__init__.py` exports
`check`, and a notebook imports it in every check cell.
"""
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

NOT_FULL_MARKS = ("Passing these checks does not mean full marks: the grader runs many more "
                  "hidden tests.")
ASSIGNMENT_FILE = Path(__file__).parents[1] / "assignment.toml"



@dataclass
class CaseResult:
    name: str
    passed: bool
    message: str = ""
    diagnoses: list = field(default_factory=list)


@dataclass
class CheckReport:
    question: str
    title: str
    results: list
    missing: list = field(default_factory=list)
    seconds: float = 0.0

    @property
    def passed(self):
        return not self.missing and all(result.passed for result in self.results)

    def text(self, marks=None):
        yes, no = marks or _marks()
        lines = [f"Public checks of {self.question} ({self.title}):"]
        if self.missing:
            names = " and ".join(self.missing)
            lines.append(f"  {no} {names} {'is' if len(self.missing) == 1 else 'are'} not defined: run the "
                         "cell that defines it, then this check again.")
        if self.results and all("not-implemented" in result.diagnoses for result in self.results):
            lines.append(f"  {no} {self.results[0].message}")
        for result in self.results if len(lines) == 1 else ():
            lines.append(f"  {yes if result.passed else no} {result.name}")
            if not result.passed:
                lines += [f"      {line}" for line in result.message.splitlines()]
        if not self.missing:
            passed = sum(result.passed for result in self.results)
            lines.append(f"{passed} of {len(self.results)} public checks passed.")
        lines.append(NOT_FULL_MARKS)
        return "\n".join(lines)


def _marks():
    """✔ / ✘ where the output can show them, else plain words."""
    encoding = getattr(sys.stdout, "encoding", None) or "ascii"
    try:
        "✔✘".encode(encoding)
        return "✔", "✘"
    except (UnicodeEncodeError, LookupError):
        return "PASS", "FAIL"


def assignment_data():
    """The bundled assignment file as a dict, read directly (autograder.assignment imports pytest)."""
    import tomllib
    try:
        return tomllib.loads(ASSIGNMENT_FILE.read_text())
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def titles():
    """{question: title} from the bundled assignment file."""
    found = {question: table.get("title", question)
             for question, table in assignment_data().get("questions", {}).items()}
    found.setdefault("cnn_model", "A small CNN")
    return found


def public_questions():
    """The questions that have public checks, in the assignment's order."""
    from autograder.selfcheck.public_cases import PUBLIC
    order = list(titles())
    return sorted(PUBLIC, key=lambda question: order.index(question) if question in order else len(order))


def defined_questions(namespace):
    """The questions all of whose functions `namespace` defines."""
    from autograder.selfcheck.public_cases import functions_of
    return [question for question in public_questions()
            if all(callable(namespace.get(name)) for name in functions_of(question))]


def run_public_checks(question, namespace, cases=None):
    """A CheckReport of `question`'s public cases (all, or the indices in `cases`) against the
    functions in `namespace`."""
    from autograder.expect import WrongAnswer, expect_unchanged
    from autograder.selfcheck.public_cases import PUBLIC, functions_of
    from autograder.grading.student import LocalStudent

    if question not in PUBLIC:
        raise ValueError(f"no public checks for {question!r}; the questions are "
                         f"{', '.join(public_questions())}")
    start = time.perf_counter()
    report = CheckReport(question, titles().get(question, question), [])
    report.missing = [name for name in functions_of(question) if not callable(namespace.get(name))]
    if report.missing:
        report.seconds = time.perf_counter() - start
        return report
    student = LocalStudent(namespace)
    selected = PUBLIC[question] if cases is None else [PUBLIC[question][index] for index in cases]
    for case in selected:
        before = len(student.answers)
        try:
            case.run(student)
            for answer in student.answers[before:]:
                if answer.failure is None:
                    expect_unchanged(answer)
            report.results.append(CaseResult(case.name, True))
        except WrongAnswer as wrong:
            answers = student.answers[before:]
            if any("NotImplementedError" in answer.exception for answer in answers):
                function = next(a.function for a in answers if "NotImplementedError" in a.exception)
                message = (f"{function} is not implemented yet: it raises NotImplementedError. "
                           "Replace the `raise NotImplementedError(...)` line with your code.")
                report.results.append(CaseResult(case.name, False, message, ["not-implemented"]))
            else:
                report.results.append(CaseResult(case.name, False, wrong.message, wrong.diagnoses))
        except Exception as error:  # a fault of the check itself, not of the student
            report.results.append(CaseResult(case.name, False, f"The check itself failed ({type(error).__name__}: "
                                             f"{error}); please tell your TA.", ["grader-error"]))
    report.seconds = time.perf_counter() - start
    return report


def _caller_namespace(depth=2):
    """The globals of the frame `depth` levels up: a notebook's user namespace when called from a
    cell, the module's globals when called from a script."""
    return sys._getframe(depth).f_globals


def check(question, namespace=None):
    """Run the public checks of `question` on your function(s) and print a short report.

    Raises AssertionError when a check fails (NotImplementedError while the function still raises
    it). Passing them does not mean full marks: the grader runs many more hidden tests.
    """
    namespace = _caller_namespace() if namespace is None else namespace
    report = run_public_checks(question, namespace)
    print(report.text())
    if report.results and all("not-implemented" in result.diagnoses for result in report.results):
        raise NotImplementedError(f"{question} is not implemented yet.")
    if not report.passed:
        failed = len(report.missing) or sum(not result.passed for result in report.results)
        raise AssertionError(f"{question}: {failed} public check(s) failed; see the report above.")


def check_case(question, index, namespace=None):
    """Public case number `index` of `question`, quietly: returns None when it passes, raises
    AssertionError with the diagnosis when it fails. Otter's visible tests are made of these."""
    namespace = _caller_namespace() if namespace is None else namespace
    report = run_public_checks(question, namespace, cases=[index])
    if not report.passed:
        raise AssertionError(report.text(("PASS", "FAIL")))


def hidden_check(question, seed=None, namespace=None, assignment=None):
    """Run `question`'s hidden suite (fixed seed: the assignment's, or `seed`) on the caller's
    namespace; raises AssertionError naming the tests that failed. For nbgrader's hidden tests
    and otter's hidden cases, where the autograder package is installed in the grading kernel."""
    from autograder.assignment import load_assignment
    from autograder.grading.hidden import SuiteContext, run_suites
    from autograder.grading.student import LocalStudent

    namespace = _caller_namespace() if namespace is None else namespace
    assignment = load_assignment(assignment)
    seed = assignment.seed if seed is None else str(seed)
    outcomes = run_suites(SuiteContext(LocalStudent(namespace), seed, assignment.settings), [question])
    failed = [outcome for outcome in outcomes if outcome.fraction < 1]
    if not outcomes:
        raise AssertionError(f"{question} has no hidden tests")
    if failed:
        details = "\n\n".join(f"{outcome.name}\n{outcome.output}" for outcome in failed)
        raise AssertionError(f"{len(failed)} of {len(outcomes)} hidden tests of {question} failed:\n\n{details}")


# ---- cnn-grade check NOTEBOOK ----------------------------------------------------------------------

@dataclass
class NotebookRun:
    namespace: dict
    errors: list            # [(cell label, error text)]
    skipped: int            # check cells not run
    notes: list


def run_notebook(path):
    """Run a notebook's code cells in this process (the student's own code on their own machine),
    read and run exactly as the grader's sandbox does: magics transformed, self-check cells left
    out, a cell that raises reported and the next run, printed output kept out of the report."""
    from autograder.grading.sandbox_worker import Worker
    from autograder.grading.submission import read_submission

    path = Path(path)
    submission = read_submission(path.stem, [path])
    if submission.error:
        raise ValueError(submission.error["message"])
    os.environ.setdefault("MPLBACKEND", "Agg")
    worker = Worker()
    report, _ = worker.load({"cells": submission.cells}, [])
    worker.namespace.pop("get_ipython", None)
    errors = [(cell["label"], cell["error"]) for cell in report["cells"] if cell["error"]]
    notes = [note for cell in report["cells"] for note in cell["notes"]] + submission.notes
    return NotebookRun(worker.namespace, errors, submission.checks_skipped, notes)


def check_notebook(path, out=None):
    """`cnn-grade check NOTEBOOK`: run the notebook, then the public checks of every question it
    defines; print the reports; 0 when every check passes, 1 otherwise."""
    out = out or sys.stdout
    path = Path(path)
    try:
        run = run_notebook(path)
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
