"""conv2d_fast's speed is judged by the Python lines of the student's own code run per output
pixel, never by wall-clock time: the same grade on a busy machine as on a quiet one, in the
self-check's process (LocalStudent, also the nbgrader and otter exports) and in the sandbox."""
import json
import sys
import threading

import numpy as np
import pytest

from autograder.assignment import AssignmentError, DEFAULT, load_assignment
from autograder.cli import main
from autograder.grading.hidden import SuiteContext, run_suites
from autograder.grading.sandbox import Sandbox
from autograder.grading.sandbox_worker import LineCounter
from autograder.grading.student import LocalStudent
from autograder.grading.submission import output_folder_name

from test_sandbox import LIMITS, cells

HEADER = """
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def pads(padding, kh, kw):
    if padding == "valid":
        return (0, 0), (0, 0)
    if padding == "same":
        return ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)
    ph, pw = (padding, padding) if np.ndim(padding) == 0 else padding
    return (ph, ph), (pw, pw)


def windows_of(x, w, stride, padding):
    sh, sw = (stride, stride) if np.ndim(stride) == 0 else stride
    xp = np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), *pads(padding, *w.shape[2:])))
    return sliding_window_view(xp, w.shape[2:], axis=(2, 3))[:, :, ::sh, ::sw]


def with_bias(out, b):
    return out if b is None else out + np.asarray(b, dtype=float).reshape(1, -1, 1, 1)
"""
IM2COL = HEADER + """
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    win = windows_of(x, w, stride, padding)
    n, _, oh, ow = win.shape[:4]
    cols = win.transpose(0, 2, 3, 1, 4, 5).reshape(n * oh * ow, -1)
    out = (cols @ w.reshape(len(w), -1).T).reshape(n, oh, ow, len(w)).transpose(0, 3, 1, 2)
    return with_bias(out, b)
"""
LOOP_FILTERS = HEADER + """
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    win = windows_of(x, w, stride, padding)
    out = np.zeros((win.shape[0], len(w), *win.shape[2:4]))
    for f in range(len(w)):
        out[:, f] = np.tensordot(win, w[f], axes=([1, 4, 5], [0, 1, 2]))
    return with_bias(out, b)
"""
LOOP_ROWS = HEADER + """
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    win = windows_of(x, w, stride, padding)
    out = np.zeros((win.shape[0], len(w), *win.shape[2:4]))
    for i in range(win.shape[2]):
        out[:, :, i] = np.einsum("ncwij,fcij->nfw", win[:, :, i], w)
    return with_bias(out, b)
"""
LOOP_PIXELS = HEADER + """
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    win = windows_of(x, w, stride, padding)
    out = np.zeros((win.shape[0], len(w), *win.shape[2:4]))
    for i in range(win.shape[2]):
        for j in range(win.shape[3]):
            out[:, :, i, j] = win[:, :, i, j].reshape(len(x), -1) @ w.reshape(len(w), -1).T
    return with_bias(out, b)
"""
COMPREHENSION = HEADER + """
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    win = windows_of(x, w, stride, padding)
    n, _, oh, ow = win.shape[:4]
    rows = np.array([win[:, :, i, j].reshape(n, -1) for i in range(oh) for j in range(ow)])
    out = (rows @ w.reshape(len(w), -1).T).reshape(oh, ow, n, len(w)).transpose(2, 3, 0, 1)
    return with_bias(out, b)
"""
FOUR_LOOPS = HEADER + """
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    win = windows_of(x, w, stride, padding)
    out = np.zeros((win.shape[0], len(w), *win.shape[2:4]))
    for n in range(out.shape[0]):
        for f in range(out.shape[1]):
            for i in range(out.shape[2]):
                for j in range(out.shape[3]):
                    out[n, f, i, j] = np.sum(win[n, :, i, j] * w[f])
    return with_bias(out, b)
"""
SIX_LOOPS = HEADER + """
def conv2d_fast(x, w, b=None, stride=1, padding=0):
    win = windows_of(x, w, stride, padding)
    out = np.zeros((win.shape[0], len(w), *win.shape[2:4]))
    for n in range(out.shape[0]):
        for f in range(out.shape[1]):
            for i in range(out.shape[2]):
                for j in range(out.shape[3]):
                    for c in range(w.shape[1]):
                        for a in range(w.shape[2]):
                            for e in range(w.shape[3]):
                                out[n, f, i, j] += win[n, c, i, j, a, e] * w[f, c, a, e]
    return with_bias(out, b)
"""
# Hostile: loops over pixels with the grader's line counter switched off in different ways.
SETTRACE_OFF = LOOP_PIXELS.replace("def conv2d_fast(x, w, b=None, stride=1, padding=0):\n",
                                   "def conv2d_fast(x, w, b=None, stride=1, padding=0):\n"
                                   "    __import__('sys').settrace(None)\n")
