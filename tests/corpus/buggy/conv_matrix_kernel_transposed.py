import numpy as np


def conv_matrix(k, input_shape):
    """Each row of C holds the kernel placed at one output position, flattened row-major."""
    k = np.asarray(k, dtype=float)
    H, W = input_shape
    KH, KW = k.shape
    OH, OW = H - KH + 1, W - KW + 1
    C = np.zeros((OH * OW, H * W))
    for oy in range(OH):
        for ox in range(OW):
            for ky in range(KH):
                for kx in range(KW):
                    C[oy * OW + ox, (oy + ky) * W + (ox + kx)] = k[kx, ky]
    return C
