"""Runs a submission's code in a separate, locked-down process and asks it for values.

The process is `sandbox_worker.py` under bubblewrap: no network, a read-only view of the system
and of Python alone (not the grader's package, its hidden suites, the gradebook, the output folder,
other submissions or data files), a private /tmp, and rlimits on memory, CPU time, processes and
file size. Wall-clock limits are enforced from outside: on time-out the whole process group is
killed with SIGKILL, and the next call starts a fresh sandbox that loads the submission again.
Only plain data crosses: JSON headers and `.npy` blobs read with allow_pickle=False.
"""
import functools
import importlib.util
import os
import resource
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from autograder.grading.answer import CRASHED, MISSING, RAISED, TIMEOUT, UNLOADABLE, UNREADABLE, Answer
from autograder.grading.sandbox_worker import Unreadable, encode_frame, pack, read_frame, unpack

WORKER = Path(__file__).with_name("sandbox_worker.py")
DIGITS_FILE = "digits.csv.gz"
WORKER_INSIDE = "/grader/sandbox_worker.py"
TIMEOUTS_BEFORE_SKIPPING = 2
MAX_FRAME_PART = 512 << 20     # a reply larger than this is refused, not read into memory
THREAD_VARIABLES = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS")
BWRAP_MISSING = ("bubblewrap (bwrap) is missing or cannot create namespaces: student code ran with "
                 "rlimits only and could read this machine's files. Install it: apt-get install bubblewrap")


class SandboxTimeout(Exception):
    pass


class SandboxCrash(Exception):
    pass


class SandboxFailure(Exception):
    """Why a model request gave no value: kind is one of answer.py's failure constants."""

    def __init__(self, kind, message, output=""):
        super().__init__(message)
        self.kind, self.message, self.output = kind, message, output


@dataclass
class LoadReport:
    """What running the notebook's cells gave: per cell {label, error, output, notes}."""
    cells: list = field(default_factory=list)
    defined: list = field(default_factory=list)
    failure: str | None = None    # why the submission could not be loaded at all


@functools.cache
def bubblewrap():
    """The bwrap executable when it can actually create a sandbox here, else None."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = subprocess.run([path, "--unshare-all", "--ro-bind", "/", "/", "true"],
                           capture_output=True, timeout=30)
    return path if probe.returncode == 0 else None


def _hidden_paths():
    """Folders under the bound Python trees that student code must not see: the grader's own
    package and the reference when installed there, and scikit-learn's bundled data sets (the
    digits' held-out labels; an unlabelled copy of the digits goes back in their place)."""
    hidden = []
    for package, below in (("cnn_ref", None), ("autograder", None), ("sklearn", "datasets/data")):
        spec = importlib.util.find_spec(package)
        for location in (spec.submodule_search_locations or []) if spec else []:
            hidden.append(Path(location, below) if below else Path(location))
    bound = [Path(sys.prefix).resolve(), Path(sys.base_prefix).resolve()]
    return [path for path in hidden if path.exists() and any(path.resolve().is_relative_to(b) for b in bound)]


@functools.cache
def unlabelled_digits():
    """A copy of scikit-learn's digits.csv.gz with every label set to 0, put in place of the real
    one in the sandbox: notebooks can still show digit images, and no held-out label can be looked
    up. None when scikit-learn or its file is not there."""
    spec = importlib.util.find_spec("sklearn")
    original = Path(spec.submodule_search_locations[0], "datasets", "data", DIGITS_FILE) if spec else None
    if original is None or not original.exists():
        return None
    table = np.loadtxt(original, delimiter=",")
    table[:, -1] = 0
    folder = Path(tempfile.mkdtemp(prefix="cnn-grade-digits-"))
    copy = folder / DIGITS_FILE
    np.savetxt(copy, table, fmt="%d", delimiter=",")  # a .gz name: numpy compresses it
    return copy


def sandbox_uid():
    """The unprivileged uid a sandbox runs as when the grader is root: one per grading process,
    so that the process limit (counted per uid) is this sandbox's alone. None when not root."""
    return 200_000 + os.getpid() if os.geteuid() == 0 else None


def gpu_devices():
    """The NVIDIA device files a CUDA program needs (none on a machine without the driver)."""
    return sorted(str(path) for path in Path("/dev").glob("nvidia*") if not path.is_dir()) + \
        sorted(str(path) for path in Path("/dev").glob("nvidia-caps/*"))


