"""The assignment file: questions, test weights, limits, forbidden APIs and the seed."""
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder.grading.hidden import questions_with_suites

DEFAULT = Path(__file__).parent / "assignment.toml"


@dataclass(frozen=True)
class Limits:
    load_seconds: float = 60
    call_seconds: float = 10
    memory_mb: int = 2048
    cpu_seconds: int = 600
    processes: int = 32
    file_mb: int = 16
    output_kb: int = 32


@dataclass(frozen=True)
class Assignment:
    name: str
    seed: str
    limits: Limits
    forbidden: tuple
    exempt: frozenset
    weights: dict      # question -> {test function name: points}
    settings: dict     # question -> its other keys (thresholds...), for the suite's `settings` fixture
    source: bytes      # the file's bytes, so a changed assignment regrades

    @property
    def questions(self):
        return list(self.weights)

    def points(self, question):
        return sum(self.weights[question].values())


def load_assignment(path=None):
    """Read and check an assignment file; every question must have a hidden suite."""
    path = Path(path or DEFAULT)
    source = path.read_bytes()
    try:
        data = tomllib.loads(source.decode())
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ValueError(f"{path}: not a valid TOML file: {error}") from None
    known = set(questions_with_suites())
    questions = data.get("questions", {})
    unknown = sorted(set(questions) - known)
    if unknown:
        raise ValueError(f"{path}: no hidden suite for the question(s) {', '.join(unknown)}")
    try:
        limits = Limits(**data.get("limits", {}))
    except TypeError as error:
        raise ValueError(f"{path}: [limits]: {error}") from None
    forbidden = data.get("forbidden", {})
    return Assignment(
        name=data.get("name", path.stem), seed=str(data.get("seed", "")), limits=limits,
        forbidden=tuple(forbidden.get("apis", ())), exempt=frozenset(forbidden.get("exempt", ())),
        weights={question: dict(table.get("tests", {})) for question, table in questions.items()},
        settings={question: {key: value for key, value in table.items() if key not in ("tests", "title")}
                  for question, table in questions.items()},
        source=source)
