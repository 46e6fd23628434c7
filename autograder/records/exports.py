"""Grade exports from the gradebook: a plain CSV for the instructor, Canvas's gradebook import, and
Gradescope's score upload. Every one carries the final score (after a late penalty and a TA's
overrides); the plain CSV its parts too. The Gradescope autograder zip is authoring's."""
import csv
from pathlib import Path

from autograder.records.gradebook import Gradebook

# A cell starting with one of these is run as a formula by spreadsheets (CSV injection, OWASP):
# such text is written with a leading apostrophe, which the spreadsheet shows as text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _latest(out_dir):
    """[(student, folder, Results)]: each student's final results (overrides and lateness applied)."""
    with Gradebook(Path(out_dir) / "gradebook.sqlite") as gradebook:
        return gradebook.latest_results()


def spreadsheet_safe(value):
    """A CSV cell that no spreadsheet runs: text starting like a formula gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _write_rows(path, rows):
    with open(path, "w", newline="") as file:
        csv.writer(file).writerows([spreadsheet_safe(cell) for cell in row] for row in rows)
    return path


def _late_parts(results):
    """[raw score, late penalty, days late, grace days used]: blank without a late policy."""
    late = results.late
    return [results.raw_score, results.penalty, late.days_late, late.grace_days_used] if late else ["", "", "", ""]


def export_csv(out_dir, path):
    """One row per student: the final score, the maximum, its parts (score before the late
    penalty, the penalty, days late, grace days used), each question's final score, the
    questions a TA overrode, flags and error."""
    latest = _latest(out_dir)
    questions = list(dict.fromkeys(q for _, _, results in latest for q in results.questions))
    rows = [["student", "score", "max_score", "raw_score", "late_penalty", "days_late", "grace_days_used",
             *questions, "overridden", "flags", "error"]]
    for student, _, results in latest:
        scores = results.questions
        rows.append([student, results.score, results.max_score, *_late_parts(results),
                     *(scores[q]["score"] if q in scores else "" for q in questions),
                     " ".join(results.overrides), " ".join(results.all_flags()), (results.error or {}).get("message", "")])
    return _write_rows(path, rows)


def export_canvas(out_dir, path, assignment_name):
    """Canvas's gradebook import: students matched by SIS Login ID (the student id), with the
    'Points Possible' row Canvas expects first; one column, the final score (a further column
    would be a further assignment in Canvas)."""
    latest = _latest(out_dir)
    top = max((results.max_score for _, _, results in latest), default=0)
    rows = [["Student", "ID", "SIS User ID", "SIS Login ID", "Section", f"{assignment_name} ({top:g} points)"],
            ["Points Possible", "", "", "", "", top]]
    rows += [[student, "", "", student, "", results.score] for student, _, results in latest]
    return _write_rows(path, rows)


def export_gradescope(out_dir, path):
    """Gradescope's score upload, matched on SID (the student id): the final score, the one
    number the upload takes."""
    return _write_rows(path, [["SID", "Score"], *([student, results.score] for student, _, results in _latest(out_dir))])
