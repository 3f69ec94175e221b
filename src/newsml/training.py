"""Training: read labelled headlines, cross-validate, fit on everything, write the model and its card."""
from __future__ import annotations

import hashlib
import platform
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from sklearn.metrics import accuracy_score, precision_recall_fscore_support
from sklearn.model_selection import StratifiedGroupKFold
from tqdm import tqdm

from . import __version__
from .classifier import build_pipeline, compile_model
from .model import NewsModel
from .io import DataError, RowReader, headline_column, row_headline
from .modelfile import check_model_target, file_sha256, save_model
from .gazetteer import PLACE_KINDS, build_gazetteer
from .preprocess import tokenize, words
from .taxonomy import HEADS, TAXONOMY_VERSION, check_label

MIN_EXAMPLES = 5
"""Fewest examples of a label that training accepts: fewer cannot be cross-validated or calibrated."""


@dataclass
class LabelledData:
    """Headlines with one label per head, and where each came from (for error messages)."""

    headlines: list[str]
    labels: dict[str, list[str]]
    origins: list[tuple[str, int]]
    sources: list[dict]

    def label_matrix(self) -> np.ndarray:
        return np.column_stack([np.array(self.labels[h], dtype=object) for h in HEADS])

    def sha256(self) -> str:
        """One hash over the content of every source file, in order: the model card's data hash."""
        digest = hashlib.sha256()
        for source in self.sources:
            digest.update(source["sha256"].encode())
        return digest.hexdigest()


def read_labelled(paths: Sequence[str | Path], min_examples: int = MIN_EXAMPLES) -> LabelledData:
    """Read CSV/TSV/JSONL files with headline (or title), region and topic; strict about every row.

    A label seen fewer than ``min_examples`` times is an error (training cannot calibrate it).
    """
    data = LabelledData([], {h: [] for h in HEADS}, [], [])
    for path in paths:
        with RowReader(path) as reader:
            if reader.format == "txt":
                raise DataError(reader.source, None, "training data must be CSV, TSV or JSONL with "
                                                     "headline, region and topic columns")
            column = None
            if reader.columns == []:
                raise DataError(reader.source, None, "empty file: no header and no labelled rows")
            if reader.columns is not None:
                column = headline_column(reader.columns, None, reader.source)
                missing = [h for h in HEADS if h not in reader.columns]
                if missing:
                    raise DataError(reader.source, 1, f"missing column {missing[0]!r}; columns are: "
                                                      f"{', '.join(reader.columns) or '(none)'}")
            rows = 0
            for row in reader:
                if reader.columns is None:
                    column = headline_column(list(row.fields), None, reader.source) if row.fields else "headline"
                text, problem = row_headline(row, column)
                if problem:
                    raise DataError(reader.source, row.line, problem)
                for head in HEADS:
                    try:
                        data.labels[head].append(check_label(head, str(row.fields.get(head, "")).strip()))
                    except ValueError as exc:
                        raise DataError(reader.source, row.line, str(exc)) from None
                data.headlines.append(text.strip())
                data.origins.append((reader.source, row.line))
                rows += 1
        data.sources.append({"path": Path(path).name, "rows": rows,
                             "sha256": file_sha256(path) if str(path) != "-" else None})
    if not data.headlines:
        raise DataError(", ".join(str(p) for p in paths), None, "no labelled rows")
    _check_counts(data, min_examples)
    return data


def _check_counts(data: LabelledData, min_examples: int) -> None:
    for head, labels in data.labels.items():
        for label, count in sorted(Counter(labels).items()):
            if count < min_examples:
                source, line = data.origins[labels.index(label)]
                raise DataError(source, line, f"{head} {label!r} has only {count} example(s); "
                                              f"training needs at least {min_examples} of each label it sees")


def head_report(truth: Sequence[str], predicted: Sequence[str], labels: Sequence[str]) -> dict:
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=list(labels), zero_division=0)
    seen = np.isin(labels, list(set(truth) | set(predicted)))  # macro over labels that occur
    return {
        "accuracy": round(float(accuracy_score(truth, predicted)), 4),
        "macro_f1": round(float(np.mean(f1[seen])), 4),
        "per_class": {label: {"precision": round(float(p), 4), "recall": round(float(r), 4),
                              "f1": round(float(f), 4), "support": int(s)}
                      for label, p, r, f, s, occurs in zip(labels, precision, recall, f1, support, seen)
                      if occurs},  # a label neither in the data nor predicted has nothing to report
    }


