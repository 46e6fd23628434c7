"""The CNN assignment's autograder."""
from autograder.selfcheck import check

__version__ = "0.1.0"
__all__ = ["check", "__version__"]
