"""Hidden tests of summarize: one (output_shape, params) row per layer of a small network.

Input shapes and layer kinds, kernels, strides and paddings are written here, the same for every
student (non-square inputs, several channels, poolings over odd sides); only the numbers of
filters and units are drawn from `rng`.
"""
import cnn_ref
from autograder.expect import expect_equal


def _draw(rng, low, high):
    return int(rng.integers(low, high + 1))


def test_keras_mnist_convnet(student, rng):
    """the classic Keras MNIST convnet on (1, 28, 28) inputs"""
    layers = [
        {"type": "conv2d", "filters": 32, "kernel_size": 3},
        {"type": "maxpool2d", "size": 2},
        {"type": "conv2d", "filters": 64, "kernel_size": 3},
        {"type": "maxpool2d", "size": 2},
        {"type": "flatten"},
        {"type": "dropout", "rate": 0.5},
        {"type": "dense", "units": 10},
    ]
    expect_equal(student.summarize(layers, (1, 28, 28)), cnn_ref.summarize(layers, (1, 28, 28)))


def test_same_padding_stride_batchnorm_global_pool(student, rng):
    """conv2d with padding "same" and with stride 2, batchnorm, avgpool2d, globalavgpool, dense without bias"""
    shape = (3, 25, 30)
    layers = [
        {"type": "conv2d", "filters": _draw(rng, 4, 16), "kernel_size": 5,
         "padding": "same"},
        {"type": "batchnorm"},
        {"type": "relu"},
        {"type": "conv2d", "filters": _draw(rng, 8, 32), "kernel_size": 3, "stride": 2, "padding": 1},
        {"type": "avgpool2d", "size": 2},
        {"type": "conv2d", "filters": _draw(rng, 8, 32), "kernel_size": 3, "padding": "valid",
         "bias": False},
        {"type": "globalavgpool"},
        {"type": "dense", "units": _draw(rng, 2, 20), "bias": False},
    ]
    expect_equal(student.summarize(layers, shape), cnn_ref.summarize(layers, shape))


def test_pool_stride_flatten_dense_batchnorm(student, rng):
    """conv2d with padding, maxpool2d with a stride, flatten, dense, batchnorm of features, dropout"""
    shape = (2, 21, 26)
    layers = [
        {"type": "conv2d", "filters": _draw(rng, 4, 16), "kernel_size": 5, "stride": 1, "padding": 2,
         "bias": True},
        {"type": "maxpool2d", "size": 3, "stride": 2},
        {"type": "conv2d", "filters": _draw(rng, 8, 24), "kernel_size": 3},
        {"type": "relu"},
        {"type": "maxpool2d", "size": 2, "stride": None},
        {"type": "flatten"},
        {"type": "dense", "units": _draw(rng, 16, 64)},
        {"type": "batchnorm"},
        {"type": "dropout", "rate": 0.25},
        {"type": "dense", "units": 10, "bias": True},
    ]
    expect_equal(student.summarize(layers, shape), cnn_ref.summarize(layers, shape))
