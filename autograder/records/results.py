"""results.json: Gradescope's format plus SPEC's extra_data, built and written by the grader alone.

The typed model below is the one reader and writer of that format: `Results.to_json()` is what
results.json holds, `Results.from_json()` reads it (and the gradebook's copies) back. A run's
results hold the automatic scores and, under a late policy, its lateness; a TA's overrides are
attached when they are written out, so that they survive every regrade.
"""
import json
import os
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from autograder import __version__
from autograder.grading.answer import CRASHED
from autograder.diagnoses import Diagnosis, forbidden_sentence

NO_SANDBOX_FLAG = "no-sandbox"
OUTDATED_OVERRIDE_FLAG = "override-outdated"   # a regrade changed the automatic score beneath a TA's


@dataclass(frozen=True, kw_only=True)
class TestResult:
    """One hidden test: its automatic score of max_score points, "passed" or "failed", and what
    the student reads (output, diagnoses). question: the grade id it belongs to."""
    name: str
    question: str
    score: float
    max_score: float
    status: str
    output: str
    diagnoses: list
    visibility: str = "visible"
    pattern: str = ""      # what this question's failing tests share, when no diagnosis names a cause

    def to_json(self, *, ta_score=None):
        """Gradescope's test dict; ta_score: this test's share of a TA's override, when there is one."""
        extra = {"question": self.question, "diagnoses": list(self.diagnoses)}
        if self.pattern:
            extra["pattern"] = self.pattern
        score, status = self.score, self.status
        if ta_score is not None:
            score, status = ta_score, "passed" if ta_score == self.max_score else "failed"
            extra["automatic"] = {"score": self.score, "status": self.status}
        return {"name": self.name, "score": score, "max_score": self.max_score, "status": status,
                "visibility": self.visibility, "output": self.output, "extra_data": extra}

    @classmethod
    def from_json(cls, data):
        extra = data["extra_data"]
        automatic = extra.get("automatic", data)
        return cls(name=data["name"], question=extra["question"], score=automatic["score"],
                   max_score=data["max_score"], status=automatic["status"], output=data["output"],
                   diagnoses=list(extra["diagnoses"]), visibility=data.get("visibility", "visible"),
                   pattern=extra.get("pattern", ""))


@dataclass(frozen=True, kw_only=True)
class Override:
    """A TA's score for one question: who set it, when (ISO 8601), why, and the automatic score
    beneath it then (a regrade that changes that is flagged)."""
    question: str
    score: float
    comment: str
    by: str
    at: str
    automatic_score: float

    def to_json(self):
        return {"score": self.score, "comment": self.comment, "by": self.by, "at": self.at,
                "automatic_score": self.automatic_score}

    @classmethod
    def from_json(cls, question, data):
        return cls(question=question, **data)


@dataclass(frozen=True, kw_only=True)
class Late:
    """A submission's lateness under the assignment's policy. Times are ISO 8601; days_late counts
    started days past the due date (an extension's included); grace_days_used of them cost
    nothing; penalty_fraction is the share of the score taken (1: past max_late_days); source:
    where submitted_at came from; extension: its reason, when the student has one."""
    submitted_at: str
    due: str
    days_late: int
    grace_days_used: int
    penalty_fraction: float
    source: str
    extension: str | None = None

    def to_json(self, penalty):
        return {"submitted_at": self.submitted_at, "due": self.due, "days_late": self.days_late,
                "grace_days_used": self.grace_days_used, "penalty": penalty,
                "penalty_fraction": self.penalty_fraction, "source": self.source, "extension": self.extension}

    @classmethod
    def from_json(cls, data):
        return cls(**{key: value for key, value in data.items() if key != "penalty"})


