"""Preprocessing and features: offline tokenising and stemming, and scikit-learn compatibility."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline

from newsml.classifier import HeadlineClassifier, build_pipeline, compile_model
from newsml.features import HeadlineFeatures
from newsml.preprocess import normalize, stem, tokenize, words

HEADLINES = [
    "Kenya's parliament passes finance bill", "Brazil's central bank raises Selic rate",
    "Floods kill dozens in Pakistan's Sindh", "EU leaders meet in Brussels over Ukraine aid",
    "Fed holds rates steady as inflation cools", "Wildfire forces evacuations near Los Angeles",
] * 5
TOPICS = ["politics", "economy", "disaster", "diplomacy", "economy", "disaster"] * 5


@pytest.mark.parametrize("text, tokens", [
    ("U.S. Suspends UK Technology Deal", ["us", "suspends", "uk", "technology", "deal"]),
    ("Ukraine\u2019s NATO bid, $10.9bn and 3.25%", ["ukraine", "nato", "bid", "$", "10.9", "bn", "and", "3.25%"]),
    ("Co-operation \u2014 \u201cpeace\u201d e.g. 2,000 troops", ["co-operation", "peace", "eg", "2,000", "troops"]),
    ("", []),
    ("\x00\x01 \u200b ", []),
])
def test_tokenize(text, tokens):
    assert tokenize(text) == tokens


def test_stems_need_no_nltk_data():
    assert [stem(t) for t in tokenize("Negotiators negotiated negotiations")] == ["negoti", "negoti", "negoti"]


def test_words_keep_case_for_the_gazetteer():
    assert words("U.S. Envoy Tells Us: Kenya's 'Help us' plea") == ["US", "Envoy", "Tells", "Us", "Kenya", "Help",
                                                                    "us", "plea"]


def test_normalize_folds_unicode_and_spaces():
    assert normalize("  \uff21\u00a0b\u2019s\n\tc ") == "A b's c"


@pytest.mark.parametrize("text", [
    "U.S. and E.U. agree 3.5% tariff cut on $2,000 goods", "Rock'n'roll state-of-the-art _x_ 1.2.3 Trump's",
    "Students' loans: a.m. talks - 10,000,5 jobs... ok", "snake_case MIXED Case 99% A.B",
])
def test_ascii_headlines_tokenise_as_through_the_unicode_patterns(text):
    """ASCII text takes the faster ASCII patterns (preprocess._ascii_only); the tokens must not change."""
    from newsml import preprocess

    plain = preprocess._POSSESSIVE.sub("", text)
    pattern = preprocess._TOKEN if "." in plain else preprocess._TOKEN_WITHOUT_ABBREVIATIONS
    expected = [t.replace(".", "") if t[-1] == "." else t for t in pattern.findall(plain)]
    assert words(text) == expected and text.isascii()


def test_features_are_a_scikit_learn_transformer():
    features = HeadlineFeatures(char_weight=0.5)
    assert clone(features).get_params()["char_weight"] == 0.5
    matrix = features.fit_transform(HEADLINES)
    assert matrix.shape == (len(HEADLINES), len(features.get_feature_names_out()))
    assert matrix.has_canonical_format
    weights = {}
    for name, weight, block in features.blocks_:  # each block unit-norm over occurrences, then weighted
        raw = block.transform_words([words(h) for h in HEADLINES]) if name == "gazetteer" \
            else block.transform([tokenize(h) for h in HEADLINES])
        assert np.allclose(np.add.reduceat(raw.data ** 2, raw.indptr[:-1]), 1.0)
        weights[name] = weight
    assert weights == {"word": 1.5, "char": 0.5, "gazetteer": 0.5}
    with pytest.raises(TypeError, match="single string"):
        features.transform("one headline")
    with pytest.raises(ValueError, match="weight 0"):
        HeadlineFeatures(word_weight=0, char_weight=0, gazetteer_weight=0).fit(HEADLINES)


def test_grid_search_over_features_and_classifier():
    search = GridSearchCV(make_pipeline(HeadlineFeatures(), HeadlineClassifier(calibration_folds=2)),
                          {"headlinefeatures__char_weight": [0.5, 1.0], "headlineclassifier__alpha": [0.5, 2.0]},
                          cv=2)
    search.fit(HEADLINES, TOPICS)
    assert set(search.best_params_) == {"headlinefeatures__char_weight", "headlineclassifier__alpha"}
    proba = search.predict_proba(HEADLINES[:3])
    assert proba.shape == (3, 4) and np.allclose(proba.sum(axis=1), 1)


def test_compiled_model_predicts_like_the_pipeline():
    regions = ["Africa", "Americas", "Asia-Pacific", "Europe", "US", "US"] * 5
    pipeline = build_pipeline().fit(HEADLINES, np.column_stack([regions, TOPICS]))
    model = compile_model(pipeline)
    expected = pipeline.named_steps["heads"].predict_proba(pipeline.named_steps["features"].transform(HEADLINES))
    got = model.predict_proba(HEADLINES)
    for head, proba in zip(("region", "topic"), expected):
        assert np.allclose(got[head], proba, atol=1e-5)


def test_binary_head_still_gives_two_scores():
    two = HeadlineClassifier(calibration_folds=2).fit(HeadlineFeatures().fit_transform(HEADLINES),
                                                      ["a", "b", "a", "b", "a", "b"] * 5)
    proba = two.predict_proba(HeadlineFeatures().fit(HEADLINES).transform(HEADLINES[:2]))
    assert proba.shape == (2, 2) and np.allclose(proba.sum(axis=1), 1)


def test_packed_lists_round_trip_and_refuse_the_separator():
    from newsml.preprocess import PACK_SEPARATOR, pack, unpack

    for strings in ([], ["a"], ["new york", "£", "co-operation", "", "x"]):
        assert unpack(pack(strings)) == strings
    with pytest.raises(ValueError, match="cannot pack"):
        pack(["fine", f"not{PACK_SEPARATOR}fine"])


def test_first_region_feature_is_the_first_place_named():
    from newsml.gazetteer import Hit
    from newsml.ngrams import GAZETTEER_FEATURES, gazetteer_units

    def names(hits):
        return [GAZETTEER_FEATURES[i] for i in gazetteer_units(hits)]

    firm = Hit("Instagram", "company", ("US",), 0, 1)
    country = Hit("Iran", "country", ("Middle East",), 4, 5)
    person = Hit("Biden", "person", ("US",), 0, 1)
    # where a place is named, "first" is the first place: the event happened there, not at the firm
    assert "first=Middle East" in names([firm, country]) and "first=US" not in names([firm, country])
    # with no place, the first name of any kind stands in
    assert "first=US" in names([person])
    assert names([firm, country]).count("mixed") == 1
