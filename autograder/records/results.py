"""results.json: Gradescope's format plus SPEC's extra_data, built and written by the grader alone."""
import json
import os
import tempfile
from pathlib import Path

from autograder import __version__
from autograder.grading.answer import CRASHED
from autograder.diagnoses import Diagnosis, forbidden_sentence

NO_SANDBOX_FLAG = "no-sandbox"


def _question_summary(tests):
    summary = {}
    for test in tests:
        entry = summary.setdefault(test["extra_data"]["question"], {"score": 0.0, "max_score": 0.0})
        entry["score"] += test["score"]
        entry["max_score"] += test["max_score"]
    return summary


def _results(submission, tests, output, flags, error, seconds, isolated):
    flags = list(dict.fromkeys(flags + ([] if isolated else [NO_SANDBOX_FLAG])))
    return {
        "score": round(sum(test["score"] for test in tests), 4),
        "execution_time": round(seconds, 3),
        "output": output,
        "tests": tests,
        "extra_data": {"student": submission.student, "submission_sha256": submission.sha256,
                       "grader_version": __version__, "error": error, "flags": flags,
                       "questions": _question_summary(tests),
                       "sandbox": "bubblewrap" if isolated else "rlimits only (bubblewrap missing)"},
    }


def error_results(submission, assignment, questions, error, seconds, isolated):
    """Score 0 for a submission that could not be graded at all; every question still appears."""
    tests = [{"name": f"{question}: not graded", "score": 0, "max_score": assignment.points(question),
              "status": "failed", "visibility": "visible",
              "output": f"Not graded: {error['message']}",
              "extra_data": {"question": question, "diagnoses": []}} for question in questions]
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
        tests.append({"name": outcome.name, "score": round(score, 4), "max_score": points,
                      "status": "passed" if score == points else "failed", "visibility": "visible",
                      "output": output, "extra_data": {"question": outcome.question, "diagnoses": diagnoses}})
    for answer in answers:
        if answer.failure == CRASHED:
            flags.append(f"crash:{answer.function}")
        if any("monitor" in api for api in answer.forbidden):
            flags.append("sandbox-violation")
    total = sum(test["max_score"] for test in tests)
    score = sum(test["score"] for test in tests)
    output = "\n\n".join([f"Score: {score:g} / {total:g}.", *_load_feedback(load, submission.notes)])
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
    """Write folder/results.json atomically: a reader sees the old file or the new, never half."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".results-", suffix=".json")
    with os.fdopen(handle, "w") as file:
        json.dump(results, file, indent=2)
    os.replace(temporary, folder / "results.json")
