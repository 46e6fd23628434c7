"""Hidden tests of receptive_field: the side of the input region one unit of the last layer sees."""
import cnn_ref
from autograder.expect import expect_int


def test_no_layers(student, rng):
    """no layers at all"""
    expect_int(student.receptive_field([]), cnn_ref.receptive_field([]))


def test_three_3x3_layers(student, rng):
    """three 3x3 layers, stride 1"""
    layers = [(3, 1), (3, 1), (3, 1)]
    expect_int(student.receptive_field(layers), cnn_ref.receptive_field(layers))


def test_one_layer(student, rng):
    """a single layer with stride 2"""
    layers = [(int(rng.integers(2, 8)), 2)]
    expect_int(student.receptive_field(layers), cnn_ref.receptive_field(layers))


def test_strided_stack(student, rng):
    """a stack of four layers with strides 2, 1, 3, 1"""
    layers = [(int(rng.integers(kernel, 6)), stride) for kernel, stride in ((2, 2), (2, 1), (3, 3), (2, 1))]
    expect_int(student.receptive_field(layers), cnn_ref.receptive_field(layers))


def test_conv_pool_stack(student, rng):
    """alternating 3x3 stride-1 convolutions and 2x2 stride-2 poolings, ending with a strided layer"""
    layers = [(3, 1), (2, 2)] * 3 + [(3, int(rng.integers(2, 4)))]
    expect_int(student.receptive_field(layers), cnn_ref.receptive_field(layers))
