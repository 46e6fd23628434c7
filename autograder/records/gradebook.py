"""The gradebook: one SQLite file per output folder, with every submission, run and test.

A submission is identified by its student and the sha256 of its files; a run by that and the
assignment's key (the assignment file, the grader version and the questions), so an unchanged
submission under an unchanged assignment is not graded twice. Every `grade` run is a batch, and each
run in it says why it was graded, so that `cnn-grade diff` can tell what the last one changed. A
TA's overrides are kept apart from the runs (append-only: who, when, why), and are applied to
whichever run is the newest, so that they survive every regrade.

The schema is versioned (PRAGMA user_version); opening an older gradebook migrates it in place.
"""
import json
import sqlite3
import time
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from enum import StrEnum

from autograder.records.results import Override, Results

SCHEMA = """
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
-- What the class report needs beyond results (records/evidence.py): per run and question, the
-- normalised code of the student's answer (for similarity flags) and the seconds its tests took.
CREATE TABLE IF NOT EXISTS evidence (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    question TEXT NOT NULL,
    code TEXT,
    seconds REAL NOT NULL,
    PRIMARY KEY (run_id, question)
);
"""

# Each step brings a gradebook of the version before it up to its own; a new gradebook takes them
# all after SCHEMA (the first version, which had no user_version).
MIGRATIONS = [
    """
    CREATE TABLE batches (id INTEGER PRIMARY KEY, started_at REAL NOT NULL, forced INTEGER NOT NULL);
    ALTER TABLE runs ADD COLUMN batch_id INTEGER REFERENCES batches(id);
    ALTER TABLE runs ADD COLUMN reason TEXT;
    ALTER TABLE runs ADD COLUMN assignment_sha256 TEXT;
    CREATE TABLE overrides (
        id INTEGER PRIMARY KEY,
        student TEXT NOT NULL,
        question TEXT NOT NULL,
        score REAL,                -- NULL: the override was cleared
        comment TEXT NOT NULL,
        by TEXT NOT NULL,
        at TEXT NOT NULL,
        automatic_score REAL
    );
    """,
]
VERSION = len(MIGRATIONS)


class Reason(StrEnum):
    """Why a submission was graded (again)."""
    NEW_SUBMISSION = "new submission"
    ASSIGNMENT_CHANGED = "assignment changed"
    GRADER_CHANGED = "grader changed"
    QUESTIONS_CHANGED = "questions changed"
    FORCED = "forced"
    RESULTS_MISSING = "results file missing"
    LATENESS_CHANGED = "lateness changed"


@dataclass(frozen=True)
class Run:
    """A recorded run: the submission's fingerprint, the assignment file's, and the results."""
    id: int
    sha256: str
    assignment_sha256: str | None
    results: Results


@dataclass(frozen=True)
class Change:
    """One score that the last grade run changed; old is None when there was none before."""
    student: str
    question: str
    old: float | None
    new: float | None
    reason: str


LATE_PENALTY = "late penalty"


