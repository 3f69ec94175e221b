"""Retrain the default model: ``python train.py`` (the same as ``newsml train``; see ``--help``)."""
import sys

from newsml.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
