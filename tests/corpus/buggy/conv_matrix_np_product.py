import numpy as np


def conv_matrix(k, input_shape):
    k = np.asarray(k, dtype=float)
    kh, kw = k.shape
    H, W = input_shape
    oh, ow = H - kh + 1, W - kw + 1
    C = np.zeros((oh * ow, np.product(input_shape)))
    for row in range(oh * ow):
        i, j = divmod(row, ow)
        block = np.zeros((H, W))
        block[i:i + kh, j:j + kw] = k
        C[row] = block.ravel()
    return C
