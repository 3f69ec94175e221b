"""Why a headline got its labels: each feature's exact share of the winning label's decision value.

The folded engine knows what every word, word pair, word's letters and gazetteer feature adds to every
class's decision value (:meth:`newsml.engine.FoldedEngine.contributions`); with the bias they sum to the
decision value exactly, and the probability shown is the softmax of the temperature-scaled decision
values (then adjusted by a home region or feed prior, if one was given). No sampling, no surrogate model.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Contribution:
    """One feature's share of a label's decision value."""

    feature: str
    value: float


@dataclass
class HeadExplanation:
    """One head: the chosen label and the runner-up, and what pushed towards and against the label."""

    head: str
    label: str
    probability: float
    runner_up: str
    runner_up_probability: float
    score: float
    """The chosen label's decision value: ``bias`` plus every contribution."""
    bias: float
    contributions: list[Contribution] = field(repr=False)
    """Every feature's share, largest first."""
    known: bool = True
    """False when nothing in the headline is known to the model: the probabilities are then its prior."""
    prior_changed: bool = False
    """True when the home region or feed prior changed the label."""

    def towards(self, k: int = 5) -> list[Contribution]:
        return [c for c in self.contributions[:k] if c.value > 0]

    def against(self, k: int = 5) -> list[Contribution]:
        return [c for c in reversed(self.contributions[-k:]) if c.value < 0]


@dataclass
class Explanation:
    """Both heads of one headline explained; ``str()`` is a short text, ``to_dict()`` stable JSON."""

    headline: str
    heads: dict[str, HeadExplanation]
    k: int = 5

    def to_dict(self) -> dict:
        return {"headline": self.headline, "heads": {name: {
            "label": h.label, "probability": round(h.probability, 6), "runner_up": h.runner_up,
            "runner_up_probability": round(h.runner_up_probability, 6), "score": round(h.score, 6),
            "bias": round(h.bias, 6), "known": h.known, "prior_changed": h.prior_changed,
            "towards": [[c.feature, round(c.value, 6)] for c in h.towards(self.k)],
            "against": [[c.feature, round(c.value, 6)] for c in h.against(self.k)],
            "contributions": [[c.feature, round(c.value, 6)] for c in h.contributions],
        } for name, h in self.heads.items()}}

    def __str__(self) -> str:
        lines = [self.headline]
        for name, h in self.heads.items():
            lines.append(f"  {name}: {h.label} {h.probability:.2f} (runner-up {h.runner_up} "
                         f"{h.runner_up_probability:.2f}); score {h.score:+.3f} = bias {h.bias:+.3f} + features"
                         + ("; the home/feed prior changed the label" if h.prior_changed else ""))
            if not h.known:
                lines.append("    nothing in it is known to the model: the scores are its prior")
            for sign, items in (("+", h.towards(self.k)), ("-", h.against(self.k))):
                if items:
                    lines.append(f"    {sign} " + ", ".join(f"{c.feature} {c.value:+.3f}" for c in items))
        return "\n".join(lines)


def explain_head(name: str, classes: np.ndarray, proba: np.ndarray, plain: np.ndarray, bias: np.ndarray,
                 items: list[tuple[str, np.ndarray]], known: bool) -> HeadExplanation:
    """One head's explanation from its probabilities (with and without priors), bias and features."""
    order = np.argsort(-proba, kind="stable")
    chosen, second = int(order[0]), int(order[min(1, len(order) - 1)])
    contributions = sorted((Contribution(feature, float(vector[chosen])) for feature, vector in items),
                           key=lambda c: -c.value)
    return HeadExplanation(
        head=name, label=str(classes[chosen]), probability=float(proba[chosen]),
        runner_up=str(classes[second]), runner_up_probability=float(proba[second]),
        score=float(bias[chosen] + sum(c.value for c in contributions)), bias=float(bias[chosen]),
        contributions=contributions, known=known, prior_changed=int(np.argmax(plain)) != chosen)
