"""Hidden tests of receptive_field: the side of the input region one unit of the last layer sees."""
import cnn_ref
from autograder.expect import expect_int


def _layer(rng):
    """A random (kernel_size, stride) with stride <= kernel_size, so that windows leave no gaps."""
    kernel = int(rng.integers(2, 6))
    return kernel, int(rng.integers(1, min(kernel, 3) + 1))


def test_no_layers(student, rng):
    """no layers at all"""
    expect_int(student.receptive_field([]), cnn_ref.receptive_field([]))


def test_three_3x3_layers(student, rng):
    """three 3x3 layers, stride 1"""
    layers = [(3, 1), (3, 1), (3, 1)]
    expect_int(student.receptive_field(layers), cnn_ref.receptive_field(layers))


def test_one_layer(student, rng):
    """a single layer with a stride"""
    kernel = int(rng.integers(2, 8))
    layers = [(kernel, int(rng.integers(2, min(kernel, 3) + 1)))]
    expect_int(student.receptive_field(layers), cnn_ref.receptive_field(layers))


def test_strided_stack(student, rng):
    """a stack of layers where early layers have strides > 1"""
    layers = [(int(rng.integers(2, 6)), 2)] + [_layer(rng) for _ in range(int(rng.integers(2, 5)))]
    expect_int(student.receptive_field(layers), cnn_ref.receptive_field(layers))


def test_conv_pool_stack(student, rng):
    """alternating 3x3 stride-1 convolutions and 2x2 stride-2 poolings, ending with a strided layer"""
    layers = [(3, 1), (2, 2)] * int(rng.integers(2, 4)) + [(3, int(rng.integers(2, 4)))]
    expect_int(student.receptive_field(layers), cnn_ref.receptive_field(layers))
