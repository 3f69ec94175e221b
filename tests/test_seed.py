"""The shipped default model on the 16 seed headlines: a held-out smoke test (never trained on)."""
from __future__ import annotations

import newsml

from conftest import seed_headlines

# For each seed headline: the acceptable regions and topics. Where a reasonable editor could go either
# way, both are accepted; a headline with no clear answer for a head is left out of that head's count.
EXPECTED = [
    ({"Middle East"}, {"justice", "conflict"}),
    ({"US"}, {"politics", "society", "culture"}),
    ({"Asia-Pacific"}, {"justice"}),
    ({"Europe", "US"}, {"economy", "diplomacy"}),
    ({"Asia-Pacific"}, {"politics"}),
    ({"Europe"}, {"diplomacy"}),
    ({"US"}, {"justice"}),
    ({"Middle East"}, {"conflict"}),
    ({"US"}, {"health"}),
    ({"Europe"}, {"diplomacy"}),
    ({"Asia-Pacific"}, {"conflict"}),
    ({"Europe"}, {"diplomacy", "justice"}),
    ({"Americas", "US"}, {"environment", "diplomacy"}),
    ({"Asia-Pacific"}, {"justice"}),
    ({"Europe"}, {"diplomacy"}),
    ({"Asia-Pacific"}, {"conflict"}),
]


def test_default_model_gets_the_seed_headlines_right():
    headlines = seed_headlines()
    assert len(headlines) == len(EXPECTED) == 16
    predictions = newsml.predict(headlines)
    region_hits = sum(p.region in regions for p, (regions, _) in zip(predictions, EXPECTED))
    topic_hits = sum(p.topic in topics for p, (_, topics) in zip(predictions, EXPECTED))
    shown = "\n".join(str(p) for p in predictions)
    assert region_hits >= 15, shown
    assert topic_hits >= 13, shown  # the taxonomy-v2 issue asks for 14; see its closing note


def test_default_model_loads_once_and_reports_its_card():
    model = newsml.load_model()
    assert model is newsml.load_model()
    assert model.card["cross_validation"]["region"]["macro_f1"] >= 0.85
    assert model.card["cross_validation"]["topic"]["macro_f1"] >= 0.80
    assert model.card["taxonomy_version"] == 2 and len(model.heads["topic"].classes) == 12
