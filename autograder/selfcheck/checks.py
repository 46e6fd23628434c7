"""The student's self-check: `check("corr2d")` in a notebook.

`check(question)` finds the student's function(s) in the caller's namespace (the notebook's
globals), runs that question's few public cases (`public_cases`) through a `LocalStudent` and
the grader's own `expect_*` checks, so a failure carries the grader's diagnosis, prints a short
report and raises AssertionError when a case fails (so an nbgrader test cell fails too).
"""
import difflib
import inspect
import sys
import textwrap
import time
from dataclasses import dataclass, field

from autograder.assignment import bundled_assignment
from autograder.diagnoses import Diagnosis, forbidden_sentence
from autograder.expect import WrongAnswer, expect_unchanged
from autograder.grading.forbidden import forbidden_uses
from autograder.grading.student import LocalStudent
from autograder.selfcheck.public_cases import PUBLIC

NOT_FULL_MARKS = ("Passing these checks does not mean full marks: the grader runs many more "
                  "hidden tests.")


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
        if self.results and all(Diagnosis.NOT_IMPLEMENTED in result.diagnoses for result in self.results):
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


def public_questions():
    """The questions that have public checks, in the assignment's order."""
    return [question for question in bundled_assignment().questions if question in PUBLIC]


def defined_questions(namespace):
    """The questions all of whose functions `namespace` defines."""
    return [question for question in public_questions()
            if all(callable(namespace.get(name)) for name in bundled_assignment().questions[question].functions)]


def run_public_checks(question, namespace, cases=None):
    """A CheckReport of `question`'s public cases (all, or the indices in `cases`) against the
    functions in `namespace`."""
    if question not in PUBLIC:
        close = difflib.get_close_matches(str(question), public_questions(), n=1)
        hint = f"did you mean {close[0]!r}? " if close else ""
        raise ValueError(f"no public checks for {question!r}; {hint}the questions are {', '.join(public_questions())}")
    start = time.perf_counter()
    report = CheckReport(question, bundled_assignment().questions[question].title, [])
    report.missing = [name for name in bundled_assignment().questions[question].functions
                      if not callable(namespace.get(name))]
    if report.missing:
        report.seconds = time.perf_counter() - start
        return report
    facts = bundled_assignment().questions[question]
    forbidden = bundled_assignment().forbidden if facts.from_scratch else ()
    student = LocalStudent(namespace, forbidden)
    selected = PUBLIC[question] if cases is None else [PUBLIC[question][index] for index in cases]
    for case in selected:
        before = len(student.answers)
        try:
            _run_case(case, student, before)
            report.results.append(CaseResult(case.name, True))
        except WrongAnswer as wrong:
            answers = student.answers[before:]
            if any("NotImplementedError" in answer.exception for answer in answers):
                function = next(a.function for a in answers if "NotImplementedError" in a.exception)
                message = (f"{function} is not implemented yet: it raises NotImplementedError. "
                           "Replace the `raise NotImplementedError(...)` line with your code.")
                report.results.append(CaseResult(case.name, False, message, [Diagnosis.NOT_IMPLEMENTED]))
            else:
                report.results.append(CaseResult(case.name, False, wrong.message, wrong.diagnoses))
        except Exception as error:  # a fault of the check itself, not of the student
            report.results.append(CaseResult(case.name, False, f"The check itself failed ({type(error).__name__}: "
                                             f"{error}); please tell your TA.", [Diagnosis.GRADER_ERROR]))
    used = _forbidden_used(namespace, facts.functions, forbidden) | {api for answer in student.answers
                                                                     for api in answer.forbidden}
    if used:
        report.results.append(CaseResult(
            "uses no library function that does the question's work", False,
            f"{question} uses {', '.join(sorted(used))}. {forbidden_sentence(forbidden)} The grader gives it 0.",
            [Diagnosis.FORBIDDEN_API]))
    report.seconds = time.perf_counter() - start
    return report


def _run_case(case, student, before):
    """Run one public case and check that its calls (student.answers[before:]) left their inputs
    alone; a WrongAnswer comes out settled: no sandbox runs here, so its diagnosis can run at once."""
    try:
        case.run(student)
        for answer in student.answers[before:]:
            if answer.failure is None:
                expect_unchanged(answer)
    except WrongAnswer as wrong:
        raise wrong.settle()


def _forbidden_used(namespace, functions, forbidden):
    """The forbidden APIs that `functions` reach in the source of the namespace's own functions
    and classes: the grader's static rule, applied to what the notebook defined."""
    sources = []
    for value in list(namespace.values()):
        if (inspect.isfunction(value) or inspect.isclass(value)) and value.__module__ == namespace.get("__name__"):
            try:
                sources.append(textwrap.dedent(inspect.getsource(value)))
            except (OSError, TypeError):  # defined where no source is kept: the runtime watch remains
                continue
    return set(forbidden_uses(sources, {"question": functions}, forbidden).get("question", ()))


def _caller_namespace(depth=2):
    """The globals of the frame `depth` levels up: a notebook's user namespace when called from a
    cell, the module's globals when called from a script."""
    return sys._getframe(depth).f_globals


def check(question=None, namespace=None):
    """Run the public checks of `question` on your function(s) and print a short report; with no
    question, one line per question of the assignment.

    Raises AssertionError when a check fails (NotImplementedError while the function still raises
    it). Passing them does not mean full marks: the grader runs many more hidden tests.
    """
    namespace = _caller_namespace() if namespace is None else namespace
    if question is None:
        print(overview(namespace))
        return
    report = run_public_checks(question, namespace)
    print(report.text())
    if report.results and all(Diagnosis.NOT_IMPLEMENTED in result.diagnoses for result in report.results):
        raise NotImplementedError(f"{question} is not implemented yet.")
    if not report.passed:
        failed = len(report.missing) or sum(not result.passed for result in report.results)
        raise AssertionError(f"{question}: {failed} public check(s) failed; see the report above.")


def overview(namespace):
    """Every question's status in the namespace, one line each: not defined, not implemented,
    how many public checks pass."""
    yes, no = _marks()
    lines = ["Public checks of every question:"]
    for question in public_questions():
        report = run_public_checks(question, namespace)
        if report.missing:
            status = f"{no} {question}: {' and '.join(report.missing)} not defined yet"
        elif all(Diagnosis.NOT_IMPLEMENTED in result.diagnoses for result in report.results):
            status = f"{no} {question}: not implemented yet"
        else:
            passed = sum(result.passed for result in report.results)
            status = f"{yes if report.passed else no} {question}: {passed} of {len(report.results)} passed"
        lines.append(f"  {status}")
    lines.append(f"Run check(\"<question>\") for the details of one. {NOT_FULL_MARKS}")
    return "\n".join(lines)


def check_case(question, index, namespace=None):
    """Public case number `index` of `question`, quietly: returns None when it passes, raises
    AssertionError with the diagnosis when it fails. Otter's visible tests are made of these."""
    namespace = _caller_namespace() if namespace is None else namespace
    report = run_public_checks(question, namespace, cases=[index])
    if not report.passed:
        raise AssertionError(report.text(("PASS", "FAIL")))
