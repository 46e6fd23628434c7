"""Notebooks as the grader, the self-check and the generator all see them: reading and writing
nbformat 4, and the predicates that say what a cell is (a solution region, a test cell, a cell that
only runs self-checks). One module, so that every reader agrees on what a cell is."""
import hashlib
import json
import re
from pathlib import Path

import nbformat

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
LESSON_KEY = "cnn_grade"  # an exercise's lesson cell metadata: {"lesson_sha256": ..., "setup": bool}
SETUP_TAG = "setup"       # a solution notebook's cell tag: the cell runs whenever a submission is graded
_CHECK_CALL = re.compile(r"""^\s*check\(\s*['"](?P<question>[A-Za-z0-9_]+)['"]\s*\)\s*$""", re.M)
# A line of a cell that only runs self-checks, matched after strip(): a comment, the import, a
# `check("...")` call (leading whitespace stripped first keeps the match linear on long lines).
_CHECK_LINE = re.compile(r"""(#.*|from\s+autograder\s+import\s+check\s*(#.*)?|"""
                         r"""check\(\s*['"][A-Za-z0-9_]+['"]\s*\)\s*(#.*)?|)""")


def read_notebook(path):
    """A notebook as nbformat 4. Cells without an id get a stable one (nbformat would invent a
    random id on every read, and the exercises would never be up to date)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("nbformat") == 4 and data.get("nbformat_minor", 0) >= 5:
        taken = {cell.get("id") for cell in data.get("cells", [])}
        for index, cell in enumerate(data.get("cells", [])):
            if not cell.get("id"):
                cell["id"] = next(f"cell-{index}{suffix}" for suffix in ("", *map(str, range(1, 99)))
                                  if f"cell-{index}{suffix}" not in taken)
                taken.add(cell["id"])
    return nbformat.reads(json.dumps(data), as_version=4)


def notebook_text(notebook):
    return nbformat.writes(notebook) + "\n"


def write_text(path, text):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def is_solution_cell(cell):
    return bool(nbgrader_meta(cell).get("solution")) or BEGIN_SOLUTION in cell.get("source", "")


def test_question(cell):
    """The question a test cell checks (`check("q")`), or None for any other cell."""
    if cell.get("cell_type") != "code":
        return None
    found = _CHECK_CALL.search(cell.get("source", ""))
    if found:
        return found["question"]
    meta = nbgrader_meta(cell)
    return meta.get("grade_id") if meta.get("grade") and not meta.get("solution") else None




def source_sha256(source):
    return hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()


def lesson_metadata(cell):
    """The metadata an instructor's cell (neither a solution nor a test cell) gets in the exercises:
    the hash of its source, and whether it must always run (tagged `setup` in the solution)."""
    tags = cell.get("metadata", {}).get("tags", [])
    return {"lesson_sha256": source_sha256(cell.get("source", "")), "setup": SETUP_TAG in tags}


def is_unchanged_lesson_cell(source, cell):
    """True for an instructor's cell that is not setup and that the student left as it was (its
    source still has the hash the exercise gave it): grading may skip it."""
    metadata = cell.get("metadata")
    lesson = metadata.get(LESSON_KEY) if isinstance(metadata, dict) else None
    return (isinstance(lesson, dict) and lesson.get("setup") is False
            and lesson.get("lesson_sha256") == source_sha256(source))


def is_check_cell(source):
    """True for a cell that only imports and runs self-checks (and comments)."""
    lines = source.splitlines()
    return any("check(" in line for line in lines) and all(_CHECK_LINE.fullmatch(line.strip()) for line in lines)
