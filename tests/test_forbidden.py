"""The static forbidden-API check: aliases, helpers across cells, and what it must not flag."""
import ast
import textwrap

import pytest

from autograder.grading import forbidden
from autograder.grading.forbidden import forbidden_uses

FORBIDDEN = ["numpy.convolve", "numpy.correlate", "scipy.signal", "scipy.ndimage", "torch", "cnn_ref"]


def uses(*cells, functions=None, forbidden=FORBIDDEN):
    return forbidden_uses([textwrap.dedent(cell) for cell in cells],
                          {"corr2d": ("corr2d",)} if functions is None else functions, forbidden)


# --- each way of naming a forbidden API is caught ---------------------------------------------

ALIASES = [
    ("import numpy as np", "np.convolve(x, k)", "numpy.convolve"),
    ("import numpy", "numpy.correlate(x, k)", "numpy.correlate"),
    ("from numpy import convolve", "convolve(x, k)", "numpy.convolve"),
    ("from numpy import convolve as cv", "cv(x, k)", "numpy.convolve"),
    ("import scipy.signal as ss", "ss.correlate2d(x, k)", "scipy.signal"),
    ("from scipy import signal", "signal.correlate2d(x, k)", "scipy.signal"),
    ("import scipy.signal", "scipy.signal.correlate2d(x, k)", "scipy.signal"),
    ("import scipy", "scipy.ndimage.convolve(x, k)", "scipy.ndimage"),
    ("from scipy.signal import correlate2d as c2", "c2(x, k)", "scipy.signal"),
    ("from scipy.ndimage import correlate", "correlate(x, k)", "scipy.ndimage"),
    ("import torch", "torch.tensor(x)", "torch"),
    ("import torch.nn.functional as F", "F.conv2d(x, k)", "torch"),
    ("from torch.nn import functional", "functional.conv2d(x, k)", "torch"),
    ("import cnn_ref.layers as layers", "layers.corr2d(x, k)", "cnn_ref"),
    ("from cnn_ref import layers", "layers.corr2d(x, k)", "cnn_ref"),
    ("import numpy as np\nconv = np.convolve", "conv(x, k)", "numpy.convolve"),
    ("import scipy\nsig = scipy.signal", "sig.correlate2d(x, k)", "scipy.signal"),
    ("import scipy.signal as ss\nc2: object = ss.correlate2d", "c2(x, k)", "scipy.signal"),
    ("import numpy as np", 'getattr(np, "convolve")(x, k)', "numpy.convolve"),
    ("", '__import__("torch").tensor(x)', "torch"),
    ("", '__import__("scipy.signal").signal.correlate2d(x, k)', "scipy.signal"),
    ("", '__import__("scipy.signal", fromlist=["correlate2d"]).correlate2d(x, k)', "scipy.signal"),
    ("import importlib", 'importlib.import_module("scipy.signal").correlate2d(x, k)', "scipy.signal"),
    ("from importlib import import_module", 'import_module("torch").tensor(x)', "torch"),
    ("import importlib\nss = importlib.import_module('scipy.signal')", "ss.correlate2d(x, k)",
     "scipy.signal"),
    ("try:\n    from scipy.signal import correlate2d\nexcept ImportError:\n    pass",
     "correlate2d(x, k)", "scipy.signal"),
]


@pytest.mark.parametrize("setup, expression, api", ALIASES, ids=[a[1] for a in ALIASES])
def test_each_alias_form_is_caught(setup, expression, api):
    assert uses(setup, f"def corr2d(x, k):\n    return {expression}\n") == {"corr2d": [api]}


@pytest.mark.parametrize("body, api", [
    ("import scipy.signal as ss\n    return ss.correlate2d(x, k)", "scipy.signal"),
    ("from numpy import convolve\n    return convolve(x, k)", "numpy.convolve"),
    ("import torch.nn.functional as F\n    return F.conv2d(x, k)", "torch"),
    ("import importlib\n    F = importlib.import_module('torch.nn.functional')\n    return F.conv2d(x, k)",
     "torch"),
])
def test_imports_inside_the_function_are_caught(body, api):
    assert uses(f"def corr2d(x, k):\n    {body}\n") == {"corr2d": [api]}


