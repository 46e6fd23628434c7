import numpy as np


def global_avg_pool(x):
    x = np.asarray(x, dtype=float)
    N, C, H, W = x.shape
    x /= H * W                      # each pixel's share of the mean
    return x.sum(axis=(2, 3))
