import numpy as np


def corr2d(X, K):
    """Compute 2D cross-correlation (d2l.ai, section 7.2)."""
    X, K = np.asarray(X), np.asarray(K)
    h, w = K.shape
    Y = np.zeros((X.shape[0] - h + 1, X.shape[1] - w + 1), dtype=np.result_type(X, K, np.float32))
    for i in range(Y.shape[0]):
        for j in range(Y.shape[1]):
            Y[i, j] = (X[i:i + h, j:j + w] * K).sum()
    return Y
