"""cnn_ref.pooling against torch: max_pool2d, avg_pool2d, avg_pool2d * area, lp_pool2d (SPEC.md)."""
import numpy as np
import pytest
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cnn_ref import global_avg_pool, maxpool2d_backward, pool2d

from oracles import assert_close, assert_unchanged, t64

SETTINGS = settings(max_examples=40, deadline=None)
FLOATS = st.sampled_from([np.float32, np.float64])
POOL_MODES = ("max", "avg", "sum", "l2")
INT_OR_PAIR = st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3)))


def as_pair(value):
    return value if isinstance(value, tuple) else (value, value)


def frozen(*arrays):
    """Read-only copies of the arrays, and untouched copies to compare against afterwards."""
    inputs, originals = [], []
    for array in arrays:
        array = np.array(array)
        originals.append(array.copy())
        array.flags.writeable = False
        inputs.append(array)
    return inputs, originals








def torch_pool(x, size, stride, mode):
    x = t64(x)
    if mode == "max":
        out = F.max_pool2d(x, size, stride)
    elif mode == "avg":
        out = F.avg_pool2d(x, size, stride)
    elif mode == "sum":
        kh, kw = as_pair(size)
        out = F.avg_pool2d(x, size, stride) * (kh * kw)
    else:
        out = F.lp_pool2d(x, 2, size, stride)
    return out.numpy()


@st.composite
def pool_args(draw):
    """x (N, C >= 2, H, W) with H, W >= the window, size and stride ints or pairs (stride maybe None)."""
    size = draw(INT_OR_PAIR)
    stride = draw(st.one_of(st.none(), INT_OR_PAIR))
    kh, kw = as_pair(size)
    shape = (draw(st.integers(1, 2)), draw(st.integers(2, 3)),
             kh + draw(st.integers(0, 5)), kw + draw(st.integers(0, 5)))
    dtype = draw(FLOATS)
    # Distinct values (a permutation of small integers, exact in float32): max has no ties.
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = ((rng.permutation(int(np.prod(shape))) - 20) / 4).reshape(shape).astype(dtype)
    return x, size, stride


# ---------------------------------------------------------------------------------- pool2d


@SETTINGS
@given(args=pool_args(), mode=st.sampled_from(POOL_MODES))
def test_pool2d_matches_torch(args, mode):
    x, size, stride = args
    (x,), originals = frozen(x)
    result = pool2d(x, size, stride, mode)
    assert_close(result, torch_pool(x, size, stride, mode), x.dtype)
    assert_unchanged((x,), originals)


@pytest.mark.parametrize("mode", POOL_MODES)
@pytest.mark.parametrize("shape, size, stride", [
    ((1, 2, 5, 7), 2, None),
    ((2, 3, 6, 5), (2, 3), (1, 2)),
    ((1, 2, 7, 7), 3, 2),
    ((1, 2, 4, 6), (1, 2), 3),
    ((1, 2, 3, 3), 3, None),
])
def test_pool2d_specific_windows(shape, size, stride, mode):
    x = np.random.default_rng(0).standard_normal(shape)
    result = pool2d(x, size, stride=stride, mode=mode)
    assert_close(result, torch_pool(x, size, stride, mode), np.float64)


def test_pool2d_default_is_max_with_stride_size():
    x = np.arange(16.0).reshape(1, 1, 4, 4)
    np.testing.assert_array_equal(pool2d(x, 2), [[[[5.0, 7.0], [13.0, 15.0]]]])
    x = np.array([[[[3.0, 4.0]]]])
    np.testing.assert_array_equal(pool2d(x, (1, 2), mode="l2"), [[[[5.0]]]])
    np.testing.assert_array_equal(pool2d(x, (1, 2), mode="sum"), [[[[7.0]]]])
    np.testing.assert_array_equal(pool2d(x, (1, 2), mode="avg"), [[[[3.5]]]])


@pytest.mark.parametrize("mode", POOL_MODES)
def test_pool2d_integers_give_float64(mode):
    x = np.arange(2 * 2 * 4 * 5, dtype=np.int32).reshape(2, 2, 4, 5) - 17
    result = pool2d(x, 2, 1, mode)
    assert result.dtype == np.float64
    assert_close(result, torch_pool(x, 2, 1, mode), np.float64)
    assert pool2d(x.astype(np.uint8), 2, mode=mode).dtype == np.float64


@pytest.mark.parametrize("x, kwargs, name", [
    (np.ones((2, 4, 4)), {"size": 2}, r"\bx\b"),
    (np.ones((1, 1, 2, 4, 4)), {"size": 2}, r"\bx\b"),
    (np.zeros((1, 1, 0, 4)), {"size": 1}, r"\bx\b"),
    (np.ones((1, 1, 4, 4), dtype=complex), {"size": 2}, r"\bx\b"),
    (np.ones((1, 1, 4, 4)), {"size": 0}, "size"),
    (np.ones((1, 1, 4, 4)), {"size": (2, 0)}, "size"),
    (np.ones((1, 1, 4, 4)), {"size": 2.0}, "size"),
    (np.ones((1, 1, 4, 4)), {"size": True}, "size"),
    (np.ones((1, 1, 4, 4)), {"size": (2, 2, 2)}, "size"),
    (np.ones((1, 1, 4, 4)), {"size": 5}, "size"),
    (np.ones((1, 1, 4, 4)), {"size": (2, 5)}, "size"),
    (np.ones((1, 1, 4, 4)), {"size": 2, "stride": 0}, "stride"),
    (np.ones((1, 1, 4, 4)), {"size": 2, "stride": (1, -1)}, "stride"),
    (np.ones((1, 1, 4, 4)), {"size": 2, "stride": 1.0}, "stride"),
    (np.ones((1, 1, 4, 4)), {"size": 2, "stride": False}, "stride"),
    (np.ones((1, 1, 4, 4)), {"size": 2, "mode": "min"}, "mode"),
    (np.ones((1, 1, 4, 4)), {"size": 2, "mode": "Max"}, "mode"),
    (np.ones((1, 1, 4, 4)), {"size": 2, "mode": "lp"}, "mode"),
])
def test_pool2d_rejects_bad_arguments(x, kwargs, name):
    with pytest.raises(ValueError, match=name):
        pool2d(x, **kwargs)


