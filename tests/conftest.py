"""Shared fixtures. The whole suite runs offline: NLTK_DATA points at an empty folder and
``nltk.download`` raises, so any code path that needs NLTK data fails loudly here first."""
from __future__ import annotations

import os
import subprocess
import sys
import tempfile
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
    """Every third corpus row: enough for every label, quick to train on."""
    lines = CORPUS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path_factory.mktemp("data") / "small.csv"
    path.write_text(lines[0] + "".join(lines[1::3]), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def small_model_path(small_corpus, tmp_path_factory) -> Path:
    """A model trained on ``small_corpus`` without cross-validation, for tests of the machinery."""
    from newsml.training import train

    out = tmp_path_factory.mktemp("model") / "small.joblib"
    train([small_corpus], out, seed=0, folds=0, show_progress=False)
    return out


@pytest.fixture(scope="session")
def small_model(small_model_path):
    import newsml
    return newsml.load_model(small_model_path)


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """``newsml ARGS`` in a fresh interpreter, as a user would run it."""
    env = {**os.environ, "NLTK_DATA": _EMPTY_NLTK, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "newsml.cli", *args], input=stdin, capture_output=True,
                          cwd=cwd, env=env, timeout=600)
