"""The TA's view of a class, computed from the gradebook's results (issue 13): item analysis per
hidden test, the misconception map, who to help first, similarity flags and the runtime. Plain
data in, plain rows out; `reports.py` draws them.

`results`: [(student, link to the feedback page, records.results.Results)] of every student's
newest run. Submissions that could not be graded at all (an error) are left out of the item
analysis and the map: their zeros say nothing about a test or a misconception.
"""
import hashlib
import re
import statistics
from collections import Counter

import numpy as np

from autograder.diagnoses import Diagnosis, explain
from autograder.records.results import NO_SANDBOX_FLAG, OUTDATED_OVERRIDE_FLAG

EXTREME_SHARE = (0.0, 1.0)   # a test nobody or everybody passes stands out
WEAK_DISCRIMINATION = 0.1    # below this, passing a test says little about the rest of the work
LOW_SCORE_SPREADS = 2.0      # a score this many robust deviations below the median stands out
TREND_DROP = 0.1             # a resubmission that lost this share of the points stands out
# Symptoms rather than causes: a cell of the map or a "fix first" line names one only when no
# diagnosis of a cause (a misconception) is there.
SYMPTOMS = (Diagnosis.EXCEPTION, Diagnosis.TIMEOUT, Diagnosis.NOT_IMPLEMENTED, Diagnosis.GRADER_ERROR,
            Diagnosis.WRONG_SHAPE, Diagnosis.WRONG_TYPE, Diagnosis.NAN_OUTPUT)


def graded(results):
    """The entries of `results` that were graded (no error)."""
    return [entry for entry in results if entry[2].error is None]


def item_analysis(results):
    """One row per hidden test: {"test", "question", "passing" (share 0..1), "students",
    "discrimination" (correlation of passing it with the rest of the score; None when nobody
    or everybody passes), "note" (why it stands out, or "")}, in the tests' order."""
    entries = graded(results)
    if not entries:
        return []
    names = list(dict.fromkeys(test.name for _, _, one in entries for test in one.tests))
    passed = np.array([[_passed(one, name) for name in names] for _, _, one in entries], dtype=float)
    earned = np.array([[_earned(one, name) for name in names] for _, _, one in entries], dtype=float)
    rest = earned.sum(axis=1, keepdims=True) - earned       # the score without the test itself
    rows = []
    for column, name in enumerate(names):
        share = float(passed[:, column].mean())
        correlation = _correlation(passed[:, column], rest[:, column])
        rows.append({"test": name, "question": name.split(":", 1)[0], "passing": share,
                     "students": len(entries), "discrimination": correlation,
                     "note": _item_note(share, correlation)})
    return rows


def _passed(results, name):
    return any(test.name == name and test.status == "passed" for test in results.tests)


def _earned(results, name):
    return sum(test.score for test in results.tests if test.name == name)


def _correlation(passing, rest):
    """Pearson correlation of a 0/1 column with the rest of the score (the point-biserial one)."""
    if passing.std() == 0 or rest.std() == 0:
        return None
    return float(np.corrcoef(passing, rest)[0, 1])


def _item_note(share, correlation):
    if share == EXTREME_SHARE[0]:
        return "nobody passes: is the test broken, or the topic not taught?"
    if share == EXTREME_SHARE[1]:
        return "everybody passes: it separates nobody"
    if correlation is not None and correlation < 0:
        return "weaker submissions pass it more often than stronger ones: check the test"
    if correlation is not None and correlation < WEAK_DISCRIMINATION:
        return "passing it says little about the rest of the work"
    return ""


def cell_diagnosis(tests):
    """What one student's tests of one question show: the cause (a diagnosis that is not a
    symptom) that cost most points, else the failing tests' pattern, else the costliest symptom
    (a wrong shape, an exception), else None. tests: the question's final test dicts
    (records.results.Results.final_tests)."""
    lost = Counter()
    for test in tests:
        for diagnosis in test["extra_data"]["diagnoses"]:
            lost[diagnosis] += test["max_score"] - test["score"]
    causes = [diagnosis for diagnosis in lost if diagnosis not in SYMPTOMS]
    if causes:
        return max(causes, key=lost.__getitem__)
    pattern = next((test["extra_data"]["pattern"] for test in tests
                    if test["status"] == "failed" and test["extra_data"].get("pattern")), None)
    return pattern or (max(lost, key=lost.__getitem__) if lost else None)


def misconception_map(results, questions):
    """{"questions", "rows": [{"student", "link", "cells": [{"diagnosis", "score", "max_score"}]}],
    "ranked": [{"diagnosis", "explanation", "students": [(student, link)], "points"}]}: the
    students x questions grid (a cell's diagnosis None at full marks or without one) and the
    diagnoses ranked by students, then points, they cost."""
    rows, ranked = [], {}
    for student, link, one in graded(results):
        by_question = _by_question(one.final_tests())
        cells = []
        for question in questions:
            tests = by_question.get(question, [])
            score, top = sum(t["score"] for t in tests), sum(t["max_score"] for t in tests)
            diagnosis = cell_diagnosis(tests) if score < top else None
            cells.append({"diagnosis": diagnosis, "score": score, "max_score": top})
            if diagnosis is not None:
                entry = ranked.setdefault(diagnosis, {"diagnosis": diagnosis, "explanation": explain(diagnosis),
                                                      "students": [], "points": 0.0})
                if (student, link) not in entry["students"]:   # a student counts once per diagnosis
                    entry["students"].append((student, link))
                entry["points"] += top - score
        rows.append({"student": student, "link": link, "cells": cells})
    order = sorted(ranked.values(), key=lambda entry: (-len(entry["students"]), -entry["points"], entry["diagnosis"]))
    return {"questions": questions, "rows": rows, "ranked": order}


