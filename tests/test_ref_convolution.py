"""cnn_ref.convolution against its oracles: numpy.convolve, scipy.signal and torch (SPEC.md)."""
import warnings

import numpy as np
import pytest
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy import signal

from cnn_ref import (conv1d, conv2d_backward, conv2d_fast, conv2d_forward, conv_matrix,
                     convolve2d, corr2d)

from oracles import assert_close, assert_unchanged, t64

SETTINGS = settings(max_examples=40, deadline=None)
FLOATS = st.sampled_from([np.float32, np.float64])
MODES = ("full", "same", "valid")
LAYERS = [conv2d_forward, conv2d_fast]


def random(seed, shape, dtype=np.float64):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


def frozen(*arrays):
    """Read-only copies of the arrays, and untouched copies to compare against afterwards."""
    inputs, originals = [], []
    for array in arrays:
        if array is None:
            inputs.append(None)
            originals.append(None)
            continue
        array = array.copy()
        originals.append(array.copy())
        array.flags.writeable = False
        inputs.append(array)
    return inputs, originals








# ---------------------------------------------------------------------------------- conv1d


@SETTINGS
@given(n=st.integers(1, 8), m=st.integers(1, 8), mode=st.sampled_from(MODES), dtype=FLOATS,
       seed=st.integers(0, 2**32 - 1))
@example(n=3, m=7, mode="same", dtype=np.float64, seed=0)
@example(n=2, m=5, mode="valid", dtype=np.float64, seed=1)
@example(n=4, m=6, mode="full", dtype=np.float32, seed=2)
def test_conv1d_matches_numpy_convolve(n, m, mode, dtype, seed):
    (x, k), originals = frozen(random(seed, n, dtype), random(seed + 1, m, dtype))
    result = conv1d(x, k, mode)
    assert_close(result, np.convolve(x.astype(np.float64), k.astype(np.float64), mode), dtype)
    assert_unchanged((x, k), originals)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("n, m", [(3, 5), (1, 4), (2, 6), (5, 2)])
def test_conv1d_any_lengths_every_mode(n, m, mode):
    x, k = random(10 * n, n), random(10 * m + 1, m)
    assert_close(conv1d(x, k, mode=mode), np.convolve(x, k, mode=mode), np.float64)


def test_conv1d_default_mode_is_full_and_kernel_is_flipped():
    np.testing.assert_array_equal(conv1d([1.0, 0.0, 0.0], [1.0, 2.0]), [1.0, 2.0, 0.0, 0.0])
    np.testing.assert_array_equal(conv1d([1.0, 2.0, 3.0], [0.0, 1.0], "valid"), [1.0, 2.0])


def test_conv1d_integers_give_float64():
    result = conv1d(np.array([1, 2, 3], dtype=np.int32), [1, -1], "full")
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, np.convolve([1, 2, 3], [1, -1]))
    big = conv1d(np.array([100, 100], dtype=np.int8), np.array([100], dtype=np.int8))
    np.testing.assert_array_equal(big, [10000.0, 10000.0])
    assert big.dtype == np.float64


@pytest.mark.parametrize("x, k, kwargs, name", [
    (np.ones((2, 3)), np.ones(2), {}, "x"),
    (np.ones(3), np.ones((1, 2)), {}, "k"),
    (np.ones(3), np.float64(2.0), {}, "k"),
    (np.zeros(0), np.ones(2), {}, "x"),
    (np.ones(3), np.zeros(0), {}, "k"),
    (np.ones(3, dtype=complex), np.ones(2), {}, "x"),
    (np.array(["a", "b"]), np.ones(2), {}, "x"),
    (np.ones(3), np.ones(2), {"mode": "circular"}, "mode"),
    (np.ones(3), np.ones(2), {"mode": "FULL"}, "mode"),
])
def test_conv1d_rejects_bad_arguments(x, k, kwargs, name):
    with pytest.raises(ValueError, match=name):
        conv1d(x, k, **kwargs)


# ---------------------------------------------------------------------------------- corr2d


@st.composite
def fitting_kernels(draw, max_side=6):
    """(h, w, kh, kw) with the kernel no larger than the input, input often non-square."""
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    return h, w, draw(st.integers(1, h)), draw(st.integers(1, w))


