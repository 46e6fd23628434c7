"""Patterns (grading/patterns.py), crash diagnoses (variants.diagnose_crash) and the review of a
question's diagnoses across its tests (grading/review.py): each says only what its evidence shows."""
import numpy as np

import cnn_ref
from autograder.diagnoses import Diagnosis
from autograder.grading.answer import RAISED, Answer
from autograder.grading.hidden import TestOutcome as Outcome
from autograder.grading.patterns import case_facts, shape_pattern, shared_by_passing, shared_pattern, value_pattern
from autograder.grading.review import review
from autograder.grading.variants import diagnose_crash

RNG = np.random.default_rng(7)
X, W = RNG.normal(size=(2, 3, 7, 9)), RNG.normal(size=(2, 3, 3, 2))


def test_case_facts_of_a_layer_call():
    facts = case_facts("conv2d_forward", (X, W), {"stride": 2})
    assert {"a non-square input", "a non-square kernel", "a 3x2 kernel", "padding 0", "a stride above 1",
            "a stride that does not divide the padded input size", "no bias"} <= facts
    assert "padding 0" not in case_facts("conv2d_forward", (X, W, None, 1, 1), {})
    assert case_facts("conv2d_forward", (X, W[:, :2]), {}) == set()   # the reference rejects it


def test_case_facts_find_shared_maxima():
    x = RNG.permutation(2 * 9 * 11).reshape(1, 2, 9, 11).astype(float)
    x[:, :, 2, 2] = 1000 + np.arange(2)  # in four overlapping windows, and their maximum
    dout = np.ones(cnn_ref.pool2d(x, 3, 2).shape)
    assert "a maximum shared by several windows" in case_facts("maxpool2d_backward", (dout, x, 3, 2), {})
    assert "overlapping windows" not in case_facts("maxpool2d_backward", (np.ones((1, 2, 4, 5)), x, 2), {})


def test_value_patterns_describe_where_values_differ():
    expected = RNG.normal(size=(2, 3, 4, 5)) + 3
    assert value_pattern(expected + 0.5, expected) == "Every value is off by the same amount (0.5)."
    assert "2 times" in value_pattern(2 * expected, expected)
    assert value_pattern(np.zeros_like(expected), expected) == "Every value of your result is 0."
    channel = expected.copy()
    channel[:, 1] += RNG.normal(size=(2, 4, 5))
    assert value_pattern(channel, expected) == "Only channel 1 (of 3) is wrong."
    offset = expected + np.arange(3)[None, :, None, None] + 1
    assert "Each output channel is off by its own constant" in value_pattern(offset, expected)
    border = expected.copy()
    border[..., 0, :] += RNG.normal(size=(2, 3, 5))
    border[..., :, -1] += 1
    assert value_pattern(border, expected).startswith("Only border values are wrong (rows 0, 1, 2, 3")
    shifted = np.zeros_like(expected)
    shifted[..., 1:, :] = expected[..., :-1, :]
    assert "shifted one row down" in value_pattern(shifted + 0, expected) or "0 wherever" in value_pattern(
        shifted, expected)
    noise = expected + RNG.normal(size=expected.shape)
    assert value_pattern(noise, expected) == ""


def test_shape_pattern_names_the_axis_and_the_formula():
    assert shape_pattern("conv2d_forward", (X, W), {"padding": 2}, (2, 2, 8, 12), (2, 2, 9, 12)) == (
        "Axis 2 (height) has 8 entries, 1 fewer than the 9 expected, which is (n + 2p - k) // s, without the + 1.")
    # With padding 1 a missing + 1 and a padding counted once give the same size: no formula is named.
    args, kwargs = (X, W), {"stride": 2, "padding": 1}      # right: (2, 2, 4, 5)
    assert shape_pattern("conv2d_forward", args, kwargs, (2, 2, 3, 5), (2, 2, 4, 5)) == (
        "Axis 2 (height) has 3 entries, 1 fewer than the 4 expected.")
    assert "rounded up" in shape_pattern("conv2d_forward", (X, W), {"stride": 3}, (2, 2, 2, 4), (2, 2, 2, 3))
    assert shape_pattern("conv2d_forward", args, kwargs, (2, 2, 0, 5), (2, 2, 4, 5)) == (
        "Axis 2 (height) is empty (size 0, 4 expected).")
    assert shape_pattern("conv2d_forward", args, kwargs, (2, 4, 5), (2, 2, 4, 5)) == ""


def test_shared_pattern_needs_a_fact_that_splits_failing_from_passing():
    tests = [(False, {"padding 0", "a bias"}), (False, {"padding 0", "no bias"}), (True, {"a bias"})]
    assert shared_pattern(tests) == ("What the failing tests share: every one has padding 0, and no passing "
                                     "test has it.")
    assert shared_pattern([(False, {"a"}), (True, {"a"})]) == ""
    assert shared_pattern([(False, {"a"}), (False, {"a"})]) == ""     # nothing passed: nothing to compare
    assert shared_by_passing([(True, {"a 3x3 kernel"}), (False, {"a 2x3 kernel"})]).startswith(
        "What the passing tests share: every one has a 3x3 kernel")


