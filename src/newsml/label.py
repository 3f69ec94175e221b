"""Labelling headlines in bulk: one per-chunk computation, used by the CLI, pandas, Dask and worker processes.

:func:`rank_labels` is the unit of work: a list of headlines in, the indices and scores of each head's
best labels out, as small arrays (what a worker process sends back). :func:`label_columns` turns them
into columns of label names and scores, bad headlines kept in place with an ``error``;
:func:`label_texts` does both. Scores are floats, NaN where a row could not be labelled, so data
frames get float columns.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from .io import text_problem
from .model import NewsModel
from .taxonomy import HEADS, UNCERTAIN

LABEL_COLUMNS = ("region", "region_score", "topic", "topic_score")


def output_columns(top_k: int = 0) -> list[str]:
    """The columns labelling adds, in order: labels, then ``top_k`` alternatives, then ``error``."""
    extra = [f"{head}_{i}{suffix}" for head in HEADS for i in range(2, top_k + 1) for suffix in ("", "_score")]
    return [*LABEL_COLUMNS, *extra, "error"]


def problem(text: object) -> str:
    """Why ``text`` cannot be labelled, or '' if it can."""
    if not isinstance(text, str):
        return "missing headline" if text is None or (isinstance(text, float) and math.isnan(text)) \
            else f"headline is {type(text).__name__}, not text"
    return text_problem(text)


@dataclass
class Ranked:
    """Each labelled row's ``k`` best labels per head: class indices and scores, best first."""

    rows: np.ndarray
    order: dict[str, np.ndarray]
    scores: dict[str, np.ndarray]


def rank_labels(texts: Sequence[str], errors: Sequence[str], model: NewsModel, k: int, home: str | None = None,
                priors: dict[str, np.ndarray] | None = None) -> Ranked:
    """Rank the labels of the texts that have no error (the rest are skipped); ``home`` and ``priors``
    as in :meth:`NewsModel.predict_proba`."""
    rows = np.array([i for i, e in enumerate(errors) if not e], dtype=np.int64)
    order, scores = {}, {}
    for head, proba in model.predict_proba([texts[i] for i in rows], home=home, priors=priors).items():
        order[head] = np.argsort(-proba, axis=1, kind="stable")[:, :k].astype(np.int16)
        scores[head] = np.take_along_axis(proba, order[head], axis=1).round(4)
    return Ranked(rows, order, scores)


def label_columns(ranked: Ranked, classes: dict[str, np.ndarray], errors: Sequence[str], top_k: int = 0,
                  threshold: float | None = None) -> dict[str, list]:
    """Label columns (name -> one value per row): names, float scores (NaN for rows not labelled), errors."""
    n = len(errors)
    columns: dict[str, list] = {}
    for name in output_columns(top_k)[:-1]:
        columns[name] = [math.nan] * n if name.endswith("_score") else [""] * n
    columns["error"] = list(errors)
    rows = ranked.rows.tolist()
    for head, order in ranked.order.items():
        for rank in range(max(1, top_k)):
            name = head if rank == 0 else f"{head}_{rank + 1}"
            labels = classes[head][order[:, rank]].tolist()
            scores = ranked.scores[head][:, rank].tolist()
            if rank == 0 and threshold is not None:
                labels = [UNCERTAIN if s < threshold else label for label, s in zip(labels, scores)]
            label_column, score_column = columns[name], columns[f"{name}_score"]
            for i, label, score in zip(rows, labels, scores):
                label_column[i], score_column[i] = label, score
    return columns


def check_top_k(top_k: int, model: NewsModel) -> None:
    """Refuse to rank more labels than the model's smallest head has (ValueError)."""
    most = min(len(head.classes) for head in model.heads.values())
    if not 0 <= top_k <= most:
        raise ValueError(f"top-k must be between 0 and {most} (the labels of this model's smallest head), "
                         f"not {top_k}")


def label_texts(texts: Sequence[object], model: NewsModel, top_k: int = 0, threshold: float | None = None,
                problems: Sequence[str] | None = None, home: str | None = None,
                priors: dict[str, np.ndarray] | None = None) -> dict[str, list]:
    """Label columns for ``texts``, in order; bad rows keep their place with an ``error``.

    ``problems``, when given, is what a reader already found for each text (an undecodable line, a
    malformed row, a blank headline; '' for none), and is trusted instead of checking again.
    """
    check_top_k(top_k, model)
    errors = list(problems) if problems is not None else [problem(t) for t in texts]
    ranked = rank_labels(texts, errors, model, max(1, top_k), home, priors)
    return label_columns(ranked, {h: head.classes for h, head in model.heads.items()}, errors, top_k, threshold)


def label_dataframe(frame, column: str = "headline", model: NewsModel | None = None, top_k: int = 0,
                    threshold: float | None = None, home: str | None = None,
                    priors: dict[str, np.ndarray] | None = None):
    """A copy of a pandas DataFrame with the label columns added (index and row order kept).

    Score columns are float64 (NaN where a row could not be labelled), label and error columns pandas
    ``string`` columns, so the frame goes to Parquet or Arrow as it is.
    """
    import pandas as pd

    if column not in frame.columns:
        raise KeyError(f"no column {column!r}; columns are: {', '.join(map(str, frame.columns))}")
    if model is None:
        from .modelfile import load_model
        model = load_model()
    values = frame[column]
    texts = [None if missing else text for text, missing in zip(values.tolist(), values.isna().tolist())]
    columns = label_texts(texts, model, top_k, threshold, home=home, priors=priors)
    out = frame.copy()
    for name, column_values in columns.items():
        out[name] = pd.Series(column_values, index=frame.index,
                              dtype="float64" if name.endswith("_score") else "string")
    return out