def reliability(confidence: np.ndarray, correct: np.ndarray, bins: int = 10) -> dict:
    """Reliability table of top-label scores: per bin, count, mean score and accuracy; plus the ECE."""
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1]), 0, bins - 1)
    table, ece = [], 0.0
    for b in range(bins):
        mask = which == b
        if not mask.any():
            continue
        mean_score, accuracy = float(confidence[mask].mean()), float(correct[mask].mean())
        ece += mask.mean() * abs(mean_score - accuracy)
        table.append({"bin": f"{edges[b]:.1f}-{edges[b + 1]:.1f}", "count": int(mask.sum()),
                      "mean_score": round(mean_score, 4), "accuracy": round(accuracy, 4)})
    return {"ece": round(float(ece), 4), "bins": table}


NEAR_DUPLICATE = 0.7
"""Token-set Jaccard similarity at or above which two headlines count as the same headline."""


def similar_pairs(texts: Sequence[str], threshold: float) -> list[tuple[int, int, float]]:
    """All pairs ``(i, j, similarity)``, i < j, whose token sets overlap at least ``threshold`` (Jaccard;
    one sparse product, so it scales to tens of thousands of headlines)."""
    import scipy.sparse as sp

    vocabulary: dict[str, int] = {}
    indices: list[int] = []
    indptr = [0]
    for text in texts:
        indices.extend(sorted({vocabulary.setdefault(t, len(vocabulary)) for t in tokenize(text)}))
        indptr.append(len(indices))
    sets = sp.csr_matrix((np.ones(len(indices)), indices, indptr), shape=(len(texts), max(len(vocabulary), 1)))
    shared = sp.triu(sets @ sets.T, k=1).tocoo()
    sizes = np.diff(sets.indptr)
    similarity = shared.data / (sizes[shared.row] + sizes[shared.col] - shared.data)
    keep = similarity >= threshold
    return list(zip(shared.row[keep].tolist(), shared.col[keep].tolist(), similarity[keep].tolist()))


