"""The assignment file: its questions (functions, points per hidden test, settings), limits,
forbidden APIs and the secret seed, read and checked by one `load_assignment`.

Light to import (no numpy, torch or pytest): the student's self-check reads it too. Every fact
about a question lives in its `[questions.<id>]` table, so a second torch question is a TOML edit.
"""
import ast
import difflib
import functools
import tomllib
from dataclasses import dataclass, fields, replace
from datetime import datetime
from pathlib import Path

import jsonschema

DEFAULT = Path(__file__).parent / "assignment.toml"
SUITES = Path(__file__).parent / "suites"


@dataclass(frozen=True)
class Limits:
    load_seconds: float = 60
    cell_seconds: float = 20
    call_seconds: float = 10
    memory_mb: int = 2048
    cpu_seconds: int = 600
    processes: int = 32
    file_mb: int = 16
    tmp_mb: int = 64
    output_kb: int = 32


@dataclass(frozen=True)
class Question:
    """One graded question. functions: what the student defines; from_scratch: the forbidden APIs
    apply; trains_model: graded in the model sandbox on a data set (torch imported there alone);
    tests: {hidden test function: points}; settings: the other keys, for the suite's `settings`."""
    id: str
    title: str
    functions: tuple
    from_scratch: bool
    trains_model: bool
    tests: dict
    settings: dict

    @property
    def points(self):
        return sum(self.tests.values())


@dataclass(frozen=True)
class Policy:
    """The late policy (SPEC "The ledger"): due (aware datetime); late_penalty_per_day: the share
    of the score each late day costs; past max_late_days (None: no cap) the score is 0;
    grace_days: the course-wide budget of free late days per student."""
    due: datetime
    late_penalty_per_day: float = 0.0
    max_late_days: int | None = None
    grace_days: int = 0


def aware_datetime(value):
    """A TOML date-time or ISO 8601 text with a time zone -> datetime; None when it is not one."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
    return value if isinstance(value, datetime) and value.tzinfo is not None else None


@dataclass(frozen=True)
class Assignment:
    name: str
    seed: str
    limits: Limits
    forbidden: tuple
    questions: dict    # id -> Question, in the file's order
    source: bytes      # the file's bytes, so a changed assignment regrades
    policy: Policy | None = None   # no [policy] table: lateness is not looked at

    @property
    def ids(self):
        return list(self.questions)

    @property
    def weights(self):
        """{question: {test: points}}"""
        return {question.id: question.tests for question in self.questions.values()}

    @property
    def settings(self):
        """{question: settings}, what the suites' `settings` fixture hands out."""
        return {question.id: question.settings for question in self.questions.values()}

    def points(self, question):
        return self.questions[question].points

    def model_limits(self, question):
        """The limits of a model question's sandbox: its own memory_mb where it sets one."""
        memory = self.questions[question].settings.get("memory_mb", self.limits.memory_mb)
        return replace(self.limits, memory_mb=memory)


# The file's shape; values that the schema cannot judge alone (test names, thresholds) are checked
# after it. Every bad value is reported, one line each.
_POSITIVE = {"type": "number", "exclusiveMinimum": 0}
SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "seed": {"type": "string"},
        "limits": {"type": "object", "additionalProperties": False,
                   "properties": {field.name: _POSITIVE for field in fields(Limits)}},
        "policy": {"type": "object", "additionalProperties": False, "required": ["due"],
                   "properties": {"due": {},   # a TOML date-time or ISO 8601 text, checked after
                                  "late_penalty_per_day": {"type": "number", "minimum": 0, "maximum": 1},
                                  "max_late_days": {"type": "integer", "minimum": 0},
                                  "grace_days": {"type": "integer", "minimum": 0}}},
        "forbidden": {"type": "object", "additionalProperties": False,
                      "properties": {"apis": {"type": "array", "items": {"type": "string", "minLength": 1}}}},
        "questions": {"type": "object", "minProperties": 1, "additionalProperties": {
            "type": "object",
            "required": ["tests"],
            "properties": {
                "title": {"type": "string"},
                "functions": {"type": "array", "minItems": 1,
                              "items": {"type": "string", "pattern": "^[A-Za-z_][A-Za-z0-9_]*$"}},
                "from_scratch": {"type": "boolean"},
                "trains_model": {"type": "boolean"},
                "tests": {"type": "object", "minProperties": 1,
                          "additionalProperties": {"type": "number", "minimum": 0}},
                "full_lines_per_pixel": _POSITIVE, "zero_lines_per_pixel": _POSITIVE,
                "seed": {"type": "integer"}, "train_seconds": _POSITIVE,
                "parameter_budget": {"type": "integer", "minimum": 1}, "memory_mb": _POSITIVE,
                "accuracy": {"type": "object", "additionalProperties": {
                    "type": "array", "items": {"type": "number", "minimum": 0, "maximum": 1},
                    "minItems": 2, "maxItems": 2}},
            },
        }},
    },
}