def bwrap_command(bwrap, gpu=False):
    """bwrap's arguments: system and Python read-only, a private /tmp, everything else absent.

    As root, bwrap makes the namespaces with its own privileges and the worker then drops to an
    unprivileged uid, so that the kernel enforces the process limit; as another user, a user
    namespace stands in for that privilege.
    """
    user = [] if os.geteuid() == 0 else ["--unshare-user", "--cap-drop", "ALL"]
    command = [bwrap, *user, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--hostname", "sandbox",
               "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--perms", "1777",
               "--tmpfs", "/tmp"]
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64"):
        if os.path.islink(top):
            command += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            command += ["--ro-bind", top, top]
    for path in ("/etc/ld.so.cache", "/etc/localtime", "/etc/nsswitch.conf"):
        command += ["--ro-bind-try", path, path]
    for device in gpu_devices() if gpu else ():
        command += ["--dev-bind", device, device]
    if gpu:  # the driver reports devices and memory through /sys and /proc/driver
        command += ["--ro-bind-try", "/sys", "/sys"]
    for tree in dict.fromkeys((sys.base_prefix, sys.prefix)):
        # Folders above a bound tree are made traversable: /root itself is private.
        for parent in reversed(Path(tree).parents[:-1]):
            command += ["--perms", "0755", "--dir", str(parent)]
        command += ["--ro-bind", tree, tree]
    for path in _hidden_paths():
        command += ["--tmpfs", str(path)]
        if path.name == "data" and unlabelled_digits():
            command += ["--ro-bind", str(unlabelled_digits()), str(path / DIGITS_FILE)]
    return command + ["--ro-bind", str(WORKER), WORKER_INSIDE, "--chdir", "/tmp"]


def _set_limits(limits, gpu):
    """rlimits for the sandboxed process and all it starts (run in the child before exec). CUDA
    reserves far more address space than it uses, so with a GPU memory is not capped this way.
    The process limit counts every process of a uid: it is set only where the sandbox gets a uid
    of its own (a grader run as root), not where it would count a TA's whole desktop."""
    def apply():
        megabyte = 1 << 20
        memory = resource.RLIM_INFINITY if gpu else limits.memory_mb * megabyte
        own_uid = [(resource.RLIMIT_NPROC, limits.processes)] if sandbox_uid() else []
        for kind, value in ((resource.RLIMIT_AS, memory),
                            (resource.RLIMIT_CPU, limits.cpu_seconds),
                            (resource.RLIMIT_FSIZE, limits.file_mb * megabyte),
                            (resource.RLIMIT_CORE, 0), *own_uid):
            resource.setrlimit(kind, (value, value))
    return apply