@SETTINGS
@given(sides=fitting_kernels(), dtype=FLOATS, seed=st.integers(0, 2**32 - 1))
def test_corr2d_matches_scipy_correlate2d(sides, dtype, seed):
    h, w, kh, kw = sides
    (x, k), originals = frozen(random(seed, (h, w), dtype), random(seed + 1, (kh, kw), dtype))
    expected = signal.correlate2d(x.astype(np.float64), k.astype(np.float64), "valid")
    assert_close(corr2d(x, k), expected, dtype)
    assert_unchanged((x, k), originals)


def test_corr2d_does_not_flip_and_takes_lists():
    x = np.arange(12).reshape(3, 4)
    result = corr2d(x.tolist(), [[1, 0], [0, 0]])
    np.testing.assert_array_equal(result, x[:2, :3])
    assert result.dtype == np.float64


@pytest.mark.parametrize("x, k, name", [
    (np.ones((3, 3, 1)), np.ones((2, 2)), "x"),
    (np.ones(3), np.ones((2, 2)), "x"),
    (np.ones((3, 3)), np.ones(2), "k"),
    (np.ones((3, 3)), np.ones((4, 2)), "k"),
    (np.ones((3, 3)), np.ones((2, 4)), "k"),
    (np.ones((3, 3)), np.ones((0, 1)), "k"),
])
def test_corr2d_rejects_bad_arguments(x, k, name):
    with pytest.raises(ValueError, match=name):
        corr2d(x, k)


# ------------------------------------------------------------------------------ convolve2d


@SETTINGS
@given(sides=st.tuples(*[st.integers(1, 5)] * 4), mode=st.sampled_from(MODES), dtype=FLOATS,
       seed=st.integers(0, 2**32 - 1))
@example(sides=(2, 3, 4, 5), mode="full", dtype=np.float64, seed=0)
@example(sides=(2, 3, 4, 5), mode="same", dtype=np.float64, seed=0)
@example(sides=(2, 3, 4, 5), mode="valid", dtype=np.float64, seed=0)
@example(sides=(3, 5, 2, 4), mode="same", dtype=np.float32, seed=3)
def test_convolve2d_matches_scipy_convolve2d(sides, mode, dtype, seed):
    h, w, kh, kw = sides
    (x, k), originals = frozen(random(seed, (h, w), dtype), random(seed + 1, (kh, kw), dtype))
    try:
        expected = signal.convolve2d(x.astype(np.float64), k.astype(np.float64), mode)
    except ValueError:  # valid mode where neither array fits inside the other
        with pytest.raises(ValueError, match="x .* k"):
            convolve2d(x, k, mode)
    else:
        assert_close(convolve2d(x, k, mode), expected, dtype)
    assert_unchanged((x, k), originals)


@pytest.mark.parametrize("mode", MODES)
def test_convolve2d_kernel_larger_than_input(mode):
    x, k = random(0, (2, 3)), random(1, (5, 4))
    result = convolve2d(x, k, mode=mode)
    assert_close(result, signal.convolve2d(x, k, mode=mode), np.float64)
    assert result.shape == {"full": (6, 6), "same": (2, 3), "valid": (4, 2)}[mode]


def test_convolve2d_flips_the_kernel_and_defaults_to_full():
    x = np.zeros((3, 3))
    x[1, 1] = 1.0
    k = np.arange(1.0, 7.0).reshape(2, 3)
    result = convolve2d(x, k)
    assert result.shape == (4, 5)
    np.testing.assert_array_equal(result[1:3, 1:4], k)  # an impulse reproduces the kernel itself


def test_convolve2d_integers_give_float64():
    result = convolve2d(np.array([[1, 2], [3, 4]], dtype=np.int64), np.array([[1, 1]], dtype=np.uint8))
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, signal.convolve2d([[1, 2], [3, 4]], [[1, 1]]))


@pytest.mark.parametrize("x, k, mode, name", [
    (np.ones((3, 3)), np.ones((2, 2)), "circular", "mode"),
    (np.ones((3, 3, 1)), np.ones((2, 2)), "full", "x"),
    (np.ones((3, 3)), np.ones(2), "full", "k"),
    (np.ones((3, 2)), np.ones((2, 3)), "valid", "x .* k"),
    (np.ones((2, 3)), np.ones((3, 2)), "valid", "x .* k"),
])
def test_convolve2d_rejects_bad_arguments(x, k, mode, name):
    with pytest.raises(ValueError, match=name):
        convolve2d(x, k, mode)


# ------------------------------------------------------------------- conv2d_forward / fast

