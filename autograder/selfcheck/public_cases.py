"""The self-check's public cases: a few fixed, small inputs per question, visible to students.

They are written out here, never drawn from the hidden suites' seeded generators, and they go
through the same `student` interface and the same `expect_*` checks as the hidden tests, so a
wrong answer gets the grader's own diagnosis ("the kernel is flipped...") without revealing
anything the hidden tests use. Expected values come from `cnn_ref`, which the grader trusts.

Each case is a function of the `student` object (see `autograder.grading.student`), registered with
`@public(question)`; its docstring's first line says what it checks, in student terms.
"""
from dataclasses import dataclass
from typing import Callable

import numpy as np

import cnn_ref
from autograder.assignment import bundled_assignment
from autograder.expect import WrongAnswer, expect_close, expect_equal, expect_int, expect_value_error, returned
from autograder.diagnoses import Diagnosis


@dataclass(frozen=True)
class PublicCase:
    question: str
    name: str                   # what it checks, in student terms
    run: Callable               # run(student): returns, or raises WrongAnswer


PUBLIC = {}                     # question -> [PublicCase], in the order they are written here


def public(question):
    """Register a case of `question`; its docstring's first line is its name."""
    def register(function):
        name = (function.__doc__ or function.__name__).strip().splitlines()[0]
        PUBLIC.setdefault(question, []).append(PublicCase(question, name, function))
        return function
    return register


