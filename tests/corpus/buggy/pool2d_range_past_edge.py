import numpy as np


def pool2d(x, size, stride=None, mode="max"):
    x = np.asarray(x, dtype=float)
    kh, kw = (size, size) if isinstance(size, int) else size
    if stride is None:
        stride = (kh, kw)
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    reduce = {"max": np.max, "avg": np.mean, "sum": np.sum,
              "l2": lambda a, axis: np.sqrt(np.sum(a * a, axis=axis))}[mode]
    H, W = x.shape[2:]
    rows = []
    for top in range(0, H, sh):
        row = []
        for left in range(0, W, sw):
            row.append(reduce(x[:, :, top:top + kh, left:left + kw], axis=(2, 3)))
        rows.append(np.stack(row, axis=-1))
    return np.stack(rows, axis=-2)
