"""What one call of a student's function in the sandbox gave back: plain data, never an object.

The hidden suites receive an `Answer` for every call they make through the `student` fixture and
hand it to the checks in `expect`, which turn it into a pass or a `WrongAnswer` with diagnoses.
"""
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
    APIs it called; output: what the call printed (truncated); seconds: its wall-clock time.
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
    for the held-out images; first_outputs: its raw outputs for the first batch of them.
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


def _describe(value):
    shape = getattr(value, "shape", None)
    if shape is not None:
        return f"{value.dtype} array of shape {tuple(shape)}"
    return repr(value)