INT_OR_PAIR_STRIDE = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))
INT_OR_PAIR_PADDING = st.one_of(st.integers(0, 2), st.tuples(st.integers(0, 2), st.integers(0, 2)))


@st.composite
def conv_layers(draw, string_padding=True):
    """Arguments of one conv layer: C >= 2, F >= 2, asymmetric kernels, non-square inputs."""
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(2, 3)), draw(st.integers(2, 3))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    paddings = INT_OR_PAIR_PADDING
    if string_padding:
        paddings = st.one_of(paddings, st.sampled_from(["valid", "same"]))
    padding = draw(paddings)
    if padding == "same":
        stride = draw(st.sampled_from([1, (1, 1)]))
        ph = pw = 0
    else:
        stride = draw(INT_OR_PAIR_STRIDE)
        ph, pw = (0, 0) if padding == "valid" else (padding if isinstance(padding, tuple) else (padding,) * 2)
    h = max(1, kh - 2 * ph + draw(st.integers(0, 4)))
    w = max(1, kw - 2 * pw + draw(st.integers(0, 4)))
    dtype = draw(FLOATS)
    seed = draw(st.integers(0, 2**32 - 1))
    x = random(seed, (n, c, h, w), dtype)
    weights = random(seed + 1, (f, c, kh, kw), dtype)
    bias = random(seed + 2, f, dtype) if draw(st.booleans()) else None
    return x, weights, bias, stride, padding


def torch_conv2d(x, w, b, stride, padding):
    with warnings.catch_warnings():  # torch notes that "same" with an even kernel pads a copy
        warnings.simplefilter("ignore", UserWarning)
        return F.conv2d(t64(x), t64(w), t64(b), stride=stride, padding=padding).numpy()


@pytest.mark.parametrize("layer", LAYERS)
@SETTINGS
@given(args=conv_layers())
def test_conv2d_matches_torch(layer, args):
    x, w, b, stride, padding = args
    (x, w, b), originals = frozen(x, w, b)
    result = layer(x, w, b, stride=stride, padding=padding)
    assert_close(result, torch_conv2d(x, w, b, stride, padding), x.dtype)
    assert_unchanged((x, w, b), originals)


SPECIFIC_LAYERS = [  # (x shape, w shape, stride, padding)
    ((1, 2, 5, 7), (3, 2, 2, 4), 1, "same"),
    ((2, 3, 6, 4), (2, 3, 4, 1), 1, "same"),
    ((1, 2, 4, 6), (2, 2, 3, 2), (1, 1), "same"),
    ((1, 2, 7, 8), (2, 2, 3, 2), (2, 3), (1, 2)),
    ((2, 2, 5, 6), (3, 2, 3, 3), 2, 1),
    ((1, 3, 4, 5), (2, 3, 4, 5), 1, "valid"),
    ((1, 2, 1, 1), (2, 2, 3, 3), 3, 1),
]


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("x_shape, w_shape, stride, padding", SPECIFIC_LAYERS)
def test_conv2d_specific_layers(layer, x_shape, w_shape, stride, padding):
    x, w, b = random(1, x_shape), random(2, w_shape), random(3, w_shape[0])
    assert_close(layer(x, w, b, stride, padding), torch_conv2d(x, w, b, stride, padding), np.float64)
    assert_close(layer(x, w, stride=stride, padding=padding),
                 torch_conv2d(x, w, None, stride, padding), np.float64)


@pytest.mark.parametrize("layer", LAYERS)
def test_conv2d_integers_give_float64_and_defaults(layer):
    x = np.arange(2 * 2 * 4 * 5).reshape(2, 2, 4, 5)
    w = np.array([[[[1, 0, -1]], [[2, 1, 0]]], [[[0, 1, 0]], [[1, 1, 1]]]], dtype=np.int16)
    b = np.array([3, -2], dtype=np.int8)
    result = layer(x, w, b)
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, torch_conv2d(x, w, b, 1, 0))
    assert layer(x.tolist(), w.tolist()).shape == (2, 2, 4, 3)


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_conv2d_keeps_float_dtype(layer, dtype):
    x, w, b = random(0, (1, 2, 4, 4), dtype), random(1, (2, 2, 2, 2), dtype), random(2, 2, dtype)
    assert layer(x, w, b, 2, 1).dtype == dtype


