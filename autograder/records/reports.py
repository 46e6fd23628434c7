"""Feedback pages for students and the class report for TAs, from the gradebook (Jinja2, matplotlib).

`build_reports(DIR)` writes `DIR/<student>/feedback.html`, `DIR/index.html` and
`DIR/similarity.json` from `DIR/gradebook.sqlite` alone (and the pictures that grading left in
`DIR/<student>/pictures/`). Pages are single files: pictures are inlined as data URIs, the
stylesheet is inlined too, and the only script sorts tables. Student text is escaped
(autoescape): a submission's printed output cannot inject markup.
"""
import base64
import functools
import io
import json
import re
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from autograder.assignment import bundled_assignment
from autograder.diagnoses import explain
from autograder.records import classview
from autograder.records.evidence import read_pictures
from autograder.records.gradebook import Gradebook
from autograder.records.similarity import similar_pairs

TEMPLATES = Path(__file__).parent / "templates"
OUTPUT_LINES, OUTPUT_CHARS = 15, 1500   # of one test's message or printed output shown on the page
FIX_FIRST = 3                           # questions named at the top of a feedback page
SIMILARITY_JSON = "similarity.json"


@functools.cache
def _environment():
    """The templates, compiled once per process (compiling costs more than rendering a page)."""
    environment = Environment(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html", "j2"]))
    environment.globals["stylesheet"] = (TEMPLATES / "style.css").read_text()
    return environment


def truncated(text, lines=OUTPUT_LINES, chars=OUTPUT_CHARS):
    """text cut to `lines` lines and `chars` characters, saying how much was left out."""
    whole = "\n".join(text.splitlines())
    short = "\n".join(whole.splitlines()[:lines])[:chars]
    return short if short == whole else short + f"\n… ({len(whole) - len(short)} more characters not shown)"


def _title(question):
    known = bundled_assignment().questions.get(question)
    return known.title if known else question


def _first_sentence(text):
    return re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]


def _without(output, said):
    """A test's message without the lines in `said` (its diagnoses' explanations and its pattern),
    which the page shows once per question."""
    return "\n".join(line for line in output.splitlines() if line.strip() not in said).strip()


def _problem(tests):
    """The first failing test's problem in one line (not the `Called ...` line), for questions
    without a diagnosis or pattern."""
    for test in tests:
        if test["status"] == "failed":
            lines = [line for line in test["output"].splitlines() if line.strip() and not line.startswith("Called ")]
            return lines[0] if lines else ""
    return ""


def question_views(results, pictures):
    """[{question, title, score, max_score, lost, explanations, patterns, sentence, override, picture, tests}]
    for one student's Results, in the assignment's order; pictures: {question: data URI}."""
    views = {}
    for test in results.final_tests():
        question = test["extra_data"]["question"]
        view = views.setdefault(question, {"question": question, "title": _title(question), "tests": [],
                                           "score": 0.0, "max_score": 0.0, "diagnoses": [], "patterns": [],
                                           "override": results.overrides.get(question),
                                           "picture": pictures.get(question)})
        view["score"] += test["score"]
        view["max_score"] += test["max_score"]
        diagnoses, pattern = test["extra_data"]["diagnoses"], test["extra_data"].get("pattern")
        view["diagnoses"] += [d for d in diagnoses if d not in view["diagnoses"]]
        view["patterns"] += [pattern] if pattern and pattern not in view["patterns"] else []
        said = {explain(d) for d in diagnoses} | {pattern}
        view["tests"].append({"name": test["name"].split(": ", 1)[-1], "score": test["score"],
                              "max_score": test["max_score"], "status": test["status"],
                              "output": truncated(_without(test["output"], said))})
    for view in views.values():
        view["lost"] = view["max_score"] - view["score"]
        view["explanations"] = [(d, explain(d)) for d in view["diagnoses"] if explain(d)]
        main = classview.cell_diagnosis([test for test in results.final_tests()
                                         if test["extra_data"]["question"] == view["question"]])
        view["sentence"] = (_first_sentence(explain(main)) if main and explain(main) else main
                            or _problem(view["tests"]))
    return list(views.values())


def write_feedback(folder, results):
    """folder/feedback.html for one student's Results: what to fix first, then per question the
    explanation once, a picture of the smallest wrong answer, and each test's message."""
    questions = question_views(results, read_pictures(folder))
    fix_first = sorted((view for view in questions if view["lost"] > 0), key=lambda view: -view["lost"])[:FIX_FIRST]
    page = _environment().get_template("feedback.html.j2").render(
        results=results, questions=questions, fix_first=fix_first, output=truncated(results.output, 40, 4000))
    (Path(folder) / "feedback.html").write_text(page)