def duplicate_groups(texts: Sequence[str]) -> tuple[np.ndarray, list[tuple[int, int, float]]]:
    """A group id per headline, shared by exact and near duplicates (so CV keeps them in one fold), and
    the near-duplicate pairs found."""
    parent = list(range(len(texts)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    pairs = similar_pairs(texts, NEAR_DUPLICATE)
    for i, j, _ in pairs:
        parent[root(j)] = root(i)
    return np.array([root(i) for i in range(len(texts))]), pairs


def cross_validate(data: LabelledData, folds: int = 5, seed: int = 0,
                   progress: Callable | None = None) -> dict:
    """Out-of-fold metrics per head: report, reliability and the predictions themselves.

    Folds are stratified by region x topic and grouped by duplicates: a headline and its copies or
    near-copies are always in the same fold, or CV would score memory instead of generalisation.
    """
    Y = data.label_matrix()
    pairs = [f"{r}|{t}" for r, t in zip(data.labels["region"], data.labels["topic"])]
    pair_counts = Counter(pairs)  # stratify by pair where each fold can get one, else by region
    stratify = [p if pair_counts[p] >= folds else r for p, r in zip(pairs, data.labels["region"])]
    groups, _ = duplicate_groups(data.headlines)
    splitter = StratifiedGroupKFold(folds, shuffle=True, random_state=seed)
    predicted = {h: np.empty(len(Y), dtype=object) for h in HEADS}
    confidence = {h: np.zeros(len(Y)) for h in HEADS}
    texts = np.array(data.headlines, dtype=object)
    for train, test in splitter.split(texts, stratify, groups):
        model = compile_model(build_pipeline(seed=seed).fit(list(texts[train]), Y[train]))
        for head, proba in model.predict_proba(list(texts[test])).items():
            classes = model.heads[head].classes
            predicted[head][test] = classes[proba.argmax(axis=1)]
            confidence[head][test] = proba.max(axis=1)
        if progress:
            progress()
    report = {}
    for j, head in enumerate(HEADS):
        report[head] = head_report(Y[:, j], predicted[head], HEADS[head])
        report[head]["reliability"] = reliability(confidence[head], predicted[head] == Y[:, j])
    no_place = ~names_a_place(data.headlines)  # the region score should be unsure here, and honest
    correct = predicted["region"][no_place] == Y[no_place, 0]
    report["region"]["no_place"] = {"rows": int(no_place.sum()),
                                    "accuracy": round(float(correct.mean()), 4) if no_place.any() else None,
                                    "reliability": reliability(confidence["region"][no_place], correct)}
    return {"folds": folds, "metrics": report, "predicted": predicted}


def names_a_place(headlines: Sequence[str]) -> np.ndarray:
    """Whether each headline names a country, city, region or demonym the gazetteer knows."""
    gazetteer = build_gazetteer()
    return np.array([any(h.kind in PLACE_KINDS for h in gazetteer.find(words(t))) for t in headlines], dtype=bool)


def versions() -> dict:
    import nltk
    import scipy
    import sklearn
    return {"newsml": __version__, "python": platform.python_version(), "scikit_learn": sklearn.__version__,
            "nltk": nltk.__version__, "numpy": np.__version__, "scipy": scipy.__version__}


def duplicate_report(data: LabelledData) -> dict:
    """How many rows are exact or near copies of an earlier row, with one example (for the card)."""
    groups, _ = duplicate_groups(data.headlines)
    first: dict[int, int] = {}
    repeats = [i for i, g in enumerate(groups.tolist()) if first.setdefault(g, i) != i]
    example = None
    if repeats:
        i = repeats[0]
        example = f"{data.headlines[first[int(groups[i])]]} ~ {data.headlines[i]}"
    return {"rows": len(repeats), "example": example}


def train(paths: Sequence[str | Path], out: str | Path, seed: int = 0, folds: int = 5,
          show_progress: bool = True, quiet: bool = False) -> NewsModel:
    """Train on ``paths``, cross-validate with ``folds`` folds (0 skips it), write the model directory ``out``."""
    check_model_target(out)  # before minutes of work, not after
    data = read_labelled(paths)
    if folds > len(data.headlines):
        raise DataError(", ".join(map(str, paths)), None,
                        f"--cv {folds} folds is more than the {len(data.headlines)} labelled rows")
    duplicates = duplicate_report(data)
    if duplicates["rows"] and not quiet:
        print(f"newsml train: note: {duplicates['rows']} rows repeat or nearly repeat another "
              f"(e.g. {duplicates['example']!r}); cross-validation keeps each such group in one fold",
              file=sys.stderr)
    steps = (folds if folds else 0) + 1
    shown = show_progress and sys.stderr.isatty()  # a bar in a log file is a line of carriage returns
    with tqdm(total=steps, desc="training", unit="fit", disable=not shown, leave=False) as bar:
        evaluation = cross_validate(data, folds, seed, progress=bar.update) if folds else None
        pipeline = build_pipeline(seed=seed).fit(data.headlines, data.label_matrix())
        bar.update()
    model = compile_model(pipeline)
    gazetteer = model.engine.gazetteer.gazetteer if model.engine.gazetteer is not None else None
    model.card = {
        "name": Path(out).name,
        "taxonomy_version": TAXONOMY_VERSION,
        "versions": versions(),
        "gazetteer": {"names": len(gazetteer), "sources": gazetteer.sources} if gazetteer else None,
        "labels": {name: head.classes.tolist() for name, head in model.heads.items()},
        "training_data": {"sha256": data.sha256(), "files": data.sources, "rows": len(data.headlines),
                          "duplicates": duplicates,
                          "counts": {h: dict(sorted(Counter(v).items())) for h, v in data.labels.items()}},
        "seed": seed,
        "reproducibility": "the same data, seed and library versions give the same predictions (argmax "
                           "equal, probabilities within 1e-4) whatever the hash seed or thread count; "
                           "the arrays' last digits, and so the files' sha256, may differ between machines",
        "hyperparameters": {k: (list(v) if isinstance(v, tuple) else v)
                            for k, v in pipeline.get_params().items() if "__" in k and not hasattr(v, "fit")},
        "cross_validation": ({"folds": evaluation["folds"], **evaluation["metrics"]} if evaluation else None),
    }
    save_model(model, out)
    return model
