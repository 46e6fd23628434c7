"""The process that runs a student's code, inside the sandbox. It holds nothing secret.

It is started as a script (`python sandbox_worker.py REPLY_FD [UID [WITHDRAWN,APIS [GPU_MB]]]`), not imported from the grader's
package, which the sandbox cannot see. It reads requests from stdin and writes replies on
REPLY_FD, each a frame
of one JSON header and NumPy `.npy` blobs (never a pickle):

- `load`: run the notebook's cells in order, as Jupyter would; a cell that raises does not stop
  the next; reply with each cell's error and output and the names the cells defined;
- `call`: call one of the student's functions on the given arguments, watching for forbidden
  APIs and mutated inputs, and counting the Python lines it runs when asked (`count_lines`);
  reply with the value as plain data, or why there is none;
- `train`, then `predict`: a model question (torch is imported for it alone): seed, build
  and train the student's model, reply with its state as plain arrays; then predict held-out
  images in eval mode. The labels of those images never enter this process.

The grader imports this module too, for the frame and value encodings, so both sides share one.
"""
import builtins
import gc
import importlib.abc
import importlib.machinery
import inspect
import io
import json
import linecache
import os
import signal
import struct
import sys
import threading
import time
import traceback
import types

import numpy as np

REQUEST_FD = 0
NDARRAY, TUPLE, DICT = "__ndarray__", "__tuple__", "__dict__"
_HEADER = struct.Struct("<II")  # JSON header length, number of blobs
_BLOB = struct.Struct("<Q")
PLAIN_KINDS = "biufc"           # bool, int, unsigned, float, complex: the array dtypes accepted


class Unreadable(Exception):
    """A value that is not plain data (an object, a function, an object array...)."""


# ---- frames and values, shared with the grader ---------------------------------------------------

def encode_frame(header, blobs=()):
    """header: JSON-able dict, blobs: bytes -> one frame's bytes."""
    body = json.dumps(header).encode()
    parts = [_HEADER.pack(len(body), len(blobs)), body]
    for blob in blobs:
        parts += [_BLOB.pack(len(blob)), blob]
    return b"".join(parts)


class FrameTooLarge(ValueError):
    """A frame past its reader's bounds, refused before the part past them is read."""


def read_frame(read_exact, max_bytes=1 << 40, max_blobs=1 << 20):
    """Read one frame with read_exact(n) -> bytes; returns (header: dict, blobs). A frame of more
    than max_bytes in all or more than max_blobs arrays raises FrameTooLarge: each part's length
    is checked against what is left before that part is read."""
    body_length, count = _HEADER.unpack(read_exact(_HEADER.size))
    if count > max_blobs:
        raise FrameTooLarge(f"a reply of {count} arrays; the limit is {max_blobs}")
    total = body_length
    if total > max_bytes:
        raise FrameTooLarge(f"a reply of more than {max_bytes >> 20} MB")
    header = json.loads(read_exact(body_length))
    if not isinstance(header, dict):
        raise ValueError("a frame whose header is not a JSON object")
    blobs = []
    for _ in range(count):
        (size,) = _BLOB.unpack(read_exact(_BLOB.size))
        total += size
        if total > max_bytes:
            raise FrameTooLarge(f"a reply of more than {max_bytes >> 20} MB")
        blobs.append(read_exact(size))
    return header, blobs


def pack(value, blobs):
    """A value as JSON-able data, its arrays appended to `blobs` as .npy bytes."""
    if value is None or type(value) in (bool, int, float, str):
        return value
    for plain in (int, float, str):  # a subclass (np.float64, or one that overrides anything)
        if isinstance(value, plain):
            return plain(value)
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.array(value, subok=False)  # a copy of the data as a base ndarray: no subclass lies
        if array.dtype.kind not in PLAIN_KINDS:
            raise Unreadable(f"an array of dtype {array.dtype}")
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        blobs.append(buffer.getvalue())
        return {NDARRAY: len(blobs) - 1}
    if type(value) in (tuple, list):
        items = [pack(item, blobs) for item in value]
        return {TUPLE: items} if type(value) is tuple else items
    if type(value) is dict:
        return {DICT: [[pack(key, blobs), pack(item, blobs)] for key, item in value.items()]}
    raise Unreadable(f"a {type(value).__module__}.{type(value).__qualname__} object")


