"""cnn_ref.sizes against torch (output shapes, parameter counts, gradients) and SPEC's worked numbers."""
import warnings

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st
from torch import nn

from cnn_ref import (conv2d_mults, conv2d_params, conv_output_size, dense_params, pool_output_size,
                     receptive_field, summarize)

SETTINGS = settings(max_examples=60, deadline=None)
INT_OR_PAIR = st.one_of(st.integers(1, 5), st.tuples(st.integers(1, 5), st.integers(1, 5)))


def torch_size(call):
    """The last axis of a torch call's output, or None where torch refuses the arguments."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return call().shape[-1]
    except RuntimeError:
        return None


def assert_int(value, expected):
    assert type(value) is int
    assert value == expected


# ------------------------------------------------------------------------- conv_output_size


@SETTINGS
@given(n=st.integers(1, 16), k=st.integers(1, 6), s=st.integers(1, 3), p=st.integers(0, 2),
       d=st.integers(1, 3))
@example(n=28, k=3, s=1, p=0, d=1)
@example(n=2, k=3, s=2, p=0, d=1)
@example(n=5, k=3, s=1, p=0, d=3)
def test_conv_output_size_matches_torch(n, k, s, p, d):
    expected = torch_size(lambda: F.conv2d(torch.zeros(1, 1, 1, n), torch.zeros(1, 1, 1, k),
                                           stride=s, padding=(0, p), dilation=d))
    if expected is None:
        with pytest.raises(ValueError, match="kernel_size"):
            conv_output_size(n, k, s, p, d)
    else:
        assert_int(conv_output_size(n, k, stride=s, padding=p, dilation=d), expected)


def test_conv_output_size_worked_numbers_and_numpy_ints():
    assert_int(conv_output_size(28, 3), 26)
    assert_int(conv_output_size(32, 5, stride=2, padding=2), 16)
    assert_int(conv_output_size(7, 3, stride=2), 3)
    assert_int(conv_output_size(10, 3, dilation=2), 6)
    assert_int(conv_output_size(np.int64(28), np.int32(3), np.uint8(1)), 26)


@pytest.mark.parametrize("args, kwargs, name", [
    ((0, 3), {}, r"\bn\b"),
    ((-4, 3), {}, r"\bn\b"),
    ((28.0, 3), {}, r"\bn\b"),
    ((True, 1), {}, r"\bn\b"),
    ((28, 0), {}, "kernel_size"),
    ((28, 3.0), {}, "kernel_size"),
    ((28, 3), {"stride": 0}, "stride"),
    ((28, 3), {"stride": 1.5}, "stride"),
    ((28, 3), {"stride": True}, "stride"),
    ((28, 3), {"padding": -1}, "padding"),
    ((28, 3), {"padding": "same"}, "padding"),
    ((28, 3), {"dilation": 0}, "dilation"),
    ((28, 3), {"dilation": False}, "dilation"),
    ((2, 5), {}, "kernel_size"),
    ((2, 3), {"dilation": 2, "padding": 1}, "kernel_size"),
])
def test_conv_output_size_rejects_bad_arguments(args, kwargs, name):
    with pytest.raises(ValueError, match=name):
        conv_output_size(*args, **kwargs)


# ------------------------------------------------------------------------- pool_output_size


@SETTINGS
@given(n=st.integers(1, 16), k=st.integers(1, 5), s=st.one_of(st.none(), st.integers(1, 4)),
       p=st.integers(0, 3), ceil_mode=st.booleans())
@example(n=5, k=2, s=2, p=0, ceil_mode=True)  # ceil keeps a half window: 3
@example(n=4, k=2, s=3, p=1, ceil_mode=True)  # the ceil window would start in the right padding
@example(n=5, k=3, s=2, p=1, ceil_mode=True)
@example(n=3, k=5, s=1, p=1, ceil_mode=False)
@example(n=1, k=2, s=None, p=0, ceil_mode=True)  # the one window overhangs the input: torch keeps it
def test_pool_output_size_matches_torch(n, k, s, p, ceil_mode):
    x = torch.zeros(1, 1, 1, n)
    for pool in (F.max_pool2d, F.avg_pool2d):
        expected = torch_size(lambda: pool(x, (1, k), (1, s or k), (0, p), ceil_mode=ceil_mode))
        if expected is None:
            with pytest.raises(ValueError, match="kernel_size"):
                pool_output_size(n, k, s, p, ceil_mode)
        else:
            assert_int(pool_output_size(n, k, stride=s, padding=p, ceil_mode=ceil_mode), expected)


def test_pool_output_size_worked_numbers():
    assert_int(pool_output_size(26, 2), 13)
    assert_int(pool_output_size(11, 2), 5)
    assert_int(pool_output_size(11, 2, ceil_mode=True), 6)
    assert_int(pool_output_size(4, 2, stride=3, padding=1, ceil_mode=True), 2)
    assert_int(pool_output_size(np.int64(11), np.int64(3), np.int64(2)), 5)
    assert_int(pool_output_size(1, 2, ceil_mode=True), 1)
    assert_int(pool_output_size(3, 4, stride=2, ceil_mode=True), 1)
    with pytest.raises(ValueError, match="kernel_size"):
        pool_output_size(3, 4, stride=2)
    with pytest.raises(ValueError, match="kernel_size"):
        pool_output_size(1, 5, stride=4, ceil_mode=True)


@pytest.mark.parametrize("args, kwargs, name", [
    ((0, 2), {}, r"\bn\b"),
    ((8.0, 2), {}, r"\bn\b"),
    ((8, 0), {}, "kernel_size"),
    ((8, True), {}, "kernel_size"),
    ((8, 2), {"stride": 0}, "stride"),
    ((8, 2), {"stride": 2.0}, "stride"),
    ((8, 2), {"padding": -1}, "padding"),
    ((8, 2), {"padding": 2}, "padding"),
    ((8, 3), {"padding": 2}, "padding"),
    ((8, 2), {"padding": 1.0}, "padding"),
    ((2, 3), {}, "kernel_size"),
    ((1, 5), {"padding": 1}, "kernel_size"),
])
def test_pool_output_size_rejects_bad_arguments(args, kwargs, name):
    with pytest.raises(ValueError, match=name):
        pool_output_size(*args, **kwargs)


# ------------------------------------------------------------------- parameters and mults


def trainable(module):
    return sum(p.numel() for p in module.parameters() if p.requires_grad)


@SETTINGS
@given(c_in=st.integers(1, 8), c_out=st.integers(1, 8), k=INT_OR_PAIR, bias=st.booleans())
def test_conv2d_params_matches_torch_conv2d(c_in, c_out, k, bias):
    assert_int(conv2d_params(c_in, c_out, k, bias=bias), trainable(nn.Conv2d(c_in, c_out, k, bias=bias)))


@SETTINGS
@given(n_in=st.integers(1, 100), n_out=st.integers(1, 50), bias=st.booleans())
def test_dense_params_matches_torch_linear(n_in, n_out, bias):
    assert_int(dense_params(n_in, n_out, bias=bias), trainable(nn.Linear(n_in, n_out, bias=bias)))


def test_params_worked_numbers():
    assert_int(dense_params(28 * 28, 30), 23_550)
    assert_int(dense_params(28 * 28, 30, bias=False), 23_520)
    assert_int(dense_params(1600, 10), 16_010)
    assert_int(conv2d_params(1, 32, 3), 320)
    assert_int(conv2d_params(32, 64, (3, 3)), 18_496)
    assert_int(conv2d_params(3, 8, (1, 5), bias=False), 120)
    assert_int(conv2d_params(np.int64(2), np.int64(4), np.int64(3)), 76)


@SETTINGS
@given(c_in=st.integers(1, 4), c_out=st.integers(1, 4), k=INT_OR_PAIR, out=INT_OR_PAIR)
def test_conv2d_mults_counts_the_products_of_a_torch_conv(c_in, c_out, k, out):
    """With ones everywhere, each output of F.conv2d sums C_in*KH*KW products: the total counts them."""
    (kh, kw), (oh, ow) = [(v, v) if isinstance(v, int) else v for v in (k, out)]
    ones = F.conv2d(torch.ones(1, c_in, oh + kh - 1, ow + kw - 1, dtype=torch.float64),
                    torch.ones(c_out, c_in, kh, kw, dtype=torch.float64))
    assert ones.shape[2:] == (oh, ow)
    assert_int(conv2d_mults(c_in, c_out, k, out), int(ones.sum().item()))


def test_conv2d_mults_worked_number():
    assert_int(conv2d_mults(32, 64, 3, 11), 64 * 32 * 9 * 121)
    assert_int(conv2d_mults(3, 2, (1, 2), (4, 5)), 2 * 3 * 2 * 20)


@pytest.mark.parametrize("call, name", [
    (lambda: conv2d_params(0, 3, 3), "in_channels"),
    (lambda: conv2d_params(1.0, 3, 3), "in_channels"),
    (lambda: conv2d_params(1, 0, 3), "out_channels"),
    (lambda: conv2d_params(1, True, 3), "out_channels"),
    (lambda: conv2d_params(1, 3, 0), "kernel_size"),
    (lambda: conv2d_params(1, 3, (3, 0)), "kernel_size"),
    (lambda: conv2d_params(1, 3, (3, 3, 3)), "kernel_size"),
    (lambda: conv2d_params(1, 3, 2.5), "kernel_size"),
    (lambda: dense_params(0, 3), "in_features"),
    (lambda: dense_params(3.0, 3), "in_features"),
    (lambda: dense_params(3, -1), "out_features"),
    (lambda: dense_params(3, False), "out_features"),
    (lambda: conv2d_mults(0, 2, 3, 4), "in_channels"),
    (lambda: conv2d_mults(2, 0, 3, 4), "out_channels"),
    (lambda: conv2d_mults(2, 2, (3, 0), 4), "kernel_size"),
    (lambda: conv2d_mults(2, 2, 3, 0), "output_size"),
    (lambda: conv2d_mults(2, 2, 3, (4, 4.0)), "output_size"),
])
def test_counts_reject_bad_arguments(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# -------------------------------------------------------------------------- receptive_field


def torch_receptive_field(layers, n=64):
    """Extent of the input pixels that reach the first unit of the last layer, by autograd."""
    x = torch.ones(1, 1, n, dtype=torch.float64, requires_grad=True)
    out = x
    for kernel, stride in layers:
        out = F.conv1d(out, torch.ones(1, 1, kernel, dtype=torch.float64), stride=stride)
    out[0, 0, 0].backward()
    seen = torch.nonzero(x.grad[0, 0]).ravel()
    return int(seen.max() - seen.min()) + 1


@SETTINGS
@given(layers=st.lists(st.tuples(st.integers(1, 4), st.integers(1, 2)), max_size=4))
@example(layers=[(1, 2), (3, 1)])  # the field has holes; its side still spans 5 pixels
def test_receptive_field_matches_torch_gradient(layers):
    assert_int(receptive_field(layers), torch_receptive_field(layers))


def test_receptive_field_worked_numbers():
    assert_int(receptive_field([]), 1)
    assert_int(receptive_field([(3, 1)] * 3), 7)
    assert_int(receptive_field([(3, 1), (2, 2), (3, 1), (2, 2), (3, 1)]), 18)
    assert_int(receptive_field([[5, 2], (3, np.int64(1))]), 9)


@pytest.mark.parametrize("layers, name", [
    ([(3,)], r"layers\[0\]"),
    ([(3, 1), (3, 1, 1)], r"layers\[1\]"),
    ([3], r"layers\[0\]"),
    ([(0, 1)], r"layers\[0\] kernel_size"),
    ([(3, 1), (3.0, 1)], r"layers\[1\] kernel_size"),
    ([(3, 0)], r"layers\[0\] stride"),
    ([(3, True)], r"layers\[0\] stride"),
])
def test_receptive_field_rejects_bad_arguments(layers, name):
    with pytest.raises(ValueError, match=name):
        receptive_field(layers)


# -------------------------------------------------------------------------------- summarize

MNIST_CONVNET = [
    {"type": "conv2d", "filters": 32, "kernel_size": 3},
    {"type": "maxpool2d", "size": 2},
    {"type": "conv2d", "filters": 64, "kernel_size": 3},
    {"type": "maxpool2d", "size": 2},
    {"type": "flatten"},
    {"type": "dropout", "rate": 0.5},
    {"type": "dense", "units": 10},
]


def test_summarize_keras_mnist_convnet():
    rows = summarize(MNIST_CONVNET, (1, 28, 28))
    assert rows == [((32, 26, 26), 320), ((32, 13, 13), 0), ((64, 11, 11), 18_496), ((64, 5, 5), 0),
                    ((1600,), 0), ((1600,), 0), ((10,), 16_010)]
    assert sum(params for _, params in rows) == 34_826
    for shape, params in rows:
        assert type(shape) is tuple and all(type(side) is int for side in shape)
        assert type(params) is int
    assert rows == torch_summary(MNIST_CONVNET, (1, 28, 28))


def torch_module(layer, shape):
    """The torch module for one summarize layer dict, given its input shape (without the batch)."""
    kind = layer["type"]
    if kind == "conv2d":
        return nn.Conv2d(shape[0], layer["filters"], layer["kernel_size"], layer.get("stride", 1),
                         layer.get("padding", 0), bias=layer.get("bias", True))
    if kind in ("maxpool2d", "avgpool2d"):
        pool = nn.MaxPool2d if kind == "maxpool2d" else nn.AvgPool2d
        return pool(layer["size"], layer.get("stride"))
    if kind == "batchnorm":
        return (nn.BatchNorm2d if len(shape) == 3 else nn.BatchNorm1d)(shape[0])
    return {"globalavgpool": lambda: nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten()),
            "flatten": nn.Flatten, "dense": lambda: nn.Linear(shape[0], layer["units"],
                                                              bias=layer.get("bias", True)),
            "dropout": lambda: nn.Dropout(layer["rate"]), "relu": nn.ReLU}[kind]()


def torch_summary(layers, input_shape):
    """(output_shape, trainable parameters) per layer from torch modules run on zeros in eval mode."""
    x, rows = torch.zeros((1,) + tuple(input_shape)), []
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for layer in layers:
            module = torch_module(layer, tuple(x.shape[1:])).eval()
            x = module(x)
            rows.append((tuple(x.shape[1:]), trainable(module)))
    return rows


SPATIAL_LAYER = st.one_of(
    st.fixed_dictionaries(
        {"type": st.just("conv2d"), "filters": st.integers(1, 4), "kernel_size": INT_OR_PAIR},
        optional={"stride": st.integers(1, 2), "padding": st.sampled_from([0, 1, 2, "valid"]),
                  "bias": st.booleans()}),
    st.fixed_dictionaries({"type": st.just("conv2d"), "filters": st.integers(1, 4),
                           "kernel_size": st.integers(1, 4), "padding": st.just("same")}),
    st.fixed_dictionaries({"type": st.sampled_from(["maxpool2d", "avgpool2d"]),
                           "size": st.integers(1, 3)},
                          optional={"stride": st.one_of(st.none(), st.integers(1, 3))}),
    st.fixed_dictionaries({"type": st.sampled_from(["relu", "batchnorm"])}),
    st.fixed_dictionaries({"type": st.just("dropout"), "rate": st.sampled_from([0.1, 0.5])}),
)
FLAT_LAYER = st.one_of(
    st.fixed_dictionaries({"type": st.just("dense"), "units": st.integers(1, 12)},
                          optional={"bias": st.booleans()}),
    st.fixed_dictionaries({"type": st.sampled_from(["relu", "batchnorm"])}),
    st.fixed_dictionaries({"type": st.just("dropout"), "rate": st.just(0.25)}),
)


@settings(max_examples=30, deadline=None)
@given(spatial=st.lists(SPATIAL_LAYER, max_size=4), to_flat=st.sampled_from(["flatten", "globalavgpool"]),
       flat=st.lists(FLAT_LAYER, max_size=3),
       input_shape=st.tuples(st.integers(1, 3), st.integers(4, 12), st.integers(4, 12)))
def test_summarize_matches_torch_modules(spatial, to_flat, flat, input_shape):
    layers = spatial + [{"type": to_flat}] + flat
    try:
        expected = torch_summary(layers, input_shape)
    except RuntimeError:  # a window larger than its input: summarize must refuse the stack too
        with pytest.raises(ValueError, match="kernel_size"):
            summarize(layers, input_shape)
    else:
        assert summarize(layers, input_shape) == expected


def test_summarize_conv_options_and_batchnorm():
    layers = [{"type": "conv2d", "filters": 8, "kernel_size": (2, 4), "padding": "same", "bias": False},
              {"type": "batchnorm"}, {"type": "relu"},
              {"type": "conv2d", "filters": 4, "kernel_size": 3, "stride": 2, "padding": 1},
              {"type": "avgpool2d", "size": 2, "stride": 1}, {"type": "globalavgpool"},
              {"type": "dense", "units": 5, "bias": False}, {"type": "batchnorm"}]
    rows = summarize(layers, [3, 9, 10])
    assert rows == [((8, 9, 10), 192), ((8, 9, 10), 16), ((8, 9, 10), 0), ((4, 5, 5), 292),
                    ((4, 4, 4), 0), ((4,), 0), ((5,), 20), ((5,), 10)]
    assert rows == torch_summary(layers, (3, 9, 10))
    assert summarize([], (1, 4, 4)) == []


@pytest.mark.parametrize("layers, input_shape, name", [
    ([], (1, 28), "input_shape"),
    ([], (1, 28, 0), "input_shape"),
    ([], (1, 28, 28.0), "input_shape"),
    ([], "1x28x28", "input_shape"),
    (["conv2d"], (1, 8, 8), r"layers\[0\]"),
    ([{"filters": 3}], (1, 8, 8), r"layers\[0\]"),
    ([{"type": "flatten"}, {"type": "conv3d"}], (1, 8, 8), r"layers\[1\] type"),
    ([{"type": "conv2d", "filters": 3}], (1, 8, 8), "kernel_size"),
    ([{"type": "dense"}], (1, 8, 8), "dense"),
    ([{"type": "flatten"}, {"type": "dense"}], (1, 8, 8), r"layers\[1\].*units"),
    ([{"type": "maxpool2d"}], (1, 8, 8), "size"),
    ([{"type": "conv2d", "filters": 0, "kernel_size": 3}], (1, 8, 8), "filters"),
    ([{"type": "conv2d", "filters": 2, "kernel_size": 9}], (1, 8, 8), "kernel_size"),
    ([{"type": "conv2d", "filters": 2, "kernel_size": 3, "stride": 2, "padding": "same"}], (1, 8, 8),
     "padding='same'"),
    ([{"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": -1}], (1, 8, 8), "padding"),
    ([{"type": "conv2d", "filters": 2, "kernel_size": 3, "padding": "full"}], (1, 8, 8), "padding"),
    ([{"type": "conv2d", "filters": 2, "kernel_size": 3, "stride": 0}], (1, 8, 8), "stride"),
    ([{"type": "maxpool2d", "size": 9}], (1, 8, 8), "kernel_size"),
    ([{"type": "flatten"}, {"type": "maxpool2d", "size": 2}], (1, 8, 8), "maxpool2d"),
    ([{"type": "flatten"}, {"type": "globalavgpool"}], (1, 8, 8), "globalavgpool"),
    ([{"type": "globalavgpool"}, {"type": "conv2d", "filters": 1, "kernel_size": 1}], (1, 8, 8),
     "conv2d"),
])
def test_summarize_rejects_bad_arguments(layers, input_shape, name):
    with pytest.raises(ValueError, match=name):
        summarize(layers, input_shape)