def values(shape, step=7, modulus=11, scale=0.5, dtype=float):
    """A fixed, irregular array of `shape`: no symmetry a wrong answer could hide behind."""
    count = int(np.prod(shape))
    return ((np.arange(count) * step % modulus - modulus // 2) * scale).reshape(shape).astype(dtype)


def distinct(shape):
    """A fixed array of distinct values (no ties), for max pooling."""
    count = int(np.prod(shape))
    return (np.arange(count) * 37 % count - count / 2).reshape(shape) / 4.0


# ------------------------------------------------------------------------------------ convolution

@public("conv1d")
def _conv1d_full(student):
    """mode "full" (the default), length-6 signal, asymmetric length-3 kernel"""
    x, k = np.array([1.0, -2.0, 3.0, 0.5, 4.0, -1.0]), np.array([2.0, 0.0, -1.0])
    expect_close(student.conv1d(x, k), cnn_ref.conv1d(x, k))


@public("conv1d")
def _conv1d_same_even(student):
    """mode "same" with an even length-4 kernel"""
    x, k = values(7), np.array([1.0, 2.0, -1.0, 0.5])
    expect_close(student.conv1d(x, k, mode="same"), cnn_ref.conv1d(x, k, mode="same"))


@public("conv1d")
def _conv1d_valid(student):
    """mode "valid", integer inputs (the result is a float array)"""
    x, k = np.array([3, 1, 4, 1, 5, 9, 2]), np.array([1, -1, 2])
    expect_close(student.conv1d(x, k, mode="valid"), cnn_ref.conv1d(x, k, mode="valid"))


@public("corr2d")
def _corr2d_asymmetric(student):
    """an asymmetric 2x3 kernel on a 4x5 image"""
    x, k = values((4, 5)), np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


@public("corr2d")
def _corr2d_integer(student):
    """an integer 3x4 image and 2x2 kernel (the result is a float array)"""
    x, k = np.arange(12).reshape(3, 4), np.array([[1, 0], [2, -1]])
    expect_close(student.corr2d(x, k), cnn_ref.corr2d(x, k))


@public("convolve2d")
def _convolve2d_full(student):
    """mode "full" (the default), an asymmetric 2x3 kernel on a 4x5 image"""
    x, k = values((4, 5)), np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    expect_close(student.convolve2d(x, k), cnn_ref.convolve2d(x, k))


@public("convolve2d")
def _convolve2d_same(student):
    """mode "same" with an even 2x2 kernel"""
    x, k = values((5, 4)), np.array([[1.0, -2.0], [0.5, 3.0]])
    expect_close(student.convolve2d(x, k, mode="same"), cnn_ref.convolve2d(x, k, mode="same"))


@public("convolve2d")
def _convolve2d_valid(student):
    """mode "valid", a 3x2 kernel"""
    x, k = values((5, 6)), np.array([[1.0, 0.0], [2.0, -1.0], [0.0, 1.5]])
    expect_close(student.convolve2d(x, k, mode="valid"), cnn_ref.convolve2d(x, k, mode="valid"))


def _layer(kernel=(3, 2), bias=True):
    """x (2, 2, 5, 6), w (3, 2, KH, KW) and b (3,) or None."""
    x = values((2, 2, 5, 6))
    w = values((3, 2, *kernel), step=5, modulus=7)
    return x, w, (np.array([0.5, -1.0, 2.0]) if bias else None)


@public("conv2d_forward")
def _forward_bias(student):
    """2 input channels, 3 filters of 3x2, with a bias; default stride and padding"""
    x, w, b = _layer()
    expect_close(student.conv2d_forward(x, w, b), cnn_ref.conv2d_forward(x, w, b))


@public("conv2d_forward")
def _forward_stride_padding(student):
    """stride 2 and padding 1, no bias"""
    x, w, _ = _layer(bias=False)
    expect_close(student.conv2d_forward(x, w, stride=2, padding=1),
                 cnn_ref.conv2d_forward(x, w, stride=2, padding=1))


@public("conv2d_forward")
def _forward_same(student):
    """padding "same" with an even 2x4 kernel"""
    x, w, b = _layer(kernel=(2, 4))
    expect_close(student.conv2d_forward(x, w, b, padding="same"),
                 cnn_ref.conv2d_forward(x, w, b, padding="same"))


@public("conv_matrix")
def _conv_matrix_reference(student):
    """an asymmetric 2x3 kernel on a 3x4 input"""
    k = np.array([[1.0, 2.0, 0.0], [0.0, -1.0, 3.0]])
    expect_close(student.conv_matrix(k, (3, 4)), cnn_ref.conv_matrix(k, (3, 4)))


@public("conv_matrix")
def _conv_matrix_reproduces(student):
    """C @ x.ravel() reproduces corr2d(x, k) for a 3x3 kernel on a 4x5 input"""
    k, x = values((3, 3), step=5, modulus=7), values((4, 5))
    answer = student.conv_matrix(k, (4, 5))
    expect_close(answer, cnn_ref.conv_matrix(k, (4, 5)))
    product = returned(answer) @ x.ravel()
    if not np.allclose(product, cnn_ref.corr2d(x, k).ravel()):
        raise WrongAnswer("C @ x.ravel() does not give corr2d(x, k).ravel().")


@public("conv2d_backward")
def _backward_defaults(student):
    """no bias, default stride and padding (db is None)"""
    x, w, _ = _layer(bias=False)
    dout = values((2, 3, 3, 5), step=3, modulus=13)
    expect_close(student.conv2d_backward(dout, x, w), cnn_ref.conv2d_backward(dout, x, w),
                 names=("dx", "dw", "db"))


@public("conv2d_backward")
def _backward_stride_padding(student):
    """with a bias, stride 2 and padding 1"""
    x, w, b = _layer()
    dout = values((2, 3, 3, 4), step=3, modulus=13)
    expect_close(student.conv2d_backward(dout, x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_backward(dout, x, w, b, stride=2, padding=1), names=("dx", "dw", "db"))


@public("conv2d_fast")
def _fast_bias(student):
    """2 input channels, 3 filters of 3x2, with a bias (correctness only: speed is graded too)"""
    x, w, b = _layer()
    expect_close(student.conv2d_fast(x, w, b), cnn_ref.conv2d_fast(x, w, b))


@public("conv2d_fast")
def _fast_stride_padding(student):
    """stride 2 and padding 1, with a bias"""
    x, w, b = _layer()
    expect_close(student.conv2d_fast(x, w, b, stride=2, padding=1),
                 cnn_ref.conv2d_fast(x, w, b, stride=2, padding=1))


# ---------------------------------------------------------------------------------------- pooling

@public("pool2d")
def _pool_max(student):
    """max pooling (the default), size 2, stride defaulting to the size"""
    x = distinct((1, 2, 4, 6))
    expect_close(student.pool2d(x, 2), cnn_ref.pool2d(x, 2))


@public("pool2d")
def _pool_avg(student):
    """average pooling, size 3, stride 1"""
    x = values((1, 2, 4, 5))
    expect_close(student.pool2d(x, 3, stride=1, mode="avg"), cnn_ref.pool2d(x, 3, stride=1, mode="avg"))


@public("pool2d")
def _pool_l2(student):
    """L2 pooling, size 2"""
    x = values((2, 1, 4, 4))
    expect_close(student.pool2d(x, 2, mode="l2"), cnn_ref.pool2d(x, 2, mode="l2"))


@public("global_avg_pool")
def _global_avg(student):
    """a (2, 3, 4, 5) input gives (2, 3)"""
    x = values((2, 3, 4, 5))
    expect_close(student.global_avg_pool(x), cnn_ref.global_avg_pool(x))


@public("maxpool2d_backward")
def _maxpool_backward(student):
    """size 2, stride defaulting to the size"""
    x, dout = distinct((1, 2, 4, 6)), values((1, 2, 2, 3))
    expect_close(student.maxpool2d_backward(dout, x, 2), cnn_ref.maxpool2d_backward(dout, x, 2))


@public("maxpool2d_backward")
def _maxpool_backward_overlap(student):
    """overlapping windows: size 3, stride 2"""
    x, dout = distinct((1, 1, 5, 7)), values((1, 1, 2, 3))
    expect_close(student.maxpool2d_backward(dout, x, 3, stride=2),
                 cnn_ref.maxpool2d_backward(dout, x, 3, stride=2))


# ------------------------------------------------------------------------------- sizes and counts

@public("conv_output_size")
def _conv_size_defaults(student):
    """conv_output_size(32, 5): stride 1, no padding"""
    expect_int(student.conv_output_size(32, 5), cnn_ref.conv_output_size(32, 5))


@public("conv_output_size")
def _conv_size_all(student):
    """conv_output_size(29, 3, stride=2, padding=1, dilation=2)"""
    expect_int(student.conv_output_size(29, 3, stride=2, padding=1, dilation=2),
               cnn_ref.conv_output_size(29, 3, stride=2, padding=1, dilation=2))


@public("conv_output_size")
def _conv_size_error(student):
    """a kernel larger than the input raises ValueError"""
    expect_value_error(student.conv_output_size(3, 5), "kernel_size")


@public("pool_output_size")
def _pool_size_default(student):
    """pool_output_size(33, 2): stride defaults to the window size"""
    expect_int(student.pool_output_size(33, 2), cnn_ref.pool_output_size(33, 2))


@public("pool_output_size")
def _pool_size_ceil(student):
    """pool_output_size(6, 3, stride=2, ceil_mode=True)"""
    expect_int(student.pool_output_size(6, 3, stride=2, ceil_mode=True),
               cnn_ref.pool_output_size(6, 3, stride=2, ceil_mode=True))


@public("conv2d_params")
def _conv_params(student):
    """conv2d_params(3, 16, 3): an RGB input, 16 filters of 3x3, with bias"""
    expect_int(student.conv2d_params(3, 16, 3), cnn_ref.conv2d_params(3, 16, 3))


@public("conv2d_params")
def _conv_params_pair(student):
    """conv2d_params(8, 4, (1, 3), bias=False)"""
    expect_int(student.conv2d_params(8, 4, (1, 3), bias=False),
               cnn_ref.conv2d_params(8, 4, (1, 3), bias=False))


@public("dense_params")
def _dense_params(student):
    """dense_params(100, 10), with bias"""
    expect_int(student.dense_params(100, 10), cnn_ref.dense_params(100, 10))


@public("dense_params")
def _dense_params_no_bias(student):
    """dense_params(64, 5, bias=False)"""
    expect_int(student.dense_params(64, 5, bias=False), cnn_ref.dense_params(64, 5, bias=False))


@public("conv2d_mults")
def _mults(student):
    """conv2d_mults(3, 8, 3, 10)"""
    expect_int(student.conv2d_mults(3, 8, 3, 10), cnn_ref.conv2d_mults(3, 8, 3, 10))


@public("conv2d_mults")
def _mults_pairs(student):
    """conv2d_mults(2, 4, (3, 1), (5, 6))"""
    expect_int(student.conv2d_mults(2, 4, (3, 1), (5, 6)), cnn_ref.conv2d_mults(2, 4, (3, 1), (5, 6)))


@public("receptive_field")
def _rf_one(student):
    """one 5x5 layer, stride 1"""
    expect_int(student.receptive_field([(5, 1)]), cnn_ref.receptive_field([(5, 1)]))


@public("receptive_field")
def _rf_strided(student):
    """a 3x3 stride-2 layer, then a 3x3 stride-1 layer"""
    layers = [(3, 2), (3, 1)]
    expect_int(student.receptive_field(layers), cnn_ref.receptive_field(layers))


@public("summarize")
def _summarize(student):
    """conv2d 4@3 with padding 1, maxpool2d 2, flatten, dense 10 on (3, 10, 10) inputs"""
    layers = [{"type": "conv2d", "filters": 4, "kernel_size": 3, "padding": 1},
              {"type": "maxpool2d", "size": 2}, {"type": "flatten"}, {"type": "dense", "units": 10}]
    expect_equal(student.summarize(layers, (3, 10, 10)), cnn_ref.summarize(layers, (3, 10, 10)))


# ---------------------------------------------------------------------------------- the small CNN

@public("cnn_model")
def _cnn_model(student):
    """build_model((1, 8, 8), 10) gives (5, 10) logits for 5 images, within the parameter budget

    train_model is not run here: the grader trains the model and measures its accuracy.
    """
    import torch  # only this question needs it

    answer = student.build_model((1, 8, 8), 10)
    model = returned(answer)
    if not isinstance(model, torch.nn.Module):
        raise WrongAnswer(f"build_model should return a torch.nn.Module, got a {type(model).__name__}.",
                          [Diagnosis.WRONG_TYPE])
    count = sum(parameter.numel() for parameter in model.parameters())
    budget = bundled_assignment().questions["cnn_model"].settings["parameter_budget"]
    if count > budget:
        raise WrongAnswer(f"The model has {count:,} parameters; the budget is "
                          f"{budget:,}. Use fewer or narrower layers (global average "
                          "pooling instead of a large dense layer helps).")
    model.eval()
    try:
        with torch.no_grad():
            logits = model(torch.zeros((5, 1, 8, 8), dtype=torch.float32))
    except Exception as error:
        raise WrongAnswer(f"The model raised {type(error).__name__}: {error} on a (5, 1, 8, 8) "
                          "float32 batch.", [Diagnosis.EXCEPTION]) from None
    if not isinstance(logits, torch.Tensor) or tuple(logits.shape) != (5, 10):
        shape = tuple(logits.shape) if isinstance(logits, torch.Tensor) else type(logits).__name__
        raise WrongAnswer(f"The model's output is {shape}; it should be logits of shape (5, 10).",
                          [Diagnosis.WRONG_SHAPE])
    if not torch.isfinite(logits).all():
        raise WrongAnswer("The model's logits contain NaN or infinite values.", [Diagnosis.NAN_OUTPUT])