def unpack(data, blobs):
    """The inverse of `pack`. Arrays are read with allow_pickle=False and checked for plain dtypes."""
    if isinstance(data, list):
        return [unpack(item, blobs) for item in data]
    if isinstance(data, dict):
        if NDARRAY in data:
            array = np.load(io.BytesIO(blobs[data[NDARRAY]]), allow_pickle=False)
            if array.dtype.kind not in PLAIN_KINDS:
                raise Unreadable(f"an array of dtype {array.dtype}")
            return array
        if TUPLE in data:
            return tuple(unpack(item, blobs) for item in data[TUPLE])
        if DICT in data:
            return {_hashable(unpack(key, blobs)): unpack(item, blobs) for key, item in data[DICT]}
        raise Unreadable("an unknown encoding")
    return data


def _hashable(key):
    return key.tobytes() if isinstance(key, np.ndarray) else key


# ---- running the student's code -------------------------------------------------------------------

class BoundedText(io.TextIOBase):
    """A stdout / stderr that keeps the first `limit` characters and counts the rest."""

    def __init__(self, limit):
        self.limit, self.parts, self.kept, self.dropped = limit, [], 0, 0

    def write(self, text):
        text = str(text)
        room = max(self.limit - self.kept, 0)
        self.parts.append(text[:room])
        self.kept += min(len(text), room)
        self.dropped += max(len(text) - room, 0)
        return len(text)

    def writable(self):
        return True

    def take(self):
        text = "".join(self.parts)
        if self.dropped:
            text += f"\n... ({self.dropped} more characters not shown)"
        self.parts, self.kept, self.dropped = [], 0, 0
        return text


class NotebookShell:
    """What IPython's transformed magics call (`get_ipython().run_line_magic(...)`): cell bodies
    under %%time or %%capture still run, shell commands and other magics are skipped, because
    the sandbox has no network and the grader needs the notebook's definitions, not its side shows."""

    RUN_BODY = {"time", "capture"}

    def __init__(self, namespace, notes):
        self.namespace, self.notes, self.user_ns = namespace, notes, namespace

    def run_line_magic(self, name, line, *_):
        if name == "time":
            exec(compile(line, "<%time>", "exec"), self.namespace)
        elif name not in ("matplotlib", "load_ext", "autoreload", "config", "timeit"):
            self.notes.append(f"%{name} was not run by the grader")

    def run_cell_magic(self, name, line, body):
        if name in self.RUN_BODY:
            exec(compile(body, f"<%%{name}>", "exec"), self.namespace)
        elif name != "timeit":
            self.notes.append(f"%%{name} cell was not run by the grader")

    def system(self, command, *_):
        self.notes.append(f"!{command} was not run by the grader")

    getoutput = system

    def __getattr__(self, name):  # anything else IPython offers: a harmless no-op
        return lambda *args, **kwargs: None


def exception_names(error):
    """The raised exception's class names, most derived first: ["ValueError", "Exception", ...]."""
    return [kind.__name__ for kind in type(error).__mro__]


def student_traceback(error):
    """The error as the student's own traceback: only frames of their cells, with line numbers."""
    frames = [frame for frame in traceback.extract_tb(error.__traceback__)
              if frame.filename.startswith("<")]
    where = "".join(traceback.format_list(frames))
    return f"{where}{''.join(traceback.format_exception_only(error)).strip()}"


class CellTimeout(BaseException):
    """Raised inside a cell that ran past its limit. Not an Exception, so that the cell's own
    `except Exception:` does not swallow it; a bare `except:` may, and it is raised again."""


def first_line(source, width=80):
    """The cell's first line that is not blank, shortened to `width` characters: how it is named."""
    line = next((line.strip() for line in source.splitlines() if line.strip()), "")
    return line if len(line) <= width else line[:width - 3] + "..."