def test_a_bare_name_bound_to_a_forbidden_api_is_caught():
    cells = ["import numpy as np\nconv = np.convolve", "def corr2d(x, k):\n    f = conv\n    return f(x, k)"]
    assert uses(*cells) == {"corr2d": ["numpy.convolve"]}


def test_a_function_that_is_itself_a_forbidden_api_or_a_lambda_is_caught():
    assert uses("import scipy.signal\ncorr2d = scipy.signal.correlate2d") == {"corr2d": ["scipy.signal"]}
    assert uses("from scipy import signal\ncorr2d = lambda x, k: signal.correlate2d(x, k)") == {
        "corr2d": ["scipy.signal"]}


def test_several_apis_are_listed_sorted():
    cell = """
        import torch, numpy as np
        from scipy import signal
        def corr2d(x, k):
            return torch.tensor(signal.correlate2d(np.convolve(x, k), k))
    """
    assert uses(cell) == {"corr2d": ["numpy.convolve", "scipy.signal", "torch"]}


# --- helpers, across cells, last definition winning ------------------------------------------------

def test_a_helper_defined_in_a_later_cell_is_followed():
    cells = ["def corr2d(x, k):\n    return helper(x, k)", "import numpy as np",
             "def helper(x, k):\n    return np.correlate(x, k)"]
    assert uses(*cells) == {"corr2d": ["numpy.correlate"]}


def test_helpers_are_followed_transitively_through_cycles_classes_and_globals():
    cells = ["""
        import torch
        TABLE = {"conv": torch.conv2d}
        def corr2d(x, k):
            return ping(x, k, 3)
        def ping(x, k, n):
            return pong(x, k, n - 1) if n else Layer().run(x, k)
        def pong(x, k, n):
            return ping(x, k, n)
        class Layer:
            def run(self, x, k):
                return TABLE["conv"](x, k)
    """]
    assert uses(*cells) == {"corr2d": ["torch"]}


def test_the_last_definition_of_a_helper_wins():
    forbidden_then_clean = ["import numpy as np", "def helper(x, k):\n    return np.convolve(x, k)",
                            "def corr2d(x, k):\n    return helper(x, k)",
                            "def helper(x, k):\n    return np.einsum('i,i->', x, k)"]
    assert uses(*forbidden_then_clean) == {}
    clean_then_forbidden = [forbidden_then_clean[0], *reversed(forbidden_then_clean[1:])]
    assert uses(*clean_then_forbidden) == {"corr2d": ["numpy.convolve"]}


def test_a_function_rebound_to_an_alias_and_back_is_judged_by_its_last_binding():
    cells = ["from scipy.signal import correlate2d as corr2d", "def corr2d(x, k):\n    return x * k"]
    assert uses(*cells) == {}
    assert uses(*reversed(cells)) == {"corr2d": ["scipy.signal"]}


# --- what is not flagged -------------------------------------------------------------------------------

def test_module_level_comparison_code_counts_against_no_question():
    cells = ["import numpy as np\nfrom scipy import signal",
             "def corr2d(x, k):\n    return x * k",
             "a, b = np.ones(3), np.ones(2)\nprint(np.convolve(a, b))\nexpected = signal.correlate2d(a, b)",
             "for mode in ['full', 'valid']:\n    print(np.correlate(a, b, mode))"]
    assert uses(*cells) == {}


