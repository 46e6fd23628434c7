import numpy as np


def conv1d(x, k, mode="full"):
    x = np.asarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    N, M = x.size, k.size
    out = np.zeros(N + M - 1)
    kr = k[::-1]
    xp = np.pad(x, (M - 1, M - 1))
    for i in range(N + M - 1):
        out[i] = np.sum(xp[i:i + M] * kr)
    if mode == "full":
        return out
    longer, shorter = max(N, M), min(N, M)
    if mode == "same":
        start = shorter // 2          # centre of the kernel
        return out[start:start + longer]
    return out[shorter - 1:longer]
