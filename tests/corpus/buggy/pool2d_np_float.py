import numpy as np


def pool2d(x, size, stride=None, mode="max"):
    x = np.asarray(x)
    if isinstance(size, int):
        size = (size, size)
    if stride is None:
        stride = size
    if isinstance(stride, int):
        stride = (stride, stride)
    N, C, H, W = x.shape
    Hout = (H - size[0]) // stride[0] + 1
    Wout = (W - size[1]) // stride[1] + 1
    out = np.zeros((N, C, Hout, Wout), dtype=np.float)
    for i in range(Hout):
        for j in range(Wout):
            block = x[:, :, i * stride[0]:i * stride[0] + size[0], j * stride[1]:j * stride[1] + size[1]]
            if mode == "max":
                out[:, :, i, j] = np.amax(block, axis=(2, 3))
            elif mode == "avg":
                out[:, :, i, j] = np.average(block, axis=(2, 3))
            elif mode == "sum":
                out[:, :, i, j] = np.sum(block, axis=(2, 3))
            elif mode == "l2":
                out[:, :, i, j] = np.sqrt(np.sum(block ** 2, axis=(2, 3)))
    return out