def test_allowed_numpy_functions_are_not_flagged():
    cell = """
        import numpy as np
        from numpy.lib.stride_tricks import sliding_window_view
        def corr2d(x, k):
            spectrum = np.fft.fft(x) * np.fft.fft(k)
            windows = np.lib.stride_tricks.sliding_window_view(x, k.shape)
            return np.einsum('ijkl,kl->ij', sliding_window_view(x, k.shape), k), spectrum, windows
    """
    assert uses(cell) == {}


def test_torch_used_only_by_the_model_does_not_flag_corr2d():
    cells = ["import torch\nimport numpy as np",
             "def corr2d(x, k):\n    return np.einsum('ij,ij->', x, k)",
             "def build_model(shape, classes):\n    return torch.nn.Sequential(torch.nn.Flatten())"]
    functions = {"corr2d": ("corr2d",), "cnn_model": ("build_model",)}
    assert uses(*cells, functions=functions) == {"cnn_model": ["torch"]}


def test_a_cell_with_a_syntax_error_is_skipped():
    cells = ["import numpy as np", "def corr2d(x, k:\n    return np.convolve(x, k)", "x = 'null\0byte'",
             "def helper(x):\n    return np.correlate(x, x)", "def corr2d(x, k):\n    return helper(x)"]
    assert uses(*cells) == {"corr2d": ["numpy.correlate"]}
    assert uses("def corr2d(:") == {}


@pytest.mark.parametrize("body", [
    "def corr2d(x, F):\n    return F(x)",
    "def corr2d(x, k):\n    signal = x * k\n    return signal.sum()",
    "def corr2d(x, k):\n    conv = lambda a, b: a @ b\n    return conv(x, k)",
    "def corr2d(x, k):\n    for signal in x:\n        print(signal.correlate2d)\n"
    "    return [torch for torch in k]",
    "def corr2d(x, k):\n    def signal(a):\n        return a\n    return signal(x)",
])
def test_a_local_name_like_a_forbidden_alias_is_not_flagged(body):
    setup = ("import torch\nimport torch.nn.functional as F\nfrom scipy import signal\n"
             "import numpy as np\nconv = np.convolve")
    assert uses(setup, body) == {}


def test_a_name_declared_global_is_the_global():
    cells = ["import numpy as np\nconv = np.convolve",
             "def corr2d(x, k):\n    global conv\n    conv = conv\n    return conv(x, k)"]
    assert uses(*cells) == {"corr2d": ["numpy.convolve"]}


def test_magics_and_undefined_functions():
    cells = ["get_ipython().run_line_magic('matplotlib', 'inline')\nimport torch",
             "def corr2d(x, k):\n    return x"]
    assert uses(*cells, functions={"corr2d": ("corr2d",), "maxpool2d": ("maxpool2d",)}) == {}


def test_empty_inputs():
    assert forbidden_uses([], {}, []) == {}
    assert forbidden_uses([], {"corr2d": "corr2d"}, FORBIDDEN) == {}
    assert forbidden_uses(["", "   \n"], {"corr2d": "corr2d"}, FORBIDDEN) == {}
    cell = "import torch\ndef corr2d(x, k):\n    return torch.tensor(x)"
    assert forbidden_uses([cell], {}, FORBIDDEN) == {}
    assert forbidden_uses([cell], {"corr2d": "corr2d"}, []) == {}


def test_a_long_attribute_chain_is_resolved_in_linear_time(monkeypatch):
    chain = "torch" + ".T" * 2_000  # about the longest the parser accepts
    walked = []  # the attribute links each resolve() call walks down
    resolve = forbidden.resolve
    monkeypatch.setattr(forbidden, "resolve", lambda node, *rest: walked.append(_links(node)) or resolve(node, *rest))
    assert uses(f"import torch\ndef corr2d(x, k):\n    return {chain}") == {"corr2d": ["torch"]}
    # Counted, not timed: resolving each of the 2,000 prefixes again walked 2,000,000 links.
    assert sum(walked) < 3 * 2_000


def _links(node):
    links = 0
    while isinstance(node, ast.Attribute):
        links, node = links + 1, node.value
    return links
