"""Reading submissions: notebooks, .py files and folders of them, into cells of plain Python.

A lone file's name before its extension is the student id; a folder SUBMISSIONS/<student>/ holds
one student's files, read in name order. IPython's own transformer turns `%magics` and `!commands`
into `get_ipython()` calls here, in the grader, so the sandbox needs no IPython. A file that cannot
be read is not an exception: the submission carries an `error` and still gets a results file.
"""
import errno
import hashlib
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from IPython.core.inputtransformer2 import TransformerManager

from autograder.notebooks import is_check_cell, is_unchanged_lesson_cell

SOURCE_SUFFIXES = (".ipynb", ".py")
MAX_FILE_BYTES = 20 << 20   # a notebook with embedded images is a few MB; more is not a submission
# A line that may use IPython's syntax (%magic, !shell, x = %magic, obj?): only cells with one go
# through IPython's transformer, whose time grows with (such lines) x (cell length), bounded here.
IPYTHON_SYNTAX = re.compile(r"^[ \t]*[%!?]|=[ \t]*[%!]|\?[ \t]*$", re.M)
TRANSFORM_BUDGET = 200_000  # characters x lines of IPython syntax: about a second
FOLDER_HASH_DIGITS = 16     # 64 bits: no one finds an id whose folder is another's
HASHED_FOLDER = re.compile(rf".*-[0-9a-f]{{{FOLDER_HASH_DIGITS}}}", re.S)


@dataclass
class Submission:
    """One student's work. cells: [{"label", "filename", "source", "lesson"}] ready for the sandbox
    (lesson: an instructor's cell the student left unchanged, which grading may skip);
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
            digest.update(os.fsencode(path.name) + b"\0" + _read_bytes(path) + b"\0")
        except Unreadable as problem:
            digest.update(os.fsencode(path.name) + b"\0" + problem.kind.encode() + b"\0")
    return digest.hexdigest()


# Folders that archive tools put beside the students' work: never a student.
NOT_STUDENTS = {"__MACOSX": "macOS's archive metadata", "__pycache__": "Python's bytecode cache"}


def find_submissions(paths):
    """Submissions in command-line paths: a file is one student's; a folder holds lone files and
    one subfolder per student. Files of one id in one folder (alice.ipynb, alice.py) go together.
    Only fingerprinted here: the grading workers read and parse them."""
    by_student = {}
    for path in map(Path, paths):
        if path.is_dir():
            for entry in sorted(path.iterdir()):
                if entry.name.startswith(".") or entry.name in NOT_STUDENTS:
                    continue
                if entry.is_symlink() and (entry.suffix in SOURCE_SUFFIXES or entry.is_dir()):
                    # Listed, so that its results say it was not followed; reading refuses it.
                    by_student.setdefault(display_name(entry.stem), []).append(entry)
                elif entry.is_dir():
                    by_student.setdefault(display_name(entry.name), []).extend(_source_files(entry))
                elif entry.suffix in SOURCE_SUFFIXES:
                    by_student.setdefault(display_name(entry.stem), []).append(entry)
        else:
            by_student.setdefault(display_name(path.stem), []).append(path)
    return [Found(student, files, fingerprint(files)) for student, files in by_student.items()]


def display_name(name):
    """A file name as text that can go anywhere (JSON, SQLite, HTML): bytes that are not UTF-8
    (which Python holds as lone surrogates) are written as \\xNN."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def _source_files(folder):
    """The source files under a student's folder in name order, hidden ones left out. Symbolic
    links are listed, whatever they point to, so that reading refuses them by name; no linked
    folder is entered."""
    found = []
    for root, folders, files in os.walk(folder):  # followlinks=False
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in files + folders:
            path = Path(root, name)
            if not name.startswith(".") and (path.is_symlink() or (name in files and path.suffix in SOURCE_SUFFIXES)):
                found.append(path)
    return sorted(found)


def read_submission(student, files):
    """Read one student's files. A file that cannot be read is noted and the rest are graded;
    only when nothing is left does the submission carry an `error`."""
    submission = Submission(student, list(files), sha256=fingerprint(files))
    problems = []
    for path in files:
        try:
            submission.cells += _cells(path, _read_bytes(path), submission)
        except Unreadable as problem:
            problems.append({"kind": problem.kind, "message": f"{display_name(path.name)}: {problem.message}"})
    if submission.cells:
        submission.notes += [f"{problem['message']} (this file was not graded)" for problem in problems]
    elif problems:
        submission.error = problems[0]
    else:
        submission.error = {"kind": "empty", "message": "The submission holds no code to grade."}
    return submission


