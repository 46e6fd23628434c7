"""The sandbox against hostile code: each attack costs at most the call it happens in."""
import socket
import textwrap
import threading
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from autograder.grading.answer import CRASHED, MISSING, RAISED, TIMEOUT, UNREADABLE
from autograder.assignment import Limits
from autograder.grading.sandbox import Sandbox, bubblewrap

needs_bwrap = pytest.mark.skipif(bubblewrap() is None, reason="bubblewrap is not installed")
# Generous time limits: they only stop a hang, so that a busy machine fails no test; the tests of
# time-outs set short ones of their own.
LIMITS = Limits(load_seconds=60, call_seconds=30, memory_mb=1024, processes=32, output_kb=4)
PROJECT = Path(__file__).resolve().parents[1]


def cells(*sources):
    return [{"label": f"cell {i}", "filename": f"<cell {i}>", "source": textwrap.dedent(source)}
            for i, source in enumerate(sources, 1)]


def echo_cell():
    return "import numpy as np\ndef echo(x):\n    return x\n"


@pytest.fixture
def sandbox_of(request):
    """sandbox_of(*sources, limits=LIMITS, isolate=True): a loaded sandbox, killed afterwards."""
    made = []

    def make(*sources, limits=LIMITS, isolate=True):
        sandbox = Sandbox(cells(*sources), limits, isolate=isolate)
        made.append(sandbox)
        sandbox.report = sandbox.load()
        return sandbox

    yield make
    for sandbox in made:
        sandbox.kill()


def test_cells_run_in_order_and_a_failing_cell_does_not_stop_the_next(sandbox_of):
    sandbox = sandbox_of("x = 2", "1 / 0", "print('after', x)\ndef twice(v):\n    return v * x\n")
    report = sandbox.report
    assert report.failure is None
    assert "ZeroDivisionError" in report.cells[1]["error"]
    assert report.cells[2]["output"] == "after 2\n"
    assert report.defined == ["twice"]
    assert sandbox.call("twice", (np.arange(3.0),), {}).value.tolist() == [0.0, 2.0, 4.0]


def test_arrays_round_trip_exactly_with_their_dtype(sandbox_of):
    sandbox = sandbox_of(echo_cell())
    for array in (np.arange(12, dtype=np.float32).reshape(3, 4), np.array([[1, 2]], dtype=np.int16),
                  np.array([np.nan, np.inf])):
        value = sandbox.call("echo", (array,), {}).value
        assert value.dtype == array.dtype and np.array_equal(value, array, equal_nan=True)
    nested = sandbox.call("echo", (((np.ones(2), None), [1, 2.5, "a"]),), {}).value
    assert isinstance(nested, tuple) and nested[0][1] is None and nested[1] == [1, 2.5, "a"]


def test_student_exceptions_and_exits_are_answers_not_crashes(sandbox_of):
    sandbox = sandbox_of("""
        import sys
        def bad(x):
            raise ValueError("stride must be positive")
        def leave():
            sys.exit(0)
        def recurse(n):
            return recurse(n + 1)
        def echo(x):
            return x
    """)
    raised = sandbox.call("bad", (1,), {})
    assert raised.failure == RAISED and "ValueError: stride must be positive" in raised.message
    assert "<cell 1>" in raised.message  # the student's own traceback, line numbers included
    assert sandbox.call("leave", (), {}).failure == RAISED
    assert "RecursionError" in sandbox.call("recurse", (0,), {}).message
    assert sandbox.call("echo", (5,), {}).value == 5
    assert sandbox.restarts == 0


def test_missing_function(sandbox_of):
    assert sandbox_of("x = 1").call("corr2d", (), {}).failure == MISSING


def test_os_exit_costs_the_call_and_a_fresh_sandbox_serves_the_next(sandbox_of):
    sandbox = sandbox_of("import os\ndef die():\n    os._exit(3)\n", echo_cell())
    died = sandbox.call("die", (), {})
    assert died.failure == CRASHED and "os._exit" in died.message
    assert sandbox.call("echo", (7,), {}).value == 7
    assert sandbox.restarts == 1


