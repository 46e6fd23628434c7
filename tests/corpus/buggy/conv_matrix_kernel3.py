import numpy as np


def conv_matrix(k, input_shape):
    k = np.asarray(k, dtype=float)
    H, W = input_shape
    out_h = H - k.shape[0] + 1
    out_w = W - k.shape[1] + 1
    M = np.zeros((out_h * out_w, H * W))
    for i in range(out_h):
        for j in range(out_w):
            r = i * out_w + j
            for di in range(3):
                for dj in range(3):
                    M[r, (i + di) * W + j + dj] = k[di, dj]
    return M
