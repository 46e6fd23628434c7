"""Exercises and solutions from one source: `cnn-grade generate`.

The instructor writes `solutions/*.ipynb` only. Each question's implementation sits in one code cell
between `### BEGIN SOLUTION` and `### END SOLUTION` lines (nbgrader's markers, nbgrader metadata
`{"solution": true, "grade_id": "<question>-solution"}`), followed by a locked test cell
`from autograder import check` / `check("<question>")` (metadata `{"grade": true, "grade_id":
"<question>", "points": N}`).

- `exercises/` is generated from them: every solution region becomes
  `raise NotImplementedError("...")` at the region's indentation, outputs and execution counts are
  cleared, and all metadata stays (so an exercise is a valid nbgrader release notebook). Every
  other code cell that is not a test cell is a lesson cell: it gets `{"cnn_grade": {"lesson_sha256":
  <its source's hash>, "setup": <tagged "setup">}}`, so that the grader can skip it while a
  student leaves it unchanged (and nothing graded needs it). Tag a cell `setup` in the solution
  when it must always run (global settings the graded functions depend on without naming them).
  `--check` compares instead of writing, so a stale exercise cannot land.
- `--dist DIR` also writes the other tools' forms: an nbgrader course (`DIR/nbgrader/`, with the
  hidden suite of each question as a hidden test), otter-assign master notebooks (`DIR/otter/`) and
  a Gradescope autograder zip (`DIR/gradescope/<assignment>.zip`) that runs `cnn-grade grade`.
"""
import ast
import copy
import json
import shutil
import tempfile
import zipfile
from pathlib import Path

import nbformat

from autograder.assignment import DEFAULT, load_assignment
from autograder.authoring.student_wheel import write_student_wheel
from autograder.authoring.wheels import pip_wheel
from autograder.notebooks import (BEGIN_SOLUTION, END_SOLUTION, LESSON_KEY, is_solution_cell, lesson_metadata,
                                  nbgrader_meta, notebook_text, read_notebook, test_question, write_text)
from autograder.selfcheck.public_cases import PUBLIC

PROJECT = Path(__file__).resolve().parents[2]
SOLUTIONS = PROJECT / "solutions"
EXERCISES = PROJECT / "exercises"

BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
GENERIC_TODO = "Replace this line with your code."
MARKDOWN_TODO = "YOUR ANSWER HERE"


# ---- exercises ------------------------------------------------------------------------------------

def _functions_around(source):
    """[(first line, last line, name, docstring)] of every function the source defines."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return []
    return [(node.lineno, node.end_lineno, node.name, ast.get_docstring(node) or "")
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))]


def todo_sentence(source, line_number):
    """What the student implements at `line_number` (1-based) of `source`: the innermost enclosing
    function and its docstring's first line, or a generic sentence."""
    around = [entry for entry in _functions_around(source) if entry[0] <= line_number <= entry[1]]
    if not around:
        return GENERIC_TODO
    _, _, name, doc = max(around, key=lambda entry: entry[0])
    summary = doc.strip().splitlines()[0].strip() if doc.strip() else ""
    if not summary:
        return f"Implement {name}()."
    if len(summary) > 1 and summary[0].isupper() and not summary[1].isupper():
        summary = summary[0].lower() + summary[1:]
    return f"Implement {name}(): {summary.rstrip('.')}."


def _strip_blocks(source, begin, end, replace):
    """Source with every `begin`..`end` block (marker lines included) replaced by
    replace(indent, line_number_of_begin), or dropped when replace returns None."""
    lines, kept, inside, indent, start = source.split("\n"), [], False, "", 0
    for number, line in enumerate(lines, 1):
        marker = line.strip()
        if not inside and marker.startswith(begin):
            inside, indent, start = True, line[:len(line) - len(line.lstrip())], number
        elif inside and marker.startswith(end):
            inside = False
            replacement = replace(indent, start)
            if replacement is not None:
                kept.append(replacement)
        elif not inside:
            kept.append(line)
    if inside:
        raise ValueError(f"{begin!r} on line {start} has no {end!r}")
    return "\n".join(kept)


