"""Every diagnosis id, once: the misconceptions and failures that the grader names, and what each
tells the student.

Ids are SPEC's (../shared/SPEC.md, "Misconception diagnoses") plus the ones the grader adds where
SPEC's list has no name for a wrong answer it can recognise (`ADDED`). Code names an id only
through its `Diagnosis` member; results.json, the gradebook and the reports hold the plain string,
which a `Diagnosis` is (a `StrEnum`).
"""
from enum import StrEnum


class Diagnosis(StrEnum):
    FLIPPED_KERNEL = "flipped-kernel"
    MISSING_BIAS = "missing-bias"
    BIAS_REPEATED = "bias-repeated"
    PADDING_ONE_SIDE = "padding-one-side"
    PADDING_IGNORED = "padding-ignored"
    SAME_CENTERING = "same-centering"
    STRIDE_IGNORED = "stride-ignored"
    CHANNELS_LAST = "channels-last"
    NO_CHANNEL_SUM = "no-channel-sum"
    KERNEL_TRANSPOSED = "kernel-transposed"
    INTEGER_OUTPUT = "integer-output"
    MODE_IGNORED = "mode-ignored"
    LONGER_KERNEL = "longer-kernel"
    MATRIX_TRANSPOSED = "matrix-transposed"
    MISSING_PLUS_ONE = "missing-plus-one"
    DB_NOT_SUMMED = "db-not-summed"
    PADDING_NOT_CROPPED = "padding-not-cropped"
    MAX_NOT_ROUTED = "max-not-routed"
    POOL_STRIDE_IGNORED = "pool-stride-ignored"
    POOL_MODE_SWAPPED = "pool-mode-swapped"
    L2_NO_SQRT = "l2-no-sqrt"
    L2_MEAN = "l2-mean"
    KEPT_DIMS = "kept-dims"
    CEIL_FLOOR = "ceil-floor"
    CEIL_LAST_WINDOW = "ceil-last-window"
    PADDING_ONCE = "padding-once"
    NO_FLOOR = "no-floor"
    DILATION_IGNORED = "dilation-ignored"
    DILATION_SPAN = "dilation-span"
    MISSING_BIAS_PARAMS = "missing-bias-params"
    MISSING_IN_CHANNELS = "missing-in-channels"
    MISSING_OUT_CHANNELS = "missing-out-channels"
    SIDE_FOR_AREA = "side-for-area"
    BATCHNORM_RUNNING_STATS = "batchnorm-running-stats"
    RF_STRIDE_IGNORED = "rf-stride-ignored"
    RF_OWN_STRIDE = "rf-own-stride"
    RF_KERNEL_SUM = "rf-kernel-sum"
    # The bugs real students' code shows most.
    ZERO_PADDING_CROP = "zero-padding-crop"
    OVERLAP_ASSIGN = "overlap-assign"
    HEIGHT_WIDTH_SWAP = "height-width-swap"
    HARD_CODED_SIZE = "hard-coded-size"
    ROUND_NOT_FLOOR = "round-not-floor"
    DIVISIBILITY_ASSUMED = "divisibility-assumed"
    WINDOW_PAST_EDGE = "window-past-edge"
    ALL_ZEROS = "all-zeros"
    NO_VALUE_ERROR = "no-value-error"
    REMOVED_API = "removed-api"
    MUTATES_INPUT = "mutates-input"
    FORBIDDEN_API = "forbidden-api"
    TIMEOUT = "timeout"
    NOT_IMPLEMENTED = "not-implemented"
    EXCEPTION = "exception"
    WRONG_TYPE = "wrong-type"
    WRONG_SHAPE = "wrong-shape"
    NAN_OUTPUT = "nan-output"
    DOUBLE_SOFTMAX = "double-softmax"
    IGNORES_DEVICE = "ignores-device"
    TOO_SLOW = "too-slow"
    OVER_BUDGET = "over-budget"    # A fault of the grader or of a hidden test, never the student's: a TA must look.
    GRADER_ERROR = "grader-error"


