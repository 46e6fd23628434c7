"""Shapes, sizes and counts: output sizes, parameters, multiplications, receptive fields, summaries.

All results are Python ints (or tuples of them): these are the numbers a student computes by hand
before building a network.
"""
from math import prod

from ._args import choice, integer, pair


def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    """Output side of a convolution: floor((n + 2p - d(k - 1) - 1) / s) + 1."""
    n = integer(n, "n", 1)
    kernel_size = integer(kernel_size, "kernel_size", 1)
    stride = integer(stride, "stride", 1)
    padding = integer(padding, "padding", 0)
    dilation = integer(dilation, "dilation", 1)
    size = (n + 2 * padding - dilation * (kernel_size - 1) - 1) // stride + 1
    if size < 1:
        raise ValueError(f"kernel_size {kernel_size} (dilation {dilation}) does not fit in n={n} "
                         f"with padding {padding}")
    return size


def pool_output_size(n, kernel_size, stride=None, padding=0, ceil_mode=False):
    """Output side of a pooling layer by torch's rule.

    floor (or ceil) of (n + 2p - k) / s, plus one; in ceil mode the last window must start inside
    the input or its left padding, else it is dropped.
    """
    n = integer(n, "n", 1)
    kernel_size = integer(kernel_size, "kernel_size", 1)
    stride = kernel_size if stride is None else integer(stride, "stride", 1)
    padding = integer(padding, "padding", 0)
    if 2 * padding > kernel_size:
        raise ValueError(f"padding {padding} must be at most half of kernel_size {kernel_size}")
    span = n + 2 * padding - kernel_size  # may be < 0: in ceil mode a window may overhang the end
    size = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (size - 1) * stride >= n + padding:
        size -= 1
    if size < 1:
        raise ValueError(f"kernel_size {kernel_size} does not fit in n={n} with padding {padding}")
    return size


def conv2d_params(in_channels, out_channels, kernel_size, bias=True):
    """Trainable parameters of one conv layer: KH * KW * C_in * C_out (+ C_out)."""
    c_in = integer(in_channels, "in_channels", 1)
    c_out = integer(out_channels, "out_channels", 1)
    kh, kw = pair(kernel_size, "kernel_size", 1)
    return kh * kw * c_in * c_out + (c_out if bias else 0)


def dense_params(in_features, out_features, bias=True):
    """Trainable parameters of one dense layer: in * out (+ out)."""
    n_in = integer(in_features, "in_features", 1)
    n_out = integer(out_features, "out_features", 1)
    return n_in * n_out + (n_out if bias else 0)


def conv2d_mults(in_channels, out_channels, kernel_size, output_size):
    """Multiplications of one conv layer: C_out * C_in * KH * KW * OH * OW."""
    c_in = integer(in_channels, "in_channels", 1)
    c_out = integer(out_channels, "out_channels", 1)
    kh, kw = pair(kernel_size, "kernel_size", 1)
    oh, ow = pair(output_size, "output_size", 1)
    return c_out * c_in * kh * kw * oh * ow


def receptive_field(layers):
    """Side of the input region one unit of the last layer sees.

    layers: [(kernel_size, stride), ...], first layer first. Each layer widens the field by
    (k - 1) times the product of the strides before it.
    """
    if not isinstance(layers, (list, tuple)):
        raise ValueError(f"layers must be a list of (kernel_size, stride) pairs, got {layers!r}")
    field, jump = 1, 1
    for index, layer in enumerate(layers):
        if not isinstance(layer, (tuple, list)) or len(layer) != 2:
            raise ValueError(f"layers[{index}] must be a (kernel_size, stride) pair, got {layer!r}")
        kernel = integer(layer[0], f"layers[{index}] kernel_size", 1)
        stride = integer(layer[1], f"layers[{index}] stride", 1)
        field += (kernel - 1) * jump
        jump *= stride
    return field


def _conv_layer(layer, shape):
    channels, h, w = shape
    kernel = pair(layer["kernel_size"], "kernel_size", 1)
    stride = pair(layer.get("stride", 1), "stride", 1)
    padding = layer.get("padding", 0)
    if padding == "same":
        if stride != (1, 1):
            raise ValueError(f"padding='same' needs stride 1, got stride {stride}")
        out_h, out_w = h, w
    else:
        pads = (0, 0) if padding == "valid" else pair(padding, "padding", 0)
        out_h, out_w = (conv_output_size(n, k, s, p) for n, k, s, p in zip((h, w), kernel, stride, pads))
    filters = integer(layer["filters"], "filters", 1)
    return (filters, out_h, out_w), conv2d_params(channels, filters, kernel, layer.get("bias", True))


def _pool_layer(layer, shape):
    channels, h, w = shape
    kernel = pair(layer["size"], "size", 1)
    stride = kernel if layer.get("stride") is None else pair(layer["stride"], "stride", 1)
    out_h, out_w = (pool_output_size(n, k, s) for n, k, s in zip((h, w), kernel, stride))
    return (channels, out_h, out_w), 0


def _dense_layer(layer, shape):
    if len(shape) != 1:
        raise ValueError(f"a dense layer needs a flat input, got shape {shape}: add a flatten layer")
    units = integer(layer["units"], "units", 1)
    return (units,), dense_params(shape[0], units, layer.get("bias", True))


def _spatial(shape, kind):
    if len(shape) != 3:
        raise ValueError(f"a {kind} layer needs a (C, H, W) input, got shape {shape}")
    return shape


LAYERS = {
    "conv2d": lambda layer, shape: _conv_layer(layer, _spatial(shape, "conv2d")),
    "maxpool2d": lambda layer, shape: _pool_layer(layer, _spatial(shape, "maxpool2d")),
    "avgpool2d": lambda layer, shape: _pool_layer(layer, _spatial(shape, "avgpool2d")),
    "globalavgpool": lambda layer, shape: ((_spatial(shape, "globalavgpool")[0],), 0),
    "flatten": lambda layer, shape: ((prod(shape),), 0),
    "dense": _dense_layer,
    "dropout": lambda layer, shape: (shape, 0),
    "relu": lambda layer, shape: (shape, 0),
    "batchnorm": lambda layer, shape: (shape, 2 * shape[0]),
}


def summarize(layers, input_shape):
    """One (output_shape, params) per layer, output_shape without the batch axis.

    layers: dicts such as {"type": "conv2d", "filters": 32, "kernel_size": 3}; input_shape: (C, H, W)
    """
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != 3:
        raise ValueError(f"input_shape must be (C, H, W), got {input_shape!r}")
    shape = tuple(integer(side, "input_shape", 1) for side in input_shape)
    rows = []
    for index, layer in enumerate(layers):
        if not isinstance(layer, dict) or "type" not in layer:
            raise ValueError(f"layers[{index}] must be a dict with a 'type', got {layer!r}")
        choice(layer["type"], f"layers[{index}] type", tuple(LAYERS))
        try:
            shape, params = LAYERS[layer["type"]](layer, shape)
        except KeyError as missing:
            raise ValueError(f"layers[{index}] ({layer['type']}) needs the key {missing}") from None
        rows.append((tuple(shape), params))
    return rows
