"""The reference implementation of every question of the CNN assignment (see SPEC.md).

The hidden suites compare students against these functions, and the misconception catalogue builds
its wrong variants from them.
"""
from .convolution import (conv1d, conv2d_backward, conv2d_fast, conv2d_forward, conv_matrix,
                          convolve2d, corr2d)
from .pooling import global_avg_pool, maxpool2d_backward, pool2d
from .sizes import (conv2d_mults, conv2d_params, conv_output_size, dense_params, pool_output_size,
                    receptive_field, summarize)

__all__ = [
    "conv1d", "corr2d", "convolve2d", "conv2d_forward", "conv_matrix", "conv2d_backward",
    "conv2d_fast", "pool2d", "global_avg_pool", "maxpool2d_backward", "conv_output_size",
    "pool_output_size", "conv2d_params", "dense_params", "conv2d_mults", "receptive_field",
    "summarize",
]