SETTRACE_RESTORED = LOOP_PIXELS.replace("def conv2d_fast(", "def slow(") + """
def conv2d_fast(*args, **kwargs):
    import sys
    saved = sys.gettrace()
    sys.settrace(None)
    out = slow(*args, **kwargs)
    sys.settrace(saved)
    return out
"""
IN_A_PROCESS = IM2COL.replace("    win = windows_of(x, w, stride, padding)\n    n, _",
                              "    import subprocess, sys\n"
                              "    subprocess.run([sys.executable, '-c', 'pass'])  # stands in for a pool of processes\n"
                              "    win = windows_of(x, w, stride, padding)\n    n, _")
FRAME_UNTRACED = SETTRACE_OFF.replace("__import__('sys').settrace(None)", "__import__('sys')._getframe().f_trace = None")
FRAME_NO_LINES = SETTRACE_OFF.replace("__import__('sys').settrace(None)",
                                      "__import__('sys')._getframe().f_trace_lines = False")


def namespace_of(source):
    namespace = {"__name__": "__main__"}
    exec(compile(source, "<cell 1>", "exec"), namespace)
    return namespace


def local_outcomes(source, seed="speed-seed"):
    """{test: TestOutcome} of conv2d_fast's suite run on `source` in this process."""
    student = LocalStudent(namespace_of(source))
    outcomes = run_suites(SuiteContext(student, seed, load_assignment()), ["conv2d_fast"])
    return {outcome.test: outcome for outcome in outcomes}


@pytest.mark.parametrize("source, fraction", [(IM2COL, 1.0), (LOOP_FILTERS, 1.0), (LOOP_ROWS, 1.0),
                                              (LOOP_PIXELS, 0.0), (COMPREHENSION, 0.0),
                                              (FOUR_LOOPS, 0.0), (SIX_LOOPS, 0.0)],
                         ids=["im2col", "loop-over-filters", "loop-over-rows", "loop-over-pixels",
                              "comprehension-over-pixels", "four-loops", "six-loops"])
def test_speed_points_follow_the_lines_per_pixel(source, fraction):
    outcomes = local_outcomes(source)
    assert all(outcome.passed for test, outcome in outcomes.items() if test != "test_speed")
    speed = outcomes["test_speed"]
    assert speed.fraction == fraction, speed.output
    if fraction == 0:
        assert speed.diagnoses == ["too-slow"]
        assert "Python lines per output pixel" in speed.output and "full points need at most 0.1" in speed.output
        assert "never by wall-clock time" in speed.output


@pytest.mark.parametrize("source", [SETTRACE_OFF, SETTRACE_RESTORED, FRAME_UNTRACED, FRAME_NO_LINES, IN_A_PROCESS],
                         ids=["settrace-none", "settrace-restored", "frame-untraced", "frame-no-lines", "process"])
def test_work_the_counter_cannot_see_earns_no_speed_points(source):
    outcomes = local_outcomes(source)
    speed = outcomes["test_speed"]
    assert outcomes["test_bias"].passed  # the answers are right: only the speed is not judged
    assert speed.fraction == 0 and "switched off the grader's line counter" in speed.output


def test_a_wrong_answer_earns_no_speed_points():
    speed = local_outcomes(IM2COL.replace("@ w.reshape", "@ w[:, :, ::-1, ::-1].reshape"))["test_speed"]
    assert speed.fraction == 0 and "flipped-kernel" in speed.diagnoses


