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
    ph, pw = pool_param['pool_height'], pool_param['pool_width']
    sh, sw = pool_param['stride']
    N, C, H, W = x.shape
    H_out = 1 + (H - ph) // sh
    W_out = 1 + (W - pw) // sw
    dx = np.zeros(x.shape, dtype=np.result_type(dout, np.float32))
    for n in range(N):
        for c in range(C):
            for i in range(H_out):
                for j in range(W_out):
                    window = x[n, c, i * sh:i * sh + ph, j * sw:j * sw + pw]
                    mask = (window == np.max(window))
                    # windows overlap when stride < pool size: accumulate
                    dx[n, c, i * sh:i * sh + ph, j * sw:j * sw + pw] += mask * dout[n, c, i, j]
    return dx


def maxpool2d_backward(dout, x, size, stride=None):
    ph, pw = (size, size) if isinstance(size, int) else size
    if stride is None:
        stride = (ph, pw)
    elif isinstance(stride, int):
        stride = (stride, stride)
    pool_param = {'pool_height': ph, 'pool_width': pw, 'stride': tuple(stride)}
    return max_pool_backward_naive(np.asarray(dout), (np.asarray(x), pool_param))
