"""The ledger's lateness (SPEC "The ledger"): when each submission came in, its due date (the
assignment's, or the student's extension), the grace days it spends from the course-wide budget,
and the share of the score its late penalty takes.

Read here: `extensions.toml` beside the assignment file, submission times (Gradescope's
`submission_metadata.json`, a `student,submitted_at` CSV, or else the files' modification time),
and the grace ledger CSV `student,assignment,days_used` that every assignment's grading shares.
"""
import csv
import json
import math
import os
import tempfile
import tomllib
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import jsonschema

from autograder.assignment import aware_datetime
from autograder.records.results import Late

EXTENSIONS = "extensions.toml"
MTIME_SOURCE = "file modification time"
MANIFEST_SOURCE = "submission times file"
GRADESCOPE_SOURCE = "Gradescope submission metadata"
LEDGER_COLUMNS = ["student", "assignment", "days_used"]

_EXTENSION_SCHEMA = {
    "type": "object",
    "additionalProperties": {
        "type": "object", "additionalProperties": False, "required": ["reason"],
        "properties": {"due": {}, "extra_days": {"type": "number", "exclusiveMinimum": 0},
                       "reason": {"type": "string", "minLength": 1}},
        "oneOf": [{"required": ["due"]}, {"required": ["extra_days"]}],
    },
}


class LedgerError(ValueError):
    """A ledger file that cannot be used; its message has one line per problem."""


@dataclass(frozen=True, kw_only=True)
class Extension:
    """A student's new due date (or extra days past the assignment's), and why."""
    due: datetime | None
    extra_days: float | None
    reason: str

    def applied_to(self, due):
        return self.due or due + timedelta(days=self.extra_days)


def load_extensions(assignment_file):
    """{student: Extension} from extensions.toml beside the assignment file; {} when there is none."""
    path = Path(assignment_file).parent / EXTENSIONS
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise LedgerError(f"{path}: not a readable TOML file: {error}") from None
    problems = [f"{path}: {'.'.join(map(str, error.absolute_path)) or 'the file'}: {error.message}"
                for error in jsonschema.Draft202012Validator(_EXTENSION_SCHEMA).iter_errors(data)]
    problems += [f"{path}: {student}.due: {table['due']!r} is not an ISO 8601 date and time with a time zone"
                 for student, table in data.items()
                 if isinstance(table, dict) and "due" in table and aware_datetime(table["due"]) is None]
    if problems:
        raise LedgerError("\n".join(problems))
    return {student: Extension(due=aware_datetime(table["due"]) if "due" in table else None,
                               extra_days=table.get("extra_days"), reason=table["reason"])
            for student, table in data.items()}


@dataclass(frozen=True)
class SubmissionTimes:
    """When submissions came in: by student, or one time for every student (Gradescope grades one
    submission at a time), and the source's name; students it does not know get their files'
    modification time."""
    by_student: dict
    everyone: datetime | None = None
    source: str = MTIME_SOURCE

    def of(self, student, paths):
        """-> (datetime, source) for a student's submission files."""
        if self.everyone is not None:
            return self.everyone, self.source
        if student in self.by_student:
            return self.by_student[student], self.source
        return modification_time(paths), MTIME_SOURCE


def modification_time(paths):
    """The newest modification time of a submission's files (links not followed), in UTC."""
    times = [os.lstat(path).st_mtime for path in paths if os.path.lexists(path)]
    return datetime.fromtimestamp(max(times, default=0), timezone.utc).replace(microsecond=0)