# Ids the grader adds to SPEC's list (each is in the README's table of added diagnoses).
ADDED = frozenset({
    Diagnosis.BIAS_REPEATED, Diagnosis.PADDING_IGNORED, Diagnosis.MODE_IGNORED, Diagnosis.LONGER_KERNEL,
    Diagnosis.MATRIX_TRANSPOSED, Diagnosis.PADDING_NOT_CROPPED, Diagnosis.MAX_NOT_ROUTED, Diagnosis.L2_MEAN,
    Diagnosis.KEPT_DIMS, Diagnosis.CEIL_LAST_WINDOW, Diagnosis.DILATION_SPAN, Diagnosis.MISSING_OUT_CHANNELS,
    Diagnosis.SIDE_FOR_AREA, Diagnosis.BATCHNORM_RUNNING_STATS, Diagnosis.RF_OWN_STRIDE, Diagnosis.RF_KERNEL_SUM,
    Diagnosis.NOT_IMPLEMENTED, Diagnosis.TOO_SLOW, Diagnosis.OVER_BUDGET, Diagnosis.GRADER_ERROR,
})
# SPEC's ids that nothing produces, and why.
NOT_PRODUCED = {
    "no-eval-mode": "the grader puts the model in eval mode itself, through nn.Module.train(model, False)",
}

