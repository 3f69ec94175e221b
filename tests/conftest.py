"""Shared fixtures. The whole suite runs offline: NLTK_DATA points at an empty folder and
``nltk.download`` raises, so any code path that needs NLTK data fails loudly here first.

Command-line behaviour is tested in-process through ``cli.main(argv)`` (the ``cli`` fixture); a few
tests run the real entry point in a subprocess (``run_cli``) for what only a process shows: the
installed command, exit codes, signals."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "seeds" / "headlines.csv"
FRONT_PAGE = ROOT / "seeds" / "front_page.txt"

_EMPTY_NLTK = tempfile.mkdtemp(prefix="empty-nltk-")
os.environ["NLTK_DATA"] = _EMPTY_NLTK


@pytest.fixture(autouse=True)
def _no_nltk_downloads(monkeypatch):
    import nltk

    def refuse(*args, **kwargs):
        raise AssertionError("nltk.download must never be called")

    monkeypatch.setattr(nltk, "download", refuse)
    monkeypatch.setenv("NLTK_DATA", _EMPTY_NLTK)


def seed_headlines() -> list[str]:
    """The 16 headlines after the lead article (the held-out smoke test)."""
    text = FRONT_PAGE.read_text(encoding="utf-8")
    article, _, rest = text.partition("\n\n\n")
    return [line.strip() for line in rest.splitlines() if line.strip()]


@pytest.fixture(scope="session")
def small_corpus(tmp_path_factory) -> Path:
    """About 4,000 corpus rows, evenly spread: enough for every label, quick to train on (a fixed size, so
    that the suite does not slow down as the corpus grows)."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("data") / "small.csv"
    path.write_text(lines[0] + "".join(lines[1::max(5, len(lines) // 4000)]), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def tiny_corpus(tmp_path_factory) -> Path:
    """About 1,500 corpus rows: for tests of reproducibility, where quality does not matter."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("data") / "tiny.csv"
    path.write_text(lines[0] + "".join(lines[1::max(15, len(lines) // 1500)]), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_model_path(small_corpus, tmp_path_factory) -> Path:
    """A model trained on ``small_corpus`` without cross-validation, for tests of the machinery."""
    from newsml.training import train

    out = tmp_path_factory.mktemp("model") / "small"
    train([small_corpus], out, seed=0, folds=0, show_progress=False)
    return out


@pytest.fixture(scope="session")
def small_model(small_model_path):
    import newsml
    return newsml.load_model(small_model_path)


@dataclass
class Result:
    """What a command run gave: exit code and the bytes it wrote."""

    returncode: int
    stdout: bytes
    stderr: bytes


@pytest.fixture
def cli(monkeypatch, capsysbinary):
    """``newsml ARGS`` run in this process through ``cli.main``: the behaviour without the start-up cost."""
    from newsml.cli import main

    def run(*args: str, stdin: bytes | None = None) -> Result:
        capsysbinary.readouterr()
        monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin or b""), encoding="utf-8"))
        try:
            code = main([str(a) for a in args])
        except SystemExit as exc:  # argparse's usage errors
            code = exc.code if isinstance(exc.code, int) else 2
        out, err = capsysbinary.readouterr()
        return Result(code, out, err)

    return run


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``newsml ARGS`` in a fresh interpreter, as a user would run it."""
    env = {**os.environ, "NLTK_DATA": _EMPTY_NLTK, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "newsml.cli", *map(str, args)], input=stdin,
                          capture_output=True, cwd=cwd, env=env, timeout=600)
