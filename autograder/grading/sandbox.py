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

from autograder.grading.answer import (CRASHED, MISSING, RAISED, TIMEOUT, UNLOADABLE, UNREADABLE, Answer,
                                      untrusted_text)
from autograder.grading.sandbox_worker import (FrameTooLarge, Unreadable, encode_frame, first_line, pack, read_frame,
                                              unpack)

WORKER = Path(__file__).with_name("sandbox_worker.py")
DIGITS_FILE = "digits.csv.gz"
WORKER_INSIDE = "/grader/sandbox_worker.py"
TIMEOUTS_BEFORE_SKIPPING = 2
KILLED_LOADS_RETRIED = 1      # loads run again without the cell that could not be stopped
MAX_FRAME_BYTES = 256 << 20    # a reply larger than this in all is refused, not read into memory
MAX_FRAME_BLOBS = 4096         # arrays in one reply: a state dict has hundreds at most
NAME_LIMIT = 200               # characters kept of a name the sandbox sends (a function, a tensor)
MAX_NAMES = 1000               # names kept of a list of them (mutated inputs, forbidden APIs)
HIDDEN_TMPFS_BYTES = 4096      # the empty folders put over hidden packages: nothing can be stored there
# Forbidden modules that allowed libraries import themselves, so they stay in the from-scratch
# sandbox (the run-time monitor and the static check still see their use): scipy.stats imports
# scipy.ndimage, and scikit-learn (load_digits) imports scipy.stats.
NEEDED_BY_ALLOWED = ("scipy.ndimage",)
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


@dataclass
class LoadProgress:
    """What a load's progress notes said: the cell running last, and those stopped at their own
    limit, as positions among the `cells` sent (checked: the notes come from the student's process)."""
    cells: int
    running: int | None = None
    stopped: set = field(default_factory=set)

    def add(self, note):
        running, stopped = note.get("running"), note.get("stopped")
        if type(running) is int and 0 <= running < self.cells:
            self.running = running
        if type(stopped) is int and 0 <= stopped < self.cells:
            self.stopped.add(stopped)


@functools.cache
def bubblewrap():
    """The bwrap executable when it can actually create a sandbox here, else None."""
    path = shutil.which("bwrap")
    if path is None:
        return None
    probe = subprocess.run([path, "--unshare-all", "--ro-bind", "/", "/", "true"],
                           capture_output=True, timeout=30)
    return path if probe.returncode == 0 else None


def withdrawable(forbidden):
    """The forbidden APIs a from-scratch sandbox can do without: all but the modules that allowed
    libraries import themselves."""
    return tuple(name for name in forbidden if name not in NEEDED_BY_ALLOWED)