class CellTimer:
    """Stops a cell after `seconds` by raising CellTimeout in it from a SIGALRM handler, and again
    every REFIRE_SECONDS while the cell catches it. Python runs signal handlers in the main thread
    only: elsewhere (or with seconds None) cells run without a limit. Code that blocks or ignores
    the signal is not stopped here: the grader's wall-clock SIGKILL remains the backstop."""
    REFIRE_SECONDS = 1.0

    def __init__(self, seconds):
        self.seconds, self.armed, self.fired, self.message = seconds, False, False, ""

    def run(self, function, message):
        """function() under the limit -> the exception it raised (CellTimeout if stopped) or None."""
        self.fired, self.message = False, message
        try:
            self._arm()
            try:
                function()
            finally:
                self._disarm()
        except BaseException as raised:  # SystemExit and KeyboardInterrupt in a cell too
            self._disarm()               # the alarm may have come between the call and the disarm
            return raised
        return None

    def _arm(self):
        if self.seconds and threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGALRM, self._stop)
            self.armed = True
            signal.setitimer(signal.ITIMER_REAL, self.seconds, self.REFIRE_SECONDS)

    def _disarm(self):
        if self.armed:
            self.armed = False           # first: an alarm from here on raises nothing
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, signal.SIG_DFL if self.previous is None else self.previous)

    def _stop(self, *_):
        if self.armed:
            self.fired = True
            raise CellTimeout(self.message)


class Worker:
    def __init__(self):
        self.progress = lambda note: None   # serve() sends these notes to the grader as they happen
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.output_limit = 32_768
        self.monitor = ForbiddenMonitor()
        self.counter = LineCounter(enabled=False)
        self.model = None

    def capture(self):
        """Send print()s to a bounded buffer; release() puts the previous streams back."""
        self.streams = sys.stdout, sys.stderr
        sys.stdout = sys.stderr = BoundedText(self.output_limit)
        return sys.stdout

    def release(self, captured):
        sys.stdout, sys.stderr = self.streams
        return captured.take()

    def load(self, request, _blobs):
        """Run the cells in order, each within request["cell_seconds"] (None: no limit): a cell
        stopped at its limit is reported like one that raised, and the next one runs. Progress
        notes {"running": i} before each cell and {"stopped": i} after one stopped at its limit
        tell the grader which cell to blame when the whole load has to be killed."""
        self.output_limit = request.get("output_limit", self.output_limit)
        timer = CellTimer(request.get("cell_seconds"))
        reports = []
        for index, cell in enumerate(request["cells"]):
            self.progress({"running": index})
            notes = []
            self.namespace["get_ipython"] = lambda notes=notes: NotebookShell(self.namespace, notes)
            lines = cell["source"].splitlines(keepends=True)
            linecache.cache[cell["filename"]] = (len(cell["source"]), None, lines, cell["filename"])
            captured = self.capture()
            stopped = (f"the cell ran longer than {timer.seconds:g} s, so the grader stopped it here and went on "
                       f"with the next cell (it starts `{first_line(cell['source'])}`)")
            raised = timer.run(lambda: exec(compile(cell["source"], cell["filename"], "exec"), self.namespace), stopped)
            if timer.fired:
                self.progress({"stopped": index})
            reports.append({"label": cell["label"], "error": None if raised is None else student_traceback(raised),
                            "notes": notes, "output": self.release(captured)})
        defined = sorted(name for name, value in self.namespace.items()
                         if callable(value) and not name.startswith("_") and name != "get_ipython")
        return {"cells": reports, "defined": defined}, []

    def call(self, request, blobs):
        function = self.namespace.get(request["function"])
        if not callable(function):
            return {"failure": "missing"}, []
        args, kwargs = unpack(request["args"], blobs), unpack(request["kwargs"], blobs)
        names = argument_names(function, args, kwargs)
        before = {name: value.tobytes() for name, value in names.items()}
        captured = self.capture()
        self.counter = LineCounter(enabled=request.get("count_lines", False))
        start = time.perf_counter()
        try:
            with self.monitor.watching(request.get("forbidden", ())), self.counter:
                value = function(*args, **kwargs)
        except BaseException as error:
            return self._reply(captured, start, names, before, failure="raised",
                               message=student_traceback(error), exception=exception_names(error)), []
        reply_blobs = []
        try:
            packed = pack(value, reply_blobs)
        except Exception as error:  # Unreadable, or a value whose own methods raise or recurse
            message = str(error) if isinstance(error, Unreadable) else "a value that could not be read"
            return self._reply(captured, start, names, before, failure="unreadable",
                               message=message), []
        return self._reply(captured, start, names, before, value=packed), reply_blobs

    def _reply(self, captured, start, names, before, **fields):
        seconds = time.perf_counter() - start
        mutated = [name for name, value in names.items() if value.tobytes() != before[name]]
        return {**fields, "seconds": seconds, "output": self.release(captured), "mutated": mutated,
                "forbidden": self.monitor.take(), "monitor_disabled": self.monitor.disabled,
                **self.counter.report()}

    def train(self, request, blobs):
        captured = self.capture()
        try:
            self.model, report = train_model_of(self.namespace, request["functions"], *unpack(request["data"], blobs),
                                                request["input_shape"], request["num_classes"],
                                                request["device"], request["seed"])
        except BaseException as error:
            return {"failure": student_traceback(error), "output": self.release(captured)}, []
        reply_blobs = []
        packed = pack(report, reply_blobs)
        return {"report": packed, "output": self.release(captured)}, reply_blobs

    def predict(self, request, blobs):
        captured = self.capture()
        try:
            result = predict_with(self.model, unpack(request["images"], blobs), request["batch_size"])
        except BaseException as error:
            return {"failure": student_traceback(error), "output": self.release(captured)}, []
        reply_blobs = []
        packed = pack(result, reply_blobs)
        return {"result": packed, "output": self.release(captured)}, reply_blobs


