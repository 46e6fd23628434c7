import numpy as np


def conv_matrix(k, input_shape):
    """Doubly block Toeplitz matrix of a valid cross-correlation."""
    k = np.asarray(k, dtype=float)
    H, W = input_shape
    kh, kw = k.shape
    oh, ow = H - kh + 1, W - kw + 1
    C = np.zeros((oh * ow, H * W))
    for i in range(oh):
        for j in range(ow):
            row = i * ow + j
            for a in range(kh):
                for b in range(kw):
                    C[row, (i + a) * W + (j + b)] = k[a, b]
    return C