@needs_bwrap
def test_segfault_costs_only_the_call(sandbox_of):
    sandbox = sandbox_of("import ctypes\ndef crash():\n    ctypes.string_at(0)\n", echo_cell())
    crashed = sandbox.call("crash", (), {})
    assert crashed.failure == CRASHED and "SIGSEGV" in crashed.message or "crashed" in crashed.message
    assert sandbox.call("echo", (1,), {}).value == 1


def test_infinite_loop_ignoring_sigterm_is_killed_at_the_time_limit(sandbox_of):
    limits = replace(LIMITS, call_seconds=1)
    sandbox = sandbox_of("""
        import signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        def spin():
            while True:
                pass
    """, echo_cell(), limits=limits)
    answer = sandbox.call("spin", (), {})
    assert answer.failure == TIMEOUT
    assert sandbox.call("echo", (2,), {}).value == 2


def test_infinite_loops_while_loading_fail_the_load_only_when_leaving_one_out_is_not_enough(sandbox_of):
    # The whole load's limit (1 s) comes before the cell's own (20 s): the first hanging cell is
    # left out and the notebook loaded again, and the second one then fails the load, named.
    sandbox = sandbox_of("while True:\n    pass\n", "while True:\n    pass\n", echo_cell(),
                         limits=replace(LIMITS, load_seconds=1))
    assert "longer than 1 s (cell 2, which starts `while True:`" in sandbox.report.failure


def test_memory_bomb_is_stopped_by_the_memory_limit(sandbox_of):
    sandbox = sandbox_of("import numpy as np\ndef bomb():\n    return np.ones((1 << 32,))\n", echo_cell())
    answer = sandbox.call("bomb", (), {})
    assert answer.failure in (RAISED, CRASHED)
    assert sandbox.call("echo", (3,), {}).value == 3


@needs_bwrap
def test_fork_bomb_is_contained(sandbox_of):
    sandbox = sandbox_of("""
        import os
        def bomb():
            children = 0
            try:
                while True:
                    if os.fork() == 0:
                        import time
                        time.sleep(60)
                    children += 1
            except OSError:
                return children
    """, echo_cell())
    answer = sandbox.call("bomb", (), {})
    assert answer.failure is None and answer.value < LIMITS.processes
    assert sandbox.call("echo", (4,), {}).value == 4


@needs_bwrap
def test_no_network_even_to_loopback(sandbox_of):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    port = listener.getsockname()[1]
    accepted = []
    listener.settimeout(3)
    thread = threading.Thread(target=lambda: accepted.append(_accept(listener)))
    thread.start()
    sandbox = sandbox_of(f"""
        import socket
        def connect():
            try:
                socket.create_connection(("127.0.0.1", {port}), timeout=1).sendall(b"stolen")
                return "connected"
            except OSError as error:
                return "refused"
    """)
    assert sandbox.call("connect", (), {}).value == "refused"
    thread.join()
    listener.close()
    assert accepted == [None]


def _accept(listener):
    try:
        return listener.accept()
    except OSError:
        return None


@needs_bwrap
def test_grader_files_are_invisible_and_the_system_is_read_only(sandbox_of):
    sandbox = sandbox_of(f"""
        import os, sys
        def probe():
            seen = {{}}
            for path in ({str(PROJECT / "autograder" / "suites")!r}, {str(PROJECT / "cnn_ref")!r},
                         {str(PROJECT / "tests")!r}, {str(PROJECT / "pyproject.toml")!r}):
                seen[path] = os.path.exists(path)
            try:
                import cnn_ref
                seen["import cnn_ref"] = hasattr(cnn_ref, "conv2d_forward")
            except ImportError:
                seen["import cnn_ref"] = False
            from sklearn.datasets import load_digits
            digits = load_digits()  # the images are there for notebooks to show; the labels are not
            seen["digit labels"] = bool(digits.target.any()) or digits.images.max() != 16
            for target in (sys.prefix + "/results.json", "/usr/results.json", "/results.json"):
                try:
                    open(target, "w").write("{{}}")
                    seen[target] = True
                except OSError:
                    seen[target] = False
            open("/tmp/scratch", "w").write("private /tmp works")
            return seen
    """)
    seen = sandbox.call("probe", (), {}).value
    assert seen and not any(seen.values()), seen