def _by_question(tests):
    found = {}
    for test in tests:
        found.setdefault(test["extra_data"]["question"], []).append(test)
    return found


def help_first(results, history):
    """[{"student", "link", "score", "max_score", "reasons": [one line each]}] of students who need a human look,
    the most reasons first. history: {student: [score of each submission, oldest first]}."""
    scores = [one.score for _, _, one in graded(results)]
    median = statistics.median(scores) if scores else 0.0
    spread = 1.4826 * statistics.median([abs(score - median) for score in scores]) if scores else 0.0
    found = []
    for student, link, one in results:
        reasons = [_flag_reason(flag) for flag in one.all_flags()
                   if one.error is None or not flag.startswith("error:")]   # the message says it better
        if one.error is not None:
            reasons.insert(0, f"not graded: {one.error['message']}")
        elif spread and (median - one.score) / spread > LOW_SCORE_SPREADS:
            reasons.append(f"score {one.score:g} of {one.max_score:g}, far below the class median {median:g}")
        elif not spread and one.score < median:
            reasons.append(f"score {one.score:g} of {one.max_score:g}, below the class median {median:g}")
        scores_over_time = history.get(student, [])
        if len(scores_over_time) > 1 and scores_over_time[-2] - scores_over_time[-1] > TREND_DROP * one.max_score:
            reasons.append(f"the latest resubmission dropped from {scores_over_time[-2]:g} to "
                           f"{scores_over_time[-1]:g} points")
        if reasons:
            found.append({"student": student, "link": link, "score": one.score, "max_score": one.max_score,
                          "reasons": list(dict.fromkeys(reasons))})
    return sorted(found, key=lambda entry: (-len(entry["reasons"]), entry["student"]))


FLAG_REASONS = {
    Diagnosis.FORBIDDEN_API: "used an API that does the work of {detail} (scored 0 there; is it allowed?)",
    "timeout": "a test ran out of time: an endless loop, or very slow code",
    "crash": "the process running {detail} died (memory or a hard crash)",
    "sandbox-violation": "tried something the sandbox forbids (files, network, processes)",
    Diagnosis.GRADER_ERROR: "the grader could not run a test of {detail}: a grader bug to look at",
    "error": "the submission could not be read or run ({detail})",
    NO_SANDBOX_FLAG: "graded without bubblewrap: the grade stands, the isolation was weaker",
    OUTDATED_OVERRIDE_FLAG: "a regrade changed the automatic score under the TA's override of {detail}",
}


def _flag_reason(flag):
    """One line for a TA about a results flag such as `forbidden-api:conv2d_forward`."""
    kind, _, detail = flag.partition(":")
    reason = FLAG_REASONS.get(kind)
    return reason.format(detail=detail or "a question") if reason else flag


def runtime(results, evidence):
    """{"seconds": [execution time of each graded submission], "questions": [{"question",
    "mean", "max", "share", "timeouts"}]}. evidence: {student: {question: (code, seconds)}}."""
    per_question, timeouts = {}, Counter()
    for student, _, one in results:
        for question, (_, seconds) in evidence.get(student, {}).items():
            per_question.setdefault(question, []).append(seconds)
        timeouts.update({test.question for test in one.tests if Diagnosis.TIMEOUT in test.diagnoses})
    total = sum(sum(seconds) for seconds in per_question.values()) or 1.0
    questions = [{"question": question, "mean": statistics.fmean(seconds), "max": max(seconds),
                  "share": sum(seconds) / total, "timeouts": timeouts[question]}
                 for question, seconds in per_question.items()]
    questions += [{"question": question, "mean": None, "max": None, "share": None, "timeouts": count}
                  for question, count in timeouts.items() if question not in per_question]
    return {"seconds": [one.execution_time for _, _, one in graded(results)],
            "questions": sorted(questions, key=lambda row: -(row["share"] or 0))}


# Failures whose message is evidence of shared code when two students get the same one: not a
# known misconception (common by nature), not a time-out or a stub (the same for everyone).
TELLING = frozenset({Diagnosis.EXCEPTION, Diagnosis.WRONG_SHAPE, Diagnosis.WRONG_TYPE, Diagnosis.NAN_OUTPUT})
_VALUE = re.compile(r"-?\d+\.\d*(?:e[-+]?\d+)?|-?\d+e[-+]?\d+")


def wrong_answer_prints(results):
    """{student: {question: [fingerprint of each telling wrong answer]}} for similar_pairs: the
    test and its message without the call and without the values (which the student's own seeded
    inputs decide; shapes, counts and exception texts stay), so that two students with the same
    unexplained failure on their different inputs share a fingerprint."""
    prints = {}
    for student, _, one in graded(results):
        for test in one.tests:
            if test.status != "failed" or not set(test.diagnoses) <= TELLING or not test.output:
                continue
            message = "\n".join(line for line in test.output.splitlines() if not line.startswith("Called "))
            digest = hashlib.sha256(f"{test.name}\0{_VALUE.sub('#', message)}".encode()).hexdigest()[:16]
            prints.setdefault(student, {}).setdefault(test.question, []).append(digest)
    return prints
