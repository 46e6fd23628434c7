"""The misconception catalogue: every variant is told apart from the reference and diagnosed, the
reference itself never is, and diagnose survives any value."""
import numpy as np
import pytest

import cnn_ref
from autograder.grading.variants import VARIANTS, _matches, diagnose

# SPEC's "Misconception diagnoses" list.
MNIST_NET = [
    {"type": "conv2d", "filters": 32, "kernel_size": 3}, {"type": "maxpool2d", "size": 2},
    {"type": "conv2d", "filters": 64, "kernel_size": 3}, {"type": "maxpool2d", "size": 2},
    {"type": "flatten"}, {"type": "dropout", "rate": 0.5}, {"type": "dense", "units": 10},
]
SMALL_NET = [
    {"type": "conv2d", "filters": 8, "kernel_size": 3, "padding": 1},
    {"type": "batchnorm"}, {"type": "relu"}, {"type": "avgpool2d", "size": 2},
    {"type": "conv2d", "filters": 6, "kernel_size": (3, 2), "stride": 2, "padding": "valid"},
    {"type": "conv2d", "filters": 5, "kernel_size": 2, "padding": "same"},
    {"type": "globalavgpool"}, {"type": "flatten"}, {"type": "dense", "units": 4},
]


def _cases(rng):
    """question -> [(args, kwargs)]: generic inputs (asymmetric, non-square, several channels and
    filters, strides, padding, bias, integer inputs) plus the corner cases some variants need."""
    normal, ints = rng.normal, lambda *shape: rng.integers(-9, 10, size=shape)
    distinct = lambda *shape: rng.permutation(np.prod(shape)).reshape(shape) - 20  # no ties: max pooling
    x4, w4, b4 = ints(2, 3, 7, 9), normal(size=(4, 3, 3, 2)), normal(size=4)
    dout = normal(size=cnn_ref.conv2d_forward(x4, w4, b4, 2, 1).shape)
    x_sq = normal(size=(2, 4, 6, 4))  # W == C: x can be misread as NHWC
    pool_x = distinct(2, 3, 7, 9)
    x_back, w_back = normal(size=(2, 3, 6, 8)), ints(2, 3, 3, 3)
    dout_back = normal(size=cnn_ref.conv2d_forward(x_back, w_back, padding=(0, 1)).shape)
    layers = [
        ((x4, w4, b4), {"stride": 2, "padding": 1}),
        ((normal(size=(2, 3, 6, 8)), normal(size=(2, 3, 4, 3)), normal(size=2), 1, "same"), {}),
        ((x_sq, normal(size=(3, 4, 3, 2))), {"b": normal(size=3), "stride": (2, 1), "padding": (1, 2)}),
        ((normal(size=(2, 2, 7, 9)), normal(size=(3, 2, 2, 3)), normal(size=3)), {"padding": 1}),
    ]
    return {
        "conv1d": [((ints(9), normal(size=4)), {"mode": mode}) for mode in ("full", "same", "valid")]
                  + [((normal(size=3), normal(size=6), mode), {}) for mode in ("same", "valid")],
        "corr2d": [((ints(7, 9), normal(size=(3, 2))), {}), ((normal(size=(6, 8)), normal(size=(3, 3))), {}),
                   ((normal(size=(6, 8)), normal(size=(2, 4))), {})],
        "convolve2d": [((ints(6, 8), normal(size=(4, 3)), mode), {}) for mode in ("full", "same", "valid")]
                      + [((normal(size=(2, 3)), normal(size=(4, 5))), {"mode": "valid"})],
        "conv2d_forward": layers,
        "conv2d_fast": layers,
        "conv_matrix": [((normal(size=(3, 2)), (5, 6)), {}), ((normal(size=(3, 3)), (4, 5)), {})],
        "conv2d_backward": [
            ((dout, x4, w4, b4, 2, 1), {}),
            ((dout_back, x_back, w_back), {"padding": (0, 1)}),
            ((normal(size=(2, 2, 4, 7)), normal(size=(2, 2, 6, 8)), normal(size=(2, 2, 3, 2)), normal(size=2)), {}),
        ],
        "pool2d": [((pool_x, 2), {"mode": mode}) for mode in ("max", "avg", "sum", "l2")]
                  + [((normal(size=(2, 3, 7, 9)), (3, 2), (2, 1), mode), {})
                     for mode in ("max", "avg", "l2")]
                  + [((normal(size=(2, 3, 7, 10)), (2, 3), (2, 1)), {"mode": "avg"}),
                     ((normal(size=(2, 3, 6, 9)), (2, 4), 1), {"mode": "sum"})],
        "global_avg_pool": [((ints(2, 3, 5, 4),), {}), ((normal(size=(2, 3, 4, 6)),), {})],
        "maxpool2d_backward": [
            ((normal(size=(2, 3, 3, 4)), pool_x, 2), {}),
            ((normal(size=(2, 3, 3, 8)), normal(size=(2, 3, 7, 9)), (3, 2)), {"stride": (2, 1)}),
            ((normal(size=(2, 1, 2, 4)), distinct(2, 1, 6, 9), (3, 2)), {}),
        ],
        "conv_output_size": [((17, 4, 3, 2, 2), {}), ((28, 5), {"stride": 2, "padding": 1}),
                             ((20, 3, 3, 1), {"dilation": 2}), ((13, 3, 2, 1, 1), {}),
                             ((12, 3), {"dilation": 2})],
        "pool_output_size": [((17, 3), {}), ((18, 4, 3, 1, True), {}), ((13, 3, 2, 1), {"ceil_mode": True}),
                             ((8, 3, 3, 1, True), {}), ((28, 2), {"ceil_mode": False})],
        "conv2d_params": [((3, 8, 5), {}), ((3, 8, (3, 5)), {"bias": True}), ((4, 6, 3, False), {})],
        "dense_params": [((784, 30), {}), ((1600, 10, True), {})],
        "conv2d_mults": [((3, 8, 5, 13), {}), ((3, 8, (3, 5), (7, 9)), {})],
        "receptive_field": [(([(3, 1), (3, 2), (5, 2), (3, 1)],), {}), (([(2, 2), (3, 1)],), {}),
                            (([(3, 1)] * 3,), {})],
        "summarize": [((MNIST_NET, (1, 28, 28)), {}), ((SMALL_NET, (3, 17, 15)), {})],
    }


