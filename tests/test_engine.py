"""The folded predict engine against the sparse reference path it must equal."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from newsml import engine
from newsml.classifier import build_pipeline, compile_model
from newsml.model import softmax

from conftest import CORPUS

ODD = ["", "   ", "x", "U.S. and the UK", "Help us, plead families", "ALL CAPS HEADLINE ABOUT KENYA",
       "Кремль заявил о переговорах", "😀🔥", "co-operation pact in Israel-Iran talks", "a " * 500,
       "Trump's tariffs: what we know", "3.25% rise in £ and € markets"]


@pytest.fixture(scope="module")
def fitted():
    with open(CORPUS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))[::5]
    texts = [r["headline"] for r in rows]
    pipeline = build_pipeline().fit(texts, np.column_stack([[r["region"] for r in rows],
                                                           [r["topic"] for r in rows]]))
    return pipeline, compile_model(pipeline), texts


def _reference(pipeline, texts):
    X = pipeline.named_steps["features"].transform(texts)
    return [e.predict_proba(X) for e in pipeline.named_steps["heads"].estimators_]


def test_folded_scores_equal_the_sparse_path(fitted):
    pipeline, model, texts = fitted
    texts = texts[:1500] + ODD
    scores = model.engine.decision(texts)
    for (head, spec), expected in zip(model.heads.items(), _reference(pipeline, texts)):
        got = softmax(spec.inverse_temperature * scores[:, model._slices[head]])
        assert np.abs(got - expected).max() <= 1e-6
        assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()


def test_headlines_with_nothing_known_get_the_prior(fitted):
    _, model, texts = fitted
    junk = ["x", "qzxwv vbnmq", "12345", "\U0001F600\U0001F525", "zzzz " * 50]
    proba = model.predict_proba(junk + texts[:1])
    for head, spec in model.heads.items():
        assert np.allclose(proba[head][:-1], spec.prior) and (proba[head][:-1].max(axis=1) < 0.5).all()
        assert not np.allclose(proba[head][-1], spec.prior)


def test_one_at_a_time_equals_a_batch(fitted):
    _, model, texts = fitted
    batch = model.predict(texts[:50])
    assert [model.predict(t) for t in texts[:50]] == batch


def test_unit_cache_starting_over_changes_nothing(fitted, monkeypatch):
    pipeline, model, texts = fitted
    before = model.predict_proba(texts[:300])
    monkeypatch.setattr(engine, "UNIT_CACHE_LIMIT", 200)
    after = model.predict_proba(texts[:300])
    for head in before:
        assert np.abs(before[head] - after[head]).max() <= 1e-12


def test_empty_batch_and_rows_without_tokens(fitted):
    _, model, _ = fitted
    assert {h: p.shape for h, p in model.predict_proba([]).items()} == {
        h: (0, len(head.classes)) for h, head in model.heads.items()}
    p = model.predict_proba(["", "!!!"])
    assert np.allclose(p["region"][0], p["region"][1])  # no tokens at all: the same (bias-only) scores


def test_blank_headlines_anywhere_in_a_batch(fitted):
    _, model, texts = fitted
    batch = ["", texts[0], "", "", texts[1], ""]
    proba = model.predict_proba(batch)
    alone = model.predict_proba([texts[0], texts[1]])
    for head in proba:
        assert np.allclose(proba[head][[1, 4]], alone[head])


def test_word_block_loads_only_its_unigrams_for_predicting(fitted, tmp_path):
    from newsml.modelfile import load_model_file, save_model

    _, model, texts = fitted
    save_model(model, tmp_path / "m")
    loaded = load_model_file(tmp_path / "m")
    word = loaded.engine.word
    assert word.lookup and all(" " not in gram for gram in word.lookup)
    assert word.grams[:len(word.lookup)] == list(word.lookup)  # unigrams first, then the bigrams
    assert len(word.vocabulary) == word.size > len(word.lookup)  # the whole vocabulary, built when asked
    assert np.abs(loaded.engine.decision(texts[:300] + ODD) - model.engine.decision(texts[:300] + ODD)).max() == 0