def strip_solution(source, markdown=False):
    """A solution cell's source as the exercise shows it."""
    if markdown:
        return _strip_blocks(source, BEGIN_SOLUTION, END_SOLUTION, lambda indent, _: MARKDOWN_TODO)
    if BEGIN_SOLUTION not in source:   # a solution cell without markers: all of it is the answer
        return f"raise NotImplementedError({_literal(GENERIC_TODO)})"
    return _strip_blocks(source, BEGIN_SOLUTION, END_SOLUTION,
                         lambda indent, line: f"{indent}raise NotImplementedError({_literal(todo_sentence(source, line))})")


def _literal(text):
    """A readable Python string literal, without escaped quotes: double quotes unless the text holds
    only double quotes; when it holds both kinds, its double quotes become single ones."""
    if "'" in text and '"' in text:
        text = text.replace('"', "'")
    if "'" not in text and '"' not in text:
        return '"' + repr(text)[1:-1] + '"'
    return repr(text)


def strip_hidden_tests(source):
    return _strip_blocks(source, BEGIN_HIDDEN, END_HIDDEN, lambda indent, line: None).rstrip("\n")


def exercise_of(solution):
    """The exercise notebook of a solution notebook (a new notebook; `solution` is unchanged)."""
    exercise = copy.deepcopy(solution)
    for cell in exercise.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            if is_solution_cell(cell):
                cell.source = strip_solution(cell.source)
            elif test_question(cell) is None:
                cell.metadata[LESSON_KEY] = lesson_metadata(cell)
            if BEGIN_HIDDEN in cell.source:
                cell.source = strip_hidden_tests(cell.source)
        elif cell.cell_type == "markdown" and (BEGIN_SOLUTION in cell.source or nbgrader_meta(cell).get("solution")):
            cell.source = strip_solution(cell.source, markdown=True) if BEGIN_SOLUTION in cell.source else MARKDOWN_TODO
    return exercise


def completed_exercise(solution):
    """The exercise of `solution` as a student hands it in having solved every question: its
    lesson cells (and their metadata) as generated, the solution's code in each solution cell,
    run from top to bottom (execution counts 1, 2, ...). For the project's tests and benchmarks."""
    exercise = exercise_of(solution)
    count = 0
    for answer, cell in zip(solution.cells, exercise.cells):
        if cell.cell_type == "code":
            count += 1
            cell.execution_count = count
            if is_solution_cell(answer):
                cell.source = answer.source
    return exercise


def solution_notebooks(solutions):
    return sorted(Path(solutions).glob("*.ipynb"))


def generate_exercises(solutions=SOLUTIONS, exercises=EXERCISES):
    """Write exercises/<name>.ipynb for every solutions/<name>.ipynb; returns the paths written."""
    written = []
    for path in _existing_solutions(solutions):
        target = Path(exercises) / path.name
        write_text(target, notebook_text(exercise_of(read_notebook(path))))
        written.append(target)
    return written


