"""A hostile student in a class of honest ones (issue 14): each attack runs in a real sandbox,
in a batch graded by `cnn-grade grade --workers 2`; honest students get exactly the grade they
get alone, the batch completes, the attacker gains nothing, and the results say what happened."""
import json
import os
import sqlite3
import textwrap
from dataclasses import replace

import nbformat
import pytest

from autograder.assignment import Limits, load_assignment
from autograder.cli import main
from autograder.grading import variants
from autograder.expect import WrongAnswer
from autograder.grading.answer import CRASHED, RAISED
from autograder.grading.forbidden import forbidden_uses
from autograder.grading import pipeline
from autograder.grading.pipeline import grade_submission
from autograder.grading.sandbox import Sandbox, bubblewrap, cpu_seconds, withdrawable
from autograder.grading.submission import output_folder_name, read_submission

from test_grading import CORR2D     # the honest students' corr2d, the same as in the grading tests

needs_bwrap = pytest.mark.skipif(bubblewrap() is None, reason="bubblewrap is not installed")
ASSIGNMENT = load_assignment()
QUESTIONS = "corr2d,dense_params"
DENSE = """
def dense_params(n_in, n_out, bias=True):
    return n_in * n_out + (n_out if bias else 0)
"""
HONEST = CORR2D + DENSE
# A reply frame written by student code straight to the grader's pipe (the worker's argv[1]).
FORGE = """
import json, os, struct, sys, time

def forge(header, blob_sizes=(), count=None):
    body = json.dumps(header).encode()
    frame = struct.pack("<II", len(body), len(blob_sizes) if count is None else count) + body
    os.write(int(sys.argv[1]), frame + b"".join(struct.pack("<Q", size) for size in blob_sizes))
"""
SECRET = "TOP-SECRET-ROOT-ONLY-4711"

ATTACKS = {
    # A fault in one submission must not cost its chunk-mates: an uncalled 700-link method chain
    # (the static check recursed once per link), a forged reply whose forbidden list holds None.
    "chain.py": HONEST + "\ndef unused(x):\n    return x" + ".copy()" * 700 + "\n",
    "forged.py": CORR2D + FORGE + """
def dense_params(n_in, n_out, bias=True):
    forge({"value": 1, "forbidden": [None, 5], "mutated": [None], "output": 7, "seconds": "x"})
    os._exit(0)
""",
    # Forbidden APIs the in-sandbox monitor missed: all absent now, so each call fails.
    "thread.py": DENSE + """
import threading
def corr2d(x, k):
    box = []
    thread = threading.Thread(target=lambda: box.append(__import__("scipy.signal").signal.correlate2d(x, k, "valid")))
    thread.start()
    thread.join()
    return box[0]
""",
    "kernel.py": DENSE + """
import numpy as np
def corr2d(x, k):
    x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
    rows = x.shape[0] - k.shape[0] + 1
    return np.array([sum(np._core.multiarray.correlate2(x[i + r], k[r], 0) for r in range(k.shape[0]))
                     for i in range(rows)])
""",
    "hook.py": DENSE + """
import sys, numpy as np
def corr2d(x, k):
    hook = sys.getprofile()
    sys.setprofile(None)
    try:
        x, k = np.asarray(x, dtype=float), np.asarray(k, dtype=float)
        convolve = getattr(np, "con" + "volve")
        return np.array([[sum(convolve(x[i + r, j:j + k.shape[1]], k[r, ::-1], "valid")[0] for r in range(k.shape[0]))
                          for j in range(x.shape[1] - k.shape[1] + 1)] for i in range(x.shape[0] - k.shape[0] + 1)])
    finally:
        sys.setprofile(hook)
""",
    "child.py": DENSE + """
import subprocess, sys, numpy as np
def corr2d(x, k):
    code = ("import sys, numpy as np, torch; x, k = (np.load(sys.stdin.buffer) for _ in range(2)); "
            "np.save(sys.stdout.buffer, torch.nn.functional.conv2d(torch.tensor(x)[None, None], torch.tensor(k)[None, None])[0, 0].numpy())")
    import io
    data = io.BytesIO()
    np.save(data, np.asarray(x, dtype=float)); np.save(data, np.asarray(k, dtype=float))
    done = subprocess.run([sys.executable, "-c", code], input=data.getvalue(), capture_output=True)
    if done.returncode:
        raise RuntimeError(done.stderr.decode()[-300:])
    return np.load(io.BytesIO(done.stdout))
""",
    "patched.py": DENSE + """
import __main__
__main__.ForbiddenMonitor.take = lambda self: []
from scipy import signal
def corr2d(x, k):
    return signal.correlate2d(x, k, "valid")
""",
    # Unbounded replies: too many arrays, one array too large, a 20 MB string for an int.
    "frames.py": FORGE + """
def corr2d(x, k):
    forge({}, count=1_000_000)
    time.sleep(30)
def dense_params(n_in, n_out, bias=True):
    forge({"value": {"__ndarray__": 0}}, blob_sizes=[500 << 20] * 6)
    time.sleep(30)
""",
    "bigstring.py": CORR2D + "\ndef dense_params(n_in, n_out, bias=True):\n    return 'x' * 20_000_000\n",
    "tmpfill.py": CORR2D + """
import os
def dense_params(n_in, n_out, bias=True):
    written = 0
    for index in range(200):  # 15 MB files: each under the file-size limit, 3 GB in all
        try:
            with open(f"/tmp/fill{index}", "wb") as file:
                for _ in range(15):
                    file.write(b"x" * (1 << 20))
                    written += 1 << 20
        except OSError:
            break
    return written
""",
    # Text that cannot be written anywhere: a lone surrogate in an error and in printed output.
    "surrogate.py": HONEST + '\nprint("\\udcff")\nraise ValueError("\\udcff")\n',
}


