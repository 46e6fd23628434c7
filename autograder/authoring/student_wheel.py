"""The students' wheel: `from autograder import check` on a student's own machine, and nothing of
what grades them.

It holds the self-check and the modules it imports (found by importing it in a fresh process), the
assignment file without its secret seed, and, as `cnn_ref`, the reference's recorded answers to
the public checks' calls (`recorded_reference`) instead of the reference itself. The hidden suites,
the reference's code, the grader's records and this authoring package stay with the instructor.
"""
import contextlib
import functools
import importlib
import importlib.util
import json
import re
import shutil
import subprocess
import sys
import tempfile
import types
from pathlib import Path

import numpy as np

import autograder
import cnn_ref
from autograder.assignment import DEFAULT, load_assignment
from autograder.authoring import recorded_reference
from autograder.authoring.wheels import pip_wheel
from autograder.authoring.recorded_reference import RAISABLE, call_key, encode

DISTRIBUTION = "cnn-autograder-selfcheck"
# What the self-check is; its imports decide the rest of the wheel.
ENTRY = ("autograder.selfcheck.checks", "autograder.selfcheck.public_cases")
# What must never reach a student, whatever the self-check comes to import.
GRADER_ONLY = ("autograder.suites", "autograder.authoring", "autograder.records", "autograder.grading.hidden",
               "autograder.grading.pipeline", "autograder.grading.model_cache")
# The assignment's seed (the secret of the hidden inputs) is a top-level key: before the first table.
SEED_LINE = re.compile(r"^\s*seed\s*=.*$", re.MULTILINE)
FIRST_TABLE = re.compile(r"^\s*\[", re.MULTILINE)

PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "The CNN assignment's self-check: public cases only, without the reference or the hidden tests"
requires-python = ">=3.11"
# torch is not here: lesson 4 imports it itself, and only its check needs it.
dependencies = ["numpy>=1.24", "jsonschema>=4.18"]

[tool.setuptools.packages.find]
include = ["autograder*", "cnn_ref*"]

[tool.setuptools.package-data]
autograder = ["assignment.toml"]
cnn_ref = ["answers.json"]
"""
STAND_IN = '"""The reference\'s recorded answers to the public checks (see _recorded)."""\n' \
           "from cnn_ref._recorded import attribute_of\n\n__getattr__ = attribute_of(__name__)\n"


@functools.cache
def student_modules():
    """The autograder modules that importing the self-check loads, in a fresh process."""
    program = "; ".join(["import json, sys", *(f"import {module}" for module in ENTRY),
                         "print(json.dumps(sorted(sys.modules)))"])
    loaded = json.loads(subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                                       check=True).stdout)
    modules = [name for name in loaded if name == "autograder" or name.startswith("autograder.")]
    leaked = [name for name in modules if name.startswith(GRADER_ONLY)]
    if leaked:
        raise RuntimeError(f"the self-check imports grader-only modules: {', '.join(leaked)}")
    return modules


def student_assignment(assignment_file):
    """The assignment file's text without its top-level seed, refused when it still holds it."""
    text = Path(assignment_file).read_text()
    first_table = FIRST_TABLE.search(text)
    split = first_table.start() if first_table else len(text)
    text = SEED_LINE.sub("", text[:split]) + text[split:]
    seed = load_assignment(assignment_file).seed
    if seed and seed in text:
        raise RuntimeError(f"{assignment_file}: the seed is written in a way this build cannot remove")
    return text


# ---- recording the reference's answers --------------------------------------------------------------

class _Book:
    """What a recording gathers: the reference's functions, tables of functions ({name: keys}) and
    constants (encoded) by qualified name, the calls ({call key: returns or raises}), and the
    reference modules that the self-check reaches."""

    def __init__(self):
        self.functions, self.tables, self.constants, self.calls, self.modules = set(), {}, {}, {}, set()

    def function(self, qualified, function):
        self.functions.add(qualified)

        def recorded(*args, **kwargs):
            key = call_key(qualified, args, kwargs)  # before the call: a caller may change them after
            try:
                result = function(*args, **kwargs)
            except tuple(RAISABLE.values()) as error:
                if key:
                    kind = next(name for name, base in RAISABLE.items() if isinstance(error, base))
                    self.calls[key] = {"raises": kind, "message": str(error)}
                raise
            if key:
                with contextlib.suppress(TypeError):  # a result that is not plain data: not recorded
                    self.calls[key] = {"returns": encode(result)}
            return result
        return recorded

    def attribute(self, qualified, value):
        """What a consumer gets for the reference's `value`: its recording stand-in."""
        if callable(value):
            return self.function(qualified, value)
        if _is_table(value):
            self.tables[qualified] = sorted(value)
            return {key: self.function(f"{qualified}.{key}", item) for key, item in value.items()}
        with contextlib.suppress(TypeError):  # not plain data: the wheel will not have it
            self.constants[qualified] = encode(value)
        return value

    def json(self):
        return {"functions": sorted(self.functions), "tables": self.tables, "constants": self.constants,
                "calls": self.calls, "modules": sorted(self.modules)}


def _is_table(value):
    """A dict of functions by name, such as the reference's per-layer size rules."""
    return isinstance(value, dict) and bool(value) and all(
        isinstance(key, str) and callable(item) for key, item in value.items())