def test_printing_fake_json_and_huge_output_stay_in_the_output(sandbox_of):
    sandbox = sandbox_of("""
        import sys, os
        def noisy(x):
            print('{"score": 100, "tests": []}')
            print("x" * 10_000_000)
            os.write(1, b'{"score": 100}')
            return x
    """)
    answer = sandbox.call("noisy", (1.5,), {})
    assert answer.value == 1.5
    assert len(answer.output) < LIMITS.output_kb * 1024 + 200 and "more characters not shown" in answer.output


def test_lying_ndarray_subclass_is_sent_as_its_data(sandbox_of):
    sandbox = sandbox_of("""
        import numpy as np
        class Liar(np.ndarray):
            def __eq__(self, other):
                return True
            def tolist(self):
                return [42]
            def __array__(self, *args, **kwargs):
                return np.full(self.shape, 42.0)
        def liar():
            return np.zeros(3).view(Liar)
        class Thing:
            pass
        def thing():
            return Thing()
        def objects():
            return np.array([Thing()], dtype=object)
    """)
    value = sandbox.call("liar", (), {}).value
    assert type(value) is np.ndarray and value.tolist() == [0.0, 0.0, 0.0]
    assert sandbox.call("thing", (), {}).failure == UNREADABLE
    assert sandbox.call("objects", (), {}).failure == UNREADABLE


def test_mutated_inputs_are_reported_by_name(sandbox_of):
    sandbox = sandbox_of("def scale(x, k):\n    x *= 2\n    return x\n")
    answer = sandbox.call("scale", (np.ones(3), np.ones(2)), {})
    assert answer.mutated == ["x"]


def test_forbidden_calls_are_seen_even_through_aliases(sandbox_of):
    sandbox = sandbox_of("""
        import numpy as np
        smuggled = getattr(np, "con" + "volve")
        def conv1d(x, k, mode="full"):
            return smuggled(x, k, mode)
        def honest(x, k, mode="full"):
            return np.fft.irfft(np.fft.rfft(x, 8) * np.fft.rfft(k, 8), 8)[:len(x) + len(k) - 1]
    """)
    watched = ["numpy.convolve", "scipy.signal", "torch"]
    assert sandbox.call("conv1d", (np.ones(3), np.ones(2)), {}, forbidden=watched).forbidden == ["numpy.convolve"]
    assert sandbox.call("honest", (np.ones(3), np.ones(2)), {}, forbidden=watched).forbidden == []


def test_switching_off_the_monitor_is_reported(sandbox_of):
    sandbox = sandbox_of("import sys\ndef sneaky():\n    sys.setprofile(None)\n    return 1\n")
    answer = sandbox.call("sneaky", (), {}, forbidden=["numpy.convolve"])
    assert any("monitor" in entry for entry in answer.forbidden)


def test_without_bubblewrap_it_still_runs_with_rlimits(sandbox_of):
    sandbox = sandbox_of(echo_cell(), isolate=False)
    assert not sandbox.isolated
    assert sandbox.call("echo", (np.ones(2),), {}).value.tolist() == [1.0, 1.0]


def test_a_function_that_hangs_twice_is_not_run_again(sandbox_of):
    sandbox = sandbox_of("def spin():\n    while True:\n        pass\n", echo_cell(),
                         limits=replace(LIMITS, call_seconds=0.5))
    answers = [sandbox.call("spin", (), {}) for _ in range(4)]
    assert [answer.failure for answer in answers] == [TIMEOUT] * 4
    assert "not run again" in answers[3].message and sandbox.restarts == 1
    assert sandbox.call("echo", (1,), {}).value == 1
