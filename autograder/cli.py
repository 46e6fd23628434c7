"""The `cnn-grade` command line."""
import argparse

from . import __version__


def build_parser():
    parser = argparse.ArgumentParser(prog="cnn-grade", description="Grade CNN assignment notebooks.")
    parser.add_argument("--version", action="version", version=f"cnn-grade {__version__}")
    return parser


def main(argv=None):
    build_parser().parse_args(argv)
    return 0
