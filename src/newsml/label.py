"""Labelling headlines in bulk: one per-chunk function, used by the CLI, pandas, Dask and worker processes.

``label_texts`` is the unit of work: a list of headlines in, one dict of label columns per headline out,
bad headlines kept in place with an ``error``. Everything else streams chunks of rows through it.
"""
from __future__ import annotations

from itertools import islice
from typing import Iterable, Iterator, Sequence

import numpy as np

from .model import NewsModel
from .io import text_problem
from .taxonomy import HEADS, UNCERTAIN

LABEL_COLUMNS = ("region", "region_score", "topic", "topic_score")


def output_columns(top_k: int = 0) -> list[str]:
    """The columns labelling adds, in order: labels, then ``top_k`` alternatives, then ``error``."""
    extra = [f"{head}_{i}{suffix}" for head in HEADS for i in range(2, top_k + 1) for suffix in ("", "_score")]
    return [*LABEL_COLUMNS, *extra, "error"]


def problem(text: object) -> str:
    """Why ``text`` cannot be labelled, or '' if it can."""
    if not isinstance(text, str):
        return "missing headline" if text is None else f"headline is {type(text).__name__}, not text"
    return text_problem(text)


def label_texts(texts: Sequence[object], model: NewsModel, top_k: int = 0,
                threshold: float | None = None, problems: Sequence[str] | None = None) -> dict[str, list]:
    """Label columns (name -> one value per text) for ``texts``, in order; bad rows get an ``error``.

    ``problems``, when given, is what a reader already found for each text (an undecodable line, a
    malformed row, a blank headline; '' for none), and is trusted instead of checking again.
    Rows with a problem keep their place with empty labels, so output rows always match input rows.
    """
    errors = list(problems) if problems is not None else [problem(t) for t in texts]
    columns: dict[str, list] = {name: [""] * len(texts) for name in output_columns(top_k)}
    columns["error"] = errors
    good = [i for i, e in enumerate(errors) if not e]
    if not good:
        return columns
    k = max(1, top_k)
    for head, proba in model.predict_proba([texts[i] for i in good]).items():
        classes = model.heads[head].classes
        order = np.argsort(-proba, axis=1, kind="stable")[:, :k]
        scores = np.take_along_axis(proba, order, axis=1).round(4)
        for rank in range(k):
            name = head if rank == 0 else f"{head}_{rank + 1}"
            labels = classes[order[:, rank]].tolist()
            if rank == 0 and threshold is not None:
                labels = [UNCERTAIN if s < threshold else lab for lab, s in zip(labels, scores[:, 0])]
            label_column, score_column = columns[name], columns[f"{name}_score"]
            for i, label, score in zip(good, labels, scores[:, rank].tolist()):
                label_column[i], score_column[i] = label, score
    return columns


def label_headlines(headlines: Iterable[object], model: NewsModel, chunk_size: int = 4096,
                    top_k: int = 0, threshold: float | None = None) -> Iterator[dict]:
    """One dict of label columns per headline, for any iterable, labelled ``chunk_size`` at a time."""
    iterator = iter(headlines)
    while chunk := list(islice(iterator, chunk_size)):
        columns = label_texts(chunk, model, top_k, threshold)
        names = list(columns)
        for values in zip(*columns.values()):
            yield dict(zip(names, values))


def label_dataframe(frame, column: str = "headline", model: NewsModel | None = None, top_k: int = 0,
                    threshold: float | None = None):
    """A copy of a pandas DataFrame with the label columns added (index and row order kept)."""
    if column not in frame.columns:
        raise KeyError(f"no column {column!r}; columns are: {', '.join(map(str, frame.columns))}")
    if model is None:
        from . import load_model
        model = load_model()
    texts = [None if _is_missing(v) else v for v in frame[column].tolist()]
    columns = label_texts(texts, model, top_k, threshold)
    out = frame.copy()
    for name, values in columns.items():
        out[name] = values
    return out


def _is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and value != value)  # None, NaN