# ------------------------------------------------------------------------- global_avg_pool


@SETTINGS
@given(shape=st.tuples(st.integers(1, 3), st.integers(2, 4), st.integers(1, 6), st.integers(1, 6)),
       dtype=FLOATS, seed=st.integers(0, 2**32 - 1))
def test_global_avg_pool_matches_torch(shape, dtype, seed):
    x = np.random.default_rng(seed).standard_normal(shape).astype(dtype)
    (x,), originals = frozen(x)
    result = global_avg_pool(x)
    expected = F.adaptive_avg_pool2d(t64(x), 1).reshape(shape[:2]).numpy()
    assert_close(result, expected, dtype)
    assert_unchanged((x,), originals)


def test_global_avg_pool_integers_give_float64():
    result = global_avg_pool(np.array([[[[1, 2], [3, 5]], [[0, 0], [0, 1]]]], dtype=np.int64))
    assert result.dtype == np.float64
    np.testing.assert_array_equal(result, [[2.75, 0.25]])


@pytest.mark.parametrize("x", [np.ones((2, 3, 4)), np.ones((1, 2, 3, 4, 5)), np.zeros((1, 0, 2, 2)),
                               np.array([[[["a"]]]])])
def test_global_avg_pool_rejects_bad_arguments(x):
    with pytest.raises(ValueError, match=r"\bx\b"):
        global_avg_pool(x)


# ---------------------------------------------------------------------- maxpool2d_backward


def torch_maxpool_grad(dout, x, size, stride):
    xt = t64(x).requires_grad_()
    out = F.max_pool2d(xt, size, stride)
    (out * t64(dout)).sum().backward()
    return xt.grad.numpy()


@SETTINGS
@given(args=pool_args(), seed=st.integers(0, 2**32 - 1))
@example(args=(np.arange(36.0).reshape(1, 2, 3, 6), 2, 1), seed=0)  # overlapping windows
def test_maxpool2d_backward_matches_torch_autograd(args, seed):
    x, size, stride = args
    out_shape = pool2d(x, size, stride).shape
    dout = np.random.default_rng(seed).standard_normal(out_shape).astype(x.dtype)
    (dout, x), originals = frozen(dout, x)
    dx = maxpool2d_backward(dout, x, size, stride)
    assert_close(dx, torch_maxpool_grad(dout, x, size, stride), x.dtype)
    assert_unchanged((dout, x), originals)


@pytest.mark.parametrize("shape, size, stride", [
    ((1, 2, 5, 7), 2, None),
    ((2, 2, 6, 5), (2, 3), (1, 2)),  # overlap in the rows
    ((1, 3, 7, 7), 3, 1),  # a pixel can be the max of up to nine windows
    ((1, 2, 6, 6), 1, 2),  # stride beyond the window: unseen pixels get 0
])
def test_maxpool2d_backward_specific_windows(shape, size, stride):
    rng = np.random.default_rng(1)
    x = rng.permutation(int(np.prod(shape))).reshape(shape) * 0.5
    dout = rng.standard_normal(pool2d(x, size, stride).shape)
    assert_close(maxpool2d_backward(dout, x, size, stride), torch_maxpool_grad(dout, x, size, stride),
                 np.float64)


def test_maxpool2d_backward_integers_give_float64():
    x = np.array([[[[1, 4, 2, 0], [3, 2, 9, 5]]]], dtype=np.int16)
    dout = np.array([[[[2, 3]]]], dtype=np.int64)
    dx = maxpool2d_backward(dout, x, 2)
    assert dx.dtype == np.float64
    np.testing.assert_array_equal(dx, [[[[0, 2, 0, 0], [0, 0, 3, 0]]]])


@pytest.mark.parametrize("dout, x, kwargs, name", [
    (np.ones((1, 1, 2, 3)), np.ones((1, 1, 4, 4)), {"size": 2}, "dout"),
    (np.ones((1, 2, 2)), np.ones((1, 1, 4, 4)), {"size": 2}, "dout"),
    (np.ones((1, 1, 2, 2)), np.ones((1, 4, 4)), {"size": 2}, r"\bx\b"),
    (np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), {"size": 0}, "size"),
    (np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), {"size": 5}, "size"),
    (np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), {"size": 2.5}, "size"),
    (np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), {"size": 2, "stride": 0}, "stride"),
    (np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), {"size": 2, "stride": True}, "stride"),
])
def test_maxpool2d_backward_rejects_bad_arguments(dout, x, kwargs, name):
    with pytest.raises(ValueError, match=name):
        maxpool2d_backward(dout, x, **kwargs)
