import numpy as np


def conv1d(x, k, mode="full"):
    x = np.asarray(x, dtype=float)
    k = np.asarray(k, dtype=float)
    n, m = len(x), len(k)
    xp = np.concatenate([np.zeros(m - 1), x, np.zeros(m - 1)])
    full = np.array([np.dot(xp[i:i + m], k) for i in range(n + m - 1)])
    if mode == "full":
        return full
    if mode == "same":
        s = (min(n, m) - 1) // 2
        return full[s:s + max(n, m)]
    if mode == "valid":
        return full[min(n, m) - 1:max(n, m)]
    raise ValueError("unknown mode")