def test_crash_diagnoses_need_the_traceback_and_the_call():
    removed = "AttributeError: module 'numpy' has no attribute 'float'.\n`np.float` was a deprecated alias"
    assert Diagnosis.REMOVED_API in diagnose_crash("pool2d", (X, 2), {}, ["AttributeError"], removed)
    typo = "AttributeError: module 'numpy' has no attribute 'convolve2d'"
    assert diagnose_crash("pool2d", (X, 2), {}, ["AttributeError"], typo) == []
    assert diagnose_crash("conv2d_forward", (X, W), {"stride": 2}, ["AssertionError"], "AssertionError") == [
        Diagnosis.DIVISIBILITY_ASSUMED]
    assert diagnose_crash("conv2d_forward", (X[..., :8], W), {"stride": 2}, ["AssertionError"], "") == []
    unbound = "UnboundLocalError: cannot access local variable 'x_pad'"
    assert diagnose_crash("conv2d_forward", (X, W), {}, ["UnboundLocalError", "NameError"], unbound) == [
        Diagnosis.ZERO_PADDING_CROP]
    assert diagnose_crash("conv2d_forward", (X, W), {"padding": 1}, ["UnboundLocalError"], unbound) == []
    empty = "ValueError: could not broadcast input array from shape (2,3,7,9) into shape (2,3,0,0)"
    assert diagnose_crash("conv2d_fast", (X, W), {}, ["ValueError"], empty) == [Diagnosis.ZERO_PADDING_CROP]
    dout = np.ones((2, 3, 3, 4))
    past = "IndexError: index 3 is out of bounds for axis 2 with size 3"
    assert diagnose_crash("maxpool2d_backward", (dout, X, 2), {}, ["IndexError"], past) == [
        Diagnosis.WINDOW_PAST_EDGE]
    assert diagnose_crash("maxpool2d_backward", (np.ones((2, 3, 3, 8)), X, (2, 1)), {}, ["IndexError"], past) == []


def _outcome(test, passed, answer, diagnoses=()):
    return Outcome("conv2d_forward", test, test, passed, float(passed), output="old",
                       diagnoses=list(diagnoses), answers=[answer], problem=[f"Called {test}."])


def test_review_names_a_height_width_swap_only_when_square_cases_pass():
    square_x, square_w = RNG.normal(size=(2, 3, 7, 7)), RNG.normal(size=(2, 3, 3, 3))
    crash = dict(failure=RAISED, exception=["IndexError"], message="IndexError: index 7 is out of bounds")
    outcomes = [_outcome("a", False, Answer("conv2d_forward", (X, W), {}, **crash), [Diagnosis.EXCEPTION]),
                _outcome("b", True, Answer("conv2d_forward", (square_x, square_w), {},
                                           value=cnn_ref.conv2d_forward(square_x, square_w)))]
    review(outcomes)
    assert outcomes[0].diagnoses == [Diagnosis.HEIGHT_WIDTH_SWAP, Diagnosis.EXCEPTION]
    assert "A height is used where a width belongs" in outcomes[0].output
    outcomes = [_outcome("a", False, Answer("conv2d_forward", (X, W), {}, **crash), [Diagnosis.EXCEPTION]),
                _outcome("b", True, Answer("conv2d_forward", (X, W), {"padding": 1},
                                           value=cnn_ref.conv2d_forward(X, W, padding=1)))]
    review(outcomes)
    assert outcomes[0].diagnoses == [Diagnosis.EXCEPTION]
    assert "every one has padding 0" in outcomes[0].pattern and "padding 0" in outcomes[0].output


def test_review_keeps_the_diagnosis_that_explains_more_failing_tests():
    # A padding counted once equals a missing + 1 when the padding is 1, not when it is 2.
    once = [((X, W, None, 1, 1), {}), ((X, W, None, 1, 2), {})]
    outcomes = []
    for index, (args, kwargs) in enumerate(once):
        wrong = cnn_ref.conv2d_forward(np.pad(X, ((0, 0), (0, 0), (args[4], 0), (args[4], 0))), W)
        outcomes.append(_outcome(f"t{index}", False, Answer("conv2d_forward", args, kwargs, value=wrong),
                                 [Diagnosis.PADDING_ONE_SIDE, Diagnosis.PADDING_ONCE, Diagnosis.MISSING_PLUS_ONE,
                                  Diagnosis.WRONG_SHAPE][index:]))
    same_x, same_w = RNG.normal(size=(2, 3, 6, 8)), RNG.normal(size=(2, 3, 2, 4))
    outcomes.append(_outcome("same", True, Answer("conv2d_forward", (same_x, same_w), {"padding": "same"},
                                                  value=cnn_ref.conv2d_forward(same_x, same_w, padding="same"))))
    review(outcomes)
    assert Diagnosis.MISSING_PLUS_ONE not in outcomes[0].diagnoses
    assert Diagnosis.PADDING_ONE_SIDE not in outcomes[0].diagnoses + outcomes[1].diagnoses  # "same" passed
    assert Diagnosis.PADDING_ONCE in outcomes[1].diagnoses
