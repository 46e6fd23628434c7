"""The CNN assignment's autograder."""
import sys

# jsonschema (the assignment file's validator, and nbformat's) builds an IRI grammar at import time
# when rfc3987-syntax is installed (nbgrader's dependencies bring it): 4 to 11 s of CPU at every
# start, for a string format no schema here uses. Without the module jsonschema skips that format
# (jsonschema issue 1428). Set here, before any module of the package can import jsonschema.
sys.modules.setdefault("rfc3987_syntax", None)

from autograder.selfcheck import check  # noqa: E402

__version__ = "0.1.0"
__all__ = ["check", "__version__"]
