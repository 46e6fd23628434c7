import numpy as np


def conv1d(x, k, mode="full"):
    x = np.asarray(x)
    k = np.asarray(k)
    dtype = np.float32 if x.dtype == k.dtype == np.float32 else np.float64
    N, M = len(x), len(k)
    # full convolution: y[n] = sum_m x[m] k[n - m]
    y = np.zeros(N + M - 1, dtype=dtype)
    for i in range(N):
        for j in range(M):
            y[i + j] += x[i] * k[j]
    if mode == "full":
        return y
    elif mode == "same":
        L = max(N, M)
        start = (min(N, M) - 1) // 2
        return y[start:start + L]
    elif mode == "valid":
        return y[min(N, M) - 1:max(N, M)]
    raise ValueError(mode)
