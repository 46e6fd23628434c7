"""The gradebook: one SQLite file per output folder, with every submission, run and test.

A submission is identified by its student and the sha256 of its files; a run by that and the
assignment's key (the assignment file, the grader version and the questions), so an unchanged
submission under an unchanged assignment is not graded twice.
"""
import json
import sqlite3
import time

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
"""


class Gradebook:
    """An SQLite gradebook; use as a context manager or call close()."""

    def __init__(self, path):
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)

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

    def record(self, results, folder, assignment_key):
        """Store one results dict (as written to results.json) and its tests, in one transaction."""
        extra = results["extra_data"]
        with self.db:
            self.db.execute("INSERT OR IGNORE INTO submissions (student, sha256, folder) VALUES (?, ?, ?)",
                            (extra["student"], extra["submission_sha256"], str(folder)))
            (submission_id,) = self.db.execute(
                "SELECT id FROM submissions WHERE student = ? AND sha256 = ?",
                (extra["student"], extra["submission_sha256"])).fetchone()
            run_id = self.db.execute(
                "INSERT INTO runs (submission_id, assignment_key, graded_at, score, max_score, seconds, "
                "error, flags, results) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (submission_id, assignment_key, time.time(), results["score"],
                 sum(test["max_score"] for test in results["tests"]), results["execution_time"],
                 json.dumps(extra["error"]) if extra["error"] else None, json.dumps(extra["flags"]),
                 json.dumps(results))).lastrowid
            self.db.executemany(
                "INSERT INTO tests (run_id, question, name, score, max_score, status, diagnoses) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(run_id, test["extra_data"]["question"], test["name"], test["score"], test["max_score"],
                  test["status"], json.dumps(test["extra_data"]["diagnoses"])) for test in results["tests"]])

    def latest_results(self):
        """The newest run's results dict of each student, by student id."""
        rows = self.db.execute(
            "SELECT student, folder, results FROM runs JOIN submissions ON submissions.id = runs.submission_id "
            "WHERE runs.id IN (SELECT MAX(runs.id) FROM runs JOIN submissions ON submissions.id = "
            "runs.submission_id GROUP BY student) ORDER BY student").fetchall()
        return [(student, folder, json.loads(results)) for student, folder, results in rows]
