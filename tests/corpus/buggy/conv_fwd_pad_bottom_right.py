import numpy as np


def im2col(x_padded, hh, ww, sh, sw):
    """Rows: one per output pixel (n, i, j); columns: (c, di, dj)."""
    N, C, H, W = x_padded.shape
    out_h = (H - hh) // sh + 1
    out_w = (W - ww) // sw + 1
    cols = np.zeros((N * out_h * out_w, C * hh * ww))
    row = 0
    for n in range(N):
        for i in range(out_h):
            for j in range(out_w):
                cols[row] = x_padded[n, :, i * sh:i * sh + hh, j * sw:j * sw + ww].ravel()
                row += 1
    return cols, out_h, out_w


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = np.asarray(x, dtype=float)
    w = np.asarray(w, dtype=float)
    N, C, H, W = x.shape
    F, _, hh, ww = w.shape
    sh, sw = (stride, stride) if isinstance(stride, int) else stride
    if padding == "same":
        pad_h, pad_w = hh - 1, ww - 1          # total padding per axis
    elif padding == "valid":
        pad_h = pad_w = 0
    else:
        ph, pw = (padding, padding) if isinstance(padding, int) else padding
        pad_h, pad_w = 2 * ph, 2 * pw
    # zero-padded copy of the input
    x_padded = np.zeros((N, C, H + pad_h, W + pad_w))
    x_padded[:, :, :H, :W] = x
    cols, out_h, out_w = im2col(x_padded, hh, ww, sh, sw)
    out = cols @ w.reshape(F, -1).T                 # (N*out_h*out_w, F)
    if b is not None:
        out += b
    return out.reshape(N, out_h, out_w, F).transpose(0, 3, 1, 2)