def notebook(*sources):
    return nbformat.writes(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources]))


def grade(paths, out, *options):
    return main(["grade", *map(str, paths), "--out", str(out), "--questions", QUESTIONS, *options])


def results_of(out, student):
    return json.loads((out / output_folder_name(student) / "results.json").read_text())


def scores(results, question=None):
    return [test["score"] for test in results["tests"] if question in (None, test["extra_data"]["question"])]


def full_marks(results, question):
    tests = [test for test in results["tests"] if test["extra_data"]["question"] == question]
    return bool(tests) and all(test["score"] == test["max_score"] for test in tests)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    """One class: honest students beside every attacker (names sorted so that each chunk of
    three holds an honest one), graded with two workers; and the honest work graded alone."""
    root = tmp_path_factory.mktemp("attacks")
    submissions = root / "submissions"
    submissions.mkdir()
    for index, (name, source) in enumerate(sorted(ATTACKS.items())):
        (submissions / f"{index:02d}b_{name}").write_text(source)
        (submissions / f"{index:02d}a_honest.py").write_text(HONEST)
    (submissions / "nested.ipynb").write_text("[" * 100_000)
    (submissions / "spaces.ipynb").write_text(notebook('check("corr2d")\n' + " " * 80_000 + "\n", HONEST))
    (submissions / os.fsdecode(b"bad\xffname.py")).write_text(HONEST)
    (submissions / "x y.py").write_text(HONEST)
    (submissions / f"{output_folder_name('x y')}.py").write_text(CORR2D)  # an id equal to x y's folder
    secret = root / "secret.txt"
    secret.write_text(SECRET)
    secret.chmod(0o600)
    linker = submissions / "linker"
    (linker / "inner").mkdir(parents=True)
    (linker / "work.py").write_text(HONEST)
    (linker / "stolen.py").symlink_to(secret)
    (linker / "inner" / "outside").symlink_to(root)
    (submissions / "folderlink").symlink_to(root)
    os.mkfifo(linker / "pipe.py")
    out = root / "out"
    assert grade([submissions], out, "--workers", "2") == 0
    alone = root / "alone"
    (root / "honest.py").write_text(HONEST)
    assert grade([root / "honest.py"], alone) == 0
    return out, results_of(alone, "honest")