def stale_exercises(solutions=SOLUTIONS, exercises=EXERCISES):
    """[(path, why)] for every exercise that is missing, differs from what generate would write,
    or has no solution; [] when exercises/ is up to date. Writes nothing."""
    problems, expected = [], set()
    for path in _existing_solutions(solutions):
        target = Path(exercises) / path.name
        expected.add(path.name)
        if not target.exists():
            problems.append((target, "missing"))
            continue
        wanted = json.loads(notebook_text(exercise_of(read_notebook(path))))
        try:
            actual = json.loads(target.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            actual = None
        if actual != wanted:
            problems.append((target, f"stale: differs from what {path.name} generates"))
    for extra in sorted(Path(exercises).glob("*.ipynb")) if Path(exercises).is_dir() else ():
        if extra.name not in expected:
            problems.append((extra, "has no solution notebook"))
    return problems


def _existing_solutions(solutions):
    paths = solution_notebooks(solutions)
    if not paths:
        raise FileNotFoundError(f"no solution notebooks (*.ipynb) in {solutions}")
    return paths


# ---- nbgrader -------------------------------------------------------------------------------------

NBGRADER_CONFIG = '''\
# nbgrader's configuration of the {name!r} course, written by `cnn-grade generate --dist`.
# Run nbgrader from this folder: `nbgrader generate_assignment {name}`, collect the students' work
# into submitted/<student>/{name}/, then `nbgrader autograde {name}`. The test cells' hidden tests
# import the autograder package: install it (pip install cnn-autograder) where nbgrader runs.
c = get_config()  # noqa: F821 (nbgrader provides it)
c.CourseDirectory.course_id = {name!r}
c.CourseDirectory.source_directory = "source"
# A notebook's cells, the hidden suites included, may take a while (conv2d_fast is timed).
c.ExecutePreprocessor.timeout = 600
'''

HIDDEN_TEST = f'''{BEGIN_HIDDEN}
from autograder.authoring.kernel import hidden_check
hidden_check("{{question}}")
{END_HIDDEN}'''


def hidden_questions(assignment):
    """Questions whose hidden suite the exports run in the notebook's kernel: all but those that
    train a model, whose training and held-out split stay with `cnn-grade grade`."""
    return [question.id for question in assignment.questions.values() if not question.trains_model]


def points_of(assignment):
    """{question: points} from the assignment file: the one source of points for every form."""
    return {question.id: question.points for question in assignment.questions.values()}


def nbgrader_source_of(solution, hidden, points):
    """The nbgrader source notebook: the solution, each test cell with its hidden test appended
    and the assignment file's points (points: {question: points})."""
    source = copy.deepcopy(solution)
    for cell in source.cells:
        question = test_question(cell)
        if question in points and nbgrader_meta(cell).get("grade"):
            cell.metadata["nbgrader"]["points"] = points[question]
        if question in hidden and BEGIN_HIDDEN not in cell.source:
            cell.source = cell.source.rstrip("\n") + "\n" + HIDDEN_TEST.format(question=question)
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return source


def write_nbgrader(solutions, target, assignment):
    """DIR/nbgrader/: nbgrader_config.py and source/<name>/*.ipynb."""
    hidden, name = set(hidden_questions(assignment)), assignment.name
    write_text(target / "nbgrader_config.py", NBGRADER_CONFIG.format(name=name))
    for path in _existing_solutions(solutions):
        write_text(target / "source" / name / path.name, notebook_text(nbgrader_source_of(read_notebook(path), hidden, points_of(assignment))))
    return target


# ---- otter-grader ---------------------------------------------------------------------------------

OTTER_CONFIG = """# ASSIGNMENT CONFIG
name: {name}
# The tests import the autograder package: the wheel beside this notebook goes into otter's
# autograder zip, and requirements.txt installs it from there (torch stays pinned at 2.13.0).
requirements: requirements.txt
autograder_files:
  - {wheel}
export_cell: false
check_all_cell: false
tests:
  files: false
  ok_format: true"""


def _raw(source):
    return nbformat.v4.new_raw_cell(source)


def _otter_solution_source(source):
    """nbgrader's `### BEGIN SOLUTION` markers as otter's `# BEGIN SOLUTION` comments."""
    lines = []
    for line in source.split("\n"):
        stripped, indent = line.strip(), line[:len(line) - len(line.lstrip())]
        if stripped.startswith(BEGIN_SOLUTION):
            line = f"{indent}# BEGIN SOLUTION"
        elif stripped.startswith(END_SOLUTION):
            line = f"{indent}# END SOLUTION"
        lines.append(line)
    return "\n".join(lines)


def _question_of_solution(cell, following):
    """The question a solution cell answers: from its grade_id, else from the next test cell."""
    grade_id = nbgrader_meta(cell).get("grade_id", "")
    if grade_id.endswith("-solution"):
        return grade_id.removesuffix("-solution")
    for later in following:
        question = test_question(later)
        if question:
            return question
        if is_solution_cell(later):
            break
    return None


OTTER_FILES = "/autograder/source/files"   # where otter's Gradescope zip puts autograder_files


def otter_master_of(solution, name, hidden, points, wheel="cnn_autograder-0.1.0-py3-none-any.whl"):
    """An otter-assign master notebook: each solution cell and its test cell become a question
    block whose tests are our public cases (visible) and the hidden suite (hidden), worth the
    assignment file's points (points: {question: points})."""

    cells = [_raw(OTTER_CONFIG.format(name=name, wheel=wheel))]
    source_cells = list(solution.cells)
    consumed = set()
    for index, cell in enumerate(source_cells):
        if index in consumed:
            continue
        question = _question_of_solution(cell, source_cells[index + 1:]) if (
            cell.cell_type == "code" and is_solution_cell(cell)) else None
        if question is None:
            if cell.cell_type == "code":
                cell = copy.deepcopy(cell)
                cell.outputs, cell.execution_count = [], None
                cell.metadata.pop("nbgrader", None)
            cells.append(cell)
            continue
        for later_index in range(index + 1, len(source_cells)):
            if test_question(source_cells[later_index]) == question:
                consumed.add(later_index)
                break
        code = nbformat.v4.new_code_cell(_otter_solution_source(cell.source))
        header = f"# BEGIN QUESTION\nname: {question}" + (f"\npoints: {points[question]:g}" if question in points else "")
        cells += [_raw(header), _raw("# BEGIN SOLUTION"), code, _raw("# END SOLUTION"), _raw("# BEGIN TESTS")]
        for case_index, case in enumerate(PUBLIC.get(question, ())):
            cells.append(nbformat.v4.new_code_cell(
                f"# {case.name}\nfrom autograder.selfcheck.checks import check_case\ncheck_case({question!r}, {case_index})"))
        if question in hidden:
            cells.append(nbformat.v4.new_code_cell(
                f"# HIDDEN: the hidden suite of {question}\nfrom autograder.authoring.kernel import hidden_check\n"
                f"hidden_check({question!r})"))
        cells += [_raw("# END TESTS"), _raw("# END QUESTION")]
    master = nbformat.v4.new_notebook(cells=cells, metadata=copy.deepcopy(solution.metadata))
    master.nbformat_minor = solution.nbformat_minor
    for number, cell in enumerate(master.cells):
        if master.nbformat_minor >= 5:
            cell["id"] = cell.get("id") or f"otter-{number}"
        else:
            cell.pop("id", None)
    _unique_ids(master)
    return master


def _unique_ids(notebook):
    seen = set()
    for number, cell in enumerate(notebook.cells):
        if "id" in cell and cell["id"] in seen:
            cell["id"] = f"otter-{number}"
        seen.add(cell.get("id"))


def write_otter(solutions, target, assignment, wheel):
    """DIR/otter/: one master notebook per solution notebook, and the requirements the tests need."""
    hidden, name = set(hidden_questions(assignment)), assignment.name
    target.mkdir(parents=True, exist_ok=True)
    shutil.copy2(wheel, target / wheel.name)
    write_text(target / "requirements.txt",
           "# The autograder package, from otter's autograder zip (autograder_files). It pins torch at\n"
           "# 2.13.0; where the default index serves the multi-GB CUDA build, install the CPU build first.\n"
           f"{OTTER_FILES}/{wheel.name}\n")
    for path in _existing_solutions(solutions):
        master = otter_master_of(read_notebook(path), f"{name}-{path.stem}", hidden, points_of(assignment), wheel.name)
        write_text(target / path.name, notebook_text(master))
    return target


# ---- Gradescope -----------------------------------------------------------------------------------

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image: it installs bubblewrap
# (the sandbox student code runs in) and this package from the bundled wheel into a venv.
set -euo pipefail
ROOT="${{AUTOGRADER_ROOT:-/autograder}}"
cd "$ROOT/source"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends bubblewrap python3-venv
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    apt-get install -y --no-install-recommends python3.11 python3.11-venv   # the package needs 3.11+
    PYTHON=python3.11
fi
"$PYTHON" -m venv "$ROOT/venv"
"$ROOT/venv/bin/pip" install --upgrade pip
# torch stays pinned at 2.13.0 (the package requires exactly that version). Where the default index
# serves the multi-GB CUDA build, set TORCH_INDEX_URL to PyTorch's CPU wheel index to get the CPU one.
TORCH_INDEX_URL="${{TORCH_INDEX_URL:-}}"
"$ROOT/venv/bin/pip" install ${{TORCH_INDEX_URL:+--index-url "$TORCH_INDEX_URL"}} "torch==2.13.0"
"$ROOT/venv/bin/pip" install "./{wheel}[grader]"
"""

RUN_AUTOGRADER = r"""#!/usr/bin/env bash
# Gradescope runs this for every submission. Everything in /autograder/submission (one or several
# notebooks or .py files) is one student's work: it is graded by `cnn-grade grade` with the bundled
# assignment file, and that student's results.json becomes /autograder/results/results.json.
# AUTOGRADER_ROOT (default /autograder) lets it run elsewhere, e.g. to try it locally.
set -uo pipefail
ROOT="${AUTOGRADER_ROOT:-/autograder}"
GRADE="$ROOT/venv/bin/cnn-grade"
[ -x "$GRADE" ] || GRADE="$(command -v cnn-grade)"
PYTHON="$ROOT/venv/bin/python"
[ -x "$PYTHON" ] || PYTHON="$(command -v python3)"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$ROOT/results" "$WORK/class"
# The student id seeds the hidden inputs, so that no two students get the same ones.
STUDENT="$("$PYTHON" - "$ROOT/submission_metadata.json" <<'EOF'
import json, re, sys
try:
    users = json.load(open(sys.argv[1])).get("users") or [{}]
    name = str(users[0].get("email") or users[0].get("id") or "submission")
except Exception:
    name = "submission"
print(re.sub(r"[^A-Za-z0-9@._+-]", "_", name).lstrip(".") or "submission")
EOF
)"
cp -r "$ROOT/submission" "$WORK/class/$STUDENT"
# Gradescope's submission time decides lateness when the assignment file has a [policy].
SUBMITTED_AT=()
[ -f "$ROOT/submission_metadata.json" ] && SUBMITTED_AT=(--submitted-at "$ROOT/submission_metadata.json")
"$GRADE" grade "$WORK/class" --out "$WORK/out" --assignment "$ROOT/source/{assignment}" --force "${SUBMITTED_AT[@]}"
STATUS=$?
RESULTS="$(find "$WORK/out" -mindepth 2 -maxdepth 2 -name results.json | head -n 1)"
if [ -n "$RESULTS" ]; then
    cp "$RESULTS" "$ROOT/results/results.json"