@dataclass(frozen=True, kw_only=True)
class Results:
    """One submission's results. tests carry automatic scores; overrides ({question: Override})
    and late (None without a policy) decide the final score. output: what the student reads
    below the score lines; error: {"kind", "message"} when nothing could be graded."""
    student: str
    submission_sha256: str
    tests: list
    output: str
    error: dict | None
    flags: list
    execution_time: float
    sandbox: str
    grader_version: str = __version__
    late: Late | None = None
    overrides: dict = field(default_factory=dict)

    @property
    def max_score(self):
        return sum(test.max_score for test in self.tests)

    def automatic_score(self, question):
        return sum(test.score for test in self.tests if test.question == question)

    def _ta_scores(self):
        """{id(test): its share of its question's override}: by points, the last test taking the
        rounding's remainder so that a question's tests add up to the TA's score exactly."""
        shares = {}
        for question, override in self.overrides.items():
            tests = [test for test in self.tests if test.question == question]
            top = sum(test.max_score for test in tests)
            given = 0
            for index, test in enumerate(tests):
                share = (override.score - given if index == len(tests) - 1
                         else round(override.score * test.max_score / top, 4) if top else 0)
                shares[id(test)] = round(share, 4)
                given += shares[id(test)]
        return shares

    def final_tests(self):
        """The tests as the student sees them: an overridden question's carry the TA's score."""
        shares = self._ta_scores()
        return [test.to_json(ta_score=shares.get(id(test))) for test in self.tests]

    @property
    def raw_score(self):
        """The sum of the final tests' scores, before a late penalty."""
        return round(sum(test["score"] for test in self.final_tests()), 4)

    @property
    def penalty(self):
        return round(self.raw_score * self.late.penalty_fraction, 4) if self.late else 0

    @property
    def score(self):
        return round(self.raw_score - self.penalty, 4) if self.late else self.raw_score

    @property
    def questions(self):
        """{question: {"score", "max_score"}}, final scores, in the tests' order."""
        summary = {}
        for test in self.final_tests():
            entry = summary.setdefault(test["extra_data"]["question"], {"score": 0.0, "max_score": 0.0})
            entry["score"] += test["score"]
            entry["max_score"] += test["max_score"]
        return summary

    @property
    def outdated_overrides(self):
        """Questions whose automatic score changed under a TA's override since it was set."""
        return [question for question, override in self.overrides.items()
                if self.automatic_score(question) != override.automatic_score]

    def all_flags(self):
        return list(self.flags) + [f"{OUTDATED_OVERRIDE_FLAG}:{question}" for question in self.outdated_overrides]

    def _header(self, tests):
        """The first paragraph of the output: the score, then the lateness and each override."""
        if self.error is not None and not self.late and not self.overrides:
            return ""
        raw = sum(test["score"] for test in tests)
        lines = [f"Score: {self.score if self.late else raw:g} / {self.max_score:g}."]
        if self.late and self.late.days_late:
            lines.append(_late_sentence(self.late, self.raw_score, self.penalty))
        for question, override in self.overrides.items():
            lines.append(f"{question}: a TA set your score to {override.score:g} ({override.comment})")
        return "\n".join(lines)

    def to_json(self):
        """The dict that results.json holds."""
        tests = self.final_tests()
        extra = {"student": self.student, "submission_sha256": self.submission_sha256,
                 "grader_version": self.grader_version, "error": self.error, "flags": self.all_flags(),
                 "questions": self.questions, "sandbox": self.sandbox}
        if self.late:
            extra["late"] = self.late.to_json(self.penalty)
            extra["raw_score"] = self.raw_score
        if self.overrides:
            extra["overrides"] = {question: override.to_json() for question, override in self.overrides.items()}
        header = self._header(tests)
        return {"score": self.score, "execution_time": self.execution_time,
                "output": "\n\n".join(part for part in (header, self.output) if part),
                "tests": tests, "extra_data": extra}

    @classmethod
    def from_json(cls, data):
        """Results from what to_json wrote (or results.json as written before the ledger)."""
        extra = data["extra_data"]
        results = cls(
            student=extra["student"], submission_sha256=extra["submission_sha256"],
            tests=[TestResult.from_json(test) for test in data["tests"]], output="", error=extra["error"],
            flags=[flag for flag in extra["flags"] if not flag.startswith(f"{OUTDATED_OVERRIDE_FLAG}:")],
            execution_time=data["execution_time"], sandbox=extra["sandbox"], grader_version=extra["grader_version"],
            late=Late.from_json(extra["late"]) if extra.get("late") else None,
            overrides={question: Override.from_json(question, entry)
                       for question, entry in extra.get("overrides", {}).items()})
        header = results._header(results.final_tests())
        return replace(results, output=data["output"].removeprefix(header).removeprefix("\n\n") if header
                       else data["output"])