class Gradebook:
    """An SQLite gradebook; use as a context manager or call close()."""

    def __init__(self, path):
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)
        self._migrate()

    def _migrate(self):
        (version,) = self.db.execute("PRAGMA user_version").fetchone()
        if version > VERSION:
            raise ValueError(f"the gradebook is of a newer cnn-grade (schema {version}, this one knows {VERSION})")
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            # executescript commits first; the version is set in the same script as the step.
            self.db.executescript(f"BEGIN; {script}; PRAGMA user_version = {number}; COMMIT;")

    def close(self):
        self.db.close()

    def __enter__(self):
        return self

    def __exit__(self, *_):
        self.close()

    def is_graded(self, student, sha256, assignment_key):
        row = self.db.execute(
            "SELECT 1 FROM runs JOIN submissions ON submissions.id = runs.submission_id "
            "WHERE student = ? AND sha256 = ? AND assignment_key = ? LIMIT 1",
            (student, sha256, assignment_key)).fetchone()
        return row is not None

    def start_batch(self, forced):
        """A new grade run; -> its id, for record()."""
        with self.db:
            return self.db.execute("INSERT INTO batches (started_at, forced) VALUES (?, ?)",
                                   (time.time(), int(forced))).lastrowid

    def record(self, results, folder, assignment_key, *, batch=None, reason=None, assignment_sha256=None):
        """Store one run's Results (automatic scores and lateness; overrides live apart) and its
        tests, in one transaction; returns the run's id."""
        results = replace(results, overrides={})
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO submissions (student, sha256, folder) VALUES (?, ?, ?)",
                            (results.student, results.submission_sha256, str(folder)))
            (submission_id,) = self.db.execute(
                "SELECT id FROM submissions WHERE student = ? AND sha256 = ?",
                (results.student, results.submission_sha256)).fetchone()
            run_id = self.db.execute(
                "INSERT INTO runs (submission_id, assignment_key, graded_at, score, max_score, seconds, "
                "error, flags, results, batch_id, reason, assignment_sha256) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (submission_id, assignment_key, time.time(), results.score, results.max_score,
                 results.execution_time, json.dumps(results.error) if results.error else None,
                 json.dumps(results.flags), json.dumps(results.to_json()), batch, reason,
                 assignment_sha256)).lastrowid
            self.db.executemany(
                "INSERT INTO tests (run_id, question, name, score, max_score, status, diagnoses) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(run_id, test.question, test.name, test.score, test.max_score, test.status,
                  json.dumps(test.diagnoses)) for test in results.tests])
        return run_id


    def record_evidence(self, run_id, evidence):
        """Store a run's records.evidence.Evidence: each question's normalised code and seconds."""
        with self.db:
            self.db.executemany(
                "INSERT OR REPLACE INTO evidence (run_id, question, code, seconds) VALUES (?, ?, ?, ?)",
                [(run_id, question, evidence.code.get(question), seconds)
                 for question, seconds in {**dict.fromkeys(evidence.code, 0.0), **evidence.seconds}.items()])

    def latest_evidence(self):
        """{student: {question: (normalised code or None, seconds)}} of each student's newest run."""
        rows = self.db.execute(
            "SELECT student, question, code, evidence.seconds FROM evidence JOIN runs ON runs.id = evidence.run_id "
            "JOIN submissions ON submissions.id = runs.submission_id WHERE runs.id IN (SELECT MAX(runs.id) "
            "FROM runs JOIN submissions ON submissions.id = runs.submission_id GROUP BY student)").fetchall()
        found = {}
        for student, question, code, seconds in rows:
            found.setdefault(student, {})[question] = (code, seconds)
        return found

    def score_history(self):
        """{student: [score of each submission, oldest first]}: a submission's newest run counts,
        so a forced regrade of unchanged work adds no point to the trend."""
        rows = self.db.execute(
            "SELECT student, score FROM runs JOIN submissions ON submissions.id = runs.submission_id "
            "WHERE runs.id IN (SELECT MAX(id) FROM runs GROUP BY submission_id) ORDER BY runs.submission_id").fetchall()
        history = {}
        for student, score in rows:
            history.setdefault(student, []).append(score)
        return history

    def copy_evidence(self, from_run, to_run):
        """A run that only changed lateness keeps the evidence of the run it copies."""
        with self.db:
            self.db.execute("INSERT OR REPLACE INTO evidence (run_id, question, code, seconds) "
                            "SELECT ?, question, code, seconds FROM evidence WHERE run_id = ?", (to_run, from_run))

    def latest_run(self, student, before=None):
        """The student's newest Run (before run id `before`, when given), or None."""
        row = self.db.execute(
            "SELECT runs.id, sha256, assignment_sha256, results FROM runs "
            "JOIN submissions ON submissions.id = runs.submission_id "
            "WHERE student = ? AND runs.id < ? ORDER BY runs.id DESC LIMIT 1",
            (student, before if before is not None else 2 ** 62)).fetchone()
        if row is None:
            return None
        run_id, sha256, assignment_sha256, results = row
        return Run(run_id, sha256, assignment_sha256, Results.from_json(json.loads(results)))

    def latest_results(self):
        """[(student, folder, Results)]: each student's newest run, with the TA's overrides, by id."""
        rows = self.db.execute(
            "SELECT student, folder, results FROM runs JOIN submissions ON submissions.id = runs.submission_id "
            "WHERE runs.id IN (SELECT MAX(runs.id) FROM runs JOIN submissions ON submissions.id = "
            "runs.submission_id GROUP BY student) ORDER BY student").fetchall()
        return [(student, folder, replace(Results.from_json(json.loads(results)), overrides=self.overrides(student)))
                for student, folder, results in rows]

    def folder(self, student):
        """The output folder name of the student's newest submission, or None."""
        row = self.db.execute("SELECT folder FROM submissions WHERE student = ? ORDER BY id DESC LIMIT 1",
                              (student,)).fetchone()
        return row and row[0]

    def overrides(self, student):
        """{question: Override} in force for the student: the newest entry of each question, unless
        it cleared it."""
        rows = self.db.execute(
            "SELECT question, score, comment, by, at, automatic_score FROM overrides WHERE id IN "
            "(SELECT MAX(id) FROM overrides WHERE student = ? GROUP BY question) ORDER BY id", (student,))
        return {question: Override(question=question, score=score, comment=comment, by=by, at=at,
                                   automatic_score=automatic)
                for question, score, comment, by, at, automatic in rows if score is not None}

    def set_override(self, student, question, score, *, comment, by, automatic_score=None):
        """Record a TA's score for a question (score None: clear it), stamped now."""
        with self.db:
            self.db.execute(
                "INSERT INTO overrides (student, question, score, comment, by, at, automatic_score) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (student, question, score, comment, by,
                 datetime.now(timezone.utc).isoformat(timespec="seconds"), automatic_score))

    def last_batch_changes(self):
        """[Change]: per student and question, the scores that the last grade run changed (the
        automatic scores, and the late penalty), with the run's reason. None: no grade run yet."""
        batch = self.db.execute("SELECT MAX(id) FROM batches").fetchone()[0]
        if batch is None:
            return None
        rows = self.db.execute(
            "SELECT runs.id, student, reason, results FROM runs JOIN submissions ON submissions.id = "
            "runs.submission_id WHERE batch_id = ? ORDER BY student, runs.id", (batch,)).fetchall()
        changes = []
        for run_id, student, reason, results in rows:
            before = self.latest_run(student, before=run_id)
            changes += _changes(student, before and before.results, Results.from_json(json.loads(results)), reason)
        return changes


def _scores(results):
    """{question: automatic score, LATE_PENALTY: points} of a run, {} for none."""
    if results is None:
        return {}
    scores = {question: results.automatic_score(question) for question in dict.fromkeys(t.question for t in results.tests)}
    if results.late:
        scores[LATE_PENALTY] = results.penalty
    return scores


def _changes(student, old, new, reason):
    before, after = _scores(old), _scores(new)
    return [Change(student, question, before.get(question), after.get(question), reason)
            for question in dict.fromkeys([*after, *before])
            if before.get(question) != after.get(question)]
