"""The grade ledger through the command line (SPEC "Results" and "The ledger"): results.json's
format, late penalties, extensions, grace days shared through the ledger CSV, TA overrides that
survive regrades, `cnn-grade diff`, the exports' final scores, and an old gradebook migrated."""
import csv
import json
import sqlite3

from autograder.assignment import DEFAULT
from autograder.cli import main
from autograder.records.exports import export_gradescope
from autograder.records.gradebook import VERSION
from autograder.records.results import Results
from autograder.grading.submission import output_folder_name

QUESTIONS = "conv_output_size,dense_params"
SIZES = """
def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    for value, least in ((n, 1), (kernel_size, 1), (stride, 1), (padding, 0), (dilation, 1)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ValueError("bad argument")
    size = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if size < 1:
        raise ValueError("the kernel does not fit")
    return size
"""
DENSE = "def dense_params(i, o, bias=True):\n    return i * o + (o if bias else 0)\n"
NO_BIAS = DENSE.replace("(o if bias else 0)", "0")
DUE = "2026-03-01T23:59:00+00:00"


def write_assignment(folder, name="hw1", **policy):
    """The bundled assignment file, renamed, with a [policy] table; -> its path."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f"{key} = {json.dumps(value)}" for key, value in {"due": DUE, **policy}.items()]
    text = DEFAULT.read_text().replace('name = "cnn"', f'name = "{name}"', 1)
    path = folder / "assignment.toml"
    path.write_text(text + "\n[policy]\n" + "\n".join(lines) + "\n")
    return path


def write_times(path, times):
    with open(path, "w", newline="") as file:
        csv.writer(file).writerows([["student", "submitted_at"], *times.items()])
    return path


def grade(paths, out, *options):
    return main(["grade", *map(str, paths), "--out", str(out), "--questions", QUESTIONS, *map(str, options)])


def results_of(out, student):
    return json.loads((out / output_folder_name(student) / "results.json").read_text())


def class_of(folder, sources):
    folder.mkdir(parents=True, exist_ok=True)
    for student, source in sources.items():
        (folder / f"{student}.py").write_text(source)
    return folder


def diff_lines(out, capsys):
    capsys.readouterr()
    assert main(["diff", str(out)]) == 0
    return [line.split("\t") for line in capsys.readouterr().out.splitlines()]


def test_results_json_keeps_specs_format(tmp_path):
    out = tmp_path / "out"
    assert grade([class_of(tmp_path / "class", {"ada": SIZES + NO_BIAS})], out) == 0
    results = results_of(out, "ada")
    assert {"score", "execution_time", "output", "tests", "extra_data"} <= set(results)
    assert isinstance(results["output"], str) and isinstance(results["execution_time"], float)
    for test in results["tests"]:
        assert {"name", "score", "max_score", "status", "visibility", "output", "extra_data"} <= set(test)
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
        assert test["extra_data"]["question"] in QUESTIONS.split(",")
        assert isinstance(test["extra_data"]["diagnoses"], list)
    extra = results["extra_data"]
    assert {"student", "submission_sha256", "grader_version", "error", "flags"} <= set(extra)
    assert extra["student"] == "ada" and extra["error"] is None and isinstance(extra["flags"], list)
    assert results["score"] == round(sum(test["score"] for test in results["tests"]), 4)
    assert 0 < results["score"] < sum(test["max_score"] for test in results["tests"])  # the bias is missing
    assert "late" not in extra and "raw_score" not in extra and "overrides" not in extra  # no policy
    assert Results.from_json(results).to_json() == results


def test_a_late_submission_loses_its_share_and_an_extension_cancels_it(tmp_path, capsys):
    assignment = write_assignment(tmp_path / "course", late_penalty_per_day=0.1, max_late_days=5)
    students = {"ontime": "2026-03-01T20:00:00+00:00", "late": "2026-03-03T10:00:00+01:00",
                "toolate": "2026-03-08T00:00:00+00:00", "excused": "2026-03-03T12:00:00+00:00"}
    (assignment.parent / "extensions.toml").write_text('[excused]\nextra_days = 3\nreason = "illness"\n')
    submissions = class_of(tmp_path / "class", dict.fromkeys(students, SIZES + DENSE))
    times = write_times(tmp_path / "times.csv", students)
    out = tmp_path / "out"
    assert grade([submissions], out, "--assignment", assignment, "--submitted-at", times) == 0
    ontime, late, toolate, excused = (results_of(out, student) for student in students)
    raw = ontime["extra_data"]["raw_score"]
    assert raw > 0 and ontime["score"] == raw and ontime["extra_data"]["late"]["days_late"] == 0
    # 09:00 UTC on the 3rd is 1 day 9 hours past the due date: 2 started days, 20%.
    assert late["extra_data"]["late"] == {
        "submitted_at": "2026-03-03T10:00:00+01:00", "due": DUE, "days_late": 2, "grace_days_used": 0,
        "penalty": round(raw * 0.2, 4), "penalty_fraction": 0.2, "source": "submission times file",
        "extension": None}
    assert late["extra_data"]["raw_score"] == raw and late["score"] == round(raw - round(raw * 0.2, 4), 4)
    assert "late penalty" in late["output"]
    assert toolate["extra_data"]["late"]["days_late"] == 7 and toolate["score"] == 0
    assert toolate["extra_data"]["raw_score"] == raw
    assert excused["score"] == raw and excused["extra_data"]["late"]["days_late"] == 0
    assert excused["extra_data"]["late"]["extension"] == "illness"
    assert excused["extra_data"]["late"]["due"] == "2026-03-04T23:59:00+00:00"

    # An extension granted after grading counts at the next grade run, without --force.
    (assignment.parent / "extensions.toml").write_text(
        '[excused]\nextra_days = 3\nreason = "illness"\n[late]\ndue = 2026-03-04T00:00:00Z\nreason = "travel"\n')
    assert grade([submissions], out, "--assignment", assignment, "--submitted-at", times) == 0
    assert results_of(out, "late")["score"] == raw
    assert diff_lines(out, capsys) == [["late", "late penalty", f"{round(raw * 0.2, 4):g} -> 0", "lateness changed"]]


def test_grace_days_are_spent_and_shared_across_assignments_through_the_ledger(tmp_path, capsys):
    ledger = tmp_path / "grace.csv"
    for name, submitted in (("hw1", "2026-03-02T12:00:00+00:00"), ("hw2", "2026-03-03T12:00:00+00:00")):
        assignment = write_assignment(tmp_path / name, name=name, late_penalty_per_day=0.25, grace_days=2)
        submissions = class_of(tmp_path / name / "class", {"bob": SIZES + DENSE, "cy": SIZES + DENSE})
        times = write_times(tmp_path / name / "times.csv", {"bob": submitted})  # cy: the file's time
        assert grade([submissions], tmp_path / name / "out", "--assignment", assignment, "--submitted-at", times,
                     "--grace-ledger", ledger) == 0
        assert "modification time" in capsys.readouterr().err  # cy's time is a guess, and the summary says so
    first, second = (results_of(tmp_path / name / "out", "bob") for name in ("hw1", "hw2"))
    assert first["extra_data"]["late"]["grace_days_used"] == 1 and first["extra_data"]["late"]["penalty"] == 0
    # Two days late on hw2 with one grace day left: one day costs 25%.
    late = second["extra_data"]["late"]
    assert late["days_late"] == 2 and late["grace_days_used"] == 1 and late["penalty_fraction"] == 0.25
    assert second["score"] == round(second["extra_data"]["raw_score"] * 0.75, 4)
    rows = list(csv.DictReader(ledger.read_text().splitlines()))
    assert {(row["student"], row["assignment"], row["days_used"]) for row in rows if row["student"] == "bob"} == {
        ("bob", "hw1", "1"), ("bob", "hw2", "1")}
    assert main(["export", str(tmp_path / "hw2" / "out"), "--format", "csv"]) == 0
    exported = {row["student"]: row for row in csv.DictReader((tmp_path / "hw2" / "out" / "grades-csv.csv").open())}
    assert exported["bob"]["grace_days_used"] == "1" and exported["bob"]["days_late"] == "2"
    assert float(exported["bob"]["score"]) == second["score"]


def test_an_override_survives_a_forced_regrade_and_is_flagged_when_the_score_beneath_changes(tmp_path, capsys):
    submissions = class_of(tmp_path / "class", {"alice": SIZES + NO_BIAS})
    out = tmp_path / "out"
    assert grade([submissions], out) == 0
    automatic = results_of(out, "alice")
    assert main(["override", str(out), "alice", "dense_params", "3.5", "--comment", "bias forgotten in one place only",
                 "--by", "ta-kim"]) == 0
    assert grade([submissions], out, "--force") == 0
    results = results_of(out, "alice")
    dense = [test for test in results["tests"] if test["extra_data"]["question"] == "dense_params"]
    assert sum(test["score"] for test in dense) == 3.5
    assert results["score"] == round(sum(test["score"] for test in results["tests"]), 4) > automatic["score"]
    assert results["extra_data"]["overrides"]["dense_params"]["by"] == "ta-kim"
    assert "bias forgotten in one place only" in results["output"]
    assert "bias forgotten in one place only" in (out / "alice" / "feedback.html").read_text()
    assert not [flag for flag in results["extra_data"]["flags"] if flag.startswith("override-outdated")]

    (submissions / "alice.py").write_text(SIZES + DENSE)   # the automatic score beneath it changes
    assert grade([submissions], out) == 0
    results = results_of(out, "alice")
    assert sum(t["score"] for t in results["tests"] if t["extra_data"]["question"] == "dense_params") == 3.5
    assert "override-outdated:dense_params" in results["extra_data"]["flags"]

    assert main(["override", str(out), "alice", "dense_params", "--clear"]) == 0
    results = results_of(out, "alice")
    assert "overrides" not in results["extra_data"] and results["score"] == sum(t["max_score"] for t in results["tests"]
                                                                                 if t["status"] == "passed")
    capsys.readouterr()
    assert main(["override", str(out), "nobody", "dense_params", "1", "--comment", "x"]) == 2
    assert main(["override", str(out), "alice", "dense_params", "99", "--comment", "x"]) == 2
    assert main(["override", str(out), "alice", "conv1d", "1", "--comment", "x"]) == 2
    assert main(["override", str(out), "alice", "dense_params", "1"]) == 2
    errors = capsys.readouterr().err
    assert "nobody has no grade" in errors and "worth 0 to 4" in errors and "--comment" in errors
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert [row[0] for row in db.execute("SELECT by FROM overrides ORDER BY id")][0] == "ta-kim"


def test_diff_names_exactly_the_changed_scores_with_their_reason(tmp_path, capsys):
    submissions = class_of(tmp_path / "class", {"alice": SIZES + DENSE, "bob": SIZES + DENSE})
    out = tmp_path / "out"
    assert grade([submissions], out) == 0
    first = diff_lines(out, capsys)
    assert {(row[0], row[1], row[3]) for row in first} == {
        (student, question, "new submission") for student in ("alice", "bob") for question in QUESTIONS.split(",")}
    (submissions / "bob.py").write_text(SIZES + NO_BIAS)
    assert grade([submissions], out) == 0
    bob = results_of(out, "bob")["extra_data"]["questions"]["dense_params"]["score"]
    assert diff_lines(out, capsys) == [["bob", "dense_params", f"4 -> {bob:g}", "new submission"]]
    assert grade([submissions], out, "--force") == 0
    assert diff_lines(out, capsys) == []
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        reasons = db.execute("SELECT reason FROM runs WHERE batch_id = (SELECT MAX(id) FROM batches)").fetchall()
    assert sorted(reasons) == [("forced",), ("forced",)]


def test_the_exports_carry_the_final_score_and_escape_formulas(tmp_path):
    assignment = write_assignment(tmp_path / "course", late_penalty_per_day=0.5)
    students = {"=2+5": "2026-03-02T10:00:00+00:00", "@ada": "2026-03-01T10:00:00+00:00"}
    submissions = class_of(tmp_path / "class", dict.fromkeys(students, SIZES + DENSE))
    out = tmp_path / "out"
    assert grade([submissions], out, "--assignment", assignment, "--submitted-at",
                 write_times(tmp_path / "times.csv", students)) == 0
    assert main(["override", str(out), "@ada", "conv_output_size", "1", "--comment", "copied"]) == 0
    formula, ada = results_of(out, "=2+5"), results_of(out, "@ada")
    assert formula["score"] == round(formula["extra_data"]["raw_score"] / 2, 4)
    assert ada["score"] == 1 + 4   # the TA's 1 for conv_output_size and dense_params' 4
    for form in ("csv", "canvas"):
        assert main(["export", str(out), "--format", form, "--assignment", str(assignment)]) == 0
    rows = list(csv.reader((out / "grades-csv.csv").open()))
    by_student = {row[0]: dict(zip(rows[0], row)) for row in rows[1:]}
    assert set(by_student) == {"'=2+5", "'@ada"}
    assert float(by_student["'=2+5"]["score"]) == formula["score"]
    assert float(by_student["'=2+5"]["late_penalty"]) == formula["extra_data"]["late"]["penalty"]
    assert float(by_student["'=2+5"]["raw_score"]) == formula["extra_data"]["raw_score"]
    assert float(by_student["'@ada"]["conv_output_size"]) == 1 and by_student["'@ada"]["overridden"] == "conv_output_size"
    canvas = list(csv.reader((out / "grades-canvas.csv").open()))
    assert {row[3]: float(row[5]) for row in canvas[2:]} == {"'=2+5": formula["score"], "'@ada": 5}
    gradescope = list(csv.reader(export_gradescope(out, tmp_path / "gradescope.csv").open()))
    assert gradescope == [["SID", "Score"], ["'=2+5", str(formula["score"])], ["'@ada", "5.0"]]
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows + canvas + gradescope for cell in row)


# The gradebook schema of the commit before the ledger, as `git show HEAD:autograder/records/gradebook.py` has it.
OLD_SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    id INTEGER PRIMARY KEY,
    student TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    folder TEXT NOT NULL,
    UNIQUE (student, sha256)
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    submission_id INTEGER NOT NULL REFERENCES submissions(id),
    assignment_key TEXT NOT NULL,
    graded_at REAL NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    seconds REAL NOT NULL,
    error TEXT,
    flags TEXT NOT NULL,
    results TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tests (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    question TEXT NOT NULL,
    name TEXT NOT NULL,
    score REAL NOT NULL,
    max_score REAL NOT NULL,
    status TEXT NOT NULL,
    diagnoses TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS runs_by_submission ON runs (submission_id, assignment_key);
"""
OLD_RESULTS = {  # as the committed results.py wrote them: the score line in output, questions in extra_data
    "score": 2.5, "execution_time": 1.5, "output": "Score: 2.5 / 4.\n\ncell 1 raised an error",
    "tests": [{"name": f"dense_params: {name}", "score": score, "max_score": top,
               "status": "passed" if score == top else "failed", "visibility": "visible", "output": "",
               "extra_data": {"question": "dense_params", "diagnoses": [] if score == top else ["missing-bias-params"]}}
              for name, score, top in (("mnist", 1, 1), ("bias", 0, 1.5), ("no bias", 1.5, 1.5))],
    "extra_data": {"student": "alice", "submission_sha256": "ab" * 32, "grader_version": "0.1.0", "error": None,
                   "flags": [], "questions": {"dense_params": {"score": 2.5, "max_score": 4.0}},
                   "sandbox": "bubblewrap"}}