def honest_ids(out):
    return [name.removesuffix(".py") for name in os.listdir(out.parent / "submissions") if "a_honest" in name]


@needs_bwrap
def test_every_honest_student_gets_the_grade_they_get_alone(batch):
    out, alone = batch
    assert len(honest_ids(out)) == len(ATTACKS)
    for student in honest_ids(out) + ["x y", "linker", "spaces"]:
        results = results_of(out, student)
        assert scores(results) == scores(alone) and results["extra_data"]["flags"] == [], student


@needs_bwrap
def test_a_fault_in_one_submission_costs_no_chunk_mate(batch):
    out, alone = batch
    chain = results_of(out, next(s for s in os.listdir(out) if "chain" in s))
    assert chain["extra_data"]["error"] is None and scores(chain) == scores(alone)
    forged = results_of(out, next(s for s in os.listdir(out) if "forged" in s))
    assert full_marks(forged, "corr2d") and sum(scores(forged, "dense_params")) == 0
    assert "forbidden-api:dense_params" in forged["extra_data"]["flags"]
    assert "(a NoneType, not text)" in " ".join(test["output"] for test in forged["tests"])


@needs_bwrap
@pytest.mark.parametrize("attack", ["thread", "kernel", "hook", "child", "patched"])
def test_forbidden_apis_are_out_of_reach_whatever_the_route(batch, attack):
    out, _ = batch
    results = results_of(out, next(s for s in os.listdir(out) if f"b_{attack}" in s))
    assert sum(scores(results, "corr2d")) == 0 and full_marks(results, "dense_params")
    corr2d = " ".join(test["output"] for test in results["tests"] if test["extra_data"]["question"] == "corr2d")
    assert "cannot be" in corr2d or "has no attribute" in corr2d or "This question used" in corr2d


@needs_bwrap
def test_forged_reply_frames_are_refused_before_they_are_read(batch):
    out, _ = batch
    results = results_of(out, next(s for s in os.listdir(out) if "frames" in s))
    assert results["score"] == 0
    messages = " ".join(test["output"] for test in results["tests"])
    assert "1000000 arrays" in messages and "more than 256 MB" in messages
    assert {"crash:corr2d", "crash:dense_params"} <= set(results["extra_data"]["flags"])


@needs_bwrap
def test_a_huge_string_answer_leaves_every_record_small(batch):
    out, _ = batch
    student = next(s for s in os.listdir(out) if "bigstring" in s)
    results = results_of(out, student)
    assert full_marks(results, "corr2d") and sum(scores(results, "dense_params")) == 0
    assert (out / student / "results.json").stat().st_size < 200_000
    assert (out / student / "feedback.html").stat().st_size < 400_000
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert max(len(row[0]) for row in db.execute("SELECT results FROM runs")) < 200_000


@needs_bwrap
def test_the_sandbox_tmp_is_bounded(batch):
    out, _ = batch
    results = results_of(out, next(s for s in os.listdir(out) if "tmpfill" in s))
    said = " ".join(test["output"] for test in results["tests"] if test["extra_data"]["question"] == "dense_params")
    written = int(said.split("Your function returned ")[1].split(",")[0])
    assert 0 < written <= Limits().tmp_mb << 20


@needs_bwrap
def test_text_that_no_file_can_hold_is_replaced_and_reports_rebuild(batch):
    out, _ = batch
    results = results_of(out, next(s for s in os.listdir(out) if "surrogate" in s))
    assert "ValueError" in results["output"]
    assert main(["report", str(out)]) == 0