class AssignmentError(ValueError):
    """An assignment file that cannot be used; its message has one line per problem."""


def questions_with_suites():
    return sorted(path.stem.removeprefix("test_") for path in SUITES.glob("test_*.py"))


def suite_tests(question):
    """The test functions of a question's hidden suite, read from its source (no import)."""
    tree = ast.parse((SUITES / f"test_{question}.py").read_text())
    return [node.name for node in tree.body
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test_")] + [
        alias.asname or alias.name for node in tree.body if isinstance(node, ast.ImportFrom)
        for alias in node.names if (alias.asname or alias.name).startswith("test_")]


def _where(error):
    return ".".join(str(part) for part in error.absolute_path) or "the file"


def _suite_problems(question, tests, known):
    """A question without a hidden suite, or tests its suite does not have, in words."""
    if question not in known:
        close = difflib.get_close_matches(question, known, n=1)
        return [f"questions.{question}: no hidden suite for this question" + (f" (did you mean {close[0]}?)" if close else "")]
    problems, written = [], suite_tests(question)
    for test in tests:
        if test not in written:
            close = difflib.get_close_matches(test, written, n=1)
            problems.append(f"questions.{question}.tests.{test}: the suite has no such test"
                            + (f" (did you mean {close[0]}?)" if close else ""))
    return problems


def _problems(data):
    """Every problem of the parsed file, in words, one per line."""
    problems = [f"{_where(error)}: {error.message}"
                for error in sorted(jsonschema.Draft202012Validator(SCHEMA).iter_errors(data), key=str)]
    if problems:
        return problems
    if "policy" in data and aware_datetime(data["policy"]["due"]) is None:
        problems.append(f"policy.due: {data['policy']['due']!r} is not an ISO 8601 date and time with a time zone")
    # The students' wheel holds no hidden suites: its file is the instructor's, checked when built.
    known = questions_with_suites() if SUITES.is_dir() else None
    for question, table in data["questions"].items():
        if known is not None:
            problems += _suite_problems(question, table["tests"], known)
        for data_set, (nothing, full) in table.get("accuracy", {}).items():
            if nothing >= full:
                problems.append(f"questions.{question}.accuracy.{data_set}: [{nothing}, {full}] must rise "
                                "from no points to full points")
        if table.get("full_lines_per_pixel", 0) >= table.get("zero_lines_per_pixel", float("inf")):
            problems.append(f"questions.{question}: full_lines_per_pixel must be below zero_lines_per_pixel")
    return problems


@functools.cache
def bundled_assignment():
    """The assignment file shipped with the package, read once: what the self-check knows."""
    return load_assignment(DEFAULT)


def load_assignment(path=None):
    """Read and check an assignment file. Raises AssignmentError naming every bad value."""
    path = Path(path or DEFAULT)
    try:
        source = path.read_bytes()
    except OSError as error:
        raise AssignmentError(f"{path}: cannot read the assignment file ({error.strerror})") from None
    try:
        data = tomllib.loads(source.decode())
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise AssignmentError(f"{path}: not a valid TOML file: {error}") from None
    problems = _problems(data)
    if problems:
        raise AssignmentError("\n".join(f"{path}: {problem}" for problem in problems))
    questions = {}
    for question, table in data["questions"].items():
        settings = {key: value for key, value in table.items()
                    if key not in ("tests", "title", "functions", "from_scratch", "trains_model")}
        questions[question] = Question(
            id=question, title=table.get("title", question), functions=tuple(table.get("functions", (question,))),
            from_scratch=table.get("from_scratch", True), trains_model=table.get("trains_model", False),
            tests=dict(table["tests"]), settings=settings)
    return Assignment(name=data.get("name", path.stem), seed=data.get("seed", ""),
                      limits=Limits(**data.get("limits", {})), forbidden=tuple(data.get("forbidden", {}).get("apis", ())),
                      questions=questions, source=source, policy=_policy(data.get("policy")))


def _policy(table):
    return Policy(**{**table, "due": aware_datetime(table["due"])}) if table else None