def read_submission_times(path):
    """SubmissionTimes from Gradescope's submission_metadata.json (its `created_at`) or from a CSV
    with the columns student,submitted_at (ISO 8601 with a time zone)."""
    path = Path(path)
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise LedgerError(f"{path}: cannot read the submission times ({error})") from None
    if path.suffix == ".json":
        try:
            created = aware_datetime(json.loads(text).get("created_at"))
        except (ValueError, AttributeError):
            created = None
        if created is None:
            raise LedgerError(f"{path}: no created_at date and time with a time zone (Gradescope's metadata)")
        return SubmissionTimes({}, created, GRADESCOPE_SOURCE)
    rows = list(csv.DictReader(text.splitlines()))
    if rows and not {"student", "submitted_at"} <= set(rows[0]):
        raise LedgerError(f"{path}: the first line must name the columns student,submitted_at")
    times, problems = {}, []
    for line, row in enumerate(rows, start=2):
        when = aware_datetime(row["submitted_at"] or "")
        if when is None:
            problems.append(f"{path}:{line}: {row['submitted_at']!r} is not an ISO 8601 date and time "
                            "with a time zone")
        times[row["student"]] = when
    if problems:
        raise LedgerError("\n".join(problems))
    return SubmissionTimes(times, None, MANIFEST_SOURCE)


class GraceLedger:
    """The grace days each student spent on each assignment: a CSV student,assignment,days_used
    that every assignment's grading reads and updates (path None: no ledger, nothing is kept)."""

    def __init__(self, path):
        self.path = Path(path) if path else None
        self.days = {}
        if self.path and self.path.exists():
            self._read()

    def _read(self):
        try:
            rows = list(csv.DictReader(self.path.read_text().splitlines()))
        except (OSError, UnicodeDecodeError) as error:
            raise LedgerError(f"{self.path}: cannot read the grace ledger ({error})") from None
        if rows and not set(LEDGER_COLUMNS) <= set(rows[0]):
            raise LedgerError(f"{self.path}: the first line must name the columns {','.join(LEDGER_COLUMNS)}")
        for line, row in enumerate(rows, start=2):
            try:
                self.days[row["student"], row["assignment"]] = int(row["days_used"])
            except (TypeError, ValueError):
                raise LedgerError(f"{self.path}:{line}: days_used {row['days_used']!r} is not a whole number") from None

    def used_elsewhere(self, student, assignment):
        """Grace days the student spent on the other assignments."""
        return sum(days for (who, where), days in self.days.items() if who == student and where != assignment)

    def spend(self, student, assignment, days):
        self.days[student, assignment] = days

    def write(self):
        """Write the ledger atomically (nothing without a path)."""
        if self.path is None:
            return
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".grace-", suffix=".csv")
        with os.fdopen(handle, "w", newline="") as file:
            writer = csv.writer(file)
            writer.writerow(LEDGER_COLUMNS)
            writer.writerows([student, assignment, days] for (student, assignment), days in sorted(self.days.items()))
        os.replace(temporary, self.path)


def lateness(policy, submitted_at, *, source, extension=None, grace_left=0):
    """Late (without points: the penalty is a share of whatever the tests score). Days late count
    started days past the due date; past max_late_days the whole score goes, and no grace day is
    spent on it; otherwise grace days cover the first late days, and each remaining day costs
    late_penalty_per_day of the score."""
    due = extension.applied_to(policy.due) if extension else policy.due
    days_late = max(0, math.ceil((submitted_at - due).total_seconds() / 86400))
    if policy.max_late_days is not None and days_late > policy.max_late_days:
        grace, fraction = 0, 1.0
    else:
        grace = min(days_late, max(grace_left, 0))
        fraction = round(min(1.0, (days_late - grace) * policy.late_penalty_per_day), 6)
    return Late(submitted_at=submitted_at.isoformat(), due=due.isoformat(), days_late=days_late,
                grace_days_used=grace, penalty_fraction=fraction, source=source,
                extension=extension.reason if extension else None)


class Ledger:
    """Lateness for one assignment's grading: its policy and extensions, the submission times,
    and the shared grace ledger, which it updates as it goes."""

    def __init__(self, policy, assignment_name, *, extensions, times, grace):
        self.policy, self.assignment_name = policy, assignment_name
        self.extensions, self.times, self.grace = extensions, times, grace

    def late(self, student, paths):
        """The Late of a student's submission files; spends (or gives back) grace days."""
        submitted_at, source = self.times.of(student, paths)
        late = lateness(self.policy, submitted_at, source=source, extension=self.extensions.get(student),
                        grace_left=self.policy.grace_days - self.grace.used_elsewhere(student, self.assignment_name))
        self.grace.spend(student, self.assignment_name, late.grace_days_used)
        self.grace.write()
        return late
