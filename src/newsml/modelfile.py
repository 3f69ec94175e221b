"""Model files: a joblib pickle plus its JSON model card, written atomically and checked on load.

The card records the sha256 of the model file, so a corrupt, truncated or swapped file is caught
before it is unpickled, and the scikit-learn version, so a model from another version is refused with
a clear message instead of failing obscurely. The *default* model rebuilds itself from the bundled
corpus into a user cache in that case. Model files are pickles: load only ones you trust.
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
    from .classifier import NewsModel

FORMAT = 1
_SOURCE_TREE = Path(__file__).resolve().parents[2]


class ModelError(RuntimeError):
    """A model file that cannot be used; ``str()`` says which file and what to do."""


def card_path(model_path: str | Path) -> Path:
    return Path(model_path).with_suffix(".json")


def _sha256(path: Path) -> str:
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
    payload = {"format": FORMAT, "pipeline": model.pipeline}
    _write_atomically(path, lambda tmp: joblib.dump(payload, tmp, compress=3))
    model.card["model_sha256"] = _sha256(path)
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
    """The model was made with another scikit-learn version."""


def load_model_file(path: str | Path) -> NewsModel:
    """Load a model written by :func:`save_model`, after checking its card; raise ModelError if unusable."""
    from .classifier import NewsModel
    import sklearn

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    card = read_card(path)
    made_with = card.get("versions", {}).get("scikit_learn")
    if made_with != sklearn.__version__:
        raise VersionMismatch(f"{path}: made with scikit-learn {made_with}, this is {sklearn.__version__}; "
                              f"retrain it with 'newsml train' (or install scikit-learn=={made_with})")
    if _sha256(path) != card.get("model_sha256"):
        raise ModelError(f"{path}: sha256 does not match its model card; the file is corrupt, truncated "
                         f"or not the one the card describes")
    try:
        payload = joblib.load(path)
    except Exception as exc:  # a pickle can fail in many ways; all mean the same to the user
        raise ModelError(f"{path}: cannot load model ({type(exc).__name__}: {exc})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise ModelError(f"{path}: not a newsml model file (format {FORMAT})")
    return NewsModel(payload["pipeline"], card)


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
    """The shipped model; rebuilt from the bundled corpus when this scikit-learn cannot use it."""
    import sklearn

    try:
        return load_model_file(bundled_file("newsml.joblib"))
    except VersionMismatch as exc:
        rebuilt = cache_dir() / f"newsml-sklearn-{sklearn.__version__}.joblib"
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