def train_model_of(namespace, functions, x_train, y_train, input_shape, num_classes, device, seed):
    """Seed everything, then build and train with the student's `functions` (SPEC's `build_model`
    and `train_model`: build(input_shape, num_classes), train(model, x, y, device)).

    -> (model, report): report holds the training seconds (timed here, for the self-check: the
    grader measures a sandbox from outside), the devices of the parameters, and the state as
    {name: array} through nn.Module's own state_dict, which a subclass cannot override, with the
    names of torch's own batch-norm layers' running statistics listed apart (a claim the grader
    checks against the shapes).
    """
    import random

    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    build, train = (namespace[name] for name in functions)
    model = build(tuple(input_shape), num_classes)
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"{functions[0]} returned a {type(model).__name__}, not a torch.nn.Module")
    start = time.perf_counter()
    trained = train(model, torch.from_numpy(x_train), torch.from_numpy(y_train),
                                       torch.device(device))
    seconds = time.perf_counter() - start
    if not isinstance(trained, torch.nn.Module):
        raise TypeError(f"{functions[1]} returned a {type(trained).__name__}: return the trained model")
    # Exactly torch's own classes: a subclass could keep anything in a buffer named running_mean.
    batch_norms = (torch.nn.BatchNorm1d, torch.nn.BatchNorm2d, torch.nn.BatchNorm3d)
    statistics = [f"{prefix}.{name}".lstrip(".") for prefix, module in torch.nn.Module.named_modules(trained)
                  if type(module) in batch_norms
                  for name in ("running_mean", "running_var", "num_batches_tracked")]
    state = {name: tensor.detach().cpu().numpy()
             for name, tensor in torch.nn.Module.state_dict(trained).items()}
    devices = sorted({str(p.device) for p in torch.nn.Module.parameters(trained)})
    return trained, {"seconds": seconds, "state": state, "statistics": statistics, "devices": devices}


