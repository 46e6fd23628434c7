"""CNN assignment -- Fay Harrington.

I prefer working in plain Python files (VS Code), I hope that's OK!
Run `python fay.py` for my quick checks.
"""
import numpy as np
from numpy.lib.stride_tricks import sliding_window_view


def _as_float(a):
    a = np.asarray(a)
    return a if a.dtype == np.float32 else a.astype(np.float64)


def _pair(v):
    if isinstance(v, (tuple, list)):
        return int(v[0]), int(v[1])
    return int(v), int(v)


# ---------------------------------------------------------------- convolution

def conv1d(x, k, mode="full"):
    """Slide the kernel along the (zero padded) signal and take dot products."""
    x, k = _as_float(x), _as_float(k)
    n, m = len(x), len(k)
    xp = np.pad(x, (m - 1, m - 1))
    full = sliding_window_view(xp, m) @ k
    if mode == "full":
        return full
    if mode == "same":
        start = (min(n, m) - 1) // 2
        return full[start:start + max(n, m)]
    if mode == "valid":
        return full[min(n, m) - 1:max(n, m)]
    raise ValueError(f"unknown mode: {mode}")


def corr2d(x, k):
    x, k = _as_float(x), _as_float(k)
    return np.einsum("hwij,ij->hw", sliding_window_view(x, k.shape), k)


def convolve2d(x, k, mode="full"):
    x, k = _as_float(x), _as_float(k)
    (h, w), (kh, kw) = x.shape, k.shape
    full = corr2d(np.pad(x, ((kh - 1, kh - 1), (kw - 1, kw - 1))), k[::-1, ::-1])
    if mode == "full":
        return full
    if mode == "same":
        t, l = (kh - 1) // 2, (kw - 1) // 2
        return full[t:t + h, l:l + w]
    if mode == "valid":
        if kh <= h and kw <= w:
            return full[kh - 1:h, kw - 1:w]
        return full[h - 1:kh, w - 1:kw]
    raise ValueError(f"unknown mode: {mode}")


# ---------------------------------------------------------------- conv layer

