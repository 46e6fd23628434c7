"""Similarity flags per question (`autograder.records.similarity`): a copied pair stands out from a class
of independently written solutions; shared starter code, untouched stubs, tiny classes and cells
that do not parse flag nothing; a class of 200 needs few exact comparisons."""
import json
import random
import re
import textwrap
import time
from collections import Counter
from pathlib import Path

from autograder.records import similarity
from autograder.records.similarity import SimilarPair, question_code, similar_pairs

NOTEBOOK = Path(__file__).resolve().parents[1] / "exercises" / "01_convolution.ipynb"
QUESTIONS = {"conv2d_forward": ("conv2d_forward",), "corr2d": ("corr2d",)}


def starter_cells():
    """The code cells of the real lesson-1 exercise notebook, as every student got them."""
    cells = json.loads(NOTEBOOK.read_text(encoding="utf-8"))["cells"]
    return [("".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"])
            for cell in cells if cell["cell_type"] == "code"]


STARTER = starter_cells()


def notebook(answers, before=(), after=()):
    """A student's code cells: the starter with the stub cell of each function in `answers`
    ({function: its code}) replaced; `before`/`after`: {function: [extra cells]} inserted just
    before or just after that function's cell (helpers in a cell of their own)."""
    cells = []
    for source in STARTER:
        stubbed = next((name for name in answers if source.lstrip().startswith(f"def {name}(")), None)
        if stubbed is None:
            cells.append(source)
            continue
        cells += [textwrap.dedent(cell) for cell in dict(before).get(stubbed, ())]
        cells.append(textwrap.dedent(answers[stubbed]))
        cells += [textwrap.dedent(cell) for cell in dict(after).get(stubbed, ())]
    return cells


def class_code(notebooks, questions=QUESTIONS):
    """{student: {question: normalised code}} for {student: code cells}."""
    return {student: {question: question_code(cells, functions, STARTER)
                      for question, functions in questions.items()}
            for student, cells in notebooks.items()}


# --- independently written, correct solutions of conv2d_forward, in different styles -----------

CONV_NAIVE_LOOPS = '''
def conv2d_forward(x, w, b=None, stride=1, padding=0):
    """Four nested loops: image, filter, output row, output column."""
    x = as_float(x)
    w = as_float(w)
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    sh, sw = as_pair(stride, "stride")
    if padding == "valid":
        pt = pb = pl = pr = 0
    elif padding == "same":
        if sh != 1 or sw != 1:
            raise ValueError("padding='same' needs stride 1")
        pt = (KH - 1) // 2
        pb = KH - 1 - pt
        pl = (KW - 1) // 2
        pr = KW - 1 - pl
    else:
        ph, pw = as_pair(padding, "padding")
        pt, pb, pl, pr = ph, ph, pw, pw
    xp = np.zeros((N, C, H + pt + pb, W + pl + pr), dtype=x.dtype)
    xp[:, :, pt:pt + H, pl:pl + W] = x
    OH = (H + pt + pb - KH) // sh + 1
    OW = (W + pl + pr - KW) // sw + 1
    out = np.zeros((N, F, OH, OW), dtype=np.result_type(x, w))
    for n in range(N):
        for f in range(F):
            for i in range(OH):
                for j in range(OW):
                    patch = xp[n, :, i * sh:i * sh + KH, j * sw:j * sw + KW]
                    out[n, f, i, j] = np.sum(patch * w[f])
    if b is not None:
        out += as_float(b)[None, :, None, None]
    return out
'''

CONV_IM2COL = '''
def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x, w = as_float(x), as_float(w)
    n_img, n_ch, height, width = x.shape
    n_filt, _, kh, kw = w.shape
    s_h, s_w = as_pair(stride, "stride")
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise ValueError(f"unknown padding {padding!r}")
        if padding == "same" and (s_h, s_w) != (1, 1):
            raise ValueError("'same' padding needs stride 1")
        extra_h = kh - 1 if padding == "same" else 0
        extra_w = kw - 1 if padding == "same" else 0
        pads = ((extra_h // 2, extra_h - extra_h // 2), (extra_w // 2, extra_w - extra_w // 2))
    else:
        p_h, p_w = as_pair(padding, "padding")
        pads = ((p_h, p_h), (p_w, p_w))
    padded = np.pad(x, ((0, 0), (0, 0)) + pads)
    out_h = (padded.shape[2] - kh) // s_h + 1
    out_w = (padded.shape[3] - kw) // s_w + 1
    # the row and column of every kernel offset (columns) for every output pixel (rows)
    rows = np.repeat(np.arange(kh), kw)[None, :] + s_h * np.repeat(np.arange(out_h), out_w)[:, None]
    cols = np.tile(np.arange(kw), kh)[None, :] + s_w * np.tile(np.arange(out_w), out_h)[:, None]
    patches = padded[:, :, rows, cols]                                # (N, C, OH*OW, KH*KW)
    patches = patches.transpose(0, 2, 1, 3).reshape(n_img, out_h * out_w, n_ch * kh * kw)
    result = patches @ w.reshape(n_filt, -1).T                        # (N, OH*OW, F)
    if b is not None:
        result = result + as_float(b)
    return result.transpose(0, 2, 1).reshape(n_img, n_filt, out_h, out_w)
'''

CONV_SLIDING_EINSUM = '''
from numpy.lib.stride_tricks import sliding_window_view


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = as_float(x); w = as_float(w)
    kh, kw = w.shape[2:]
    stride = as_pair(stride, "stride")
    if padding == "same":
        if stride != (1, 1): raise ValueError("same padding only works with stride 1")
        before = ((kh - 1) // 2, (kw - 1) // 2)
        after = (kh - 1 - before[0], kw - 1 - before[1])
    elif padding == "valid":
        before = after = (0, 0)
    else:
        before = after = as_pair(padding, "padding")
    x = np.pad(x, [(0, 0), (0, 0), (before[0], after[0]), (before[1], after[1])])
    windows = sliding_window_view(x, (kh, kw), axis=(2, 3))[:, :, ::stride[0], ::stride[1]]
    y = np.einsum("ncijab,fcab->nfij", windows, w)
    if b is not None:
        y += as_float(b).reshape(-1, 1, 1)
    return y
'''

CONV_FILTER_TENSORDOT = '''
def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = as_float(x)
    w = as_float(w)
    F, C, KH, KW = w.shape
    SH, SW = as_pair(stride, "stride")
    if isinstance(padding, str):
        if padding == "valid":
            pad = [(0, 0), (0, 0)]
        elif padding == "same" and SH == SW == 1:
            pad = [((KH - 1) // 2, KH // 2), ((KW - 1) // 2, KW // 2)]
        else:
            raise ValueError("padding must be 'valid', or 'same' with stride 1")
    else:
        PH, PW = as_pair(padding, "padding")
        pad = [(PH, PH), (PW, PW)]
    x = np.pad(x, [(0, 0), (0, 0)] + pad)
    N, _, H, W = x.shape
    OH, OW = (H - KH) // SH + 1, (W - KW) // SW + 1
    result = np.empty((N, F, OH, OW), dtype=np.result_type(x, w))
    for f in range(F):                          # one filter at a time
        for r in range(OH):
            band = x[:, :, r * SH:r * SH + KH, :]
            for col in range(OW):
                result[:, f, r, col] = np.tensordot(band[:, :, :, col * SW:col * SW + KW], w[f], axes=3)
    if b is not None:
        result += as_float(b)[:, None, None]
    return result
'''

CONV_SHIFT_AND_ADD = '''
def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = as_float(x)
    w = as_float(w)
    n, c, h, wd = x.shape
    f, c2, kh, kw = w.shape
    if c2 != c:
        raise ValueError("w and x disagree on the number of channels")
    sy, sx = as_pair(stride, "stride")
    if padding in ("same", "valid"):
        if padding == "same" and (sy, sx) != (1, 1):
            raise ValueError("stride must be 1 with padding='same'")
        ty, tx = ((kh - 1) // 2, (kw - 1) // 2) if padding == "same" else (0, 0)
        by, bx = (kh - 1 - ty, kw - 1 - tx) if padding == "same" else (0, 0)
    else:
        ty, tx = as_pair(padding, "padding")
        by, bx = ty, tx
    xp = np.pad(x, ((0, 0), (0, 0), (ty, by), (tx, bx)))
    oh = (xp.shape[2] - kh) // sy + 1
    ow = (xp.shape[3] - kw) // sx + 1
    y = np.zeros((n, f, oh, ow), dtype=np.result_type(x, w))
    for dy in range(kh):                        # add one shifted copy of the input per kernel tap
        for dx in range(kw):
            shifted = xp[:, :, dy:dy + sy * (oh - 1) + 1:sy, dx:dx + sx * (ow - 1) + 1:sx]
            y += np.einsum("nchw,fc->nfhw", shifted, w[:, :, dy, dx])
    if b is not None:
        y += np.asarray(b, dtype=y.dtype)[:, None, None]
    return y
'''

CONV_MATVEC_OWN_HELPERS = '''
def two(value):
    return (value, value) if isinstance(value, int) else (int(value[0]), int(value[1]))


def conv2d_forward(x, w, b=None, stride=1, padding=0):
    x = as_float(x)
    w = np.asarray(w, dtype=x.dtype)
    st = two(stride)
    kernel_size = w.shape[2:]
    if padding == "valid":
        amounts = [(0, 0), (0, 0)]
    elif padding == "same":
        assert st == (1, 1), "same padding needs stride 1"
        amounts = [((k - 1) // 2, k - 1 - (k - 1) // 2) for k in kernel_size]
    else:
        amounts = [(p, p) for p in two(padding)]
    xp = np.pad(x, [(0, 0), (0, 0)] + amounts)
    size = [(xp.shape[2 + axis] - kernel_size[axis]) // st[axis] + 1 for axis in (0, 1)]
    flat_filters = w.reshape(w.shape[0], -1)
    y = np.zeros((x.shape[0], w.shape[0], size[0], size[1]), dtype=x.dtype)
    for image in range(x.shape[0]):
        for r in range(size[0]):
            for q in range(size[1]):
                piece = xp[image, :, r * st[0]:r * st[0] + kernel_size[0], q * st[1]:q * st[1] + kernel_size[1]]
                y[image, :, r, q] = flat_filters @ piece.ravel()
    if b is not None:
        y = y + np.reshape(b, (1, -1, 1, 1))
    return y
'''

# Student A wrote this; student B copied it (below).
CONV_ORIGINAL_HELPER = '''
def _pad_input(x, padding, kh, kw, stride):
    """Pad the H and W axes of x the way torch does."""
    if padding == "valid":
        return x
    if padding == "same":
        if stride != (1, 1):
            raise ValueError("padding='same' requires stride 1")
        top, left = (kh - 1) // 2, (kw - 1) // 2
        return np.pad(x, ((0, 0), (0, 0), (top, kh - 1 - top), (left, kw - 1 - left)))
    ph, pw = as_pair(padding, "padding")
    return np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
'''

CONV_ORIGINAL = '''
def conv2d_forward(x, w, b=None, stride=1, padding=0):
    """A convolution layer: x (N, C, H, W), w (F, C, KH, KW), b (F,) or None -> (N, F, OH, OW)."""
    x, w = as_float(x), as_float(w)
    n_filters, channels, kh, kw = w.shape
    stride = as_pair(stride, "stride")
    xp = _pad_input(x, padding, kh, kw, stride)
    out_h = (xp.shape[2] - kh) // stride[0] + 1
    out_w = (xp.shape[3] - kw) // stride[1] + 1
    out = np.zeros((x.shape[0], n_filters, out_h, out_w), dtype=np.result_type(x, w))
    for i in range(out_h):
        top = i * stride[0]
        for j in range(out_w):
            left = j * stride[1]
            patch = xp[:, :, top:top + kh, left:left + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", patch, w)
    if b is not None:
        out = out + as_float(b).reshape(1, -1, 1, 1)
    return out
'''

# Every variable renamed, the helper renamed and moved to a cell after the function, numpy under
# another alias there, comments added and removed, other line breaks, spacing and parentheses.
CONV_COPY = '''
def conv2d_forward(x, w, b=None, stride=1, padding=0):
    # my convolution layer
    x, w = as_float(x), as_float(w)
    num_f, num_c, k_rows, k_cols = w.shape
    stride = as_pair(stride, 'stride')   # (sh, sw)
    padded = pad_it(x, padding, k_rows, k_cols, stride)
    rows_out = ((padded.shape[2] - k_rows) // stride[0]) + 1
    cols_out = (padded.shape[3] - k_cols)//stride[1] + 1
    result = np.zeros(
        (x.shape[0], num_f, rows_out, cols_out),
        dtype=np.result_type(x, w),
    )
    for r in range(rows_out):
        r0 = r * stride[0]
        for c in range(cols_out):
            c0 = (c * stride[1])
            window = padded[:, :, r0:r0 + k_rows, c0:c0 + k_cols]
            # sum over channels and the kernel
            result[:, :, r, c] = np.einsum(
                'nchw,fchw->nf', window, w)
    if (b is not None):
        result = result + as_float(b).reshape(1, -1, 1, 1)
    return result
'''

CONV_COPY_HELPER = '''
import numpy as npy


def pad_it(arr, pad, k_rows, k_cols, strides):
    # zero padding of the two last axes
    if pad == 'valid':
        return arr
    if pad == 'same':
        if strides != (1, 1):
            raise ValueError("padding='same' requires stride 1")
        t, l = (k_rows - 1) // 2, (k_cols - 1) // 2
        return npy.pad(arr, ((0, 0), (0, 0), (t, k_rows - 1 - t), (l, k_cols - 1 - l)))
    p_rows, p_cols = as_pair(pad, "padding")
    return npy.pad(arr,
                   ((0, 0), (0, 0), (p_rows, p_rows), (p_cols, p_cols)))
'''

# --- and of corr2d ------------------------------------------------------------------------------

CORR_DOUBLE_LOOP = '''
def corr2d(x, k):
    x, k = as_float(x), as_float(k)
    H, W = x.shape
    KH, KW = k.shape
    out = np.zeros((H - KH + 1, W - KW + 1), dtype=np.result_type(x, k))
    for i in range(H - KH + 1):
        for j in range(W - KW + 1):
            out[i, j] = np.sum(x[i:i + KH, j:j + KW] * k)
    return out
'''

CORR_SLIDING = '''
def corr2d(x, k):
    image = as_float(x)
    kernel = as_float(k)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("x and k must be 2-D")
    views = np.lib.stride_tricks.sliding_window_view(image, kernel.shape)
    return np.tensordot(views, kernel, axes=([2, 3], [0, 1]))
'''

CORR_SHIFTS = '''
def corr2d(x, k):
    x = as_float(x)
    k = as_float(k)
    oh = x.shape[0] - k.shape[0] + 1
    ow = x.shape[1] - k.shape[1] + 1
    if oh < 1 or ow < 1:
        raise ValueError("kernel larger than image")
    acc = np.zeros((oh, ow), dtype=np.result_type(x, k))
    for a in range(k.shape[0]):
        for e in range(k.shape[1]):
            acc += k[a, e] * x[a:a + oh, e:e + ow]
    return acc
'''

CORR_STRIDED = '''
from numpy.lib.stride_tricks import as_strided


def corr2d(x, k):
    x = np.ascontiguousarray(as_float(x))
    k = as_float(k)
    rows, cols = x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1
    s0, s1 = x.strides
    patches = as_strided(x, shape=(rows, cols) + k.shape, strides=(s0, s1, s0, s1), writeable=False)
    return (patches * k).sum(axis=(-1, -2))
'''

CORR_IM2COL = '''
def corr2d(x, k):
    x = as_float(x)
    k = as_float(k)
    (H, W), (KH, KW) = x.shape, k.shape
    OH, OW = H - KH + 1, W - KW + 1
    r = np.arange(OH)[:, None, None, None] + np.arange(KH)[None, None, :, None]
    c = np.arange(OW)[None, :, None, None] + np.arange(KW)[None, None, None, :]
    columns = x[r, c].reshape(OH * OW, KH * KW)
    return (columns @ k.ravel()).reshape(OH, OW)
'''

CORR_ROWS = '''
def corr2d(x, k):
    data = as_float(x)
    kern = as_float(k)
    kh, kw = kern.shape
    result = []
    for top in range(data.shape[0] - kh + 1):
        line = [float(np.vdot(data[top:top + kh, left:left + kw], kern))
                for left in range(data.shape[1] - kw + 1)]
        result.append(line)
    return np.array(result, dtype=np.result_type(data, kern))
'''

CORR_SCALAR_LOOPS = '''
def corr2d(x, k):
    x = as_float(x)
    k = as_float(k)
    out = np.zeros((x.shape[0] - k.shape[0] + 1, x.shape[1] - k.shape[1] + 1), dtype=np.result_type(x, k))
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            total = 0.0
            for a in range(k.shape[0]):
                for c in range(k.shape[1]):
                    total += x[i + a, j + c] * k[a, c]
            out[i, j] = total
    return out
'''

CORR_FFT = '''
def corr2d(x, k):
    x = as_float(x)
    k = as_float(k)
    H, W = x.shape
    KH, KW = k.shape
    shape = (H + KH - 1, W + KW - 1)
    spectrum = np.fft.rfft2(x, shape) * np.fft.rfft2(k[::-1, ::-1], shape)
    full = np.fft.irfft2(spectrum, shape)
    return full[KH - 1:H, KW - 1:W].astype(np.result_type(x, k))
'''

CORR_DOT_WINDOWS = '''
def corr2d(x, k):
    x = as_float(x)
    weights = as_float(k).ravel()
    kh, kw = np.shape(k)
    return np.array([[x[r:r + kh, c:c + kw].ravel() @ weights for c in range(x.shape[1] - kw + 1)]
                     for r in range(x.shape[0] - kh + 1)])
'''


CONV_VIA_CORR2D = '''
def conv2d_forward(x, w, b=None, stride=1, padding=0):
    """Reuses corr2d: every filter is a sum of single-channel correlations, then subsampled."""
    x = as_float(x)
    w = as_float(w)
    sh, sw = as_pair(stride, "stride")
    kh, kw = w.shape[-2:]
    if padding == "same" and (sh, sw) == (1, 1):
        padding = ((kh - 1) // 2, kh // 2, (kw - 1) // 2, kw // 2)
    elif padding == "same":
        raise ValueError("padding='same' needs stride=1")
    elif padding == "valid":
        padding = (0, 0, 0, 0)
    else:
        ph, pw = as_pair(padding, "padding")
        padding = (ph, ph, pw, pw)
    top, bottom, left, right = padding
    xp = np.pad(x, ((0, 0), (0, 0), (top, bottom), (left, right)))
    maps = [[sum(corr2d(image[c], filt[c]) for c in range(x.shape[1])) for filt in w] for image in xp]
    y = np.array(maps, dtype=np.result_type(x, w))[:, :, ::sh, ::sw]
    return y if b is None else y + as_float(b)[:, None, None]
'''


def the_class():
    """{student: code cells}: seven independent students, alice, and bob, who copied alice's
    conv2d_forward (but wrote his own corr2d)."""
    independent = [
        (CONV_NAIVE_LOOPS, CORR_DOUBLE_LOOP), (CONV_IM2COL, CORR_SLIDING),
        (CONV_SLIDING_EINSUM, CORR_SHIFTS), (CONV_FILTER_TENSORDOT, CORR_STRIDED),
        (CONV_SHIFT_AND_ADD, CORR_IM2COL), (CONV_MATVEC_OWN_HELPERS, CORR_ROWS),
        (CONV_VIA_CORR2D, CORR_SCALAR_LOOPS),
    ]
    students = {f"student{number}": notebook({"conv2d_forward": conv, "corr2d": corr})
                for number, (conv, corr) in enumerate(independent, start=1)}
    students["alice"] = notebook({"conv2d_forward": CONV_ORIGINAL, "corr2d": CORR_FFT},
                                 before={"conv2d_forward": [CONV_ORIGINAL_HELPER]})
    students["bob"] = notebook({"conv2d_forward": CONV_COPY, "corr2d": CORR_DOT_WINDOWS},
                               after={"conv2d_forward": [CONV_COPY_HELPER]})
    return students


# --- the acceptance test -------------------------------------------------------------------------

def test_copied_pair_is_flagged_and_no_independent_pair_is():
    pairs = similar_pairs(class_code(the_class()))

    assert [(pair.question, pair.students) for pair in pairs] == [("conv2d_forward", ("alice", "bob"))]
    copied = pairs[0]
    assert copied.similarity > 0.97
    assert copied.evidence.startswith("conv2d_forward:")
    assert "identical in 25 of 25 statements" in copied.evidence
    assert "alice: _pad_input, bob: pad_it" in copied.evidence
    assert "wrong answers" not in copied.evidence


def test_renaming_moving_a_helper_and_reformatting_change_nothing():
    students = the_class()
    alice, bob = (question_code(students[name], ("conv2d_forward",), STARTER) for name in ("alice", "bob"))

    def without_notes(code):
        return [line for line in code.splitlines() if not line.startswith("# ")]

    assert without_notes(alice) == without_notes(bob)
    assert "# h0 = _pad_input" in alice and "# h0 = pad_it" in bob
    assert "numpy.pad(" in bob and "npy" not in bob         # an import alias reads as its module
    assert "as_float(" in alice and "def as_float" not in alice   # the starter's helper stays out


def test_another_questions_function_is_part_of_the_code_that_reaches_it():
    code = question_code(notebook({"conv2d_forward": CONV_VIA_CORR2D, "corr2d": CORR_SCALAR_LOOPS}),
                         ("conv2d_forward",), STARTER)
    # after conv2d_forward, under its own name: the starter defines it, every student has it
    assert code.index("def conv2d_forward(") < code.index("def corr2d(v0, v1):")


# --- the starter and the stub -------------------------------------------------------------------

def test_an_untouched_stub_has_no_code_and_flags_nobody():
    untouched = {name: notebook({}) for name in ("dora", "emil")}
    code = class_code(untouched)

    assert code["dora"] == {"conv2d_forward": "", "corr2d": ""}
    assert similar_pairs(code) == []
    # nor when the rest of the class did the work
    assert all("dora" not in pair.students for pair in similar_pairs(class_code({**the_class(), **untouched})))


def test_starter_statements_left_in_place_are_removed():
    kept_stub_line = CORR_DOUBLE_LOOP.rstrip() + (
        '\n    raise NotImplementedError("Implement corr2d(): valid 2-D cross-correlation of one channel: '
        'x (H, W), k (KH, KW) -> (H - KH + 1, W - KW + 1).")\n')
    with_line = question_code(notebook({"corr2d": kept_stub_line}), ("corr2d",), STARTER)
    without = question_code(notebook({"corr2d": CORR_DOUBLE_LOOP}), ("corr2d",), STARTER)

    assert "raise NotImplementedError" in "\n".join(STARTER)
    assert with_line == without and "NotImplementedError" not in without


def test_only_a_docstring_changed_is_still_the_stub():
    stub = next(cell for cell in STARTER if cell.startswith("def corr2d("))
    edited = stub.replace('"""Valid 2-D', '"""My notes: valid 2-D')
    assert edited != stub
    assert question_code(notebook({"corr2d": edited}), ("corr2d",), STARTER) == ""


# --- small classes, bad cells, the JSON ------------------------------------------------------------

def test_a_class_of_one_or_two_gives_nothing_or_only_a_true_copy():
    everyone = class_code(the_class())

    assert similar_pairs({"alice": everyone["alice"]}) == []
    assert similar_pairs({name: everyone[name] for name in ("student1", "student2")}) == []
    assert similar_pairs({name: everyone[name] for name in ("student3", "student7")}) == []
    copied = similar_pairs({name: everyone[name] for name in ("alice", "bob")})
    assert [(pair.question, pair.students) for pair in copied] == [("conv2d_forward", ("alice", "bob"))]
    assert "too few submissions" in copied[0].evidence


def test_a_cell_that_does_not_parse_is_skipped():
    cells = notebook({"corr2d": CORR_DOUBLE_LOOP})
    broken = ["def corr2d(x, k):\n    return x +\n", "%matplotlib inline\n", "x = \0"]
    code = question_code(cells[:10] + broken + cells[10:], ("corr2d",), STARTER)

    assert code == question_code(cells, ("corr2d",), STARTER)
    assert code.startswith("def corr2d(v0, v1):")
    # the last definition that parses wins
    assert question_code(cells + broken, ("corr2d",), STARTER) == code
    redefined = question_code(cells + broken + [CORR_SHIFTS], ("corr2d",), STARTER)
    assert redefined == question_code(notebook({"corr2d": CORR_SHIFTS}), ("corr2d",), STARTER) != code


def test_to_json_has_exactly_the_spec_keys():
    pair = similar_pairs(class_code(the_class()))[0]
    entry = pair.to_json()

    assert list(entry) == ["question", "students", "similarity", "evidence"]
    assert entry["students"] == ["alice", "bob"] and entry["question"] == "conv2d_forward"
    assert 0.0 <= entry["similarity"] <= 1.0 and isinstance(entry["evidence"], str)
    assert json.loads(json.dumps([entry])) == [entry]
    assert SimilarPair("q", ("a", "b"), 0.123456, "e").to_json()["similarity"] == 0.1235


def test_min_statements_keeps_tiny_identical_code_out():
    tiny = "def corr2d(x, k):\n    x = as_float(x)\n    return x[:1, :1] * k[0, 0]\n"
    code = class_code({name: notebook({"corr2d": tiny}) for name in ("a", "b")}, {"corr2d": ("corr2d",)})

    assert similar_pairs(code) == []
    assert [pair.students for pair in similar_pairs(code, min_statements=2)] == [("a", "b")]


def test_a_fixed_threshold_replaces_the_class_baseline():
    code = class_code(the_class())
    assert [pair.students for pair in similar_pairs(code, threshold=0.6)] == [
        ("alice", "bob"), ("student3", "student7")]
    assert "fixed threshold 60%" in similar_pairs(code, threshold=0.6)[1].evidence


# --- identical wrong answers --------------------------------------------------------------------

# alice's conv2d_forward with its output size, loop and bias rewritten: alike, but not a copy.
CONV_PARTLY_ALIKE = CONV_ORIGINAL.replace(
    """    out_h = (xp.shape[2] - kh) // stride[0] + 1
    out_w = (xp.shape[3] - kw) // stride[1] + 1""",
    """    out_h, out_w = (xp.shape[2] - kh) // stride[0] + 1, (xp.shape[3] - kw) // stride[1] + 1""",
).replace(
    '''        top = i * stride[0]
        for j in range(out_w):
            left = j * stride[1]
            patch = xp[:, :, top:top + kh, left:left + kw]
            out[:, :, i, j] = np.einsum("nchw,fchw->nf", patch, w)''',
    '''        for j in range(out_w):
            window = xp[:, :, i * stride[0]:i * stride[0] + kh, j * stride[1]:j * stride[1] + kw]
            out[:, :, i, j] = np.tensordot(window, w, axes=([1, 2, 3], [1, 2, 3]))''',
).replace("out = out + as_float(b).reshape(1, -1, 1, 1)", "out += np.asarray(b, dtype=out.dtype)[:, None, None]")


def test_identical_wrong_answers_tip_a_borderline_pair_but_never_flag_alone():
    students = the_class()
    students["bob"] = notebook({"conv2d_forward": CONV_PARTLY_ALIKE, "corr2d": CORR_DOT_WINDOWS},
                               before={"conv2d_forward": [CONV_ORIGINAL_HELPER]})
    code = class_code(students)
    shared = {"alice": {"conv2d_forward": ["pattern-3f9a", "pattern-77c1", ""]},
              "bob": {"conv2d_forward": ["pattern-77c1", "pattern-3f9a", ""]},
              "student1": {"conv2d_forward": ["pattern-3f9a"], "corr2d": ["pattern-0d2e"]},
              "student2": {"conv2d_forward": ["pattern-3f9a"], "corr2d": ["pattern-0d2e"]}}

    assert similar_pairs(code) == []                            # alike, but below the line
    tipped = similar_pairs(code, shared)
    assert [(pair.question, pair.students) for pair in tipped] == [("conv2d_forward", ("alice", "bob"))]
    assert 0.8 <= tipped[0].similarity < 0.9
    assert "identical wrong answers on 2 different seeded inputs" in tipped[0].evidence
    assert "the same helper _pad_input" in tipped[0].evidence
    # student1 and student2 share wrong answers on both questions, but not their code
    assert similar_pairs(code, {name: shared[name] for name in ("student1", "student2")}) == []


# --- a class of 200 ------------------------------------------------------------------------------

# Each step of a solution in a few ways; a student takes one way per step and picks their names.
CONV_STEPS = [
    ["x = as_float(x)\nw = as_float(w)", "x, w = as_float(x), as_float(w)",
     "x = np.asarray(x, dtype=float)\nw = np.asarray(w, dtype=float)"],
    ["N, C, H, W = x.shape\nF, _, KH, KW = w.shape", "F, C, KH, KW = w.shape\nN = x.shape[0]",
     "N, C = x.shape[:2]\nF = w.shape[0]\nKH, KW = w.shape[2], w.shape[3]"],
    ["SH, SW = as_pair(stride, 'stride')", "SH, SW = (stride, stride) if isinstance(stride, int) else stride",
     "if isinstance(stride, int):\n    stride = (stride, stride)\nSH, SW = stride"],
    ["if padding == 'same':\n    PT, PL = (KH - 1) // 2, (KW - 1) // 2\n    PB, PR = KH - 1 - PT, KW - 1 - PL\n"
     "elif padding == 'valid':\n    PT = PB = PL = PR = 0\nelse:\n    PH, PW = as_pair(padding, 'padding')\n"
     "    PT, PB, PL, PR = PH, PH, PW, PW",
     "if isinstance(padding, str):\n    extra = (KH - 1, KW - 1) if padding == 'same' else (0, 0)\n"
     "    PT, PL = extra[0] // 2, extra[1] // 2\n    PB, PR = extra[0] - PT, extra[1] - PL\nelse:\n"
     "    PT = PB = padding if isinstance(padding, int) else padding[0]\n"
     "    PL = PR = padding if isinstance(padding, int) else padding[1]",
     "PT, PB, PL, PR = {'valid': (0, 0, 0, 0), 'same': ((KH - 1) // 2, KH // 2, (KW - 1) // 2, KW // 2)}"
     ".get(padding, (0, 0, 0, 0)) if isinstance(padding, str) else (*as_pair(padding),) * 2"],
    ["if padding == 'same' and (SH, SW) != (1, 1):\n    raise ValueError('same padding needs stride 1')",
     "assert padding != 'same' or SH == SW == 1", ""],
    ["XP = np.pad(x, ((0, 0), (0, 0), (PT, PB), (PL, PR)))",
     "XP = np.zeros((N, C, x.shape[2] + PT + PB, x.shape[3] + PL + PR))\n"
     "XP[:, :, PT:PT + x.shape[2], PL:PL + x.shape[3]] = x"],
    ["OH = (XP.shape[2] - KH) // SH + 1\nOW = (XP.shape[3] - KW) // SW + 1",
     "OH, OW = (XP.shape[2] - KH) // SH + 1, (XP.shape[3] - KW) // SW + 1",
     "OH = int(np.floor((XP.shape[2] - KH) / SH)) + 1\nOW = int(np.floor((XP.shape[3] - KW) / SW)) + 1"],
    ["OUT = np.zeros((N, F, OH, OW))\nfor i in range(OH):\n    for j in range(OW):\n"
     "        WIN = XP[:, :, i * SH:i * SH + KH, j * SW:j * SW + KW]\n"
     "        OUT[:, :, i, j] = np.tensordot(WIN, w, axes=([1, 2, 3], [1, 2, 3]))",
     "OUT = np.zeros((N, F, OH, OW))\nfor n in range(N):\n    for f in range(F):\n        for i in range(OH):\n"
     "            for j in range(OW):\n                OUT[n, f, i, j] = np.sum(XP[n, :, i * SH:i * SH + KH, "
     "j * SW:j * SW + KW] * w[f])",
     "WIN = np.lib.stride_tricks.sliding_window_view(XP, (KH, KW), axis=(2, 3))[:, :, ::SH, ::SW]\n"
     "OUT = np.einsum('ncijab,fcab->nfij', WIN, w)",
     "OUT = np.zeros((N, F, OH, OW))\nfor a in range(KH):\n    for e in range(KW):\n"
     "        PART = XP[:, :, a:a + SH * (OH - 1) + 1:SH, e:e + SW * (OW - 1) + 1:SW]\n"
     "        OUT += np.einsum('nchw,fc->nfhw', PART, w[:, :, a, e])",
     "COLS = np.stack([XP[:, :, i * SH:i * SH + KH, j * SW:j * SW + KW].reshape(N, -1) for i in range(OH) "
     "for j in range(OW)], axis=1)\nOUT = (COLS @ w.reshape(F, -1).T).transpose(0, 2, 1).reshape(N, F, OH, OW)"],
    ["if b is not None:\n    OUT += as_float(b)[None, :, None, None]",
     "if b is not None:\n    OUT = OUT + np.reshape(b, (1, -1, 1, 1))",
     "if b is not None:\n    for f in range(F):\n        OUT[:, f] += b[f]"],
    ["return OUT", "return OUT.astype(np.result_type(x, w))"],
]
CORR_STEPS = [
    ["x = as_float(x)\nk = as_float(k)", "x, k = as_float(x), as_float(k)", "x = np.array(x, dtype=float)\nk = np.array(k, dtype=float)"],
    ["H, W = x.shape\nKH, KW = k.shape", "(H, W), (KH, KW) = x.shape, k.shape"],
    ["if x.ndim != 2 or k.ndim != 2:\n    raise ValueError('x and k must be 2-D')", "", "assert x.ndim == k.ndim == 2"],
    ["OH, OW = H - KH + 1, W - KW + 1", "OH = H - KH + 1\nOW = W - KW + 1"],
    ["OUT = np.zeros((OH, OW))\nfor i in range(OH):\n    for j in range(OW):\n        OUT[i, j] = np.sum(x[i:i + KH, j:j + KW] * k)",
     "OUT = np.zeros((OH, OW))\nfor a in range(KH):\n    for e in range(KW):\n        OUT += k[a, e] * x[a:a + OH, e:e + OW]",
     "OUT = np.einsum('ijab,ab->ij', np.lib.stride_tricks.sliding_window_view(x, (KH, KW)), k)",
     "OUT = np.array([[np.vdot(x[i:i + KH, j:j + KW], k) for j in range(OW)] for i in range(OH)])"],
    ["return OUT", "return OUT.astype(np.result_type(x, k))"],
]
CONV1D_STEPS = [
    ["x = as_float(x)\nk = as_float(k)", "x, k = as_float(x), as_float(k)"],
    ["if mode not in ('full', 'same', 'valid'):\n    raise ValueError(f'unknown mode {mode!r}')", ""],
    ["N, M = len(x), len(k)", "N = x.shape[0]\nM = k.shape[0]"],
    ["FULL = np.zeros(N + M - 1)\nfor i in range(M):\n    FULL[i:i + N] += k[i] * x",
     "FULL = np.zeros(N + M - 1)\nfor n in range(N + M - 1):\n    for m in range(N):\n        if 0 <= n - m < M:\n"
     "            FULL[n] += x[m] * k[n - m]",
     "XP = np.pad(x, (M - 1, M - 1))\nFULL = np.array([np.dot(XP[n:n + M], k[::-1]) for n in range(N + M - 1)])"],
    ["if mode == 'full':\n    return FULL\nif mode == 'same':\n    S = (min(N, M) - 1) // 2\n    return FULL[S:S + max(N, M)]\n"
     "return FULL[min(N, M) - 1:max(N, M)]",
     "L, SH = max(N, M), min(N, M)\nif mode == 'same':\n    return FULL[(SH - 1) // 2:(SH - 1) // 2 + L]\n"
     "if mode == 'valid':\n    return FULL[SH - 1:L]\nreturn FULL"],
]
SIGNATURES = {"conv2d_forward": ("def conv2d_forward(x, w, b=None, stride=1, padding=0):", CONV_STEPS),
              "corr2d": ("def corr2d(x, k):", CORR_STEPS),
              "conv1d": ('def conv1d(x, k, mode="full"):', CONV1D_STEPS)}
RENAMABLE = ["OUT", "XP", "WIN", "PART", "COLS", "OH", "OW", "PT", "PB", "PL", "PR", "PH", "PW", "SH", "SW",
             "FULL", "KH", "KW", "N", "C", "F", "H", "W", "S", "L", "M"]


def generated_answer(question, rng):
    """One student's solution of `question`: a random way for every step, random names for the
    locals, now and then a comment or a blank line."""
    signature, steps = SIGNATURES[question]
    names = {name: f"{name.lower()}_{rng.randrange(10)}{rng.choice('abcdefgh')}" for name in RENAMABLE}
    lines = []
    for step in steps:
        code = rng.choice(step)
        for name, new in names.items():
            code = re.sub(rf"\b{name}\b", new, code)
        lines += [("    " + line) for line in code.splitlines()]
        if rng.random() < 0.3:
            lines.append(rng.choice(["", "    # next step", "    # TODO tidy up"]))
    return signature + "\n" + "\n".join(lines) + "\n"


def test_a_class_of_200_needs_few_exact_comparisons(monkeypatch, capsys):
    rng = random.Random(13)
    questions = {question: (question,) for question in SIGNATURES}
    notebooks = {f"s{number:03d}": notebook({question: generated_answer(question, rng) for question in questions})
                 for number in range(200)}
    started = time.perf_counter()
    code = class_code(notebooks, questions)
    normalised = time.perf_counter()

    exact = []
    token_similarity = similarity._token_similarity
    monkeypatch.setattr(similarity, "_token_similarity", lambda a, b: exact.append(1) or token_similarity(a, b))
    pairs = similar_pairs(code)
    finished = time.perf_counter()

    all_pairs = len(questions) * 200 * 199 // 2
    assert len(exact) < all_pairs / 50
    assert all(pair.similarity >= similarity.FLOOR_MANY for pair in pairs)
    # never more flags for a question than students: common code is the baseline, not evidence
    assert max(Counter(pair.question for pair in pairs).values(), default=0) <= 200
    with capsys.disabled():
        print(f"\n200 students x 3 questions: question_code {normalised - started:.2f} s, similar_pairs "
              f"{finished - normalised:.2f} s, {len(exact)} exact comparisons of {all_pairs} pairs, {len(pairs)} flagged")