def bad_layer_calls():
    x, w, b = np.ones((1, 2, 4, 5)), np.ones((3, 2, 2, 3)), np.ones(3)
    return [
        ((np.ones((2, 4, 5)), w, b), {}, r"\bx\b"),
        ((x, np.ones((2, 2, 3)), b), {}, r"\bw\b"),
        ((x, np.ones((3, 1, 2, 3)), b), {}, r"w has 1 input channels but x has 2"),
        ((x, w, np.ones(2)), {}, r"\bb\b"),
        ((x, w, np.ones((3, 1))), {}, r"\bb\b"),
        ((x, np.ones((3, 2, 5, 3)), b), {}, r"\bw\b.*larger than the padded input"),
        ((x, np.ones((3, 2, 2, 6)), b), {}, r"\bw\b.*larger than the padded input"),
        ((x, w, b), {"stride": 0}, "stride"),
        ((x, w, b), {"stride": (1, 0)}, "stride"),
        ((x, w, b), {"stride": (1, 1, 1)}, "stride"),
        ((x, w, b), {"stride": 1.0}, "stride"),
        ((x, w, b), {"stride": True}, "stride"),
        ((x, w, b), {"padding": -1}, "padding"),
        ((x, w, b), {"padding": (0, -1)}, "padding"),
        ((x, w, b), {"padding": 1.5}, "padding"),
        ((x, w, b), {"padding": False}, "padding"),
        ((x, w, b), {"padding": "full"}, "padding"),
        ((x, w, b), {"padding": "same", "stride": 2}, "padding='same'"),
        ((x, w, b), {"padding": "same", "stride": (1, 2)}, "padding='same'"),
        ((np.zeros((1, 2, 0, 5)), w, b), {}, r"\bx\b"),
        ((x.astype(complex), w, b), {}, r"\bx\b"),
    ]


@pytest.mark.parametrize("layer", LAYERS)
@pytest.mark.parametrize("args, kwargs, name", bad_layer_calls())
def test_conv2d_rejects_bad_arguments(layer, args, kwargs, name):
    with pytest.raises(ValueError, match=name):
        layer(*args, **kwargs)


# ------------------------------------------------------------------------------ conv_matrix


@SETTINGS
@given(sides=fitting_kernels(max_side=5), dtype=FLOATS, seed=st.integers(0, 2**32 - 1))
def test_conv_matrix_is_correlation_as_a_matrix(sides, dtype, seed):
    h, w, kh, kw = sides
    (k,), originals = frozen(random(seed, (kh, kw), dtype))
    matrix = conv_matrix(k, (h, w))
    assert matrix.shape == ((h - kh + 1) * (w - kw + 1), h * w)
    assert matrix.dtype == dtype
    k64 = k.astype(np.float64)
    # Column j is the correlation of the j-th basis image: by linearity this covers every x.
    for j in range(h * w):
        basis = np.zeros(h * w)
        basis[j] = 1.0
        expected = signal.correlate2d(basis.reshape(h, w), k64, "valid").ravel()
        np.testing.assert_array_equal(matrix[:, j], expected.astype(dtype))
    x = random(seed + 1, (h, w))
    assert_close(matrix.astype(np.float64) @ x.ravel(),
                 signal.correlate2d(x, k64, "valid").ravel(), np.float64)
    assert_unchanged((k,), originals)


def test_conv_matrix_integer_kernel_and_list_shape():
    matrix = conv_matrix(np.array([[1, 2]], dtype=np.int32), [2, 3])
    assert matrix.dtype == np.float64
    np.testing.assert_array_equal(matrix, [[1, 2, 0, 0, 0, 0], [0, 1, 2, 0, 0, 0],
                                           [0, 0, 0, 1, 2, 0], [0, 0, 0, 0, 1, 2]])


@pytest.mark.parametrize("k, shape, name", [
    (np.ones((2, 2)), (1, 3), r"\bk\b"),
    (np.ones((2, 4)), (3, 3), r"\bk\b"),
    (np.ones(2), (3, 3), r"\bk\b"),
    (np.ones((2, 2)), (0, 3), "input_shape"),
    (np.ones((2, 2)), (3,), "input_shape"),
    (np.ones((2, 2)), (3, 3, 1), "input_shape"),
    (np.ones((2, 2)), (3.0, 3), "input_shape"),
    (np.ones((2, 2)), (True, 3), "input_shape"),
])
def test_conv_matrix_rejects_bad_arguments(k, shape, name):
    with pytest.raises(ValueError, match=name):
        conv_matrix(k, shape)


