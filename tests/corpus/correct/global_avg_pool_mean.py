import numpy as np


def global_avg_pool(x):
    x = np.asarray(x)
    if x.dtype.kind != "f":
        x = x.astype(np.float64)
    N, C, H, W = x.shape
    return x.reshape(N, C, H * W).mean(axis=-1)
