"""What the pages need beyond results.json, gathered where a submission is graded and stored
beside its results (never in results.json, which Gradescope shows):

- pictures: for each question with a wrong array answer, its smallest failing case drawn as
  expected, the student's result and their difference (matplotlib PNG), written to
  `OUT/<student>/pictures/<question>.png` and inlined in feedback.html;
- code: each from-scratch question's normalised code (`similarity.question_code`), kept in the
  gradebook so that `cnn-grade report` finds similar pairs without the submissions;
- seconds: how long each question's hidden tests took (the first question's include running
  the notebook), for the class report's runtime section. Never a grade.
"""
import base64
import functools
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.records.similarity import question_code

PICTURES = "pictures"


@dataclass
class Evidence:
    """pictures: {question: PNG bytes}; code: {question: normalised code}; seconds: {question: s}."""
    pictures: dict = field(default_factory=dict)
    code: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)


@functools.cache
def starter_cells():
    """The code cells of the exercise notebooks, as every student got them ([] without them)."""
    from autograder.authoring.generate import EXERCISES
    from autograder.notebooks import read_notebook

    return tuple(cell.source for path in sorted(EXERCISES.glob("*.ipynb"))
                 for cell in read_notebook(path).cells if cell.cell_type == "code")


def gather(submission, outcomes, assignment):
    """The Evidence of one graded submission. submission: a read Submission (its cells);
    outcomes: its hidden tests' TestOutcomes; assignment: the Assignment (questions' functions)."""
    evidence = Evidence()
    for outcome in outcomes:
        evidence.seconds[outcome.question] = evidence.seconds.get(outcome.question, 0.0) + outcome.seconds
    for question, outcome in smallest_failing(outcomes).items():
        evidence.pictures[question] = picture_png(*outcome.picture, title=outcome.name)
    sources = [cell["source"] for cell in submission.cells]
    for question in dict.fromkeys(outcome.question for outcome in outcomes):
        if assignment.questions[question].from_scratch:
            evidence.code[question] = question_code(sources, assignment.questions[question].functions,
                                                    list(starter_cells()))
    return evidence


def smallest_failing(outcomes):
    """{question: the failing TestOutcome with a picture whose arrays are smallest}, first in
    file order among equals: the case where a wrong border or window is easiest to see."""
    chosen = {}
    for outcome in outcomes:
        if outcome.picture is None:
            continue
        best = chosen.get(outcome.question)
        if best is None or outcome.picture[0].size < best.picture[0].size:
            chosen[outcome.question] = outcome
    return chosen


def picture_png(expected, got, *, title):
    """PNG bytes: expected, got (2-D float arrays, one shape) and got - expected side by side,
    under `title` (the test, in student terms); the first two share one colour scale, the
    difference is red above and blue below zero."""
    from matplotlib.figure import Figure   # no pyplot: no global state, no GUI backend

    figure = Figure(figsize=(8.4, 3.0), dpi=80)
    figure.suptitle(title, fontsize=11)
    axes = figure.subplots(1, 3)
    figure.subplots_adjust(left=0.02, right=0.95, top=0.82, bottom=0.04, wspace=0.3)
    finite = np.concatenate([expected[np.isfinite(expected)], got[np.isfinite(got)]])
    low, high = (finite.min(), finite.max()) if finite.size else (0.0, 1.0)
    difference = got - expected
    reach = float(np.nanmax(np.abs(difference), initial=0.0)) or 1.0
    panels = [(expected, "expected", "viridis", low, high), (got, "your result", "viridis", low, high),
              (difference, "yours − expected", "RdBu_r", -reach, reach)]
    for axis, (array, title, colours, bottom, top) in zip(axes, panels):
        image = axis.imshow(array, cmap=colours, vmin=bottom, vmax=top, interpolation="nearest")
        axis.set_title(title, fontsize=11)
        axis.set_xticks([])
        axis.set_yticks([])
        figure.colorbar(image, ax=axis, fraction=0.046, pad=0.03)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def write_pictures(folder, pictures):
    """folder/pictures/<question>.png for {question: PNG bytes}; pictures of an earlier grading go."""
    target = Path(folder) / PICTURES
    for old in target.glob("*.png"):
        old.unlink()
    if pictures:
        target.mkdir(parents=True, exist_ok=True)
    for question, png in pictures.items():
        (target / f"{question}.png").write_bytes(png)


def read_pictures(folder):
    """{question: data URI} of folder/pictures/*.png, for inlining in feedback.html."""
    return {path.stem: "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode()
            for path in sorted((Path(folder) / PICTURES).glob("*.png"))}
