"""What one call of a student's function in the sandbox gave back: plain data, never an object.

The hidden suites receive an `Answer` for every call they make through the `student` fixture and
hand it to the checks in `expect`, which turn it into a pass or a `WrongAnswer` with diagnoses.
"""
import reprlib
from dataclasses import dataclass, field

# Why a call gave no value. None means the function returned normally.
MISSING = "missing"        # the submission does not define the function
RAISED = "raised"          # the student's code raised an exception
TIMEOUT = "timeout"        # the call ran past its wall-clock limit and the sandbox was killed
CRASHED = "crashed"        # the sandbox died during the call (segfault, os._exit, memory limit)
UNREADABLE = "unreadable"  # the return value is not plain data the grader accepts
UNLOADABLE = "unloadable"  # the submission could not be loaded (again) into a sandbox


@dataclass
class Answer:
    """One call: what the grader sent and what came back.

    function: the student's function name; args, kwargs: the grader's own copies of the inputs;
    value: the decoded result (ndarray, int, float, str, None, or tuples / lists / dicts of them);
    failure: one of the constants above, or None; message: what went wrong, in words;
    exception: the names of the raised exception's classes, most derived first (["ValueError",
    "Exception", ...]); mutated: names of array arguments the call changed; forbidden: forbidden
    APIs it called; output: what the call printed (truncated); seconds: its wall-clock time;
    lines: the Python lines of the student's own code that it ran, when the call was counted (to
    judge its speed) and the count can be trusted, else None.
    """
    function: str
    args: tuple
    kwargs: dict
    value: object = None
    failure: str | None = None
    message: str = ""
    exception: list = field(default_factory=list)
    mutated: list = field(default_factory=list)
    forbidden: list = field(default_factory=list)
    output: str = ""
    seconds: float = 0.0
    lines: int | None = None
    switched_off: list = field(default_factory=list)   # the grader's monitors the call switched off

    def describe_call(self):
        """`conv2d_forward(x: float64 (2, 3, 7, 9), w: ..., stride=2)`: the inputs' kinds, not values."""
        parts = [_describe(value) for value in self.args]
        parts += [f"{name}={_describe(value)}" for name, value in self.kwargs.items()]
        return f"{self.function}({', '.join(parts)})"


@dataclass
class ModelRun:
    """What training and evaluating the student's model gave, all as plain data.

    failure / message: as for an Answer; seconds: train_model's wall-clock time; state: the trained
    model's state_dict as {name: array}; statistics: the names in it that are batch-norm running
    statistics, not parameters; devices: where its parameters ended up; labels: its predictions
    for the held-out images; first_outputs: its raw outputs for the first batch of them; cached:
    read back from an earlier grading of the same submission (`model_cache.py`), not trained now.
    """
    device: str
    failure: str | None = None
    message: str = ""
    output: str = ""
    seconds: float = 0.0
    state: dict = field(default_factory=dict)
    statistics: list = field(default_factory=list)
    devices: list = field(default_factory=list)
    labels: object = None
    first_outputs: object = None
    cached: bool = False


TEXT_LIMIT = 8_192        # characters kept of any one text from the sandbox (a traceback, a name)
VALUE_LIMIT = 120         # characters of a wrong value's repr shown to the student
_REPR = reprlib.Repr()  # Python 3.11's Repr takes no arguments
_REPR.maxlevel, _REPR.maxtuple, _REPR.maxlist, _REPR.maxdict, _REPR.maxlong = 2, 4, 4, 4, 40
_REPR.maxstring = _REPR.maxother = VALUE_LIMIT


def untrusted_text(text, limit=TEXT_LIMIT):
    """Text that student code produced, as the grader keeps it: the one gate where it enters the
    results. -> a str of at most `limit` characters (and a note of how many more there were), with
    lone surrogates, which no file, page or database can hold, replaced; anything that is not a str
    (a forged reply) is named by its type."""
    if not isinstance(text, str):
        return f"(a {type(text).__name__}, not text)"
    kept = text[:limit].encode("utf-8", "replace").decode("utf-8")
    return kept if len(text) <= limit else f"{kept}\n... ({len(text) - limit} more characters not shown)"


def describe_value(value, limit=VALUE_LIMIT):
    """A student's value as a short repr for a message: a 20 MB string shows its first `limit`
    characters, a long list its first items (reprlib), never the whole of it."""
    return untrusted_text(_REPR.repr(value), limit + 40)


def _describe(value):
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{value.dtype} array of shape {tuple(shape)}"
    return repr(value)