EXPLANATIONS = {

    # Convolution
    Diagnosis.FLIPPED_KERNEL: "The kernel is flipped the wrong way round. CNN layers (corr2d, conv2d_forward, "
                      "conv_matrix and their gradients) use cross-correlation, which slides the kernel as "
                      "it is; a true convolution (conv1d, convolve2d) flips it in every axis first.",
    Diagnosis.MISSING_BIAS: "The bias is missing: add b[f] once to every output pixel of filter f (and return its "
                    "gradient db when b is given).",
    Diagnosis.BIAS_REPEATED: "The bias was added more than once: add b[f] once per output pixel, after summing over "
                     "all input channels, not inside the loop over channels.",
    Diagnosis.PADDING_ONE_SIDE: "The zero padding went on one side only: padding p adds p rows on the top and the "
                        "bottom and p columns on the left and the right.",
    Diagnosis.PADDING_IGNORED: "The padding argument was ignored: pad the input with zeros on every side before "
                       "sliding the kernel.",
    Diagnosis.SAME_CENTERING: "The padding of 'same' is split the wrong way. 'same' pads k - 1 zeros in total: "
                      "(k - 1) // 2 before and the rest after (for an even kernel the extra one goes to the "
                      "end: bottom or right), and the output keeps the input's length.",
    Diagnosis.STRIDE_IGNORED: "The stride was not applied: output pixel (i, j) reads the window that starts at "
                      "(i * stride, j * stride), and there are floor((n + 2p - k) / stride) + 1 of them.",
    Diagnosis.CHANNELS_LAST: "The axes were read as channels-last (N, H, W, C). Arrays here are NCHW: x is "
                     "(N, C, H, W) and results keep the channel axis second.",
    Diagnosis.NO_CHANNEL_SUM: "Only part of the input channels count: each output pixel sums the products over all "
                      "input channels (accumulate with +=, do not overwrite inside the channel loop).",
    Diagnosis.KERNEL_TRANSPOSED: "The kernel's rows and columns are swapped: w[f, c, i, j] multiplies the input "
                         "pixel i rows down and j columns right of the window's corner.",
    Diagnosis.INTEGER_OUTPUT: "Your result was stored in an integer array (for example np.zeros_like(x) with an "
                      "integer x), which truncates the values. Allocate float results, e.g. with "
                      "dtype=float.",
    Diagnosis.MODE_IGNORED: "The mode argument was ignored: 'full', 'same' and 'valid' return different parts of "
                    "the convolution, of different lengths.",
    Diagnosis.LONGER_KERNEL: "The result is wrong when the kernel is larger than the input. Convolution commutes, "
                     "so the two swap roles: NumPy's 'same' keeps the longer length, and 'valid' slides the "
                     "smaller array over the larger one.",
    Diagnosis.MATRIX_TRANSPOSED: "Your matrix is the transpose of the one asked for: it needs one row per output "
                         "pixel and one column per input pixel, so that C @ x.ravel() gives the output.",
    Diagnosis.MISSING_PLUS_ONE: "One too few: a window of size k fits floor((n + 2p - k) / s) + 1 times in n "
                        "(the + 1 counts the first position).",
    # Backward passes
    Diagnosis.DB_NOT_SUMMED: "db has one entry per filter: sum dout over the batch and over both spatial axes.",
    Diagnosis.PADDING_NOT_CROPPED: "dx still includes the zero padding: cut the padded border off so that dx has "
                           "x's shape.",
    Diagnosis.MAX_NOT_ROUTED: "The gradient went to every position of the window: in max pooling only the "
                      "position that held the maximum receives the window's dout.",
    # Pooling
    Diagnosis.POOL_STRIDE_IGNORED: "The pooling stride is wrong: when no stride is given it equals the window size, "
                           "and window (i, j) starts at (i * stride, j * stride).",
    Diagnosis.POOL_MODE_SWAPPED: "The pooling computes another reduction than the one asked: 'max' takes the "
                         "largest value, 'avg' the mean, 'sum' the total and 'l2' the square root of the sum "
                         "of squares (and max pooling's gradient goes to the maximum only).",
    Diagnosis.L2_NO_SQRT: "L2 pooling takes the square root of the sum of squares; the square root is missing.",
    Diagnosis.L2_MEAN: "L2 pooling takes the square root of the sum of the squares, not of their mean.",
    Diagnosis.KEPT_DIMS: "The pooled axes were kept: global average pooling returns (N, C), without the 1 x 1 "
                 "spatial axes.",
    # Sizes and counts
    Diagnosis.CEIL_FLOOR: "The rounding is the wrong way: sizes round down (floor) unless ceil_mode asks for "
                  "rounding up.",
    Diagnosis.CEIL_LAST_WINDOW: "In ceil mode, torch drops a last window that would start beyond the input (in the "
                        "right padding).",
    Diagnosis.PADDING_ONCE: "The padding was counted once: it is added on both sides, so it adds 2p to n.",
    Diagnosis.NO_FLOOR: "The size is not an exact integer division: round down with // (floor) and return an int.",
    Diagnosis.DILATION_IGNORED: "The dilation was ignored: a kernel of size k with dilation d spans d * (k - 1) + 1 "
                        "input pixels.",
    Diagnosis.DILATION_SPAN: "A dilated kernel spans d * (k - 1) + 1 input pixels, not d * k: the gaps lie only "
                     "between the kernel's taps.",
    Diagnosis.MISSING_BIAS_PARAMS: "The biases are missing from the count: a layer with bias has one trainable bias "
                           "per output channel or unit.",
    Diagnosis.MISSING_IN_CHANNELS: "The input channels are missing: each filter has a k x k kernel for every input "
                           "channel.",
    Diagnosis.MISSING_OUT_CHANNELS: "The output channels are missing: every filter (output channel) does its own "
                            "multiplications.",
    Diagnosis.SIDE_FOR_AREA: "A side length was used where an area belongs: a k x k kernel has k * k weights and an "
                     "n x n output has n * n pixels.",
    Diagnosis.BATCHNORM_RUNNING_STATS: "Batch normalisation has 2 trainable parameters per channel (scale and "
                               "shift); its running mean and variance are buffers, not parameters.",
    Diagnosis.RF_STRIDE_IGNORED: "The strides are missing: each layer widens the receptive field by (k - 1) times "
                         "the product of the strides of the layers before it.",
    Diagnosis.RF_OWN_STRIDE: "A layer's own stride was counted: its (k - 1) is multiplied by the product of the "
                     "strides of the layers before it only.",
    Diagnosis.RF_KERNEL_SUM: "The receptive field is not the sum of the kernel sizes: it starts at 1 and each layer "
                     "adds (k - 1) times the product of the strides before it.",
    # The bugs real students' code shows most
    Diagnosis.ZERO_PADDING_CROP: "The padding is cut off with a slice like x[:, :, p:-p, p:-p], which is empty "
                                 "when p is 0 (-0 is 0), or a branch that only runs when p > 0. Crop with "
                                 "x[:, :, p:p + H, p:p + W] (or x[..., p:H_padded - p, ...]) so that padding 0 "
                                 "works too.",
    Diagnosis.OVERLAP_ASSIGN: "Where pooling windows overlap, a pixel can be the maximum of several windows, "
                              "and it must receive the sum of their gradients: accumulate with += instead of "
                              "assigning with =.",
    Diagnosis.HEIGHT_WIDTH_SWAP: "A height is used where a width belongs, or the reverse (an output width from "
                                 "the kernel's height, reshape(..., out_h, out_h), an index unravelled with the "
                                 "height twice): the result is right for square shapes only. Keep H, KH, OH and "
                                 "W, KW, OW apart.",
    Diagnosis.HARD_CODED_SIZE: "A size is fixed in the code (a crop like [1:-1], a padding of 1, a 3 x 3 kernel, "
                               "reshape(3, 3)): compute every size from the arguments' shapes.",
    Diagnosis.ROUND_NOT_FLOOR: "The output size is rounded to the nearest integer: it rounds down, "
                               "(n + 2p - k) // s + 1, because a window that does not fit is not counted.",
    Diagnosis.DIVISIBILITY_ASSUMED: "Your code assumes the stride divides the padded input size (an assert, or "
                                    "a size computed with /): when it does not, the last pixels that no whole "
                                    "window reaches are simply left out, floor((n + 2p - k) / s) + 1 windows.",
    Diagnosis.WINDOW_PAST_EDGE: "Windows are taken past the last full one (a loop such as range(0, H, stride)): "
                                "window starts run from 0 to n + 2p - k, in steps of the stride.",
    Diagnosis.ALL_ZEROS: "The result is all zeros: it was allocated with np.zeros and never filled (a loop that "
                         "does not run, or writes into a copy instead of the result).",
    Diagnosis.NO_VALUE_ERROR: "Invalid arguments must raise ValueError (a stride of 0, a kernel larger than the "
                              "padded input, a negative size) instead of returning a number.",
    Diagnosis.REMOVED_API: "Your code uses a NumPy name that NumPy 2 removed (such as np.lib.pad, np.float, np.int, "
                           "np.product): use np.pad, float, int, np.prod.",
    # Found by the grader itself, not by a variant
    Diagnosis.MUTATES_INPUT: "Your function changed an input array. Work on a copy (x = x.copy() or np.pad, which "
                     "makes a new array) and leave the caller's arrays unchanged.",
    # FORBIDDEN_API is explained by forbidden_sentence(), which names the assignment's own list.
    Diagnosis.TIMEOUT: "Your function took too long. Vectorise the inner loops with NumPy (a sliding-window view and "
               "one matrix product) instead of looping over every pixel in Python.",
    Diagnosis.NOT_IMPLEMENTED: "This function still raises NotImplementedError: replace that line with your "
                       "implementation.",
    Diagnosis.EXCEPTION: "Your function raised an error on these inputs. Check the shapes and dtypes it is given "
                 "(non-square inputs and kernels, several channels, strides and padding).",
    Diagnosis.WRONG_TYPE: "Your function returned the wrong type: arrays must be float NumPy arrays, and sizes and "
                  "counts Python ints.",
    Diagnosis.WRONG_SHAPE: "The result has the wrong shape: check the output size formula and the order of the axes "
                   "(NCHW).",
    Diagnosis.NAN_OUTPUT: "The result contains NaN or infinite values: look for divisions by zero, uninitialised "
                  "arrays (np.empty) or overflow.",
    Diagnosis.DOUBLE_SOFTMAX: "Softmax was applied twice: nn.CrossEntropyLoss applies log-softmax itself, so the "
                      "model must return raw logits.",
    Diagnosis.IGNORES_DEVICE: "The device argument was ignored: move the model and each batch to `device` "
                      "(model.to(device), x.to(device)).",
    Diagnosis.TOO_SLOW: "The code is correct but too slow: replace Python loops over pixels or samples with "
                "whole-array NumPy (or torch) operations.",
    Diagnosis.OVER_BUDGET: "The model is larger than the question allows: fewer filters, fewer layers, or global "
                   "average pooling before the classifier keep it small and still accurate.",    Diagnosis.GRADER_ERROR: "The grader could not run this test; a TA has been told.",
}


def explain(diagnosis):
    """Advice for the student on a diagnosis id; "" for an unknown one."""
    return EXPLANATIONS.get(diagnosis, "")


def forbidden_sentence(apis):
    """The forbidden-API explanation, naming the assignment's own list of forbidden APIs."""
    names = list(apis)
    listed = ", ".join(names[:-1]) + f" or {names[-1]}" if len(names) > 1 else "".join(names)
    return (f"Your code calls a library function that does this question's work ({listed}). "
            "Write it yourself with NumPy.")
