"""Scoring a model on a labelled file: accuracy, macro-F1, per-class report and confusion matrices."""
from __future__ import annotations

from pathlib import Path

import numpy as np
from sklearn.metrics import classification_report, confusion_matrix

from .model import NewsModel
from .taxonomy import HEADS
from .training import head_report, read_labelled


def evaluate(model: NewsModel, path: str | Path) -> dict:
    """Per head: accuracy, macro-F1, per-class precision/recall/F1 and the confusion matrix."""
    data = read_labelled([path], min_examples=1)
    probabilities = model.predict_proba(data.headlines)
    result: dict = {"file": str(path), "rows": len(data.headlines), "heads": {}, "confusion": {}}
    for head, proba in probabilities.items():
        truth = data.labels[head]
        predicted = model.heads[head].classes[proba.argmax(axis=1)]
        labels = list(HEADS[head])
        result["heads"][head] = head_report(truth, predicted, labels)
        result["heads"][head]["text"] = classification_report(truth, predicted, labels=labels, zero_division=0)
        result["confusion"][head] = confusion_matrix(truth, predicted, labels=labels)
    return result


def text_report(result: dict) -> str:
    lines = [f"{result['file']}: {result['rows']} headlines"]
    for head, report in result["heads"].items():
        lines += ["", f"{head}: accuracy {report['accuracy']:.3f}, macro-F1 {report['macro_f1']:.3f}",
                  report["text"].rstrip()]
    return "\n".join(lines)


def plot_confusions(result: dict, path: str | Path) -> None:
    """One row-normalised confusion matrix per head, side by side, as a PNG (needs matplotlib)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ValueError("--plot needs matplotlib: pip install 'newsml[plot]'") from None
    heads = list(result["confusion"])
    fig, axes = plt.subplots(1, len(heads), figsize=(7 * len(heads), 6.5))
    for ax, head in zip(np.atleast_1d(axes), heads):
        counts = result["confusion"][head]
        rates = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
        ax.imshow(rates, cmap="Blues", vmin=0, vmax=1)
        labels = HEADS[head]
        ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right")
        ax.set_yticks(range(len(labels)), labels)
        for (i, j), n in np.ndenumerate(counts):
            if n:
                ax.text(j, i, str(n), ha="center", va="center", fontsize=8,
                        color="white" if rates[i, j] > 0.5 else "black")
        ax.set_xlabel("predicted")
        ax.set_ylabel("true")
        ax.set_title(f"{head}: accuracy {result['heads'][head]['accuracy']:.3f}")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