@needs_bwrap
def test_unreadable_names_and_nesting_are_this_submission_s_error_alone(batch):
    out, alone = batch
    assert results_of(out, "nested")["extra_data"]["error"]["kind"] == "bad-json"
    odd = results_of(out, "bad\\xffname")
    assert scores(odd) == scores(alone) and odd["extra_data"]["student"] == "bad\\xffname"


@needs_bwrap
def test_an_id_equal_to_another_s_folder_gets_a_folder_of_its_own(batch):
    out, alone = batch
    impostor = output_folder_name("x y")
    assert output_folder_name(impostor) != impostor
    assert results_of(out, "x y")["extra_data"]["student"] == "x y" and scores(results_of(out, "x y")) == scores(alone)
    assert results_of(out, impostor)["extra_data"]["student"] == impostor


@needs_bwrap
def test_symbolic_links_are_named_and_never_followed(batch):
    out, _ = batch
    for student in ("linker", "folderlink"):
        text = (out / output_folder_name(student) / "results.json").read_text()
        assert SECRET not in text and "symbolic link" in text, student
    linker = results_of(out, "linker")["output"]
    assert "stolen.py" in linker and "outside" in linker and "pipe.py: this is not a regular file" in linker


@needs_bwrap
def test_a_grader_fault_costs_only_the_submission_that_caused_it(tmp_path, monkeypatch):
    """A fault past the suites (here the static check) costs its own submission a flagged
    record; a fault of the shared pytest session has each submission graded again alone."""
    real_check, real_suites = pipeline.forbidden_uses, pipeline.run_suites_for

    def check(sources, *args):
        if any("BOOM" in source for source in sources):
            raise RuntimeError("a fault of the grader")
        return real_check(sources, *args)

    def suites(contexts, questions):
        if len(contexts) > 1:
            raise RuntimeError("the shared session failed")
        return real_suites(contexts, questions)

    monkeypatch.setattr(pipeline, "forbidden_uses", check)
    monkeypatch.setattr(pipeline, "run_suites_for", suites)
    for name, source in (("honest", HONEST), ("boom", HONEST + "# BOOM\n"), ("other", HONEST)):
        (tmp_path / f"{name}.py").write_text(source)
    graded = {student: results.to_json() for student, results, _ in pipeline.grade_chunk(
        [(name, [str(tmp_path / f"{name}.py")]) for name in ("honest", "boom", "other")], ASSIGNMENT, ["dense_params"])}
    for student in ("honest", "other"):
        assert full_marks(graded[student], "dense_params") and not graded[student]["extra_data"]["error"], student
    assert graded["boom"]["extra_data"]["error"]["kind"] == "grader-error"
    assert "error:grader-error" in graded["boom"]["extra_data"]["flags"]


def test_reading_a_cell_full_of_magics_takes_no_time_and_says_so(tmp_path):
    path = tmp_path / "magics.py"
    path.write_text("%time x\n" * 100_000)
    submission = read_submission("magics", [path])
    assert submission.cells[0]["source"] == path.read_text()
    assert "100000 lines of IPython syntax" in submission.notes[0]
    path.write_text("%matplotlib inline\nx = !ls\n")
    assert "get_ipython()" in read_submission("magics", [path]).cells[0]["source"]


def test_a_700_link_method_chain_does_not_exhaust_the_static_check():
    source = "import numpy as np\ndef helper(x):\n    return x" + ".copy()" * 700 + "\n"
    source += "def corr2d(x, k):\n    return np.convolve(helper(x), k)\n"
    assert forbidden_uses([source], {"corr2d": ["corr2d"]}, ["numpy.convolve"]) == {"corr2d": ["numpy.convolve"]}


# -- the timing side channel ------------------------------------------------------------------------