def predict_with(model, images, batch_size):
    """Labels and the first batch's raw outputs for images (N, C, H, W), the model in eval mode
    (set through nn.Module itself) and on the device of its parameters."""
    import torch

    torch.nn.Module.train(model, False)
    device = next(torch.nn.Module.parameters(model)).device
    labels, first = [], None
    with torch.no_grad():
        for start in range(0, len(images), batch_size):
            outputs = model(torch.from_numpy(images[start:start + batch_size]).to(device))
            if not isinstance(outputs, torch.Tensor):
                raise TypeError(f"the model returned a {type(outputs).__name__}, not a tensor")
            first = outputs.float().cpu().numpy() if first is None else first
            labels.append(outputs.argmax(dim=1).cpu().numpy())
    return {"labels": np.concatenate(labels).astype(np.int64), "first_outputs": first}


# Code whose lines are not the student's work: the Python installation (the standard library,
# NumPy and every installed package), Python's frozen modules, and this file.
LIBRARY_CODE = tuple(dict.fromkeys(os.path.join(prefix, "") for prefix in (
    sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix))) + ("<frozen ", __file__)


class LineCounter:
    """Counts the Python lines that a call executes outside LIBRARY_CODE (sys.settrace's line
    events in the frames of the student's own code: their cells, and any code they compiled), in
    the calling thread and in the threads started meanwhile. A vectorised answer runs a fixed
    number of lines whatever the input's size; a loop over output pixels runs at least one per
    pixel. Speed is judged by this count per output pixel, never by wall-clock time: the same on a
    busy machine as on a quiet one.

    The count is not trusted (`count` is None) when the call switched the counting off or went
    around it: it called sys.settrace or sys.setprofile (seen by an audit hook, which nothing
    removes), left another global trace function (or none), or took the trace out of one of its
    frames (f_trace, f_trace_lines: the frame then ends without its `return` event); or when it
    started a process (`elsewhere`), whose work no trace in this one sees.
    enabled: False makes it count nothing, for calls that are not judged on speed.
    """
    active = None       # the counter now counting, for the audit hook
    audited = False     # whether this process has the audit hook

    def __init__(self, enabled=True):
        self.enabled, self.lines, self.switched_off, self.elsewhere = enabled, 0, False, False

    @property
    def count(self):
        """The lines executed, or None when not counted or not to be trusted."""
        return self.lines if self.enabled and not (self.switched_off or self.elsewhere) else None

    def report(self):
        """What the grader receives: {} when not counting."""
        return {"lines": self.count, "counter_switched_off": self.switched_off} if self.enabled else {}

    def __enter__(self):
        if not self.enabled:
            return self
        if not LineCounter.audited:
            sys.addaudithook(_audit_counted_call)
            LineCounter.audited = True
        self.lines, self.open_frames, self.switched_off, self.elsewhere = 0, 0, False, False
        self.thread, self.saved = threading.get_ident(), (sys.gettrace(), threading.gettrace())
        threading.settrace(self._frame_started)
        sys.settrace(self._frame_started)
        LineCounter.active = self
        return self

    def __exit__(self, *_):
        if not self.enabled:
            return
        LineCounter.active = None
        # Every traced frame of the calling thread has ended (this one, in LIBRARY_CODE, is not traced).
        intact = (sys.gettrace() == self._frame_started and threading.gettrace() == self._frame_started
                  and self.open_frames == 0)
        sys.settrace(self.saved[0])
        threading.settrace(self.saved[1])
        self.switched_off = self.switched_off or not intact

    def _frame_started(self, frame, event, arg):
        """The global trace function: called when a frame starts or a generator resumes."""
        if frame.f_code.co_filename.startswith(LIBRARY_CODE):
            return None
        if threading.get_ident() == self.thread:
            self.open_frames += 1
        return self._in_frame

    def _in_frame(self, frame, event, arg):
        """The frames' own trace function: counts their lines, and their ends."""
        if event == "line":
            self.lines += 1
        elif event == "return":
            if threading.get_ident() == self.thread:
                self.open_frames -= 1
            self.switched_off = self.switched_off or not frame.f_trace_lines
        return self._in_frame