def test_an_old_gradebook_migrates_in_place(tmp_path, capsys):
    out = tmp_path / "out"
    out.mkdir()
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        db.executescript(OLD_SCHEMA)
        db.execute("INSERT INTO submissions (student, sha256, folder) VALUES ('alice', ?, 'alice')", ("ab" * 32,))
        db.execute("INSERT INTO runs (submission_id, assignment_key, graded_at, score, max_score, seconds, error, "
                   "flags, results) VALUES (1, 'old-key', 0, 2.5, 4, 1.5, NULL, '[]', ?)", (json.dumps(OLD_RESULTS),))
    assert Results.from_json(OLD_RESULTS).to_json() == OLD_RESULTS
    assert main(["export", str(out), "--format", "csv"]) == 0
    assert (out / "grades-csv.csv").read_text().splitlines()[1].startswith("alice,2.5,4.0,")
    with sqlite3.connect(out / "gradebook.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == VERSION
    assert main(["diff", str(out)]) == 2   # no grade run recorded yet: said in one line
    assert main(["override", str(out), "alice", "dense_params", "4", "--comment", "bias checked by hand"]) == 0
    assert results_of(out, "alice")["score"] == 4
    (tmp_path / "alice.py").write_text(SIZES + DENSE)
    assert grade([tmp_path / "alice.py"], out) == 0
    changed = diff_lines(out, capsys)
    assert ["alice", "dense_params", "2.5 -> 4", "new submission"] in changed
    assert results_of(out, "alice")["extra_data"]["overrides"]["dense_params"]["comment"] == "bias checked by hand"


def test_bad_ledger_input_is_refused_in_one_line(tmp_path, capsys):
    submissions = class_of(tmp_path / "class", {"alice": DENSE})
    bad_due = write_assignment(tmp_path / "a", due="2026-03-01T23:59:00")   # no time zone
    assert grade([submissions], tmp_path / "out", "--assignment", bad_due) == 2
    good = write_assignment(tmp_path / "b")
    (good.parent / "extensions.toml").write_text('[alice]\nextra_days = 2\n')   # no reason
    assert grade([submissions], tmp_path / "out", "--assignment", good) == 2
    (good.parent / "extensions.toml").unlink()
    times = tmp_path / "times.csv"
    times.write_text("student,submitted_at\nalice,yesterday\n")
    assert grade([submissions], tmp_path / "out", "--assignment", good, "--submitted-at", times) == 2
    errors = capsys.readouterr().err
    assert "policy.due" in errors and "time zone" in errors and "reason" in errors and "'yesterday'" in errors
    assert not (tmp_path / "out" / "alice").exists()


def test_gradescopes_submission_metadata_gives_the_submission_time(tmp_path):
    assignment = write_assignment(tmp_path / "course", late_penalty_per_day=0.1)
    metadata = tmp_path / "submission_metadata.json"
    metadata.write_text(json.dumps({"created_at": "2026-03-02T08:30:00.365935-07:00", "users": [{"id": 7}]}))
    out = tmp_path / "out"
    assert grade([class_of(tmp_path / "class", {"dee": SIZES + DENSE})], out, "--assignment", assignment,
                 "--submitted-at", metadata) == 0
    late = results_of(out, "dee")["extra_data"]["late"]
    assert late["source"] == "Gradescope submission metadata" and late["days_late"] == 1   # 15:30 UTC on the 2nd
