"""Model files without pickle: a directory of ``.npy`` arrays and JSON, checked before use.

A model is data, so loading one never runs code from it::

    newsml-model/
        card.json          the model card: versions, data hash, metrics, and the sha256 of every file below
        model.json         heads, classes, block settings, vocabularies and the gazetteer
        *.npy              float64 arrays, loaded with allow_pickle=False and memory-mapped

Every file's sha256 is checked against the card before it is parsed, so a corrupt, truncated or
swapped file is refused with a clear message. Arrays are memory-mapped: ``newsml label --jobs N``
workers share one copy in the page cache. A model is written into a temporary directory beside the
target, card last, and renamed into place whole, so a crash never leaves a half-written model or a
model without its card. Files from newsml 0.1 (joblib pickles) are refused; ``newsml convert OLD NEW
--trust`` converts one, once, on the user's word.
"""
from __future__ import annotations

import hashlib
import json
import mmap
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .io import umask
from .preprocess import pack, unpack

if TYPE_CHECKING:
    from .model import NewsModel

FORMAT = 6
"""Bumped whenever the files change shape or a feature changes meaning (6: the gazetteer's "first"
feature is the first place named); a model of another format is refused with a clear message."""
CARD = "card.json"
SPEC = "model.json"
_SOURCE_TREE = Path(__file__).resolve().parents[2]
_PICKLE_MAGIC = (b"\x80", b"\x1f\x8b", b"x\x01", b"x^", b"x\x9c", b"x\xda")  # pickle; joblib's gzip, zlib


class ModelError(RuntimeError):
    """A model that cannot be used; ``str()`` says which file and what to do."""