CASES = _cases(np.random.default_rng(20240601))
ALL_VARIANTS = [(question, index) for question, variants in VARIANTS.items()
                for index in range(len(variants))]


def _reference(question, args, kwargs):
    return getattr(cnn_ref, question)(*args, **kwargs)


def test_every_question_has_variants_and_cases():
    assert set(VARIANTS) == set(CASES) == set(cnn_ref.__all__)


@pytest.mark.parametrize("question, index", ALL_VARIANTS,
                         ids=[f"{q}-{VARIANTS[q][i].diagnosis}-{i}" for q, i in ALL_VARIANTS])
def test_variant_is_told_apart_and_diagnosed(question, index):
    variant, told_apart = VARIANTS[question][index], 0
    for args, kwargs in CASES[question]:
        try:
            wrong = variant.compute(*args, **kwargs)
        except ValueError:  # does not apply to these inputs
            continue
        if _matches(wrong, _reference(question, args, kwargs)):
            continue
        told_apart += 1
        assert variant.diagnosis in diagnose(question, args, kwargs, wrong), (args, kwargs)
    assert told_apart, "the variant never differs from the reference"


@pytest.mark.parametrize("question", sorted(CASES))
def test_the_reference_is_never_diagnosed(question):
    for args, kwargs in CASES[question]:
        assert diagnose(question, args, kwargs, _reference(question, args, kwargs)) == []


def test_conv2d_forward_reference_in_float32_is_not_diagnosed():
    (x, w, b), kwargs = CASES["conv2d_forward"][0]
    args = (x.astype("float32"), w.astype("float32"), b.astype("float32"))
    assert diagnose("conv2d_forward", args, kwargs, _reference("conv2d_forward", args, kwargs)) == []


def test_integer_output_needs_an_integer_array():
    x, k = np.arange(12).reshape(3, 4), np.ones((2, 2))  # integral results: only the dtype is wrong
    correct = cnn_ref.corr2d(x, k)
    assert diagnose("corr2d", (x, k), {}, correct.astype(int)) == ["integer-output"]
    assert diagnose("corr2d", (x, k), {}, correct) == []


def test_variants_leave_their_inputs_unchanged():
    for question, cases in CASES.items():
        for args, kwargs in cases:
            before = [np.copy(arg) for arg in args if isinstance(arg, np.ndarray)]
            diagnose(question, args, kwargs, None)
            after = [arg for arg in args if isinstance(arg, np.ndarray)]
            assert all(np.array_equal(old, new) for old, new in zip(before, after)), question


JUNK = [None, "text", [1, 2, 3], (None, None, None), {"a": 1}, 10 ** 100, -1, float("nan"), 3.5, True,
        np.zeros(1), np.full((2, 4, 4, 5), np.nan), np.array(["a", "b"]), np.ones((2, 2), dtype=complex),
        np.array([None, 1], dtype=object), np.int64(7), np.array(5)]


@pytest.mark.parametrize("question", sorted(CASES))
def test_diagnose_never_raises_on_junk(question):
    args, kwargs = CASES[question][0]
    for value in JUNK:
        assert isinstance(diagnose(question, args, kwargs, value), list)
    assert diagnose(question, ("junk",), {"nonsense": 1}, None) == []


def test_diagnose_of_unknown_questions_is_empty():
    assert diagnose("cnn_model", (), {}, None) == []
    assert diagnose("data", (), {}, 1) == []