def _histogram_uri(values, *, top, label, bins=20):
    """A histogram of `values` between 0 and `top` as a PNG data URI."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=(6, 2.6), dpi=80)
    axes = figure.subplots()
    axes.hist(values, bins=min(bins, max(len(values), 1)), range=(0, top or 1), color="#4c72b0")
    axes.set_xlabel(label)
    axes.set_ylabel("submissions")
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    figure.subplots_adjust(left=0.12, right=0.97, top=0.95, bottom=0.2)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def similarity_flags(entries, evidence):
    """The flagged pairs ([SimilarPair]) of the class. entries: [(student, link, Results)];
    evidence: {student: {question: (code, seconds)}}."""
    code = {student: {question: code for question, (code, _) in per_question.items() if code}
            for student, per_question in evidence.items()}
    return similar_pairs(code, classview.wrong_answer_prints(entries))


def write_similarity(out_dir, pairs):
    """out_dir/similarity.json: SPEC's list of {"question", "students", "similarity", "evidence"}."""
    (Path(out_dir) / SIMILARITY_JSON).write_text(json.dumps([pair.to_json() for pair in pairs], indent=2) + "\n")


def _question_rows(entries, questions):
    """Per question: mean score, points, students at full marks, and its most common diagnoses."""
    rows = []
    for question in questions:
        scores = [one.questions.get(question, {"score": 0.0})["score"] for _, _, one in entries]
        top = max((one.questions.get(question, {"max_score": 0.0})["max_score"] for _, _, one in entries), default=0)
        rows.append({"question": question, "title": _title(question), "max_score": top,
                     "mean": sum(scores) / len(scores) if scores else 0.0,
                     "full": sum(score == top for score in scores), "students": len(scores)})
    return rows


def write_class_report(out_dir, entries, history, evidence, pairs):
    """out_dir/index.html. entries: [(student, feedback link, Results)]; history: {student: [scores]};
    evidence: {student: {question: (code, seconds)}}; pairs: the flagged SimilarPairs."""
    questions = list(dict.fromkeys(test.question for _, _, one in entries for test in one.tests))
    graded = classview.graded(entries)
    top = max((one.max_score for _, _, one in entries), default=0)
    timing = classview.runtime(entries, evidence)
    links = {student: link for student, link, _ in entries}
    grid = classview.misconception_map(entries, questions)
    page = _environment().get_template("class.html.j2").render(
        entries=entries, graded=graded, max_score=top, questions=_question_rows(graded, questions),
        mean=sum(one.score for _, _, one in graded) / len(graded) if graded else 0.0,
        scores_picture=_histogram_uri([one.score for _, _, one in graded], top=top, label="score"),
        items=classview.item_analysis(entries), grid=grid,
        help_first=classview.help_first(entries, history), timing=timing,
        seconds_picture=_histogram_uri(timing["seconds"], top=max(timing["seconds"], default=1),
                                       label="grading time per submission (s)"),
        pairs=pairs, links=links, code=evidence, colours=diagnosis_colours(grid["ranked"]))
    (Path(out_dir) / "index.html").write_text(page)


PALETTE = ["#f4a582", "#92c5de", "#fddc6c", "#c2a5cf", "#a6dba0", "#f1b6da", "#80cdc1", "#dfc27d",
           "#b8b8ff", "#ffb3a7"]


def diagnosis_colours(ranked):
    """{diagnosis: colour} for the misconception map: the most common diagnoses get the palette's
    distinct colours, the rest share one grey. ranked: misconception_map's "ranked" entries."""
    return {entry["diagnosis"]: PALETTE[rank] if rank < len(PALETTE) else "#d9d9d9"
            for rank, entry in enumerate(ranked)}


def build_reports(out_dir):
    """(Re)build every student's feedback.html, out_dir/index.html and out_dir/similarity.json
    from the gradebook; returns the class report's path."""
    out_dir = Path(out_dir)
    with Gradebook(out_dir / "gradebook.sqlite") as gradebook:
        latest, history, evidence = gradebook.latest_results(), gradebook.score_history(), gradebook.latest_evidence()
    entries = []
    for student, folder, results in latest:
        (out_dir / folder).mkdir(exist_ok=True)
        write_feedback(out_dir / folder, results)
        entries.append((student, f"{folder}/feedback.html", results))
    pairs = similarity_flags(entries, evidence)
    write_similarity(out_dir, pairs)
    write_class_report(out_dir, entries, history, evidence, pairs)
    return out_dir / "index.html"