def test_the_count_is_the_same_every_time_and_counts_threads():
    conv = namespace_of(LOOP_PIXELS)["conv2d_fast"]
    x, w = np.ones((1, 2, 10, 12)), np.ones((3, 2, 3, 3))
    counts = []
    for _ in range(3):
        with LineCounter() as counter:
            conv(x, w)
        counts.append(counter.count)
    in_thread = LineCounter()
    with in_thread:
        worker = threading.Thread(target=conv, args=(x, w))
        worker.start()
        worker.join()
    assert counts[0] > 8 * 10 and counts == [counts[0]] * 3
    assert in_thread.count >= counts[0]  # the loop ran in another thread, and was counted there too


@pytest.mark.parametrize("filename, counted", [
    ("<cell 3>", True),                              # a cell in the sandbox
    ("/tmp/ipykernel_4242/2992950483.py", True),     # a cell in a Jupyter kernel (self-check, nbgrader, otter)
    (f"{sys.prefix}/lib/site-packages/numpy/x.py", False),  # library code: not the student's work
])
def test_only_the_students_own_code_is_counted(filename, counted):
    namespace = {}
    exec(compile("def spin(n):\n    for _ in range(n):\n        pass\n", filename, "exec"), namespace)
    with LineCounter() as counter:
        namespace["spin"](500)
    assert (counter.count >= 500) if counted else counter.count == 0


def test_the_speed_thresholds_must_rise(tmp_path):
    broken = tmp_path / "assignment.toml"
    broken.write_text(DEFAULT.read_text().replace("zero_lines_per_pixel = 0.5", "zero_lines_per_pixel = 0.05"))
    with pytest.raises(AssignmentError, match="full_lines_per_pixel must be below zero_lines_per_pixel"):
        load_assignment(broken)


def test_the_sandbox_counts_lines_beside_the_forbidden_api_monitor():
    sandbox = Sandbox(cells("import numpy as np\n"
                            "def smooth(x):\n"
                            "    out = []\n"
                            "    for row in x:\n"
                            "        out.append(np.convolve(row, [1.0, 1.0], 'valid'))\n"
                            "    return np.array(out)\n"), LIMITS)
    try:
        sandbox.load()
        answer = sandbox.call("smooth", (np.ones((50, 4)),), {}, forbidden=("numpy.convolve",), count_lines=True)
        plain = sandbox.call("smooth", (np.ones((50, 4)),), {})
    finally:
        sandbox.kill()
    assert answer.failure is None and answer.forbidden == ["numpy.convolve"]
    assert answer.lines >= 100 and plain.lines is None


SANDBOXED = {"im2col": (IM2COL, 1.0), "pixels": (LOOP_PIXELS, 0.0), "six_loops": (SIX_LOOPS, 0.0),
             "hostile": (SETTRACE_OFF, 0.0)}


@pytest.fixture(scope="module")
def sandboxed_results(tmp_path_factory):
    """results.json of each SANDBOXED submission, graded on conv2d_fast through the command line."""
    folder = tmp_path_factory.mktemp("speed")
    for student, (source, _) in SANDBOXED.items():
        (folder / f"{student}.py").write_text(source)
    out = tmp_path_factory.mktemp("graded")
    assert main(["grade", str(folder), "--out", str(out), "--questions", "conv2d_fast"]) == 0
    return {student: json.loads((out / output_folder_name(student) / "results.json").read_text())
            for student in SANDBOXED}


@pytest.mark.parametrize("student", SANDBOXED)
def test_the_sandbox_grades_speed_by_lines_per_pixel(sandboxed_results, student):
    results = sandboxed_results[student]
    speed = next(test for test in results["tests"] if test["name"].startswith("conv2d_fast: speed"))
    assert speed["score"] == SANDBOXED[student][1] * speed["max_score"], speed["output"]
    if student == "hostile":  # switching the grader's monitor off costs the question, and a TA looks
        assert "sandbox-violation" in results["extra_data"]["flags"]
        assert all(test["score"] == 0 for test in results["tests"])
    else:
        assert "sandbox-violation" not in results["extra_data"]["flags"]
        others = [test for test in results["tests"] if test is not speed]
        assert all(test["score"] == test["max_score"] for test in others)
