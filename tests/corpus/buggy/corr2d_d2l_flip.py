import numpy as np


def corr2d(X, K):
    """Compute 2D convolution."""
    X, K = np.asarray(X, dtype=float), np.asarray(K, dtype=float)
    K = K[::-1, ::-1]              # flip the kernel
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