class _RecordingModule(types.ModuleType):
    """A reference module whose functions record each call, seen through a consumer's global."""

    def __init__(self, module, book):
        super().__init__(module.__name__)
        self._module, self._book = module, book
        book.modules.add(module.__name__)
        for name, value in vars(module).items():  # a consumer may have read them when it was imported
            if not name.startswith("__") and not callable(value) and not isinstance(value, types.ModuleType):
                book.attribute(f"{module.__name__}.{name}", value)

    def __getattr__(self, name):
        return self._book.attribute(f"{self._module.__name__}.{name}", getattr(self._module, name))


_ABSENT = object()


def _reference_modules():
    return [module for name, module in sorted(sys.modules.items())
            if module is not None and (name == "cnn_ref" or name.startswith("cnn_ref."))]


@contextlib.contextmanager
def _recording(consumers, book):
    """Route the reference that the `consumers` modules reach (as a module, a function or a
    constant imported by name) through `book`, and put it back afterwards."""
    replaced = []
    for consumer in consumers:
        for name, value in list(vars(consumer).items()):
            if isinstance(value, types.ModuleType) and value.__name__.split(".")[0] == "cnn_ref":
                stand_in = _RecordingModule(value, book)
            elif callable(value) and getattr(value, "__module__", "").split(".")[0] == "cnn_ref":
                book.modules.add(value.__module__)
                stand_in = book.attribute(f"{value.__module__}.{value.__name__}", value)
            else:
                for module in _reference_modules():  # a constant imported by name
                    if not callable(value) and getattr(module, name, _ABSENT) is value:
                        book.modules.add(module.__name__)
                        book.attribute(f"{module.__name__}.{name}", value)
                continue
            replaced.append((consumer, name, value))
            setattr(consumer, name, stand_in)
    try:
        yield
    finally:
        for consumer, name, value in replaced:
            setattr(consumer, name, value)


def _off(value):
    """A wrong answer of the reference's answer's type and shape."""
    if isinstance(value, np.ndarray):
        return value + 1
    if isinstance(value, (tuple, list)):
        return type(value)(_off(item) for item in value)
    if isinstance(value, dict):
        return {key: _off(item) for key, item in value.items()}
    if isinstance(value, bool):
        return not value
    return value + 1 if isinstance(value, (int, float)) else value


def _reshaped(value):
    """A wrong answer one larger on every axis."""
    if isinstance(value, np.ndarray):
        return np.zeros(tuple(size + 1 for size in value.shape), dtype=value.dtype)
    if isinstance(value, (tuple, list)):
        return type(value)(_reshaped(item) for item in value)
    return _off(value)


def _students(functions):
    """Namespaces of the reference's functions, right and wrong in the ways that make the checks
    diagnose: a wrong value, a wrong shape, an exception."""
    def distorted(function, change):
        return lambda *args, **kwargs: change(function(*args, **kwargs))

    def raising(*args, **kwargs):
        raise ValueError("recording the reference's answers")

    for change in (None, _off, _reshaped, "raises"):
        namespace = {"__name__": "recording"}
        for name in functions:
            function = getattr(cnn_ref, name)
            namespace[name] = (function if change is None else raising if change == "raises"
                               else distorted(function, change))
        yield namespace


def record_answers():
    """The reference's answers to every call that the public checks make, right and wrong answers
    checked, as recorded_reference reads them."""
    from autograder.selfcheck.checks import run_public_checks
    from autograder.selfcheck.public_cases import PUBLIC

    questions = load_assignment(DEFAULT).questions
    book = _Book()
    consumers = [importlib.import_module(name) for name in student_modules()]
    with _recording(consumers, book), np.errstate(all="ignore"):
        for question in PUBLIC:
            if question in questions and not questions[question].trains_model:  # no reference there
                for namespace in _students(questions[question].functions):
                    run_public_checks(question, namespace)
    return book.json()


# ---- the wheel -----------------------------------------------------------------------------------------

def _source(module):
    """(path in the wheel, path here) of an importable module."""
    origin = Path(importlib.util.find_spec(module).origin)
    inside = Path(*module.split("."))
    return (inside / "__init__.py" if origin.name == "__init__.py" else inside.with_suffix(".py")), origin


def write_student_wheel(target_dir, assignment_file=None):
    """Build target_dir/cnn_autograder_selfcheck-<version>-py3-none-any.whl; returns its path."""
    assignment_file = Path(assignment_file or DEFAULT)
    answers = record_answers()
    with tempfile.TemporaryDirectory(prefix="cnn-grade-student-wheel-") as scratch:
        tree = Path(scratch) / "project"
        for inside, origin in map(_source, student_modules()):
            (tree / inside).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(origin, tree / inside)
        (tree / "autograder" / "assignment.toml").write_text(student_assignment(assignment_file))
        stand_in = tree / "cnn_ref"
        stand_in.mkdir()
        shutil.copyfile(recorded_reference.__file__, stand_in / "_recorded.py")
        (stand_in / "answers.json").write_text(json.dumps(answers))
        for module in answers["modules"]:
            path = tree / Path(*module.split("."))
            (path / "__init__.py" if module == "cnn_ref" else path.with_suffix(".py")).write_text(STAND_IN)
        (tree / "pyproject.toml").write_text(PYPROJECT.format(name=DISTRIBUTION, version=autograder.__version__))
        pip_wheel(tree, target_dir, "the students' wheel")
    return Path(target_dir) / f"{DISTRIBUTION.replace('-', '_')}-{autograder.__version__}-py3-none-any.whl"
