"""The CNN assignment's autograder."""
__version__ = "0.1.0"

# The student's self-check, `from autograder import check; check("corr2d")`. Light to import:
# numpy, torch and pytest load only when a check runs. (This name is the function; the module is
# `sys.modules["autograder.selfcheck.checks"]`, reached with `from autograder.selfcheck.checks import ...`.)
from autograder.selfcheck.checks import check  # noqa: E402

__all__ = ["check", "__version__"]
