"""Class priors of a feed: the outlet's home region, or the mix estimated from the feed itself.

A calibrated classifier's scores assume the label mix it was trained on. When the user knows better
(a feed from a UK outlet is mostly about Europe) or the feed can tell (a sports feed is mostly sport),
Bayes' rule adjusts each headline's scores: multiply them by new prior / training prior and
renormalise. This changes mostly the headlines the model was unsure of: a headline that names Kenya
stays Africa in a European feed, one that names no place leans to the home region.
"""
from __future__ import annotations

import numpy as np

HOME_WEIGHT = 4.0
"""How much more likely a home-region feed makes the home region, as a factor on its odds: a headline
the model puts at 20% home becomes 50% home, one at 2% becomes 7.5%. Chosen a priori, not tuned on
any test set; pass ``home_weight`` to change it."""

ADAPT_SAMPLE = 50_000
"""Headlines from the start of a batch that the feed's label mix is estimated on."""

ADAPT_MINIMUM = 200
"""Fewer headlines than this say too little about a feed's mix: EM on a handful runs to a corner (on one
headline, a prior of 1 on its own labels, and scores of 1.0), so below it the training mix is kept."""


def home_weights(classes: np.ndarray, home: str, weight: float = HOME_WEIGHT) -> np.ndarray:
    """Per region: ``weight`` for the home region, 1 for the others."""
    if home not in classes:
        raise ValueError(f"unknown home region {home!r}; expected one of: {', '.join(classes.tolist())}")
    if not weight > 0:
        raise ValueError(f"home_weight must be positive, got {weight!r}")
    return np.where(classes == home, float(weight), 1.0)


def reweight(proba: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Bayes' rule for new priors: scores times ``weights`` (new prior / old prior), renormalised."""
    adjusted = proba * weights
    return adjusted / adjusted.sum(axis=1, keepdims=True)


def estimate_prior(proba: np.ndarray, train_prior: np.ndarray, iterations: int = 200,
                   tolerance: float = 1e-6) -> np.ndarray:
    """The label mix of a batch by EM (Saerens, Latinne & Decaestecker 2002), from calibrated scores.

    Alternates between the batch's expected mix under the current prior and the scores adjusted to it;
    converges to the maximum-likelihood prior. An empty batch keeps the training prior.
    """
    prior = train_prior.copy()
    if not len(proba):
        return prior
    for _ in range(iterations):
        updated = reweight(proba, prior / train_prior).mean(axis=0)
        done = np.abs(updated - prior).max() < tolerance
        prior = updated
        if done:
            break
    return np.maximum(prior, 1e-6) / np.maximum(prior, 1e-6).sum()
