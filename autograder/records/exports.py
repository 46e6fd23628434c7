"""Grade exports from the gradebook: a plain CSV for the instructor, Canvas's gradebook import, and
Gradescope's score upload with the autograder zip."""
import csv
import tempfile
from pathlib import Path

from autograder.records.gradebook import Gradebook
from autograder.records.reports import max_score


def _latest(out_dir):
    with Gradebook(Path(out_dir) / "gradebook.sqlite") as gradebook:
        return gradebook.latest_results()


def export_csv(out_dir, path):
    """One row per student: total, maximum, each question's score, flags and error."""
    latest = _latest(out_dir)
    questions = list(dict.fromkeys(q for _, _, results in latest for q in results["extra_data"]["questions"]))
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["student", "score", "max_score", *questions, "flags", "error"])
        for student, _, results in latest:
            extra = results["extra_data"]
            writer.writerow([student, results["score"], max_score(results),
                             *(extra["questions"].get(q, {}).get("score", "") for q in questions),
                             " ".join(extra["flags"]), (extra["error"] or {}).get("message", "")])
    return path


def export_canvas(out_dir, path, assignment_name):
    """Canvas's gradebook import: students matched by SIS Login ID (the student id), with the
    'Points Possible' row Canvas expects first."""
    latest = _latest(out_dir)
    column = f"{assignment_name} ({max(max_score(r) for _, _, r in latest) if latest else 0:g} points)"
    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["Student", "ID", "SIS User ID", "SIS Login ID", "Section", column])
        writer.writerow(["Points Possible", "", "", "", "", max((max_score(r) for _, _, r in latest), default=0)])
        for student, _, results in latest:
            writer.writerow([student, "", "", student, "", results["score"]])
    return path


def export_gradescope(out_dir, path, assignment_file):
    """Gradescope's score upload (matched on SID, the student id) and, in DIR/gradescope/, the
    autograder zip that runs cnn-grade on Gradescope itself. -> (the CSV, the zip)"""
    from autograder.assignment import DEFAULT, load_assignment
    from autograder.authoring.generate import build_wheel, write_gradescope

    with open(path, "w", newline="") as file:
        writer = csv.writer(file)
        writer.writerow(["SID", "Score"])
        for student, _, results in _latest(out_dir):
            writer.writerow([student, results["score"]])
    assignment_file = Path(assignment_file or DEFAULT)
    with tempfile.TemporaryDirectory(prefix="cnn-grade-wheel-") as scratch:
        archive = write_gradescope(Path(out_dir) / "gradescope", load_assignment(assignment_file).name,
                                   build_wheel(Path(scratch)), assignment_file)
    return path, archive
