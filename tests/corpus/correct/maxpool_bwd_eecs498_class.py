"""EECS 498-007 style: a layer class with static forward / backward and a cache."""
import numpy as np


class MaxPool(object):

    @staticmethod
    def forward(x, pool_param):
        N, C, H, W = x.shape
        kh, kw = pool_param["pool_height"], pool_param["pool_width"]
        sh, sw = pool_param["stride"]
        H_out = 1 + (H - kh) // sh
        W_out = 1 + (W - kw) // sw
        out = np.zeros((N, C, H_out, W_out), dtype=x.dtype)
        argmax = np.zeros((N, C, H_out, W_out), dtype=np.int64)
        for i in range(H_out):
            for j in range(W_out):
                win = x[:, :, i * sh:i * sh + kh, j * sw:j * sw + kw].reshape(N, C, -1)
                argmax[:, :, i, j] = win.argmax(axis=2)
                out[:, :, i, j] = win.max(axis=2)
        cache = (x.shape, pool_param, argmax)
        return out, cache

    @staticmethod
    def backward(dout, cache):
        x_shape, pool_param, argmax = cache
        N, C, H, W = x_shape
        kh, kw = pool_param["pool_height"], pool_param["pool_width"]
        sh, sw = pool_param["stride"]
        H_out, W_out = dout.shape[2:]
        dx = np.zeros(x_shape, dtype=dout.dtype if dout.dtype.kind == "f" else np.float64)
        n_idx, c_idx = np.meshgrid(np.arange(N), np.arange(C), indexing="ij")
        for i in range(H_out):
            for j in range(W_out):
                r, s = np.unravel_index(argmax[:, :, i, j], (kh, kw))
                np.add.at(dx, (n_idx, c_idx, i * sh + r, j * sw + s), dout[:, :, i, j])
        return dx


def maxpool2d_backward(dout, x, size, stride=None):
    kh, kw = (size, size) if np.isscalar(size) else size
    if stride is None:
        sh, sw = kh, kw
    else:
        sh, sw = (stride, stride) if np.isscalar(stride) else stride
    param = {"pool_height": kh, "pool_width": kw, "stride": (sh, sw)}
    _, cache = MaxPool.forward(np.asarray(x), param)
    return MaxPool.backward(np.asarray(dout), cache)
