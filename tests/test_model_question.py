"""The cnn_model question end to end: trained in a sandbox, graded on labels it never sees."""
import inspect
import textwrap
from dataclasses import replace

import pytest

import cnn_ref.model
from autograder.assignment import load_assignment
from autograder.grading.pipeline import grade_submission
from autograder.grading.submission import read_submission

ASSIGNMENT = load_assignment()
QUESTION = "cnn_model"
SIMPLE_MODEL = """
import torch
from torch import nn

def build_model(input_shape, num_classes):
    return nn.Sequential(nn.Flatten(), nn.Linear(input_shape[0] * input_shape[1] * input_shape[2], num_classes))
"""


def grade(tmp_path, source, **settings):
    path = tmp_path / "student.py"
    path.write_text(textwrap.dedent(source))
    question = ASSIGNMENT.questions[QUESTION]
    question = replace(question, settings={**question.settings, **settings})
    assignment = replace(ASSIGNMENT, questions={**ASSIGNMENT.questions, QUESTION: question})
    results = grade_submission(read_submission("student", [path]), assignment, [QUESTION]).to_json()
    return results["tests"], results


def named(tests, words):
    return next(test for test in tests if words in test["name"])


def reference_source():
    return "import numpy as np\nimport torch\nfrom torch import nn\n" + "\n".join(
        inspect.getsource(function) for function in (cnn_ref.model.build_model, cnn_ref.model.train_model)
    ).replace("INIT_SEED", "0")


@pytest.mark.slow
def test_the_reference_gets_full_marks_on_the_cpu_within_the_budget(tmp_path):
    tests, results = grade(tmp_path, reference_source())
    assert all(test["score"] == test["max_score"] for test in tests), tests
    assert "Held-out accuracy" in named(tests, "accuracy")["output"]


def test_a_model_that_predicts_one_class_scores_nothing_on_accuracy(tmp_path):
    tests, _ = grade(tmp_path, SIMPLE_MODEL + """
class OneClass(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
    def forward(self, x):
        logits = torch.zeros(len(x), 10)
        logits[:, 3] = 1
        return logits + 0 * self.inner(x)

def train_model(model, x_train, y_train, device):
    return OneClass(model)
""")
    accuracy = named(tests, "accuracy")
    assert accuracy["score"] == 0 and "accuracy" in accuracy["output"]


def test_a_model_over_budget_fails_even_when_parameters_lies(tmp_path):
    tests, _ = grade(tmp_path, """
import torch
from torch import nn

class Big(nn.Module):
    def __init__(self, features, classes):
        super().__init__()
        self.wide = nn.Linear(features, 2000)
        self.out = nn.Linear(2000, classes)
    def forward(self, x):
        return self.out(torch.relu(self.wide(x.flatten(1))))
    def parameters(self, recurse=True):
        return iter([self.out.bias])
    def state_dict(self, *args, **kwargs):
        return {}

def build_model(input_shape, num_classes):
    return Big(input_shape[0] * input_shape[1] * input_shape[2], num_classes)

def train_model(model, x_train, y_train, device):
    return model
""")
    budget = named(tests, "parameter budget")
    assert budget["score"] == 0 and "over-budget" in budget["extra_data"]["diagnoses"]


def test_looking_up_the_held_out_labels_fails(tmp_path):
    # The sandbox's copy of scikit-learn's digits has the images but every label 0: matching the
    # held-out images against it and returning its labels predicts one class.
    tests, _ = grade(tmp_path, SIMPLE_MODEL + """
import numpy as np
from sklearn.datasets import load_digits

class LookUp(nn.Module):
    def __init__(self, inner):
        super().__init__()
        self.inner = inner
        digits = load_digits()
        self.images = torch.tensor(digits.images.reshape(len(digits.images), -1) / 16, dtype=torch.float32)
        self.labels = torch.tensor(digits.target)
    def forward(self, x):
        nearest = torch.cdist(x.flatten(1), self.images).argmin(dim=1)
        return torch.nn.functional.one_hot(self.labels[nearest], 10).float() + 0 * self.inner(x)

def train_model(model, x_train, y_train, device):
    return LookUp(model)
""")
    accuracy = named(tests, "accuracy")
    share = float(accuracy["output"].split("Held-out accuracy ")[1].split("%")[0])
    assert accuracy["score"] == 0 and share < 15  # class 0's share of the held-out split


def test_double_softmax_is_diagnosed(tmp_path):
    tests, _ = grade(tmp_path, SIMPLE_MODEL.replace(
        "num_classes))", "num_classes), nn.Softmax(dim=1))") + """
def train_model(model, x_train, y_train, device):
    return model
""")
    logits = named(tests, "logits")
    assert logits["extra_data"]["diagnoses"] == ["double-softmax"]


def test_a_train_model_that_loops_forever_costs_only_this_question(tmp_path):
    tests, results = grade(tmp_path, SIMPLE_MODEL + """
def train_model(model, x_train, y_train, device):
    while True:
        pass

def dense_params(in_features, out_features, bias=True):
    return in_features * out_features + (out_features if bias else 0)
""", train_seconds=2)
    assert all(test["score"] == 0 and "timeout" in test["extra_data"]["diagnoses"] for test in tests)
    assert "timeout" in results["extra_data"]["flags"]


QUICK_MODEL = SIMPLE_MODEL + """
def train_model(model, x_train, y_train, device):
    optimiser = torch.optim.SGD(model.parameters(), lr=0.1)
    for _ in range(3):
        optimiser.zero_grad()
        nn.functional.cross_entropy(model(torch.as_tensor(x_train)), torch.as_tensor(y_train)).backward()
        optimiser.step()
    return model
"""


def test_a_regrade_reads_the_trained_model_back_instead_of_training_again(tmp_path, monkeypatch):
    from autograder.grading.batch import BatchOptions, grade_batch
    from autograder.grading.model_cache import FOLDER
    from autograder.grading.sandbox import Sandbox

    (tmp_path / "class").mkdir()
    source = tmp_path / "class" / "alice.py"
    source.write_text(QUICK_MODEL)
    options = BatchOptions(questions=[QUESTION], force=True)

    def graded():
        (_, results), = grade_batch([tmp_path / "class"], tmp_path / "out", ASSIGNMENT, options)
        return {test.name: (test.score, test.output) for test in results.tests}

    def scores(tests):
        return {name: score for name, (score, _) in tests.items()}

    first = graded()
    assert len(list((tmp_path / "out" / FOLDER).glob("*.npz"))) == 1
    trainings = []
    original_train = Sandbox.train
    monkeypatch.setattr(Sandbox, "train", lambda *args, **kwargs: trainings.append(1) or original_train(*args, **kwargs))
    again = graded()
    assert trainings == []
    assert scores(again) == scores(first)
    accuracy = next(output for name, (_, output) in again.items() if "accuracy" in name)
    assert "trained when this same submission was first graded" in accuracy

    source.write_text(QUICK_MODEL + "\n# a resubmission\n")
    changed = graded()
    assert trainings == [1]
    assert "trained when" not in next(output for name, (_, output) in changed.items() if "accuracy" in name)

    for stored in (tmp_path / "out" / FOLDER).glob("*.npz"):
        stored.write_bytes(b"not a numpy file")
    assert scores(graded()) == scores(changed) and trainings == [1, 1]   # an unreadable entry is a miss