TIMED = CORR2D.replace("def corr2d", "def right_corr2d") + """
import json, time
history, last = [], []

def corr2d(x, k):
    now = time.monotonic()
    if last:
        history.append([now - last[0], len(history) % 2 == 1])  # [gap, was the previous answer wrong]
    print("HISTORY", json.dumps(history))
    answer = right_corr2d(x, k) + (1.0 if len(history) % 2 == 1 else 0.0)
    last[:] = [time.monotonic()]
    return answer
"""


@needs_bwrap
def test_a_wrong_answer_is_not_answered_later_than_a_right_one(tmp_path, monkeypatch):
    """Student code times the gap before its next call after right and after wrong answers (the
    history it prints); the grader does no work in that gap that a wrong answer needs and a right
    one does not: the catalogue search, every wrong answer's message (diagnoses, patterns,
    pictures) and pytest's report of a failure run only once no sandbox of the submission is
    alive. A mechanism, not a time threshold: no busy machine can make this flaky."""
    sandboxes, alive = [], {}
    spawn = Sandbox._spawn

    def recorded_spawn(self):
        sandboxes.append(self)
        spawn(self)

    def watched(name, work):
        def run(*args, **kwargs):
            alive.setdefault(name, []).append(any(sandbox.process is not None and sandbox.process.poll() is None
                                                  for sandbox in sandboxes))
            return work(*args, **kwargs)
        return run

    monkeypatch.setattr(Sandbox, "_spawn", recorded_spawn)
    monkeypatch.setattr(variants, "telling_variants", watched("catalogue", variants.telling_variants))
    monkeypatch.setattr(WrongAnswer, "settle", watched("message", WrongAnswer.settle))
    monkeypatch.setattr(pytest.Function, "repr_failure", watched("pytest report", pytest.Function.repr_failure))
    path = tmp_path / "timer.py"
    path.write_text(TIMED)
    results = grade_submission(read_submission("timer", [path]), ASSIGNMENT, ["corr2d"]).to_json()
    printed = [line for test in results["tests"] for line in test["output"].splitlines() if line.startswith("HISTORY")]
    history = max((json.loads(line.removeprefix("HISTORY ")) for line in printed), key=len)
    after_wrong = [gap for gap, wrong in history if wrong]
    after_right = [gap for gap, wrong in history if not wrong]
    assert after_wrong and after_right
    assert alive["catalogue"] and alive["message"], "the wrong answers were not diagnosed"
    assert not any(any(calls) for calls in alive.values()), alive
    wrong = [test["output"] for test in results["tests"] if test["score"] < test["max_score"]]
    assert wrong and all("values are wrong" in output for output in wrong), wrong


# -- the model sandbox: measured from outside, counted from shapes -----------------------------------

MODEL = """
import time
import torch
from torch import nn

def train_model(model, x_train, y_train, device):
    return model
"""


def grade_model(tmp_path, source, **settings):
    path = tmp_path / "student.py"
    path.write_text(textwrap.dedent(source))
    question = ASSIGNMENT.questions["cnn_model"]
    question = replace(question, settings={**question.settings, **settings})
    assignment = replace(ASSIGNMENT, questions={**ASSIGNMENT.questions, "cnn_model": question})
    results = grade_submission(read_submission("student", [path]), assignment, ["cnn_model"]).to_json()
    return {test["name"].split(": ", 1)[1]: test for test in results["tests"]}


def test_parameters_hidden_as_batch_norm_statistics_are_counted(tmp_path):
    tests = grade_model(tmp_path, MODEL + """
class Statistics(nn.modules.batchnorm._BatchNorm):
    def forward(self, x):
        return x + 0 * self.running_mean[:x.shape[1]]

def build_model(input_shape, num_classes):
    return nn.Sequential(nn.Flatten(), nn.Linear(input_shape[0] * input_shape[1] * input_shape[2], num_classes),
                         Statistics(2_500_000, affine=False))
""")
    budget = next(test for name, test in tests.items() if "parameter budget" in name)
    assert budget["score"] == 0 and "budget" in budget["output"]


