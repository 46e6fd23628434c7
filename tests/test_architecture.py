"""The package's seams: no import circle, every diagnosis id once in `autograder.diagnoses` (and in
SPEC, or declared as added), and each fact about a question in the assignment file alone."""
import ast
import re
from pathlib import Path

import pytest

from autograder.diagnoses import ADDED, EXPLANATIONS, NOT_PRODUCED, Diagnosis, explain, forbidden_sentence

PROJECT = Path(__file__).resolve().parents[1]
PACKAGE = PROJECT / "autograder"
SPEC = PROJECT.parent / "shared" / "SPEC.md"


def module_name(path):
    parts = path.relative_to(PROJECT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def package_modules():
    return {module_name(path): path for path in PACKAGE.rglob("*.py") if "suites" not in path.parts}


def imported_modules(path, modules):
    """The package modules that `path` imports anywhere (top level or inside a function)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in modules)
    return found


def test_no_import_circle():
    modules = package_modules()
    graph = {name: imported_modules(path, modules) - {name} for name, path in modules.items()}
    circles = []

    def visit(name, trail):
        if name in trail:
            circles.append(trail[trail.index(name):] + [name])
            return
        for child in graph[name]:
            if child not in done:
                visit(child, trail + [name])
        done.add(name)

    done = set()
    for name in sorted(graph):
        visit(name, [])
    assert not circles, " | ".join(" -> ".join(circle) for circle in circles)


def spec_ids():
    text = SPEC.read_text()
    section = text[text.index("## Misconception diagnoses"):text.index("## Submissions")]
    return {match for match in re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+|timeout|exception)`", section)
            if not match.startswith("forbidden-api:")}


@pytest.mark.skipif(not SPEC.exists(), reason="../shared/SPEC.md is not beside this checkout")
def test_every_spec_id_is_in_the_catalogue_or_said_why_not():
    ids = {diagnosis.value for diagnosis in Diagnosis}
    assert spec_ids() - ids == set(NOT_PRODUCED)
    assert {diagnosis.value for diagnosis in Diagnosis} - spec_ids() == {diagnosis.value for diagnosis in ADDED}


def test_every_id_is_explained_and_added_ids_are_documented():
    readme = (PROJECT / "README.md").read_text()
    for diagnosis in Diagnosis:
        if diagnosis is Diagnosis.FORBIDDEN_API:
            assert "numpy.convolve" in forbidden_sentence(["numpy.convolve", "torch"])
        else:
            assert explain(diagnosis).strip(), diagnosis
    assert set(EXPLANATIONS) <= set(Diagnosis)
    assert explain("no-such-diagnosis") == ""
    for diagnosis in ADDED:
        assert f"`{diagnosis.value}`" in readme, f"{diagnosis} is not in the README's table of added diagnoses"


def python_sources():
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name != "diagnoses.py":
            yield path


def test_every_id_is_produced_by_something():
    code = "\n".join(path.read_text() for path in python_sources())
    unused = [diagnosis.name for diagnosis in Diagnosis if f"Diagnosis.{diagnosis.name}" not in code]
    assert not unused


# A few ids double as names of other things: a failure kind of answer.py, a flag, a reply field.
OTHER_MEANINGS = {"timeout", "exception"}


def test_no_id_is_written_as_a_bare_string():
    ids = {diagnosis.value for diagnosis in Diagnosis} - OTHER_MEANINGS
    bare = [f"{path.relative_to(PROJECT)}:{node.lineno} {node.value!r}"
            for path in python_sources() for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.Constant) and node.value in ids]
    assert not bare


def test_the_model_question_is_named_only_by_the_assignment_its_suite_and_public_case():
    allowed = {PACKAGE / "assignment.toml", PACKAGE / "suites" / "test_cnn_model.py",
               PACKAGE / "selfcheck" / "public_cases.py"}
    naming = [path.relative_to(PROJECT) for path in PACKAGE.rglob("*.py")
              if "cnn_model" in path.read_text() and path not in allowed]
    assert not naming
