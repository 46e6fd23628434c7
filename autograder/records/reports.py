"""Feedback pages for students and a class report for TAs, from the gradebook (Jinja2, matplotlib).

Student text is escaped (autoescape): a submission's printed output cannot inject markup.
"""
import shutil
from collections import Counter
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from autograder.records.gradebook import Gradebook

TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = "style.css"


def _environment():
    return Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))


def _by_question(results):
    questions = {}
    for test in results["tests"]:
        questions.setdefault(test["extra_data"]["question"], []).append(test)
    return questions


def max_score(results):
    return sum(test["max_score"] for test in results["tests"])


def write_feedback(folder, student, results):
    """folder/feedback.html: every test, what it checked, and what went wrong."""
    page = _environment().get_template("feedback.html.j2").render(
        student=student, results=results, max_score=max_score(results), questions=_by_question(results),
        summary=results["extra_data"]["questions"], stylesheet=f"../{STYLESHEET}")
    (Path(folder) / "feedback.html").write_text(page)


def _score_histogram(scores, top, path):
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure, axes = pyplot.subplots(figsize=(6, 3))
    axes.hist(scores, bins=min(20, max(len(scores), 1)), range=(0, top or 1), color="#4c72b0")
    axes.set_xlabel("score")
    axes.set_ylabel("students")
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    pyplot.close(figure)


def build_reports(out_dir):
    """(Re)build every student's feedback.html and out_dir/index.html from the gradebook."""
    out_dir = Path(out_dir)
    with Gradebook(out_dir / "gradebook.sqlite") as gradebook:
        latest = gradebook.latest_results()
    shutil.copy(TEMPLATES / STYLESHEET, out_dir / STYLESHEET)
    rows, per_question = [], {}
    for student, folder, results in latest:
        (out_dir / folder).mkdir(exist_ok=True)
        write_feedback(out_dir / folder, student, results)
        extra = results["extra_data"]
        rows.append({"student": student, "score": results["score"], "max_score": max_score(results),
                     "link": f"{folder}/feedback.html", "flags": extra["flags"],
                     "error": (extra["error"] or {}).get("message")})
        for question, tests in _by_question(results).items():
            entry = per_question.setdefault(question, {"scores": [], "max_score": 0, "diagnoses": Counter()})
            entry["scores"].append(sum(test["score"] for test in tests))
            entry["max_score"] = sum(test["max_score"] for test in tests)
            # Students per misconception, not tests: one student's five flipped tests count once.
            entry["diagnoses"].update({d for test in tests for d in test["extra_data"]["diagnoses"]})
    question_rows = [{"question": question, "mean": sum(e["scores"]) / len(e["scores"]),
                      "max_score": e["max_score"], "full": sum(s == e["max_score"] for s in e["scores"]),
                      "diagnoses": ", ".join(f"{d} ({n})" for d, n in e["diagnoses"].most_common(3))}
                     for question, e in per_question.items()]
    top = max((row["max_score"] for row in rows), default=0)
    _score_histogram([row["score"] for row in rows], top, out_dir / "scores.png")
    page = _environment().get_template("class.html.j2").render(
        rows=rows, question_rows=question_rows, max_score=top, stylesheet=STYLESHEET,
        mean=sum(row["score"] for row in rows) / len(rows) if rows else 0.0)
    (out_dir / "index.html").write_text(page)
    return out_dir / "index.html"