def test_real_batch_norm_statistics_stay_free(tmp_path):
    tests = grade_model(tmp_path, MODEL + """
def build_model(input_shape, num_classes):
    features = input_shape[0] * input_shape[1] * input_shape[2]
    return nn.Sequential(nn.Flatten(), nn.BatchNorm1d(features), nn.Linear(features, num_classes))
""", parameter_budget=64 * 2 + 64 * 10 + 10)
    budget = next(test for name, test in tests.items() if "parameter budget" in name)
    assert budget["score"] == budget["max_score"], budget


def test_training_in_the_first_forward_pass_counts_as_training(tmp_path):
    tests = grade_model(tmp_path, MODEL + """
class Lazy(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner, self.trained = inner, False
    def forward(self, x):
        if not self.trained:  # 3 s of CPU, "training" where train_model's clock cannot see it
            start = time.process_time()
            while time.process_time() - start < 3:
                pass
            self.trained = True
        return self.inner(x)

def build_model(input_shape, num_classes):
    return Lazy(nn.Sequential(nn.Flatten(), nn.Linear(input_shape[0] * input_shape[1] * input_shape[2], num_classes)))
""", train_seconds=2)
    timing = next(test for name, test in tests.items() if "time budget" in name)
    assert timing["score"] == 0 and "took" in timing["output"]


@needs_bwrap
def test_cpu_seconds_come_from_the_kernel_for_the_whole_process_tree():
    sandbox = Sandbox([{"label": "c", "filename": "<c>", "source": textwrap.dedent("""
        import os, time
        def spin_in_a_child(seconds):
            if os.fork() == 0:
                start = time.process_time()
                while time.process_time() - start < seconds:
                    pass
                os._exit(0)
            os.wait()
    """)}], Limits())
    try:
        assert sandbox.load().failure is None
        before = cpu_seconds(sandbox.process.pid)
        assert sandbox.call("spin_in_a_child", (1.0,), {}).failure is None
        assert cpu_seconds(sandbox.process.pid) - before >= 0.9
    finally:
        sandbox.kill()


# -- the sandboxes' own bounds ----------------------------------------------------------------------

@needs_bwrap
def test_a_torch_import_fails_only_its_own_use_in_the_from_scratch_sandbox():
    sandbox = Sandbox([{"label": "demo", "filename": "<demo>", "source": "import torch\nprint(torch.zeros(2))\n"},
                       {"label": "work", "filename": "<work>", "source": textwrap.dedent("""
                           import numpy as np, scipy, scipy.stats
                           from sklearn.datasets import load_digits
                           from torch import nn
                           class Net(nn.Module):
                               pass
                           def digits():
                               return int(load_digits().images.shape[0])
                       """)}], Limits(), withdrawn=withdrawable(ASSIGNMENT.forbidden))
    try:
        report = sandbox.load()
        assert "torch.zeros cannot be used here" in report.cells[0]["error"] and report.cells[1]["error"] is None
        assert sandbox.call("digits", (), {}).value == 1797
    finally:
        sandbox.kill()


@needs_bwrap
def test_the_model_sandbox_on_a_gpu_keeps_a_host_memory_limit():
    """No GPU here: the sandbox made for one caps private memory (RLIMIT_DATA) instead of address
    space, and a host memory bomb still fails."""
    limits = Limits(memory_mb=1024)
    sandbox = Sandbox([{"label": "c", "filename": "<c>", "source": textwrap.dedent("""
        import numpy as np
        def data_limit():
            return [line for line in open("/proc/self/limits") if line.startswith("Max data size")][0].split()[3]
        def bomb():
            return float(np.ones(1 << 31).sum())
    """)}], limits, gpu=True)
    try:
        assert sandbox.load().failure is None
        assert sandbox.call("data_limit", (), {}).value == str(1024 << 20)
        assert sandbox.call("bomb", (), {}).failure in (RAISED, CRASHED)
    finally:
        sandbox.kill()