PROCESS_EVENTS = frozenset({"os.fork", "os.forkpty", "os.posix_spawn", "os.posix_spawnp", "os.system",
                            "os.exec", "subprocess.Popen"})


def _audit_counted_call(event, _args):
    """An audit hook, during a counted call: a trace or profile function set by the call's own
    thread switches the count off; a process started does work that the count cannot see."""
    counter = LineCounter.active
    if counter is None:
        return
    if event in ("sys.settrace", "sys.setprofile") and threading.get_ident() == counter.thread:
        counter.switched_off = True
    elif event in PROCESS_EVENTS:
        counter.elsewhere = True


def argument_names(function, args, kwargs):
    """{parameter name: array} for the array arguments of a call (positions when unnamed)."""
    try:
        bound = inspect.signature(function).bind_partial(*args, **kwargs).arguments
    except (TypeError, ValueError):
        bound = {**{f"argument {i + 1}": arg for i, arg in enumerate(args)}, **kwargs}
    return {name: value for name, value in bound.items() if isinstance(value, np.ndarray)}


class ForbiddenMonitor:
    """Records calls into forbidden APIs made while a from-scratch question runs.

    A profile hook sees every Python and C function call: a call counts when its module is a
    forbidden module (or inside one) or its code is a forbidden function's. It complements the
    grader's static check, catching aliases and calls the source does not spell out.
    """

    def __init__(self):
        self.hits, self.prefixes, self.codes, self.disabled = [], (), {}, False

    def watching(self, forbidden):
        self.prefixes = tuple(forbidden)
        self.codes = dict(forbidden_codes(forbidden))
        return self

    def __enter__(self):
        if self.prefixes:
            sys.setprofile(self.hook)

    def __exit__(self, *_):
        if self.prefixes:
            self.disabled = self.disabled or sys.getprofile() != self.hook
            sys.setprofile(None)

    def hook(self, frame, event, arg):
        if event == "call":
            name = self.codes.get(frame.f_code) or self.forbidden_module(frame.f_globals.get("__name__"))
        elif event == "c_call":
            name = self.forbidden_module(getattr(arg, "__module__", None))
        else:
            return
        if name and name not in self.hits:
            self.hits.append(name)

    def forbidden_module(self, module):
        if isinstance(module, str):
            for prefix in self.prefixes:
                if module == prefix or module.startswith(prefix + "."):
                    return prefix
        return None

    def take(self):
        hits, self.hits = self.hits, []
        return hits


def forbidden_codes(forbidden):
    """(code object, name) of each forbidden entry that names a function of an imported module."""
    for name in forbidden:
        module_name, _, attribute = name.rpartition(".")
        function = getattr(sys.modules.get(module_name), attribute, None)
        function = getattr(function, "__wrapped__", function)  # NumPy's dispatchers wrap the code
        code = getattr(function, "__code__", None)
        if code is not None:
            yield code, name