def file_sha256(path: str | Path) -> str:
    """Hex sha256 of a file's bytes, hashed from a memory map in one call: hashlib releases the GIL for
    the whole file, so hashing runs alongside other threads instead of waiting for the GIL between
    blocks."""
    with open(path, "rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            return hashlib.sha256().hexdigest()
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
            return hashlib.sha256(mapped).hexdigest()


def save_model(model: NewsModel, path: str | Path) -> None:
    """Write ``model`` as the directory ``path`` (replacing an older newsml model there, never other files)."""
    target = check_model_target(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent))
    try:
        spec, arrays = _to_files(model)
        for name, array in arrays.items():
            np.save(staging / name, np.ascontiguousarray(array, dtype=_dtype(name)), allow_pickle=False)
        (staging / SPEC).write_text(json.dumps(spec, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        card = {**model.card, "format": FORMAT,
                "files": {p.name: file_sha256(p) for p in sorted(staging.iterdir())}}
        (staging / CARD).write_text(json.dumps(card, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        mode = 0o777 & ~umask()
        os.chmod(staging, mode)
        for member in staging.iterdir():
            os.chmod(member, mode & 0o666)
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    model.card = card


def check_model_target(path: str | Path) -> Path:
    """``path`` as a place a model may be written: new, an empty directory, or an older newsml model."""
    target = Path(path)
    if target.exists() and not (target.is_dir() and ((target / CARD).is_file() or not any(target.iterdir()))):
        raise ModelError(f"{target}: exists and is not a newsml model directory; refusing to replace it")
    return target


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename ``staging`` to ``target``; an older model there is moved aside first, then removed."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
        os.rmdir(old)
        os.replace(target, old)
    try:
        os.replace(staging, target)
    except BaseException:
        if old is not None:
            os.replace(old, target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _to_files(model: NewsModel) -> tuple[dict, dict[str, np.ndarray]]:
    engine = model.engine
    spec: dict = {"format": FORMAT,
                  "heads": {name: {"classes": head.classes.tolist(),
                                   "inverse_temperature": head.inverse_temperature,
                                   "prior": head.prior.tolist()}
                            for name, head in model.heads.items()},
                  "blocks": {}}
    arrays = {"bias.npy": engine.bias}
    for name in ("word", "char"):
        block = getattr(engine, name)
        if block is not None:
            try:
                grams = pack(block.grams)
            except ValueError as exc:  # tokens never hold the separator; a hand-built model might
                raise ModelError(f"cannot save the {name} vocabulary: {exc}") from None
            spec["blocks"][name] = {"ngram_range": list(block.ngram_range), "vocabulary": grams}
            arrays[f"{name}_table.npy"], arrays[f"{name}_squares.npy"] = block.table, block.squares
            if block.pairs is not None:
                arrays[f"{name}_pairs.npy"] = block.pairs
    if engine.gazetteer is not None:
        spec["blocks"]["gazetteer"] = {"gazetteer": engine.gazetteer.gazetteer.to_dict()}
        arrays["gazetteer_table.npy"] = engine.gazetteer.table
    return spec, arrays


def read_card(path: str | Path) -> dict:
    """The model card of the model directory ``path``, checked to be a card of this format."""
    directory = Path(path)
    if directory.is_file():
        if directory.suffix in (".joblib", ".pkl", ".pickle") or _looks_pickled(directory):
            raise ModelError(f"{directory}: a newsml 0.1 model (a pickle), which this newsml does not load "
                             f"because unpickling can run code; convert it once with "
                             f"'newsml convert {directory} NEW_DIR --trust' if you trust where it came from")
        if directory.name in (CARD, SPEC):
            directory = directory.parent
        else:
            raise ModelError(f"{directory}: not a newsml model (a model is a directory with {CARD})")
    if not directory.is_dir():
        raise ModelError(f"{directory}: no such model")
    try:
        card = json.loads((directory / CARD).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ModelError(f"{directory}: no {CARD}; not a newsml model directory") from None
    except (OSError, ValueError) as exc:
        raise ModelError(f"{directory / CARD}: unreadable model card ({exc})") from None
    if not isinstance(card, dict):
        raise ModelError(f"{directory / CARD}: malformed model card (a JSON {type(card).__name__}, not an object)")
    if card.get("format") != FORMAT:
        raise ModelError(f"{directory}: model format {card.get('format')!r}; this newsml reads format {FORMAT}; "
                         f"retrain it with 'newsml train'")
    files = card.get("files")
    if not isinstance(files, dict) or not files or not all(isinstance(v, str) for v in files.values()):
        raise ModelError(f"{directory / CARD}: malformed model card (no 'files' with their sha256)")
    return card


def _looks_pickled(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(2).startswith(_PICKLE_MAGIC)


def load_model_file(path: str | Path) -> NewsModel:
    """Load a model written by :func:`save_model` after checking every file; ModelError if unusable."""
    card = read_card(path)
    directory = Path(path) if Path(path).is_dir() else Path(path).parent
    for name in card["files"]:
        if Path(name).name != name or not (directory / name).is_file():
            raise ModelError(f"{directory}: {name} is missing; the model is incomplete")
    # The files are hashed in a thread while this one parses them (hashlib and file reads release the
    # GIL): that takes a sixth off loading. Nothing from the files is used before both are done, and a
    # file that is not the card's is reported as such even if it also fails to parse.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashed = pool.submit(_first_mismatch, directory, card["files"])
        try:
            model, problem = _model_from_files(directory, card), None
        except ModelError as exc:
            model, problem = None, exc
        mismatch = hashed.result()
    if mismatch is not None:
        raise ModelError(f"{directory / mismatch}: sha256 does not match the model card; the file is corrupt, "
                         f"truncated or not the one the card describes")
    if problem is not None:
        raise problem
    return model


def _first_mismatch(directory: Path, files: dict[str, str]) -> str | None:
    """The first of ``files`` whose sha256 is not the card's, if any."""
    return next((name for name, digest in files.items() if file_sha256(directory / name) != digest), None)


def _model_from_files(directory: Path, card: dict) -> NewsModel:
    from .engine import FoldedEngine, FoldedGazetteer, FoldedNgrams, gc_paused
    from .gazetteer import Gazetteer
    from .model import Head, NewsModel

    with gc_paused():  # hundreds of thousands of new objects and no cycle among them
        try:
            spec = json.loads((directory / SPEC).read_bytes().decode("utf-8"))  # read_text is 3x slower
            arrays = {name: np.load(directory / name, mmap_mode="r", allow_pickle=False)
                      for name in card["files"] if name.endswith(".npy")}
            if any(a.dtype != _dtype(name) for name, a in arrays.items()):
                raise ValueError("arrays must be float64 (pair indexes int64)")
            heads = {name: Head(np.array(head["classes"], dtype=str), float(head["inverse_temperature"]),
                                np.array(head["prior"], dtype=np.float64))
                     for name, head in spec["heads"].items()}
            blocks = spec["blocks"]
            ngrams = {name: FoldedNgrams(name, tuple(blocks[name]["ngram_range"]),
                                         unpack(blocks[name]["vocabulary"]),
                                         arrays[f"{name}_table.npy"], arrays[f"{name}_squares.npy"],
                                         arrays.get(f"{name}_pairs.npy"))
                      for name in ("word", "char") if name in blocks}
            gazetteer = (FoldedGazetteer(Gazetteer.from_dict(blocks["gazetteer"]["gazetteer"]),
                                         arrays["gazetteer_table.npy"]) if "gazetteer" in blocks else None)
            engine = FoldedEngine(ngrams.get("word"), ngrams.get("char"), gazetteer, arrays["bias.npy"])
            model = NewsModel(engine, heads, card, directory)
            _check_shapes(model)
        except (KeyError, TypeError, ValueError, AttributeError, IndexError) as exc:
            raise ModelError(f"{directory}: malformed model ({type(exc).__name__}: {exc})") from None
    labels = card.get("labels")
    if labels is not None and labels != {name: head.classes.tolist() for name, head in heads.items()}:
        raise ModelError(f"{directory / CARD}: the card's labels differ from the model's; the card was edited")
    return model


def _dtype(name: str) -> type:
    """The dtype of a model array: weights float64, a word block's pair index int64."""
    return np.int64 if name.endswith("_pairs.npy") else np.float64


def _check_shapes(model: NewsModel) -> None:
    outputs = sum(len(h.classes) for h in model.heads.values())
    if set(model.heads) != {"region", "topic"}:
        raise ValueError(f"heads must be region and topic, not {sorted(model.heads)}")
    for name, head in model.heads.items():
        if head.prior.shape != head.classes.shape or not np.isclose(head.prior.sum(), 1.0) or (head.prior <= 0).any():
            raise ValueError(f"the {name} head's prior is not a distribution over its classes")
    engine = model.engine
    if engine.bias.shape != (outputs,):
        raise ValueError(f"bias has shape {engine.bias.shape}, expected ({outputs},)")
    for block in (engine.word, engine.char):
        if block is not None and (block.table.shape != (block.size, outputs) or block.squares.shape != (block.size,)):
            raise ValueError(f"{block.kind} arrays do not match its vocabulary")
        if block is not None and block.has_pair_index:
            pairs = block.pairs
            width = pairs.shape[-1] if pairs is not None else 0
            if (pairs is None or pairs.ndim != 2 or pairs.shape[0] != 2 or width & (width - 1)
                    or not (pairs[0] < 0).any() or pairs[1].max() >= block.size):
                raise ValueError(f"{block.kind} pair index is missing or malformed")  # (an empty slot ends probes)
    if engine.gazetteer is not None and engine.gazetteer.table.shape[1] != outputs:
        raise ValueError("gazetteer table does not match the heads")


def bundled_path(name: str) -> Path:
    """A file or folder shipped with newsml: from the source tree in a checkout, else the package."""
    source = {"newsml": "models", "headlines.csv": "seeds"}[name]
    checkout = _SOURCE_TREE / source / name
    if (_SOURCE_TREE / "pyproject.toml").is_file() and checkout.exists():
        return checkout
    return Path(str(resources.files("newsml") / "_bundled" / name))


@lru_cache(maxsize=1)
def _default_model() -> NewsModel:
    return load_model_file(bundled_path("newsml"))


def load_model(path: str | Path | None = None) -> NewsModel:
    """The model directory at ``path``, or the shipped default model (loaded once per process)."""
    return _default_model() if path is None else load_model_file(path)
