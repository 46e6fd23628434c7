import numpy as np


def conv2d_backward(dout, x, w, b=None, stride=1, padding=0):
    """Backward pass of the conv layer, loops over the output positions."""
    dout = np.asarray(dout, dtype=float)
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    stride_h, stride_w = (stride, stride) if isinstance(stride, int) else stride
    pad_h, pad_w = (padding, padding) if isinstance(padding, int) else padding
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    H_out = 1 + (H + 2 * pad_h - HH) // stride_h
    W_out = 1 + (W + 2 * pad_w - WW) // stride_w
    xp = np.pad(x, ((0, 0), (0, 0), (pad_h, pad_h), (pad_w, pad_w)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    for i in range(H_out):
        for j in range(W_out):
            patch = xp[:, :, i:i + HH, j:j + WW]                  # (N, C, HH, WW)
            g = dout[:, :, i, j]                                  # (N, F)
            dw += np.einsum('nf,nchw->fchw', g, patch)
            dxp[:, :, i:i + HH, j:j + WW] += np.einsum('nf,fchw->nchw', g, w)
    dx = dxp[:, :, pad_h:pad_h + H, pad_w:pad_w + W]
    db = dout.sum(axis=(0, 2, 3)) if b is not None else None
    return dx, dw, db