class Withdrawn(type):
    """What a withdrawn module holds here, each a class of this metaclass: `import torch`,
    `from torch import nn` and `class Net(nn.Module)` still run (a notebook's imports and the model
    question's definitions load, as in Jupyter), `isinstance(x, torch.Tensor)` is False (as
    scipy and scikit-learn ask), and calling anything raises, naming the rule."""

    def __getattr__(cls, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return Withdrawn(f"{cls.__name__}.{attribute}", (), {})

    def __call__(cls, *args, **kwargs):
        raise ModuleNotFoundError(f"{cls.__name__} cannot be used here: the from-scratch questions are "
                                  "graded without it", name=cls.__name__.split(".")[0])


class WithdrawnModule(types.ModuleType):
    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return Withdrawn(f"{self.__name__}.{attribute}", (), {})


class WithdrawnImports(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Imports a forbidden module as a `Withdrawn` stand-in. The real one is not there: the
    sandbox's file system lacks its folder (sandbox.py), and code that removes this finder gets
    an import error instead; run without bubblewrap, this finder is all there is."""

    def __init__(self, forbidden):
        self.forbidden = tuple(forbidden)

    def find_spec(self, fullname, path=None, target=None):
        if any(fullname == name or fullname.startswith(name + ".") for name in self.forbidden):
            return importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        return None

    def create_module(self, spec):
        return WithdrawnModule(spec.name)

    def exec_module(self, module):
        module.__path__ = []


# The C functions behind numpy.convolve and numpy.correlate (numpy._core.multiarray, numpy.core's
# in NumPy 1): withdrawn with them, or student code would call them directly.
NUMPY_KERNELS = {"numpy.convolve": ("correlate", "correlate2"), "numpy.correlate": ("correlate", "correlate2")}


def withdraw(forbidden):
    """Make the forbidden APIs unreachable in this process, before any student code runs: modules
    cannot be imported, and functions of imported modules (with NumPy's kernels behind them) are
    deleted from every dict that holds them (every module's namespace, and the copy that NumPy's
    extension module keeps of its own), their names dropped from `__all__` so that `import *`
    still works. -> the names deleted."""
    multiarray = vars(sys.modules.get("numpy._core.multiarray") or sys.modules["numpy.core.multiarray"])
    targets = []
    for name in forbidden:
        module_name, _, attribute = name.rpartition(".")
        function = vars(sys.modules.get(module_name, builtins)).get(attribute) if module_name else None
        if function is not None and not inspect.ismodule(function):
            targets += [function, *(multiarray[kernel] for kernel in NUMPY_KERNELS.get(name, ()) if kernel in multiarray)]
    sys.meta_path.insert(0, WithdrawnImports(forbidden))
    deleted = set()
    for holder in gc.get_referrers(*targets) if targets else ():
        if isinstance(holder, dict):
            for key in [key for key, value in holder.items() if any(value is target for target in targets)]:
                deleted.add(key)
                del holder[key]
    for module in list(sys.modules.values()):
        exported = vars(module).get("__all__") if module is not None else None
        if isinstance(exported, (list, tuple)) and deleted.intersection(exported):
            module.__all__ = type(exported)(name for name in exported if name not in deleted)
    return deleted


def cap_device_memory(megabytes):
    """Cap this process's CUDA allocations at `megabytes` per device before any student code runs
    (torch's caching allocator then refuses more). It is torch's own cap, in the student's
    process: code that resets it escapes it; the host memory limit is the kernel's."""
    import torch

    for device in range(torch.cuda.device_count() if torch.cuda.is_available() else 0):
        total = torch.cuda.get_device_properties(device).total_memory
        torch.cuda.set_per_process_memory_fraction(min(1.0, (megabytes << 20) / total), device)


def drop_privileges(uid):
    """Become an unprivileged user (and lose every capability) before any student code runs."""
    os.setgroups([])
    os.setresgid(uid, uid, uid)
    os.setresuid(uid, uid, uid)


def serve(reply_fd):
    """Answer requests until the grader closes the pipe."""
    requests = os.fdopen(os.dup(REQUEST_FD), "rb", buffering=0)
    replies = os.fdopen(reply_fd, "wb", buffering=0)
    # The student's code gets an empty stdin instead of the protocol's pipe.
    os.dup2(os.open(os.devnull, os.O_RDONLY), REQUEST_FD)
    sys.stdin = io.StringIO()
    worker = Worker()
    worker.progress = lambda note: replies.write(encode_frame(note))
    operations = {"load": worker.load, "call": worker.call,
                  "train": worker.train, "predict": worker.predict}

    def read_exact(size):
        data = b""
        while len(data) < size:
            chunk = requests.read(size - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    while True:
        try:
            request, blobs = read_frame(read_exact)
        except EOFError:
            return
        reply, reply_blobs = operations[request["op"]](request, blobs)
        replies.write(encode_frame(reply, reply_blobs))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[2]:
        drop_privileges(int(sys.argv[2]))
    if len(sys.argv) > 3 and sys.argv[3]:
        withdraw(sys.argv[3].split(","))
    if len(sys.argv) > 4:
        cap_device_memory(int(sys.argv[4]))
    serve(int(sys.argv[1]))