# -------------------------------------------------------------------------- conv2d_backward


def torch_conv2d_grads(dout, x, w, b, stride, padding):
    xt, wt = t64(x).requires_grad_(), t64(w).requires_grad_()
    bt = None if b is None else t64(b).requires_grad_()
    out = F.conv2d(xt, wt, bt, stride=stride, padding=padding)
    (out * t64(dout)).sum().backward()
    return xt.grad.numpy(), wt.grad.numpy(), None if bt is None else bt.grad.numpy()


@SETTINGS
@given(args=conv_layers(string_padding=False), seed=st.integers(0, 2**32 - 1))
def test_conv2d_backward_matches_torch_autograd(args, seed):
    x, w, b, stride, padding = args
    out_shape = torch_conv2d(x, w, b, stride, padding).shape
    dout = random(seed, out_shape, x.dtype)
    (dout, x, w, b), originals = frozen(dout, x, w, b)
    dx, dw, db = conv2d_backward(dout, x, w, b, stride=stride, padding=padding)
    ex, ew, eb = torch_conv2d_grads(dout, x, w, b, stride, padding)
    assert_close(dx, ex, x.dtype)
    assert_close(dw, ew, x.dtype)
    if b is None:
        assert db is None
    else:
        assert_close(db, eb, x.dtype)
    assert_unchanged((dout, x, w, b), originals)


@pytest.mark.parametrize("x_shape, w_shape, stride, padding", [
    ((1, 2, 7, 8), (2, 2, 3, 2), (2, 3), (1, 2)),
    ((2, 2, 5, 6), (3, 2, 3, 3), 2, 1),
    ((1, 2, 6, 6), (2, 2, 2, 2), 3, 0),  # stride larger than the kernel: some pixels get nothing
    ((1, 2, 1, 1), (2, 2, 3, 3), 3, 1),
])
def test_conv2d_backward_specific_layers(x_shape, w_shape, stride, padding):
    x, w, b = random(1, x_shape), random(2, w_shape), random(3, w_shape[0])
    dout = random(4, torch_conv2d(x, w, b, stride, padding).shape)
    for got, want in zip(conv2d_backward(dout, x, w, b, stride, padding),
                         torch_conv2d_grads(dout, x, w, b, stride, padding)):
        assert_close(got, want, np.float64)


def test_conv2d_backward_integers_give_float64():
    x = np.arange(2 * 2 * 3 * 4).reshape(2, 2, 3, 4)
    w = np.ones((2, 2, 2, 2), dtype=np.int32)
    b = np.array([1, 2])
    dout = np.ones((2, 2, 2, 3), dtype=np.int64)
    grads = conv2d_backward(dout, x, w, b)
    for got, want in zip(grads, torch_conv2d_grads(dout, x, w, b, 1, 0)):
        assert got.dtype == np.float64
        np.testing.assert_array_equal(got, want)


def test_conv2d_backward_rejects_bad_arguments():
    x, w, b = np.ones((1, 2, 4, 5)), np.ones((3, 2, 2, 3)), np.ones(3)
    dout = np.ones((1, 3, 3, 3))
    conv2d_backward(dout, x, w, b)  # the good call works
    with pytest.raises(ValueError, match="dout"):
        conv2d_backward(np.ones((1, 3, 3, 4)), x, w, b)
    with pytest.raises(ValueError, match="dout"):
        conv2d_backward(np.ones((3, 3, 3)), x, w, b)
    with pytest.raises(ValueError, match="padding"):
        conv2d_backward(dout, x, w, b, padding="same")
    with pytest.raises(ValueError, match="padding"):
        conv2d_backward(dout, x, w, b, padding="valid")
    with pytest.raises(ValueError, match="padding"):
        conv2d_backward(dout, x, w, b, padding=-1)
    with pytest.raises(ValueError, match="stride"):
        conv2d_backward(dout, x, w, b, stride=0)
    with pytest.raises(ValueError, match=r"\bb\b"):
        conv2d_backward(dout, x, w, np.ones(2))
    with pytest.raises(ValueError, match="input channels"):
        conv2d_backward(dout, x, np.ones((3, 1, 2, 3)), b)
    with pytest.raises(ValueError, match=r"\bx\b"):
        conv2d_backward(dout, np.ones((2, 4, 5)), w, b)
