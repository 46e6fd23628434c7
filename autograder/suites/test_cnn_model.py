"""Hidden tests of cnn_model: the student's CNN, built and trained in the sandbox, then graded on a
held-out split whose labels never leave the grader."""
import numpy as np
import pytest

from autograder.expect import PartialCredit, WrongAnswer, trained
from autograder.diagnoses import Diagnosis


@pytest.fixture(scope="module")
def run(student, dataset, device, question):
    """One seeded training run serves every test of the question."""
    return student.run_model(dataset, device, functions=question.functions, seed=question.settings["seed"],
                             seconds=question.settings["train_seconds"])


def test_logits(run, dataset):
    """the model maps a batch of images to finite (N, K) logits"""
    outputs = trained(run).first_outputs
    classes = int(dataset.y_train.max()) + 1
    batch = min(len(dataset.x_test), 512)
    if not isinstance(outputs, np.ndarray) or outputs.shape != (batch, classes):
        shape = getattr(outputs, "shape", type(outputs).__name__)
        raise WrongAnswer(f"For {batch} images the model returned {shape}; expected ({batch}, {classes}).",
                          [Diagnosis.WRONG_SHAPE])
    if not np.all(np.isfinite(outputs)):
        raise WrongAnswer("The model's outputs contain NaN or infinite values.", [Diagnosis.NAN_OUTPUT])
    if np.all(outputs >= 0) and np.allclose(outputs.sum(axis=1), 1, atol=1e-3):
        raise WrongAnswer("Each row of the model's output sums to 1: it returns probabilities, not logits.",
                          [Diagnosis.DOUBLE_SOFTMAX])


def batch_norm_statistics(state, reported):
    """The names in `state` that are provably a batch-norm layer's running statistics, not
    parameters: reported as such by the sandbox (modules of exactly torch's BatchNorm classes) AND
    of the shapes the grader sees: running_mean and running_var of shape (C,) beside that layer's
    own weight and bias of shape (C,) (which count), num_batches_tracked a scalar. So a layer can
    keep at most 2 uncounted numbers per counted channel, whatever the sandbox says."""
    free = set()
    for name in reported:
        prefix, _, kind = name.rpartition(".")
        scale, shift = (state.get(f"{prefix}.{part}".lstrip(".")) for part in ("weight", "bias"))
        tensor = state.get(name)
        if tensor is None:
            continue
        if kind == "num_batches_tracked" and tensor.shape == ():
            free.add(name)
        elif (kind in ("running_mean", "running_var") and tensor.ndim == 1 and scale is not None
              and shift is not None and scale.shape == shift.shape == tensor.shape):
            free.add(name)
    return free


def test_parameter_budget(run, settings):
    """the trained model stays within the parameter budget (counted from its state_dict)"""
    state = trained(run).state
    statistics = batch_norm_statistics(state, run.statistics)
    count = sum(tensor.size for name, tensor in state.items() if name not in statistics)
    if count > settings["parameter_budget"]:
        raise WrongAnswer(f"The trained model holds {count:,} parameters; the budget is "
                          f"{settings['parameter_budget']:,}. Use fewer or narrower layers, or global "
                          "average pooling instead of a large dense layer.", [Diagnosis.OVER_BUDGET])


def test_training_time(run, settings):
    """train_model finishes within the time budget"""
    seconds = trained(run).seconds
    if seconds > settings["train_seconds"]:
        raise WrongAnswer(f"train_model took {seconds:.0f} s; the budget is {settings['train_seconds']} s.",
                          [Diagnosis.TOO_SLOW])


def test_device(run, device):
    """the trained model's parameters are on the device train_model was given"""
    devices = trained(run).devices
    if any(not place.startswith(device) for place in devices):
        raise WrongAnswer(f"train_model was given the device {device!r} but the model's parameters are on "
                          f"{', '.join(devices)}.", [Diagnosis.IGNORES_DEVICE])


def test_accuracy(run, dataset, settings, record_output):
    """accuracy on the held-out images (partial credit between the two thresholds)"""
    labels = trained(run).labels
    if not isinstance(labels, np.ndarray) or labels.shape != dataset.y_test.shape:
        raise WrongAnswer("The model did not give one prediction per held-out image.", [Diagnosis.WRONG_SHAPE])
    accuracy = float(np.mean(labels == dataset.y_test))
    nothing, full = settings["accuracy"][dataset.name]
    report = (f"Held-out accuracy {accuracy:.1%} on {len(labels)} {dataset.name} images after "
              f"{run.seconds:.1f} s of training on {run.device}"
              f"{' (trained when this same submission was first graded)' if run.cached else ''}: "
              f"full marks from {full:.0%}, none below {nothing:.0%}.")
    record_output(report)
    if accuracy < full:
        raise PartialCredit(min(max((accuracy - nothing) / (full - nothing), 0.0), 1.0), report)
