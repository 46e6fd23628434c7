import numpy as np


def max_pool_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for a max-pooling layer.

    Inputs:
    - dout: Upstream derivatives
    - cache: A tuple of (x, pool_param) as in the forward pass.

    Returns:
    - dx: Gradient with respect to x
    """
    dx = None
    x, pool_param = cache
    N, C, H, W = x.shape
    pool_height = pool_param['pool_height']
    pool_width = pool_param['pool_width']
    stride_h, stride_w = pool_param['stride']
    H_out = 1 + (H - pool_height) // stride_h
    W_out = 1 + (W - pool_width) // stride_w
    dx = np.zeros(x.shape)
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    h_start, w_start = i * stride_h, j * stride_w
                    window = x[n, c, h_start:h_start + pool_height, w_start:w_start + pool_width]
                    mask = window == np.max(window)
                    dx[n, c, h_start:h_start + pool_height, w_start:w_start + pool_width] = mask * dout[n, c, i, j]
    return dx


def maxpool2d_backward(dout, x, size, stride=None):
    ph, pw = (size, size) if isinstance(size, int) else size
    if stride is None:
        sh, sw = ph, pw
    else:
        sh, sw = (stride, stride) if isinstance(stride, int) else stride
    cache = (np.asarray(x), {'pool_height': ph, 'pool_width': pw, 'stride': (sh, sw)})
    return max_pool_backward_naive(np.asarray(dout), cache)
