"""The reference CNN: shapes, budget, determinism and real training on the digits."""
import numpy as np
import pytest
import torch

from cnn_ref.data import load_digits_split
from cnn_ref.model import build_model, predict, train_model

PARAMETER_BUDGET = 100_000


@pytest.mark.parametrize("input_shape, classes", [((1, 8, 8), 10), ((1, 28, 28), 10), ((3, 32, 32), 10),
                                                  ((2, 9, 13), 4)])
def test_logits_shape_and_budget(input_shape, classes):
    model = build_model(input_shape, classes)
    logits = model(torch.zeros((5, *input_shape)))
    assert logits.shape == (5, classes)
    assert sum(p.numel() for p in model.parameters()) < PARAMETER_BUDGET


def test_build_is_seeded_and_leaves_global_rng_alone():
    state = torch.random.get_rng_state()
    first, second = build_model((1, 8, 8), 10), build_model((1, 8, 8), 10)
    assert torch.equal(torch.random.get_rng_state(), state)
    for a, b in zip(first.state_dict().values(), second.state_dict().values()):
        assert torch.equal(a, b)


@pytest.fixture(scope="module")
def digits():
    return load_digits_split()


@pytest.mark.slow
def test_trains_to_98_5_percent_on_digits_deterministically(digits):
    models = [train_model(build_model((1, 8, 8), 10), digits.x_train, digits.y_train, torch.device("cpu"))
              for _ in range(2)]
    accuracy = np.mean(predict(models[0], digits.x_test, "cpu") == digits.y_test)
    assert accuracy >= 0.985
    for a, b in zip(models[0].state_dict().values(), models[1].state_dict().values()):
        assert torch.equal(a, b)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_trains_on_cuda(digits):
    model = train_model(build_model((1, 8, 8), 10), digits.x_train, digits.y_train, torch.device("cuda"))
    assert next(model.parameters()).is_cuda
    assert np.mean(predict(model, digits.x_test, "cuda") == digits.y_test) >= 0.985
