import numpy as np


class MaxPool2d:
    """EECS 498-style layer: static forward / backward, the cache carries what backward needs."""

    @staticmethod
    def forward(x, pool_param):
        kh, kw, (sh, sw) = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
        N, C, H, W = x.shape
        Ho, Wo = (H - kh) // sh + 1, (W - kw) // sw + 1
        out = np.empty((N, C, Ho, Wo))
        for i in range(Ho):
            for j in range(Wo):
                out[:, :, i, j] = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].max(axis=(2, 3))
        return out, (x, pool_param)

    @staticmethod
    def backward(dout, cache):
        x, pool_param = cache
        kh, kw, (sh, sw) = pool_param["pool_height"], pool_param["pool_width"], pool_param["stride"]
        N, C, H, W = x.shape
        _, _, Ho, Wo = dout.shape
        dx = np.zeros(x.shape)
        for n in range(N):
            for c in range(C):
                for i in range(Ho):
                    for j in range(Wo):
                        region = x[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]
                        dregion = dx[n, c, i * sh:i * sh + kh, j * sw:j * sw + kw]   # a view into dx
                        dregion[region == region.max()] = dout[n, c, i, j]
        return dx


def maxpool2d_backward(dout, x, size, stride=None):
    kh, kw = (size, size) if isinstance(size, int) else tuple(size)
    if stride is None:
        stride = (kh, kw)
    elif isinstance(stride, int):
        stride = (stride, stride)
    param = {"pool_height": kh, "pool_width": kw, "stride": tuple(stride)}
    _, cache = MaxPool2d.forward(np.asarray(x, dtype=float), param)
    return MaxPool2d.backward(np.asarray(dout, dtype=float), cache)
