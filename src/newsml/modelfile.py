"""Model files: a joblib pickle plus its JSON model card, written atomically and checked on load.

The card records the sha256 of the model file, so a corrupt, truncated or swapped file is caught
before it is unpickled, and the model format, so a model from an incompatible newsml is refused with a
clear message instead of failing obscurely; the *default* model rebuilds itself from the bundled corpus
into a user cache in that case. A model holds numpy arrays and newsml's own plain objects, no
scikit-learn estimators, so another scikit-learn version only earns a note. Model files are pickles:
load only ones you trust.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Callable

import joblib

if TYPE_CHECKING:
    from .model import NewsModel

FORMAT = 2
"""Bumped whenever the pickled objects change shape; a model of another format is refused."""
_SOURCE_TREE = Path(__file__).resolve().parents[2]


class ModelError(RuntimeError):
    """A model file that cannot be used; ``str()`` says which file and what to do."""


def card_path(model_path: str | Path) -> Path:
    return Path(model_path).with_suffix(".json")


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file next to ``path``, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def save_model(model: NewsModel, path: str | Path) -> None:
    """Write ``model`` to ``path`` and its card (with the file's sha256) to ``path`` with ``.json``."""
    path = Path(path)
    payload = {"format": FORMAT, "model": model}
    _write_atomically(path, lambda tmp: joblib.dump(payload, tmp, compress=3))
    model.card["format"] = FORMAT
    model.card["model_sha256"] = file_sha256(path)
    text = json.dumps(model.card, indent=2, ensure_ascii=False) + "\n"
    _write_atomically(card_path(path), lambda tmp: tmp.write_text(text, encoding="utf-8"))


def read_card(path: str | Path) -> dict:
    card = card_path(path)
    try:
        return json.loads(card.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{path}: no model card {card.name} next to it; newsml writes both with "
                         f"'newsml train'") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"{card}: unreadable model card ({exc})") from None


class VersionMismatch(ModelError):
    """The model was made by a newsml whose model format differs from this one's."""


def load_model_file(path: str | Path) -> NewsModel:
    """Load a model written by :func:`save_model`, after checking its card; raise ModelError if unusable."""
    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    card = read_card(path)
    if card.get("format") != FORMAT:
        made_by = card.get("versions", {}).get("newsml", "an unknown version")
        raise VersionMismatch(f"{path}: model format {card.get('format')} (newsml {made_by}); this newsml "
                              f"reads format {FORMAT}; retrain it with 'newsml train'")
    if file_sha256(path) != card.get("model_sha256"):
        raise ModelError(f"{path}: sha256 does not match its model card; the file is corrupt, truncated "
                         f"or not the one the card describes")
    try:
        payload = joblib.load(path)
    except Exception as exc:  # a pickle can fail in many ways; all mean the same to the user
        raise ModelError(f"{path}: cannot load model ({type(exc).__name__}: {exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelError(f"{path}: not a newsml model file (format {FORMAT})")
    _note_other_sklearn(path, card)
    model = payload["model"]
    model.card = card
    return model


def _note_other_sklearn(path: Path, card: dict) -> None:
    """Say so when the model was trained with another scikit-learn (harmless: none of it is pickled)."""
    from importlib.metadata import PackageNotFoundError, version

    made_with = card.get("versions", {}).get("scikit_learn")
    try:
        installed = version("scikit-learn")
    except PackageNotFoundError:
        installed = None
    if made_with and installed and made_with != installed:
        print(f"newsml: note: {path.name} was trained with scikit-learn {made_with}, this is {installed}; "
              f"it loads anyway (model files hold no scikit-learn objects); retrain to pick up changes",
              file=sys.stderr)


def bundled_file(name: str) -> Path:
    """A file shipped with newsml: from the source tree when running from a checkout, else the package."""
    source = {"newsml.joblib": "models", "newsml.json": "models", "headlines.csv": "seeds"}[name]
    checkout = _SOURCE_TREE / source / name
    if (_SOURCE_TREE / "pyproject.toml").is_file() and checkout.is_file():
        return checkout
    return Path(str(resources.files("newsml") / "_bundled" / name))


def cache_dir() -> Path:
    """Where rebuilt default models live: $NEWSML_CACHE, else the XDG cache folder."""
    if os.environ.get("NEWSML_CACHE"):
        return Path(os.environ["NEWSML_CACHE"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "newsml"


def load_default_model() -> NewsModel:
    """The shipped model; rebuilt from the bundled corpus when this newsml cannot read it."""
    try:
        return load_model_file(bundled_file("newsml.joblib"))
    except VersionMismatch as exc:
        from . import __version__
        rebuilt = cache_dir() / f"newsml-{__version__}-format{FORMAT}.joblib"
        if rebuilt.is_file():
            try:
                return load_model_file(rebuilt)
            except ModelError:
                pass
        print(f"newsml: {exc}\nnewsml: rebuilding the default model from the bundled corpus into "
              f"{rebuilt} (once; this takes a minute)", file=sys.stderr)
        from .training import train
        seed = read_card(bundled_file("newsml.joblib")).get("seed", 0)
        return train([bundled_file("headlines.csv")], rebuilt, seed=seed, folds=0, show_progress=False)