else
    # The results model writes it: score 0, the exit status, and the grader-error flag.
    "$PYTHON" -m autograder.records.results "$ROOT/results/results.json" "$STATUS"
fi
"""


def build_wheel(target_dir):
    """A wheel of this project (autograder and cnn_ref), built from a clean copy of the sources."""
    with tempfile.TemporaryDirectory(prefix="cnn-grade-wheel-") as scratch:
        tree = Path(scratch) / "project"
        tree.mkdir()
        for name in ("pyproject.toml", "README.md"):
            if (PROJECT / name).exists():
                shutil.copy2(PROJECT / name, tree / name)
        for package in ("autograder", "cnn_ref"):
            shutil.copytree(PROJECT / package, tree / package,
                            ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        before = set(Path(target_dir).glob("*.whl"))
        pip_wheel(tree, target_dir, "the wheel")
    wheels = sorted(set(Path(target_dir).glob("cnn_autograder-*.whl")) - before) or \
        sorted(Path(target_dir).glob("cnn_autograder-*.whl"))
    return wheels[-1]


def write_gradescope(target, name, wheel, assignment_file):
    """DIR/gradescope/<name>.zip: setup.sh, run_autograder, the assignment file and the wheel."""
    target.mkdir(parents=True, exist_ok=True)
    archive = target / f"{name}.zip"
    assignment_name = "assignment.toml"
    files = {
        "setup.sh": SETUP_SH.format(wheel=wheel.name),
        "run_autograder": RUN_AUTOGRADER.replace("{assignment}", assignment_name),
    }
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
        for file_name, text in files.items():
            info = zipfile.ZipInfo(file_name, date_time=(2026, 1, 1, 0, 0, 0))
            info.external_attr = 0o100755 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            bundle.writestr(info, text)
        bundle.write(assignment_file, assignment_name)
        bundle.write(wheel, wheel.name)
    return archive


def write_dist(solutions, dist, assignment_file=None):
    """DIR/nbgrader, DIR/otter, DIR/gradescope/<assignment>.zip and the students' self-check wheel
    in DIR/students; returns {form: path}."""
    assignment_file = Path(assignment_file or DEFAULT)
    assignment = load_assignment(assignment_file)
    dist = Path(dist)
    with tempfile.TemporaryDirectory(prefix="cnn-grade-dist-") as scratch:
        wheel = build_wheel(Path(scratch))
        return {
            "nbgrader": write_nbgrader(solutions, dist / "nbgrader", assignment),
            "otter": write_otter(solutions, dist / "otter", assignment, wheel),
            "gradescope": write_gradescope(dist / "gradescope", assignment.name, wheel, assignment_file),
            "students' self-check": write_student_wheel(dist / "students", assignment_file),
        }
