"""Converting a newsml 0.1 model file (a joblib pickle) into a model directory, once, on the user's word.

newsml 0.1 pickled its model objects; unpickling a file can run any code in it, which is why newsml no
longer loads such files. ``newsml convert OLD NEW --trust`` unpickles one anyway, because the user
vouches for it. Classes are resolved to plain stand-ins (nothing of today's newsml is constructed from
the pickle), and the weights are folded into the predict engine exactly as training does. The 0.1
gazetteer matched names in any case; the converted one keeps doing so, so predictions do not change.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np

from .engine import FoldedEngine, FoldedGazetteer, FoldedNgrams
from .gazetteer import IGNORE_CASE, Gazetteer, gazetteer_columns, name_record
from .model import Head, NewsModel
from .modelfile import ModelError, save_model
from .ngrams import GAZETTEER_FEATURES

LEGACY_FORMAT = 2
"""The payload format newsml 0.1 wrote: ``{"format": 2, "model": NewsModel}``."""


class _Stored:
    """Whatever newsml 0.1 class a pickle names: its attributes, nothing else."""

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


@contextmanager
def _newsml_classes_as_stand_ins() -> Iterator[None]:
    from joblib import numpy_pickle

    unpickler = numpy_pickle.NumpyUnpickler
    original = unpickler.find_class

    def find_class(self, module: str, name: str):
        return _Stored if module.split(".")[0] == "newsml" else original(self, module, name)

    unpickler.find_class = find_class
    try:
        yield
    finally:
        unpickler.find_class = original


def read_legacy(path: str | Path) -> NewsModel:
    """The model in a newsml 0.1 ``.joblib`` file, as a :class:`NewsModel` (unpickles: trusted files only)."""
    import joblib

    path = Path(path)
    if not path.is_file():
        raise ModelError(f"{path}: no such file")
    try:
        with _newsml_classes_as_stand_ins():
            payload = joblib.load(path)
        legacy = payload["model"]
        if payload.get("format") != LEGACY_FORMAT:
            raise ValueError(f"payload format {payload.get('format')!r}")
        return _fold(legacy.features.blocks, legacy.heads, _legacy_card(path))
    except ModelError:
        raise
    except Exception as exc:  # an unpickled file can be wrong in any way; all mean the same here
        raise ModelError(f"{path}: not a newsml 0.1 model ({type(exc).__name__}: {exc})") from None


def _legacy_card(path: Path) -> dict:
    card_path = path.with_suffix(".json")
    card = json.loads(card_path.read_text(encoding="utf-8")) if card_path.is_file() else {}
    card = card if isinstance(card, dict) else {}
    for stale in ("format", "model_sha256", "labels", "files"):
        card.pop(stale, None)
    return {**card, "converted_from": {"file": path.name, "newsml": card.get("versions", {}).get("newsml"),
                                       "prior": "uniform (newsml 0.1 did not record one)"}}


def _fold(blocks: list, heads: dict, card: dict) -> NewsModel:
    weights = np.hstack([np.asarray(h.coef, dtype=np.float64) for h in heads.values()])  # (features, outputs)
    bias = np.concatenate([np.asarray(h.intercept, dtype=np.float64) for h in heads.values()])
    folded: dict = {}
    start = 0
    for name, weight, block in blocks:
        size = len(block.vocabulary)
        rows = weights[start:start + size]
        start += size
        if name == "gazetteer":
            table = np.zeros((len(GAZETTEER_FEATURES), weights.shape[1]))
            for feature, index in block.vocabulary.items():
                if feature in GAZETTEER_FEATURES:
                    table[GAZETTEER_FEATURES.index(feature)] = weight * rows[index]
            folded[name] = FoldedGazetteer(_legacy_gazetteer(block.gazetteer), table)
        else:
            folded[name] = FoldedNgrams.fold(block.kind, tuple(block.ngram_range), dict(block.vocabulary),
                                             block.idf, weight, rows)
    if start != weights.shape[0]:
        raise ValueError(f"the blocks have {start} features, the weights {weights.shape[0]}")
    new_heads = {name: Head(np.asarray(h.classes, dtype=str), float(h.scale),
                            np.full(len(h.classes), 1.0 / len(h.classes)))
                 for name, h in heads.items()}
    engine = FoldedEngine(folded.get("word"), folded.get("char"), folded.get("gazetteer"), bias)
    return NewsModel(engine, new_heads, card)


def _legacy_gazetteer(legacy) -> Gazetteer:
    """newsml 0.1's names, matched in any case as it did."""
    records: dict[str, list] = {}
    for entry in legacy.entries.values():
        key, record = name_record(entry.name, entry.kind, (entry.region,), IGNORE_CASE)
        records.setdefault(key, [record])
    return Gazetteer(gazetteer_columns(records, {}, {"newsml 0.1": "converted"}))


def convert_legacy(old: str | Path, new: str | Path) -> NewsModel:
    """Read a trusted newsml 0.1 model file and write it as the model directory ``new``."""
    model = read_legacy(old)
    save_model(model, new)
    return model