def _package_folders(name):
    """The folders of an installed package `name` (dotted), or none when it is not a package."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):  # a dotted name whose parent is not a package
        return []
    return [Path(location) for location in (spec.submodule_search_locations or [])] if spec else []


def _hidden_paths(withdrawn=()):
    """Folders under the bound Python trees that student code must not see: the grader's own
    package and the reference when installed there, scikit-learn's bundled data sets (the
    digits' held-out labels; an unlabelled copy of the digits goes back in their place), and the
    packages among the `withdrawn` APIs (scipy.signal, torch), so that importing them fails."""
    hidden = [folder / below if below else folder
              for package, below in (("cnn_ref", None), ("autograder", None), ("sklearn", "datasets/data"))
              for folder in _package_folders(package)]
    hidden += [folder for name in withdrawn for folder in _package_folders(name)]
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


def bwrap_command(bwrap, gpu=False, *, withdrawn=(), tmp_bytes=None):
    """bwrap's arguments: system and Python read-only, a private /tmp of at most `tmp_bytes`
    (bwrap's --size; tmpfs pages are not in the address-space limit), the `withdrawn` APIs'
    packages absent, everything else absent.

    As root, bwrap makes the namespaces with its own privileges and the worker then drops to an
    unprivileged uid, so that the kernel enforces the process limit; as another user, a user
    namespace stands in for that privilege.
    """
    user = [] if os.geteuid() == 0 else ["--unshare-user", "--cap-drop", "ALL"]
    command = [bwrap, *user, "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
               "--unshare-cgroup-try", "--die-with-parent", "--new-session", "--hostname", "sandbox",
               "--ro-bind", "/usr", "/usr", "--proc", "/proc", "--dev", "/dev", "--perms", "1777",
               *_size(tmp_bytes), "--tmpfs", "/tmp"]
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
    withdrawn_folders = {folder for name in withdrawn for folder in _package_folders(name)}
    for path in _hidden_paths(withdrawn):
        command += [*_size(HIDDEN_TMPFS_BYTES), "--tmpfs", str(path)]
        if path.name == "data" and unlabelled_digits():
            command += ["--ro-bind", str(unlabelled_digits()), str(path / DIGITS_FILE)]
        if path in withdrawn_folders:  # an empty folder would import as a namespace package
            command += ["--ro-bind", str(refusing_init()), str(path / "__init__.py")]
    return command + ["--ro-bind", str(WORKER), WORKER_INSIDE, "--chdir", "/tmp"]


@functools.cache
def refusing_init():
    """An __init__.py that refuses the import, put in each withdrawn package's empty folder."""
    path = Path(tempfile.mkdtemp(prefix="cnn-grade-withdrawn-"), "__init__.py")
    path.write_text('raise ModuleNotFoundError(f"{__name__} cannot be imported here: the from-scratch '
                    'questions are graded without it", name=__name__)\n')
    path.chmod(0o644)
    return path


@functools.cache
def bwrap_sizes_tmpfs():
    """Whether the installed bwrap has --size (0.7 and later): without it /tmp is bounded only by
    the machine's memory."""
    path = shutil.which("bwrap")
    return path is not None and "--size" in subprocess.run([path, "--help"], capture_output=True, text=True).stdout


def _size(size_bytes):
    """bwrap's --size for the next --tmpfs, where bwrap supports it."""
    return ["--size", str(size_bytes)] if size_bytes and bwrap_sizes_tmpfs() else []


def cpu_seconds(pid):
    """CPU seconds (user and system) the kernel has charged to process `pid` and all its
    descendants, finished ones included (a waited-for child's time is in its parent's cutime):
    read from /proc, out of the sandbox's reach."""
    total, pending, seen = 0, [pid], set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += sum(int(ticks) for ticks in fields[11:15])  # utime, stime, cutime, cstime
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (OSError, ValueError):  # it ended meanwhile
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _set_limits(limits, gpu):
    """rlimits for the sandboxed process and all it starts (run in the child before exec). CUDA
    reserves far more address space than it uses, so with a GPU memory is capped as data
    (RLIMIT_DATA: private writable memory, which CUDA's address-space reservations are not)
    instead of address space; the device's own memory is capped by the worker (`_device_cap`).
    The process limit counts every process of a uid: it is set only where the sandbox gets a uid
    of its own (a grader run as root), not where it would count a TA's whole desktop."""
    def apply():
        megabyte = 1 << 20
        memory = resource.RLIMIT_DATA if gpu else resource.RLIMIT_AS
        own_uid = [(resource.RLIMIT_NPROC, limits.processes)] if sandbox_uid() else []
        for kind, value in ((memory, limits.memory_mb * megabyte),
                            (resource.RLIMIT_CPU, limits.cpu_seconds),
                            (resource.RLIMIT_FSIZE, limits.file_mb * megabyte),
                            (resource.RLIMIT_CORE, 0), *own_uid):
            resource.setrlimit(kind, (value, value))
    return apply


def _names(value):
    """A list of names from a reply (mutated inputs, forbidden APIs, exception classes), each a
    bounded str, whatever the sandbox sent."""
    return [untrusted_text(item, NAME_LIMIT) for item in value[:MAX_NAMES]] if isinstance(value, list) else []


def _seconds(reply):
    """The reply's `seconds` as a float (0 when it is not a number): evidence only, no grade rests on it."""
    seconds = reply.get("seconds")
    return float(seconds) if type(seconds) in (int, float) else 0.0


def _cell_reports(cells, output_chars):
    """The load reply's cells as LoadReport wants them, every text bounded and of the right type."""
    if not isinstance(cells, list):
        return []
    return [{"label": untrusted_text(cell.get("label", ""), NAME_LIMIT),
             "error": untrusted_text(cell["error"]) if cell.get("error") is not None else None,
             "output": untrusted_text(cell.get("output", ""), output_chars), "notes": _names(cell.get("notes"))}
            for cell in cells[:MAX_NAMES] if isinstance(cell, dict)]


class Sandbox:
    """One submission's sandboxed process: `load()` runs its cells, `call()` asks for values.

    cells: [{"label", "filename", "source"}], the notebook's code already in plain Python;
    withdrawn: forbidden APIs made unreachable in it (`withdrawable`): their packages absent from
    its file system, their functions deleted by the worker before any student code runs.
    """

    def __init__(self, cells, limits, isolate=True, gpu=False, *, withdrawn=()):
        self.cells, self.limits, self.gpu, self.withdrawn = cells, limits, gpu, tuple(withdrawn)
        self.bwrap = bubblewrap() if isolate else None
        self.process = None
        self.broken = None       # why a reload failed: later calls fail fast instead of retrying
        self.timeouts = {}       # function -> how often it ran out of time
        self.loads = 0
        self.defined = []        # the names the last load defined
        self.out_of_time = {}    # cell index -> why later loads leave that cell out
        self.killed_loads = 0

    @property
    def isolated(self):
        return self.bwrap is not None

    @property
    def restarts(self):
        return max(self.loads - 1, 0)

    @property
    def output_chars(self):
        """How much printed output one cell or call keeps (the worker cuts it; a forged reply is cut here)."""
        return self.limits.output_kb * 1024 + 100

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
            command = bwrap_command(self.bwrap, self.gpu, withdrawn=self.withdrawn,
                                    tmp_bytes=self.limits.tmp_mb << 20) + python + [WORKER_INSIDE]
            command += [str(reply_write), str(sandbox_uid() or ""), ",".join(self.withdrawn), *self._device_cap()]
            cwd = None
        else:
            self.scratch = tempfile.TemporaryDirectory(prefix="cnn-grade-sandbox-")
            command = python + [str(WORKER), str(reply_write), "", ",".join(self.withdrawn), *self._device_cap()]
            cwd = self.scratch.name
            env.update(HOME=cwd, MPLCONFIGDIR=cwd, TMPDIR=cwd)
        self.process = subprocess.Popen(
            command, stdin=request_read, stdout=self.log, stderr=self.log,
            pass_fds=(reply_write,), env=env, cwd=cwd, start_new_session=True,
            preexec_fn=_set_limits(self.limits, self.gpu))
        os.close(request_read)
        os.close(reply_write)
        os.set_blocking(self.request_fd, False)

    def _device_cap(self):
        """The worker's last argument on a GPU: the megabytes of device memory it may allocate
        (the model sandbox's memory limit, the same as on the host)."""
        return [str(self.limits.memory_mb)] if self.gpu else []

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

    def _exchange(self, request, blobs, seconds, progress=None):
        """Send one request and read its reply within `seconds`; kills the sandbox on failure.
        progress(note) gets the progress notes (dicts of "running" and "stopped") sent before it."""
        deadline = time.monotonic() + seconds
        try:
            self._write(encode_frame(request, blobs), deadline)
            while True:
                header, reply_blobs = read_frame(lambda size: self._read(size, deadline), MAX_FRAME_BYTES, MAX_FRAME_BLOBS)
                if progress is None or not (isinstance(header, dict) and header.keys() <= {"running", "stopped"}):
                    return header, reply_blobs
                progress(header)
        except SandboxTimeout:
            self.kill()
            raise
        except FrameTooLarge as error:  # refused before it was read: no need to wait for an exit status
            self.kill()
            raise SandboxCrash(f"it sent back {error}") from None
        except (SandboxCrash, OSError, ValueError, RecursionError) as error:  # a dead process, or garbled frames
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
            return f"the Python process crashed ({fatal[0][:NAME_LIMIT]})"
        return f"the process exited with status {status} (sys.exit or os._exit in your code?)"

    # -- the operations --------------------------------------------------------------------------

    def load(self):
        """Start the process and run the cells, each within the cell limit; the LoadReport says
        what each cell did. A cell that ran out of time is left out of this sandbox's later loads
        (after a crash or a call's time-out), so that each reload does not wait for it again. A
        cell that outlived the whole load's limit (its own limit could not stop it) is named, and
        the notebook is loaded again without it."""
        self.kill()
        self._spawn()
        self.loads += 1
        sent = [index for index in range(len(self.cells)) if index not in self.out_of_time]
        request = {"op": "load", "cells": [self.cells[index] for index in sent],
                   "output_limit": self.limits.output_kb * 1024, "cell_seconds": self.limits.cell_seconds}
        progress = LoadProgress(len(sent))
        reply = crashed = None
        try:
            reply, _ = self._exchange(request, [], self.limits.load_seconds, progress=progress.add)
        except SandboxTimeout:
            pass
        except SandboxCrash as crash:
            crashed = crash
        self._leave_out(sent, progress.stopped, "it was stopped after {seconds:g} s when the grader first ran it, "
                                                "so later runs of your notebook left it out")
        if crashed:
            return LoadReport(failure=f"while running your notebook, {crashed}")
        if reply is None:
            return self._load_killed(sent, progress)
        self.defined = _names(reply.get("defined"))
        return LoadReport(cells=self._with_left_out(_cell_reports(reply.get("cells"), self.output_chars), sent),
                          defined=self.defined)

    def _leave_out(self, sent, positions, why):
        """Leave the cells at `positions` (among those `sent`) out of later loads, saying `why`."""
        for position in positions:
            index = sent[position]
            self.out_of_time.setdefault(index, f"CellTimeout: {why.format(seconds=self.limits.cell_seconds)} "
                                               f"(it starts `{first_line(self.cells[index]['source'])}`)")

    def _load_killed(self, sent, progress):
        """The LoadReport after the whole load ran out of time: the notebook loaded once more
        without the cell that was running, or a failure that names that cell."""
        self.killed_loads += 1
        if progress.running is None:
            return LoadReport(failure=f"running your notebook took longer than {self.limits.load_seconds:g} s")
        cell = self.cells[sent[progress.running]]
        if self.killed_loads > KILLED_LOADS_RETRIED:
            return LoadReport(failure=f"running your notebook took longer than {self.limits.load_seconds:g} s "
                                      f"({cell['label']}, which starts `{first_line(cell['source'])}`, was still running)")
        self._leave_out(sent, [progress.running], "it ran longer than {seconds:g} s and could not be stopped, "
                                                  "so the grader ran your notebook again without it")
        return self.load()

    def _with_left_out(self, reports, sent):
        """The worker's cell reports with one for each cell left out, in notebook order."""
        ran = dict(zip(sent, reports))
        return [ran.get(index) or {"label": cell["label"], "error": self.out_of_time.get(index), "notes": [], "output": ""}
                for index, cell in enumerate(self.cells)]

    def _ready(self):
        """Reload after a crash or time-out; a failed reload is remembered, not retried."""
        if self.process is None and self.broken is None:
            report = self.load()
            self.broken = report.failure
        return self.broken is None

    def names(self):
        """The names the notebook defines in this sandbox (loading it first if need be), or None
        when it cannot be loaded: what a sandbox withdraws can make a cell stop early here."""
        return self.defined if self._ready() else None

    def call(self, function, args, kwargs, forbidden=(), count_lines=False):
        """Call the student's `function(*args, **kwargs)`; forbidden: APIs to watch for;
        count_lines: count the Python lines it runs (the Answer's `lines`), to judge its speed."""
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
                   "kwargs": pack(dict(kwargs), blobs), "forbidden": list(forbidden), "count_lines": count_lines}
        try:
            reply, reply_blobs = self._exchange(request, blobs, self.limits.call_seconds)
        except SandboxTimeout:
            self.timeouts[function] = self.timeouts.get(function, 0) + 1
            answer.failure, answer.message = TIMEOUT, f"{self.limits.call_seconds:g} s"
            return answer
        except SandboxCrash as crash:
            answer.failure, answer.message = CRASHED, str(crash)
            return answer
        answer.output, answer.seconds = untrusted_text(reply.get("output", ""), self.output_chars), _seconds(reply)
        answer.mutated, answer.forbidden = _names(reply.get("mutated")), _names(reply.get("forbidden"))
        if reply.get("monitor_disabled"):
            answer.switched_off.append("the grader's call monitor (switched off)")
        lines = reply.get("lines")
        answer.lines = lines if type(lines) is int and lines >= 0 else None
        if reply.get("counter_switched_off"):
            answer.switched_off.append("the grader's line-count monitor (switched off)")
        # A switched-off monitor could have hidden a forbidden call: the question scores as if it used one.
        answer.forbidden += answer.switched_off
        failure = reply.get("failure")
        if failure == "missing":
            answer.failure, answer.message = MISSING, f"{function} is not defined"
        elif failure == "raised":
            answer.failure, answer.message = RAISED, untrusted_text(reply.get("message", ""))
            answer.exception = _names(reply.get("exception"))
        elif failure == "unreadable":
            answer.failure, answer.message = UNREADABLE, untrusted_text(reply.get("message", ""))
        else:
            try:
                answer.value = unpack(reply["value"], reply_blobs)
            except (Unreadable, ValueError, KeyError, IndexError, TypeError) as error:
                answer.failure, answer.message = UNREADABLE, f"a value the grader cannot read ({error})"
        return answer

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
        output = untrusted_text(reply.get("output", ""), self.output_chars)
        if "failure" in reply:
            raise SandboxFailure(RAISED, untrusted_text(reply["failure"]), output)
        try:
            return unpack(reply[field], reply_blobs), output
        except (Unreadable, ValueError, KeyError, IndexError, TypeError) as error:
            raise SandboxFailure(UNREADABLE, f"a value the grader cannot read ({error})") from None

    def train(self, functions, x_train, y_train, input_shape, num_classes, device, seed, seconds):
        """Build and train the student's model with `functions` (build, train) in the sandbox;
        the report of train_model_of, its `seconds` measured here (`_measured`), its names bounded."""
        blobs = []
        request = {"op": "train", "functions": list(functions), "data": pack([x_train, y_train], blobs), "input_shape": list(input_shape),
                   "num_classes": int(num_classes), "device": device, "seed": seed}
        report, output = self._measured(request, blobs, seconds, "report")
        state = report.get("state")
        if not (isinstance(state, dict) and all(isinstance(value, np.ndarray) for value in state.values())):
            raise SandboxFailure(UNREADABLE, "a model state the grader cannot read")
        report.update(statistics=_names(report.get("statistics")), devices=_names(report.get("devices")))
        return report, output

    def predict(self, images, seconds, batch_size=512):
        """Labels of `images` by the trained model, its first batch's raw outputs, and the
        `seconds` predicting took (measured here: a model may train in its first forward pass)."""
        blobs = []
        request = {"op": "predict", "images": pack(images, blobs), "batch_size": batch_size}
        return self._measured(request, blobs, seconds, "result")

    def _measured(self, request, blobs, seconds, field):
        """_ask for a dict, with its `seconds` replaced by what this process measured: the
        sandbox's CPU time from the kernel on the CPU (a busy machine does not change it), the
        wall-clock time around the request on a GPU (whose work CPU time does not show)."""
        if not self._ready():
            raise SandboxFailure(UNLOADABLE, f"your notebook could not be loaded: {self.broken}")
        clock = time.perf_counter if self.gpu else lambda: cpu_seconds(self.process.pid)
        start = clock()
        value, output = self._ask(request, blobs, seconds, field)
        if not isinstance(value, dict):
            raise SandboxFailure(UNREADABLE, "a reply the grader cannot read")
        return {**value, "seconds": clock() - start}, output