def _late_sentence(late, raw, penalty):
    grace = f", {late.grace_days_used} of them covered by grace days" if late.grace_days_used else ""
    extension = f" (with your extension: {late.extension})" if late.extension else ""
    return (f"Submitted {late.submitted_at}, {late.days_late} day(s) after the due date {late.due}{extension}"
            f"{grace}: a late penalty of {penalty:g} of {raw:g} points.")


def _results(submission, tests, output, flags, error, seconds, isolated):
    return Results(student=submission.student, submission_sha256=submission.sha256, tests=tests, output=output,
                   error=error, flags=list(dict.fromkeys(flags + ([] if isolated else [NO_SANDBOX_FLAG]))),
                   execution_time=round(seconds, 3),
                   sandbox="bubblewrap" if isolated else "rlimits only (bubblewrap missing)")


def error_results(submission, assignment, questions, error, seconds, isolated):
    """Score 0 for a submission that could not be graded at all; every question still appears."""
    tests = [TestResult(name=f"{question}: not graded", question=question, score=0,
                        max_score=assignment.points(question), status="failed",
                        output=f"Not graded: {error['message']}", diagnoses=[]) for question in questions]
    output = f"Your submission could not be graded: {error['message']}"
    return _results(submission, tests, output, [f"error:{error['kind']}"], error, seconds, isolated)


def graded_results(submission, assignment, outcomes, load, answers, static_forbidden, seconds, isolated):
    """Results from the hidden tests' outcomes. A question that used a forbidden API scores 0."""
    used = {question: set(apis) for question, apis in static_forbidden.items()}
    for answer in answers:
        if answer.forbidden:
            used.setdefault(answer.function, set()).update(answer.forbidden)
    flags, tests = [], []
    for outcome in outcomes:
        points = assignment.weights.get(outcome.question, {}).get(outcome.test, 1)
        score, output, diagnoses = points * outcome.fraction, outcome.output, list(outcome.diagnoses)
        if outcome.question in used:
            score, diagnoses = 0, [Diagnosis.FORBIDDEN_API, *diagnoses]
            output = (f"This question used {', '.join(sorted(used[outcome.question]))}. "
                      f"{forbidden_sentence(assignment.forbidden)} It scores 0 and a TA will review it.")
            flags.append(f"forbidden-api:{outcome.question}")
        if outcome.grader_error:
            flags.append(f"grader-error:{outcome.question}")
        if Diagnosis.TIMEOUT in outcome.diagnoses:
            flags.append("timeout")
        tests.append(TestResult(name=outcome.name, question=outcome.question, score=round(score, 4), max_score=points,
                                status="passed" if score == points else "failed", output=output,
                                diagnoses=diagnoses, pattern=outcome.pattern if score < points else ""))
    for answer in answers:
        if answer.failure == CRASHED:
            flags.append(f"crash:{answer.function}")
        if answer.switched_off:
            flags.append("sandbox-violation")
    output = "\n\n".join(_load_feedback(load, submission.notes))
    return _results(submission, tests, output, flags, None, seconds, isolated)


def _load_feedback(load, notes):
    """What running the notebook showed: cells that raised, magics skipped, files not graded."""
    feedback = [f"{cell['label']} raised an error when the grader ran it (later cells still ran):\n"
                f"{cell['error']}" for cell in load.cells if cell["error"]]
    skipped = [note for cell in load.cells for note in cell["notes"]]
    if skipped:
        feedback.append("Not run by the grader: " + "; ".join(dict.fromkeys(skipped)) + ".")
    return feedback + list(notes)


def write_results(folder, results):
    """Write results.to_json() to folder/results.json atomically: a reader sees the old file or
    the new, never half."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".results-", suffix=".json")
    with os.fdopen(handle, "w") as file:
        json.dump(results.to_json(), file, indent=2)
    os.replace(temporary, folder / "results.json")


def grader_failure_results(exit_status):
    """What Gradescope shows when cnn-grade itself failed (the zip's run_autograder writes it)."""
    message = (f"The autograder could not grade this submission (cnn-grade exited {exit_status}); "
               "a TA has been told.")
    return Results(student="", submission_sha256="", tests=[], output=message, flags=[Diagnosis.GRADER_ERROR],
                   error={"kind": Diagnosis.GRADER_ERROR, "message": message}, execution_time=0.0, sandbox="")


if __name__ == "__main__":   # python -m autograder.records.results RESULTS_JSON EXIT_STATUS
    import sys

    write_results(Path(sys.argv[1]).parent, grader_failure_results(sys.argv[2]))
