"""CS231n assignment 2, conv_forward_naive, wrapped onto the notebook's conv2d_forward."""
import numpy as np


def conv_forward_naive(x, w, b, conv_param):
    """
    A naive implementation of the forward pass for a convolutional layer.

    Input:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: dictionary with 'stride' and 'pad' (ints or (h, w) pairs)

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W')
    - cache: (x, w, b, conv_param)
    """
    out = None
    ###########################################################################
    # TODO: Implement the convolutional forward pass.                         #
    ###########################################################################
    stride, pad = conv_param['stride'], conv_param['pad']
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    ph, pw = (pad, pad) if isinstance(pad, int) else pad
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * ph - HH) // sh
    W_out = 1 + (W + 2 * pw - WW) // sw

    x_pad = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), mode='constant')
    out = np.zeros((N, F, H_out, W_out), dtype=np.result_type(x, w, b, np.float32))
    for n in range(N):                # each image
        for f in range(F):            # each filter
            for i in range(H_out):
                for j in range(W_out):
                    window = x_pad[n, :, i * sh:i * sh + HH, j * sw:j * sw + WW]
                    out[n, f, i, j] = np.sum(window * w[f]) + b[f]
    ###########################################################################
    #                             END OF YOUR CODE                            #
    ###########################################################################
    cache = (x, w, b, conv_param)
    return out, cache


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x, w = np.asarray(x), np.asarray(w)
    if isinstance(padding, str):
        if padding == "same":   # torch puts the odd pixel at the bottom / right
            kh, kw = w.shape[2:]
            x = np.pad(x, ((0, 0), (0, 0), ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)))
        padding = 0
    if b is None:
        b = np.zeros(w.shape[0], dtype=w.dtype)
    return conv_forward_naive(x, w, np.asarray(b), {'stride': stride, 'pad': padding})[0]
