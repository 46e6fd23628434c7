"""The process that runs a student's code, inside the sandbox. It holds nothing secret.

It is started as a script (`python sandbox_worker.py REPLY_FD [UID]`), not imported from the grader's
package, which the sandbox cannot see. It reads requests from stdin and writes replies on
REPLY_FD, each a frame
of one JSON header and NumPy `.npy` blobs (never a pickle):

- `load`: run the notebook's cells in order, as Jupyter would; a cell that raises does not stop
  the next; reply with each cell's error and output and the names the cells defined;
- `call`: call one of the student's functions on the given arguments, watching for forbidden
  APIs and mutated inputs; reply with the value as plain data, or why there is none;
- `time`: time a call against a matrix product of a given size, in this same process;
- `train`, then `predict`: a model question (torch is imported for it alone): seed, build
  and train the student's model, reply with its state as plain arrays; then predict held-out
  images in eval mode. The labels of those images never enter this process.

The grader imports this module too, for the frame and value encodings, so both sides share one.
"""
import builtins
import inspect
import io
import json
import linecache
import os
import struct
import sys
import time
import traceback

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


def read_frame(read_exact):
    """Read one frame with read_exact(n) -> bytes; returns (header, blobs)."""
    body_length, count = _HEADER.unpack(read_exact(_HEADER.size))
    header = json.loads(read_exact(body_length))
    blobs = [read_exact(_BLOB.unpack(read_exact(_BLOB.size))[0]) for _ in range(count)]
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


class Worker:
    def __init__(self):
        self.namespace = {"__name__": "__main__", "__builtins__": builtins}
        self.output_limit = 32_768
        self.monitor = ForbiddenMonitor()
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
        self.output_limit = request.get("output_limit", self.output_limit)
        reports = []
        for cell in request["cells"]:
            notes = []
            self.namespace["get_ipython"] = lambda notes=notes: NotebookShell(self.namespace, notes)
            lines = cell["source"].splitlines(keepends=True)
            linecache.cache[cell["filename"]] = (len(cell["source"]), None, lines, cell["filename"])
            captured, error = self.capture(), None
            try:
                exec(compile(cell["source"], cell["filename"], "exec"), self.namespace)
            except BaseException as raised:  # SystemExit and KeyboardInterrupt in a cell too
                error = student_traceback(raised)
            reports.append({"label": cell["label"], "error": error, "notes": notes,
                            "output": self.release(captured)})
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
        start = time.perf_counter()
        try:
            with self.monitor.watching(request.get("forbidden", ())):
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
                "forbidden": self.monitor.take(), "monitor_disabled": self.monitor.disabled}

    def time(self, request, blobs):
        function = self.namespace.get(request["function"])
        args, kwargs = unpack(request["args"], blobs), unpack(request["kwargs"], blobs)
        captured = self.capture()
        try:
            return time_against_matmul(function, args, kwargs, request["matmul"], request["repeats"]), []
        except BaseException as error:
            return {"failure": student_traceback(error)}, []
        finally:
            self.release(captured)


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

    -> (model, report): report holds the training seconds, the devices of the parameters, and the
    state as {name: array} through nn.Module's own state_dict, which a subclass cannot override,
    with the names of batch-norm running statistics (not parameters) listed apart.
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
    statistics = [f"{prefix}.{name}".lstrip(".") for prefix, module in torch.nn.Module.named_modules(trained)
                  if isinstance(module, torch.nn.modules.batchnorm._BatchNorm)
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


def time_against_matmul(function, args, kwargs, matmul, repeats):
    """Best of `repeats` calls and best of `repeats` float64 (m, k) @ (k, n) products, in seconds:
    timed in one process, so a busy machine slows both alike."""
    m, k, n = matmul
    rng = np.random.default_rng(0)
    left, right = rng.standard_normal((m, k)), rng.standard_normal((k, n))
    return {"student_seconds": best_time(lambda: function(*args, **kwargs), repeats),
            "matmul_seconds": best_time(lambda: left @ right, repeats)}


def best_time(run, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


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
    operations = {"load": worker.load, "call": worker.call, "time": worker.time,
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
    serve(int(sys.argv[1]))