def _read_bytes(path):
    """The bytes of a regular file, at most MAX_FILE_BYTES, never through a symbolic link (the
    grader runs as root: a link to /etc/shadow must not put it in anyone's results)."""
    try:
        # O_NONBLOCK: a FIFO named alice.py must not stall the grader before fstat refuses it.
        descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Unreadable("symlink", "this is a symbolic link, which the grader does not follow") from None
        raise Unreadable("unreadable", f"the file cannot be read ({error.strerror})") from None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            raise Unreadable("not-a-file", "this is not a regular file")
        with open(descriptor, "rb", closefd=False) as file:
            data = file.read(MAX_FILE_BYTES + 1)
        if len(data) > MAX_FILE_BYTES:
            raise Unreadable("too-large", f"the file is over {MAX_FILE_BYTES >> 20} MB, the limit")
        return data
    except OSError as error:
        raise Unreadable("unreadable", f"the file cannot be read ({error.strerror})") from None
    finally:
        os.close(descriptor)


def _text(data):
    if b"\0" in data:
        raise Unreadable("binary", "this is a binary file, not a notebook or Python source")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable("encoding", "the file is not UTF-8 text") from None


def _cells(path, data, submission):
    """The file's code cells as [{"label", "filename", "source", "lesson"}]; problems go to its notes.
    A notebook cell is labelled by the number Jupyter shows beside it (`cell [7]`) when it was run,
    else by its place among the code cells (`cell 7`)."""
    text = _text(data)
    if not text.strip():
        raise Unreadable("empty", "the file is empty")
    if path.suffix == ".py":
        sources = [(text, {})]
    else:
        sources = _notebook_sources(text)
    transform = TransformerManager().transform_cell
    cells = []
    for number, (source, cell) in enumerate(sources, 1):
        if path.suffix == ".ipynb" and is_check_cell(source):
            submission.checks_skipped += 1
            continue
        name, count = display_name(path.name), cell.get("execution_count")
        label = name if path.suffix == ".py" else f"{name}, cell [{count}]" if type(count) is int else f"{name}, cell {number}"
        python = _plain_python(source, label, transform, submission.notes)
        cells.append({"label": label, "filename": f"<{_safe_label(label)}>", "source": python,
                      "lesson": is_unchanged_lesson_cell(source, cell)})
    return cells


def _plain_python(source, label, transform, notes):
    """The cell as plain Python: IPython's transformer where the cell uses IPython's syntax. It
    reads the whole cell again for each line of that syntax, so a long cell with many of them
    (minutes of the grader's time) is run as it is, and a note says so."""
    special = len(IPYTHON_SYNTAX.findall(source))
    if not special:
        return source
    if special * len(source) > TRANSFORM_BUDGET:
        notes.append(f"{label}: too long, with {special} lines of IPython syntax, to be translated; it was run as it is")
        return source
    try:
        return transform(source)
    except Exception as error:  # IPython's transformer gives up on some malformed input
        notes.append(f"{label}: could not be read as IPython ({error}); it was run as it is")
        return source


def _notebook_sources(text):
    """[(source, cell)] of an nbformat notebook's code cells, upgraded to version 4 where possible."""
    try:
        json.loads(text)
    except json.JSONDecodeError as error:
        raise Unreadable("bad-json", f"the notebook is not valid JSON ({error.msg}, line {error.lineno})") from None
    except RecursionError:
        raise Unreadable("bad-json", "the notebook's JSON is nested too deeply to be a notebook") from None
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
            sources.append(("".join(source) if isinstance(source, list) else str(source), cell))
    return sources


def _safe_label(label):
    """A traceback filename: the label without characters that could confuse a reader."""
    return re.sub(r"[^\w .,\[\]-]", "_", label)


def output_folder_name(student):
    """A folder name for any student id, however odd: safe characters kept, the rest replaced,
    and a hash appended when anything changed, so two ids never share a folder. An id that
    already looks like such a name (`a_b-<16 hex>`) gets a hash too: it cannot take the folder of
    the id `a b`."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", student)[:80].lstrip(".") or "_"
    if safe == student and not HASHED_FOLDER.fullmatch(student):
        return safe
    digest = hashlib.sha256(student.encode("utf-8", "surrogateescape")).hexdigest()
    return f"{safe}-{digest[:FOLDER_HASH_DIGITS]}"
