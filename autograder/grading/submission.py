"""Reading submissions: notebooks, .py files and folders of them, into cells of plain Python.

A lone file's name before its extension is the student id; a folder SUBMISSIONS/<student>/ holds
one student's files, read in name order. IPython's own transformer turns `%magics` and `!commands`
into `get_ipython()` calls here, in the grader, so the sandbox needs no IPython. A file that cannot
be read is not an exception: the submission carries an `error` and still gets a results file.
"""
import hashlib
import json
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

# jsonschema, which nbformat imports, builds an IRI grammar at import time when rfc3987-syntax is
# installed (nbgrader's dependencies bring it): 4 s of CPU at every start, for a string format no
# notebook schema uses. Without the module jsonschema skips that format (jsonschema issue 1428).
sys.modules.setdefault("rfc3987_syntax", None)
import nbformat  # noqa: E402
from IPython.core.inputtransformer2 import TransformerManager

from autograder.notebooks import is_check_cell

SOURCE_SUFFIXES = (".ipynb", ".py")
MAX_FILE_BYTES = 20 << 20   # a notebook with embedded images is a few MB; more is not a submission


@dataclass
class Submission:
    """One student's work. cells: [{"label", "filename", "source"}] ready for the sandbox;
    error: {"kind", "message"} when nothing could be graded; notes: smaller problems to report;
    checks_skipped: self-check cells left out (the sandbox has no autograder to run them)."""
    student: str
    paths: list
    cells: list = field(default_factory=list)
    sha256: str = ""
    error: dict | None = None
    notes: list = field(default_factory=list)
    checks_skipped: int = 0


class Unreadable(Exception):
    def __init__(self, kind, message):
        super().__init__(message)
        self.kind, self.message = kind, message


@dataclass
class Found:
    """A submission found on disk, not read yet: who, which files, and their fingerprint."""
    student: str
    paths: list
    sha256: str


def fingerprint(files):
    """sha256 of the files' names and bytes: an unchanged submission has an unchanged print."""
    digest = hashlib.sha256()
    for path in files:
        try:
            digest.update(path.name.encode() + b"\0" + _read_bytes(path) + b"\0")
        except Unreadable as problem:
            digest.update(path.name.encode() + b"\0" + problem.kind.encode() + b"\0")
    return digest.hexdigest()


def find_submissions(paths):
    """Submissions in command-line paths: a file is one student's; a folder holds lone files and
    one subfolder per student. Files of one id in one folder (alice.ipynb, alice.py) go together.
    Only fingerprinted here: the grading workers read and parse them."""
    by_student = {}
    for path in map(Path, paths):
        if path.is_dir():
            for entry in sorted(path.iterdir()):
                if entry.is_dir() and not entry.name.startswith("."):
                    by_student.setdefault(entry.name, []).extend(_source_files(entry))
                elif entry.suffix in SOURCE_SUFFIXES and not entry.name.startswith("."):
                    by_student.setdefault(entry.stem, []).append(entry)
        else:
            by_student.setdefault(path.stem, []).append(path)
    return [Found(student, files, fingerprint(files)) for student, files in by_student.items()]


def _source_files(folder):
    return sorted(p for p in folder.rglob("*") if p.suffix in SOURCE_SUFFIXES and p.is_file()
                  and not any(part.startswith(".") for part in p.relative_to(folder).parts))


def read_submission(student, files):
    """Read one student's files. A file that cannot be read is noted and the rest are graded;
    only when nothing is left does the submission carry an `error`."""
    submission = Submission(student, list(files), sha256=fingerprint(files))
    problems = []
    for path in files:
        try:
            submission.cells += _cells(path, _read_bytes(path), submission)
        except Unreadable as problem:
            problems.append({"kind": problem.kind, "message": f"{path.name}: {problem.message}"})
    if submission.cells:
        submission.notes += [f"{problem['message']} (this file was not graded)" for problem in problems]
    elif problems:
        submission.error = problems[0]
    else:
        submission.error = {"kind": "empty", "message": "The submission holds no code to grade."}
    return submission


def _read_bytes(path):
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise Unreadable("too-large", f"the file is {size >> 20} MB; the limit is {MAX_FILE_BYTES >> 20} MB")
        return path.read_bytes()
    except OSError as error:
        raise Unreadable("unreadable", f"the file cannot be read ({error.strerror})") from None


def _text(data):
    if b"\0" in data:
        raise Unreadable("binary", "this is a binary file, not a notebook or Python source")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable("encoding", "the file is not UTF-8 text") from None


def _cells(path, data, submission):
    """The file's code cells as [{"label", "filename", "source"}]; problems go to its notes."""
    text = _text(data)
    if not text.strip():
        raise Unreadable("empty", "the file is empty")
    if path.suffix == ".py":
        sources = [text]
    else:
        sources = _notebook_sources(text)
    transform = TransformerManager().transform_cell
    cells = []
    for number, source in enumerate(sources, 1):
        if path.suffix == ".ipynb" and is_check_cell(source):
            submission.checks_skipped += 1
            continue
        label = f"{path.name}, cell {number}" if path.suffix == ".ipynb" else path.name
        try:
            python = transform(source)
        except Exception as error:  # IPython's transformer gives up on some malformed input
            submission.notes.append(f"{label}: could not be read as IPython ({error}); it was run as it is")
            python = source
        cells.append({"label": label, "filename": f"<{_safe_label(label)}>", "source": python})
    return cells


def _notebook_sources(text):
    """Code cell sources of an nbformat notebook, upgraded to version 4 where possible."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable("bad-json", f"the notebook is not valid JSON ({error.msg}, line {error.lineno})") from None
    try:
        notebook = nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises several kinds for unknown or broken versions
        raise Unreadable("not-a-notebook", f"this is not a Jupyter notebook nbformat can read ({error})") from None
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise Unreadable("not-a-notebook", "the notebook has no list of cells")
    sources = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return sources


def _safe_label(label):
    """A traceback filename: the label without characters that could confuse a reader."""
    return re.sub(r"[^\w .,-]", "_", label)


def output_folder_name(student):
    """A folder name for any student id, however odd: safe characters kept, the rest replaced,
    and a short hash appended when anything changed, so two ids never share a folder."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", student)[:80].lstrip(".") or "_"
    if safe == student:
        return safe
    return f"{safe}-{hashlib.sha256(student.encode()).hexdigest()[:8]}"