def _layer_pads(padding, kh, kw, stride):
    if padding == "valid":
        return ((0, 0), (0, 0))
    if padding == "same":
        if _pair(stride) != (1, 1):
            raise ValueError("'same' padding needs stride 1")
        return (((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2))
    ph, pw = _pair(padding)
    return ((ph, ph), (pw, pw))


def _windows(x, kh, kw, stride, pads):
    sh, sw = _pair(stride)
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple(pads))
    return xp, sliding_window_view(xp, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x, w = _as_float(x), _as_float(w)
    F, C, kh, kw = w.shape
    _, win = _windows(x, kh, kw, stride, _layer_pads(padding, kh, kw, stride))
    out = np.tensordot(win, w, axes=([1, 4, 5], [1, 2, 3]))      # (N, OH, OW, F)
    out = out.transpose(0, 3, 1, 2)
    if b is not None:
        out = out + _as_float(b).reshape(1, -1, 1, 1)
    return out


def conv2d_fast(x, w, b=None, stride=1, padding=0):
    x, w = _as_float(x), _as_float(w)
    F, C, kh, kw = w.shape
    _, win = _windows(x, kh, kw, stride, _layer_pads(padding, kh, kw, stride))
    N, _, OH, OW = win.shape[:4]
    cols = win.transpose(1, 4, 5, 0, 2, 3).reshape(C * kh * kw, -1)   # im2col
    out = (w.reshape(F, -1) @ cols).reshape(F, N, OH, OW).transpose(1, 0, 2, 3)
    if b is not None:
        out = out + _as_float(b).reshape(1, -1, 1, 1)
    return out


def conv_matrix(k, input_shape):
    k = _as_float(k)
    H, W = _pair(input_shape)
    kh, kw = k.shape
    OH, OW = H - kh + 1, W - kw + 1
    M = np.zeros((OH * OW, H, W), dtype=k.dtype)
    for r in range(OH * OW):
        i, j = divmod(r, OW)
        M[r, i:i + kh, j:j + kw] = k
    return M.reshape(OH * OW, H * W)


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    x, w, dout = _as_float(x), _as_float(w), _as_float(dout)
    F, C, kh, kw = w.shape
    N, _, H, W = x.shape
    sh, sw = _pair(stride)
    ph, pw = _pair(padding)
    xp, win = _windows(x, kh, kw, stride, ((ph, ph), (pw, pw)))
    OH, OW = win.shape[2:4]
    dw = np.einsum("nfhw,nchwij->fcij", dout, win)
    dxp = np.zeros(xp.shape, dtype=dw.dtype)
    for i in range(kh):
        for j in range(kw):
            dxp[:, :, i:i + sh * OH:sh, j:j + sw * OW:sw] += np.einsum("nfhw,fc->nchw", dout, w[:, :, i, j])
    dx = dxp[:, :, ph:ph + H, pw:pw + W]
    db = dout.sum(axis=0) if b is not None else None      # sum over the batch
    return dx, dw, db


# ---------------------------------------------------------------- pooling

def pool2d(x, size, stride=None, mode="max"):
    x = _as_float(x)
    kh, kw = _pair(size)
    sh, sw = (kh, kw) if stride is None else _pair(stride)
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    if mode == "max":
        return win.max(axis=(4, 5))
    if mode == "avg":
        return win.mean(axis=(4, 5))
    if mode == "sum":
        return win.sum(axis=(4, 5))
    if mode == "l2":
        return np.sqrt(np.square(win).sum(axis=(4, 5)))
    raise ValueError(f"unknown mode: {mode}")


def global_avg_pool(x):
    # average over the spatial axes (height and width)
    x = _as_float(x)
    return x.mean(axis=(1, 2))


def maxpool2d_backward(dout, x, size, stride=None):
    x, dout = _as_float(x), _as_float(dout)
    kh, kw = _pair(size)
    sh, sw = (kh, kw) if stride is None else _pair(stride)
    win = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::sh, ::sw]
    N, C, OH, OW = win.shape[:4]
    best = win.reshape(N, C, OH, OW, -1).argmax(axis=-1)
    dx = np.zeros(x.shape, dtype=np.result_type(x, dout))
    n, c, i, j = np.indices((N, C, OH, OW))
    np.add.at(dx, (n, c, i * sh + best // kw, j * sw + best % kw), dout)
    return dx


# ---------------------------------------------------------------- sizes and counts

def conv_output_size(n, kernel_size, stride=1, padding=0, dilation=1):
    if stride < 1:
        raise ValueError("stride must be >= 1")
    if n < 1 or kernel_size < 1 or dilation < 1 or padding < 0:
        raise ValueError("n, kernel_size, dilation must be >= 1 and padding >= 0")
    size = (n + 2 * padding - dilation * (kernel_size - 1) - 1) / stride + 1
    if size < 1:
        raise ValueError("kernel_size larger than the (padded) input")
    return size


def pool_output_size(n, kernel_size, stride=None, padding=0, ceil_mode=False):
    if stride is None:
        stride = kernel_size
    if padding < 0:
        raise ValueError("padding must be >= 0")
    if 2 * padding > kernel_size:
        raise ValueError("padding must be <= kernel_size / 2")
    q, r = divmod(n + 2 * padding - kernel_size, stride)
    size = q + 1
    if ceil_mode and r:
        size += 1
        if (size - 1) * stride >= n + padding:
            size -= 1
    if size < 1:
        raise ValueError("kernel_size larger than the (padded) input")
    return size


def conv2d_params(in_channels, out_channels, kernel_size, bias=True):
    kh, kw = _pair(kernel_size)
    return in_channels * out_channels * kh * kw + (out_channels if bias else 0)


def dense_params(in_features, out_features, bias=True):
    return in_features * out_features


def conv2d_mults(in_channels, out_channels, kernel_size, output_size):
    kh, kw = _pair(kernel_size)
    oh, ow = _pair(output_size)
    return in_channels * out_channels * kh * kw * oh * ow


def receptive_field(layers):
    field, jump = 1, 1
    for kernel, stride in layers:
        field += (kernel - 1) * jump
        jump *= stride
    return field


def summarize(layers, input_shape):
    shape, rows = tuple(input_shape), []
    for layer in layers:
        kind, params = layer["type"], 0
        if kind == "conv2d":
            c, h, w = shape
            kh, kw = _pair(layer["kernel_size"])
            sh, sw = _pair(layer.get("stride", 1))
            (pt, pb), (pl, pr) = _layer_pads(layer.get("padding", 0), kh, kw, (sh, sw))
            f = layer["filters"]
            shape = (f, (h + pt + pb - kh) // sh + 1, (w + pl + pr - kw) // sw + 1)
            params = kh * kw * c * f + (f if layer.get("bias", True) else 0)
        elif kind in ("maxpool2d", "avgpool2d"):
            c, h, w = shape
            kh, kw = _pair(layer["size"])
            sh, sw = (kh, kw) if layer.get("stride") is None else _pair(layer["stride"])
            shape = (c, pool_output_size(h, kh, sh), pool_output_size(w, kw, sw))
        elif kind == "globalavgpool":
            shape = shape[:1]
        elif kind == "flatten":
            shape = (int(np.prod(shape)),)
        elif kind == "dense":
            units = layer["units"]
            params = shape[0] * units + (units if layer.get("bias", True) else 0)
            shape = (units,)
        elif kind == "batchnorm":
            params = 2 * shape[0]
        elif kind not in ("relu", "dropout"):
            raise ValueError(f"unknown layer type {kind}")
        rows.append((shape, params))
    return rows


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    x = rng.normal(size=(2, 3, 8, 9))
    w = rng.normal(size=(4, 3, 3, 2))
    print(conv2d_forward(x, w, padding="same").shape)
    print(np.abs(conv2d_forward(x, w, stride=2, padding=1) - conv2d_fast(x, w, stride=2, padding=1)).max())
    print(conv_output_size(28, 3), dense_params(784, 30))