class Sandbox:
    """One submission's sandboxed process: `load()` runs its cells, `call()` asks for values.

    cells: [{"label", "filename", "source"}], the notebook's code already in plain Python.
    """

    def __init__(self, cells, limits, isolate=True, gpu=False):
        self.cells, self.limits, self.gpu = cells, limits, gpu
        self.bwrap = bubblewrap() if isolate else None
        self.process = None
        self.broken = None       # why a reload failed: later calls fail fast instead of retrying
        self.timeouts = {}       # function -> how often it ran out of time
        self.loads = 0

    @property
    def isolated(self):
        return self.bwrap is not None

    @property
    def restarts(self):
        return max(self.loads - 1, 0)

    # -- process life ----------------------------------------------------------------------------

    def _spawn(self):
        request_read, self.request_fd = os.pipe()
        self.reply_fd, reply_write = os.pipe()
        self.log = tempfile.TemporaryFile()
        env = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8", "MPLBACKEND": "Agg",
               "MPLCONFIGDIR": "/tmp", "PYTHONDONTWRITEBYTECODE": "1",
               **{name: "1" for name in THREAD_VARIABLES}}
        python = [sys.executable, "-I", "-X", "faulthandler"]
        if self.bwrap:
            command = bwrap_command(self.bwrap, self.gpu) + python + [WORKER_INSIDE]
            command += [str(reply_write), str(sandbox_uid() or "")]
            cwd = None
        else:
            self.scratch = tempfile.TemporaryDirectory(prefix="cnn-grade-sandbox-")
            command, cwd = python + [str(WORKER), str(reply_write)], self.scratch.name
            env.update(HOME=cwd, MPLCONFIGDIR=cwd, TMPDIR=cwd)
        self.process = subprocess.Popen(
            command, stdin=request_read, stdout=self.log, stderr=self.log,
            pass_fds=(reply_write,), env=env, cwd=cwd, start_new_session=True,
            preexec_fn=_set_limits(self.limits, self.gpu))
        os.close(request_read)
        os.close(reply_write)
        os.set_blocking(self.request_fd, False)

    def kill(self):
        """SIGKILL the whole process group (it ignores nothing) and forget the process."""
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait()
        os.close(self.request_fd)
        os.close(self.reply_fd)
        self.log.close()
        if not self.bwrap:
            self.scratch.cleanup()
        self.process = None

    # -- talking to it ---------------------------------------------------------------------------

    def _exchange(self, request, blobs, seconds):
        """Send one request and read its reply within `seconds`; kills the sandbox on failure."""
        deadline = time.monotonic() + seconds
        try:
            self._write(encode_frame(request, blobs), deadline)
            return read_frame(lambda size: self._read(size, deadline))
        except SandboxTimeout:
            self.kill()
            raise
        except (SandboxCrash, OSError, ValueError) as error:  # a dead process, or garbled frames
            message = self._death_message(error)
            self.kill()
            raise SandboxCrash(message) from None

    def _write(self, data, deadline):
        view = memoryview(data)
        while view:
            if not select.select([], [self.request_fd], [], max(deadline - time.monotonic(), 0))[1]:
                raise SandboxTimeout
            view = view[os.write(self.request_fd, view):]

    def _read(self, size, deadline):
        if size > MAX_FRAME_PART:
            raise SandboxCrash(f"it sent back more than {MAX_FRAME_PART >> 20} MB")
        chunks, remaining = [], size
        while remaining:
            if not select.select([self.reply_fd], [], [], max(deadline - time.monotonic(), 0))[0]:
                raise SandboxTimeout
            chunk = os.read(self.reply_fd, min(remaining, 1 << 20))
            if not chunk:
                raise SandboxCrash("the process ended")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _death_message(self, error):
        """Why the process died, in words: its exit status, or the first line Python printed."""
        try:
            status = self.process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            return f"the sandbox sent back something unreadable ({error})"
        signal_number = -status if status < 0 else status - 128 if status > 128 else None
        if signal_number in (signal.SIGSEGV, signal.SIGBUS, signal.SIGABRT):
            return f"the Python process crashed ({signal.Signals(signal_number).name})"
        if signal_number == signal.SIGXCPU:
            return f"it used more than {self.limits.cpu_seconds} s of CPU time"
        if signal_number == signal.SIGXFSZ:
            return f"it wrote a file larger than {self.limits.file_mb} MB"
        if signal_number:
            return f"the process was killed ({signal.Signals(signal_number).name})"
        self.log.seek(0)
        fatal = [line for line in self.log.read().decode(errors="replace").splitlines()
                 if line.startswith("Fatal Python error")]
        if fatal:
            return f"the Python process crashed ({fatal[0]})"
        return f"the process exited with status {status} (sys.exit or os._exit in your code?)"

    # -- the operations --------------------------------------------------------------------------

    def load(self):
        """Start the process and run the cells; the LoadReport says what each cell did."""
        self.kill()
        self._spawn()
        self.loads += 1
        request = {"op": "load", "cells": self.cells, "output_limit": self.limits.output_kb * 1024}
        try:
            reply, _ = self._exchange(request, [], self.limits.load_seconds)
        except SandboxTimeout:
            return LoadReport(failure=f"running your notebook took longer than {self.limits.load_seconds} s")
        except SandboxCrash as crash:
            return LoadReport(failure=f"while running your notebook, {crash}")
        return LoadReport(cells=reply["cells"], defined=reply["defined"])

    def _ready(self):
        """Reload after a crash or time-out; a failed reload is remembered, not retried."""
        if self.process is None and self.broken is None:
            report = self.load()
            self.broken = report.failure
        return self.broken is None

    def call(self, function, args, kwargs, forbidden=()):
        """Call the student's `function(*args, **kwargs)`; forbidden: APIs to watch for."""
        answer = Answer(function, args, kwargs)
        if self.timeouts.get(function, 0) >= TIMEOUTS_BEFORE_SKIPPING:
            # Each time-out costs a full limit and a reload: a function that hung twice is not run again.
            answer.failure = TIMEOUT
            answer.message = f"{self.limits.call_seconds:g} s (it ran out of time twice, so it was not run again)"
            return answer
        if not self._ready():
            answer.failure, answer.message = UNLOADABLE, self.broken
            return answer
        blobs = []
        request = {"op": "call", "function": function, "args": pack(list(args), blobs),
                   "kwargs": pack(dict(kwargs), blobs), "forbidden": list(forbidden)}
        try:
            reply, reply_blobs = self._exchange(request, blobs, self.limits.call_seconds)
        except SandboxTimeout:
            self.timeouts[function] = self.timeouts.get(function, 0) + 1
            answer.failure, answer.message = TIMEOUT, f"{self.limits.call_seconds:g} s"
            return answer
        except SandboxCrash as crash:
            answer.failure, answer.message = CRASHED, str(crash)
            return answer
        answer.output, answer.seconds = reply.get("output", ""), reply.get("seconds", 0.0)
        answer.mutated, answer.forbidden = reply.get("mutated", []), reply.get("forbidden", [])
        if reply.get("monitor_disabled"):
            answer.forbidden.append("the grader's call monitor (switched off)")
        failure = reply.get("failure")
        if failure == "missing":
            answer.failure, answer.message = MISSING, f"{function} is not defined"
        elif failure == "raised":
            answer.failure, answer.message = RAISED, reply["message"]
            answer.exception = reply.get("exception", [])
        elif failure == "unreadable":
            answer.failure, answer.message = UNREADABLE, reply["message"]
        else:
            try:
                answer.value = unpack(reply["value"], reply_blobs)
            except (Unreadable, ValueError, KeyError, IndexError, TypeError) as error:
                answer.failure, answer.message = UNREADABLE, f"a value the grader cannot read ({error})"
        return answer

    def time_call(self, function, args, kwargs, matmul, repeats=3):
        """Best-of-`repeats` seconds of the call and of an (m, k) @ (k, n) product, or None."""
        if not self._ready():
            return None
        blobs = []
        request = {"op": "time", "function": function, "args": pack(list(args), blobs),
                   "kwargs": pack(dict(kwargs), blobs), "matmul": list(matmul), "repeats": repeats}
        try:
            reply, _ = self._exchange(request, blobs, self.limits.call_seconds * (repeats + 1))
        except (SandboxTimeout, SandboxCrash):
            return None
        return None if "failure" in reply else reply

    def _ask(self, request, blobs, seconds, field):
        """A model-question request: (the reply's `field` unpacked, printed output) or raises
        SandboxFailure with the reason in the student's terms."""
        if not self._ready():
            raise SandboxFailure(UNLOADABLE, f"your notebook could not be loaded: {self.broken}")
        try:
            reply, reply_blobs = self._exchange(request, blobs, seconds)
        except SandboxTimeout:
            raise SandboxFailure(TIMEOUT, f"{seconds:g} s") from None
        except SandboxCrash as crash:
            raise SandboxFailure(CRASHED, str(crash)) from None
        if "failure" in reply:
            raise SandboxFailure(RAISED, reply["failure"], reply.get("output", ""))
        try:
            return unpack(reply[field], reply_blobs), reply.get("output", "")
        except (Unreadable, ValueError, KeyError, IndexError, TypeError) as error:
            raise SandboxFailure(UNREADABLE, f"a value the grader cannot read ({error})") from None

    def train(self, functions, x_train, y_train, input_shape, num_classes, device, seed, seconds):
        """Build and train the student's model with `functions` (build, train) in the sandbox;
        the report of train_model_of."""
        blobs = []
        request = {"op": "train", "functions": list(functions), "data": pack([x_train, y_train], blobs), "input_shape": list(input_shape),
                   "num_classes": int(num_classes), "device": device, "seed": seed}
        return self._ask(request, blobs, seconds, "report")

    def predict(self, images, seconds, batch_size=512):
        """Labels of `images` by the trained model, and its first batch's raw outputs."""
        blobs = []
        request = {"op": "predict", "images": pack(images, blobs), "batch_size": batch_size}
        return self._ask(request, blobs, seconds, "result")
