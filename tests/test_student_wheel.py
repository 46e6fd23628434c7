"""The students' wheel (`cnn-grade generate --dist`): the self-check on a student's machine, without
the reference's code, the hidden suites or the assignment's secret, and with the same reports as
the grader's own self-check on every corpus file."""
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import cnn_ref
from autograder.assignment import DEFAULT, load_assignment
from autograder.authoring.student_wheel import student_assignment, write_student_wheel
from test_grading import CORR2D, FLIPPED

CORPUS = Path(__file__).parent / "corpus"

# Reports of every corpus file, as plain data: run here with cnn_ref, or in the wheel without it.
REPORTS = """
import json, runpy, sys, tomllib
from pathlib import Path
from autograder.selfcheck.checks import run_public_checks
corpus = Path(sys.argv[1])
manifest = tomllib.loads((corpus / "manifest.toml").read_text())
reports = {}
for name, entry in sorted(manifest.items()):
    report = run_public_checks(entry["question"], runpy.run_path(str(corpus / name), run_name="student"))
    reports[name] = [[result.name, result.passed, result.message, [str(d) for d in result.diagnoses]]
                     for result in report.results]
print(json.dumps({"reports": reports, "reference": __import__("cnn_ref").__file__}))
"""
# A Python that sees the unpacked wheel and not this project (the editable install's finder).
ISOLATED = """
import sys
sys.meta_path[:] = [finder for finder in sys.meta_path if "editable" not in repr(finder).lower()]
sys.path.insert(0, sys.argv.pop(1))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    return write_student_wheel(tmp_path_factory.mktemp("students"))


@pytest.fixture(scope="module")
def unpacked(wheel, tmp_path_factory):
    site = tmp_path_factory.mktemp("site")
    zipfile.ZipFile(wheel).extractall(site)
    return site


def run_python(program, *args, site=None):
    """stdout of `program` in this project's Python, or, given `site`, in one that sees only the
    unpacked wheel there."""
    command = [sys.executable, "-I", "-c", ISOLATED + program, str(site)] if site else [sys.executable, "-c", program]
    run = subprocess.run([*command, *args], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return run.stdout


def test_the_wheel_holds_no_reference_code_no_suite_and_no_secret(wheel):
    seed = load_assignment(DEFAULT).seed
    references = {path.read_bytes() for path in Path(cnn_ref.__file__).parent.glob("*.py")}
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        contents = {name: archive.read(name) for name in names}
    assert "autograder/selfcheck/checks.py" in names and "cnn_ref/answers.json" in names
    assert not [name for name in names if name.startswith(("autograder/suites", "autograder/authoring",
                                                           "autograder/records"))]
    assert not [name for name, content in contents.items() if content in references]
    assert not [name for name, content in contents.items() if seed.encode() in content]
    assert "def corr2d" not in contents["cnn_ref/_recorded.py"].decode()


def test_the_students_assignment_file_loses_only_its_seed(tmp_path):
    text = student_assignment(DEFAULT)
    (tmp_path / "assignment.toml").write_text(text)
    theirs, ours = load_assignment(tmp_path / "assignment.toml"), load_assignment(DEFAULT)
    assert theirs.seed == "" and ours.seed
    assert theirs.questions == ours.questions and theirs.limits == ours.limits


def test_the_wheel_reports_what_the_grader_reports_on_every_corpus_file(unpacked):
    there = json.loads(run_python(REPORTS, str(CORPUS), site=unpacked))
    assert Path(there["reference"]).is_relative_to(unpacked)  # the recorded stand-in, not cnn_ref
    ours = json.loads(run_python(REPORTS, str(CORPUS)))
    assert Path(ours["reference"]).is_relative_to(Path(cnn_ref.__file__).parent)
    here = ours["reports"]
    assert there["reports"] == here
    failing = [name for name, results in here.items() if not all(passed for _, passed, _, _ in results)]
    assert len(failing) >= 20  # the comparison covers wrong answers and their diagnoses, not only passes
    assert any(diagnoses for results in here.values() for _, _, _, diagnoses in results)


def test_a_call_the_public_checks_never_make_is_refused_in_words(unpacked):
    out = run_python("""
import numpy as np, cnn_ref
try:
    cnn_ref.corr2d(np.ones((9, 9)), np.ones((2, 2)))
except ValueError as error:
    print(type(error).__name__, error)
""", site=unpacked)
    assert out.strip() == "NotRecorded cnn_ref.corr2d answers only the public checks' calls"


def test_check_in_a_students_notebook_namespace_passes_and_names_a_flipped_kernel(unpacked):
    out = run_python(f"""
from autograder import check
{CORR2D}
check("corr2d")
{FLIPPED}
try:
    check("corr2d")
except AssertionError:
    print("FAILED")
""", site=unpacked)
    passed, failed = out.split("FAILED")[0].split("Public checks of corr2d")[1:]
    assert "2 of 2 public checks passed" in passed and "flipped" not in passed
    assert "0 of 2 public checks passed" in failed and "flipped" in failed
