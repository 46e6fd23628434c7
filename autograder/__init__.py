"""The CNN assignment's autograder."""
__version__ = "0.1.0"
