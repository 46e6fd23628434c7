"""The bundled sample class: every correct style gets full marks, every misconception is named."""
import json

import pytest

from autograder.cli import main



@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return {path.parent.name: json.loads(path.read_text()) for path in out.glob("*/results.json")}, out


def scores(results):
    return {question: (entry["score"], entry["max_score"]) for question, entry in
            results["extra_data"]["questions"].items()}


def diagnoses(results, question):
    return {d for test in results["tests"] if test["extra_data"]["question"] == question
            for d in test["extra_data"]["diagnoses"]}


def test_correct_styles_get_full_marks_on_every_numpy_question(demo):
    results, _ = demo
    for student in ("ada", "ben", "chen"):  # loops; stride tricks, einsum and float32; FFT in two notebooks
        for question, (score, top) in scores(results[student]).items():
            if question != "cnn_model":
                assert score == top, (student, question)
    assert scores(results["ben"])["cnn_model"][0] == scores(results["ben"])["cnn_model"][1]
    assert 0 < scores(results["ada"])["cnn_model"][0] < scores(results["ada"])["cnn_model"][1]  # 95%: partial


@pytest.mark.parametrize("student, question, diagnosis", [
    ("dana", "corr2d", "flipped-kernel"), ("dana", "conv2d_forward", "missing-bias"),
    ("dana", "conv_output_size", "missing-plus-one"), ("eli", "conv2d_forward", "padding-one-side"),
    ("eli", "pool2d", "pool-stride-ignored"), ("eli", "pool2d", "l2-no-sqrt"),
    ("eli", "receptive_field", "rf-stride-ignored"), ("eli", "conv2d_params", "missing-bias-params"),
    ("fay", "conv1d", "flipped-kernel"), ("fay", "conv_output_size", "no-floor"),
    ("fay", "global_avg_pool", "channels-last"), ("fay", "conv2d_backward", "db-not-summed"),
    ("fay", "dense_params", "missing-bias-params"), ("hal", "conv1d", "forbidden-api"),
    ("hal", "corr2d", "forbidden-api"), ("ivy", "conv2d_backward", "timeout"),
    ("jon (late)", "conv1d", "not-implemented"),
])
def test_misconceptions_are_named(demo, student, question, diagnosis):
    results, _ = demo
    folder = next(name for name in results if results[name]["extra_data"]["student"] == student)
    score, top = scores(results[folder])[question]
    assert score < top and diagnosis in diagnoses(results[folder], question)


def test_broken_and_hostile_submissions_cost_only_themselves(demo):
    results, out = demo
    assert results["gus"]["extra_data"]["error"]["kind"] == "bad-json"
    assert {"forbidden-api:conv1d", "forbidden-api:corr2d"} <= set(results["hal"]["extra_data"]["flags"])
    ivy = scores(results["ivy"])
    assert ivy["maxpool2d_backward"][0] == 0 and ivy["conv2d_forward"][0] == ivy["conv2d_forward"][1]
    assert (out / "index.html").read_text().count("data:image/png;base64,") >= 2   # scores, grading time
    assert isinstance(json.loads((out / "similarity.json").read_text()), list)
