"""The one-call API: newsml.predict and NewsModel.predict, including what users throw at them."""
from __future__ import annotations

import math

import pytest

import newsml
from newsml import Prediction
from newsml.taxonomy import REGIONS, TOPICS, UNCERTAIN


def test_single_headline_gives_one_prediction(small_model):
    p = newsml.predict("Thailand Vows Continued Military Action Amid Cambodia Border Clash", model=small_model)
    assert isinstance(p, Prediction)
    assert p.region in REGIONS and p.topic in TOPICS
    assert 0.0 <= p.region_score <= 1.0 and 0.0 <= p.topic_score <= 1.0
    assert p.to_dict() == {"headline": p.headline, "region": p.region, "region_score": p.region_score,
                           "topic": p.topic, "topic_score": p.topic_score}
    assert p.label == f"{p.region} {p.topic}"


def test_list_gives_list_in_order(small_model):
    texts = ["Kenya's central bank holds rates", "Wildfire forces evacuations in California", "UN talks"]
    predictions = small_model.predict(texts)
    assert [p.headline for p in predictions] == texts
    assert predictions == [small_model.predict(t) for t in texts]


def test_generator_input_is_accepted(small_model):
    assert len(small_model.predict(t for t in ["a headline", "another headline"])) == 2


def test_scores_are_distributions_and_alternatives_are_sorted(small_model):
    p = small_model.predict("Oil prices jump as OPEC+ agrees deeper output cuts")
    for head, scores in p.scores.items():
        assert set(scores) == set(REGIONS if head == "region" else TOPICS)
        assert math.isclose(sum(scores.values()), 1.0, abs_tol=1e-3)
    alternatives = p.alternatives(3)
    assert [label for label, _ in alternatives["region"]][0] == p.region
    assert [label for label, _ in alternatives["topic"]][0] == p.topic
    for ranked in alternatives.values():
        assert len(ranked) == 3
        assert [s for _, s in ranked] == sorted((s for _, s in ranked), reverse=True)
    with pytest.raises(ValueError):
        p.alternatives(0)


@pytest.mark.parametrize("text", ["", "   ", "\t\n", "\u200b"])
def test_empty_text_is_uncertain(small_model, text):
    p = small_model.predict(text)
    assert (p.region, p.region_score, p.topic, p.topic_score) == (UNCERTAIN, 0.0, UNCERTAIN, 0.0)


@pytest.mark.parametrize("bad", [None, 42, 3.5, b"bytes headline", {"headline": "x"}])
def test_non_text_is_a_clear_type_error(small_model, bad):
    with pytest.raises(TypeError, match="str|string"):
        small_model.predict(bad)


def test_non_text_inside_a_list_names_its_position(small_model):
    with pytest.raises(TypeError, match="headline 1 is int"):
        small_model.predict(["fine", 7])


@pytest.mark.parametrize("text", [
    "x" * 10_000,
    "Flood " * 2_000,
    "Кремль заявил о переговорах с Украиной",
    "北京宣布新的经济刺激计划",
    "😀🔥🚀",
    "Markets 📉 tumble as Fed signals more hikes 🏦",
    "\x00\x01 control \x7f characters",
])
def test_odd_text_gets_a_valid_label(small_model, text):
    p = small_model.predict(text)
    assert p.region in (*REGIONS, UNCERTAIN) and p.topic in (*TOPICS, UNCERTAIN)
    assert 0.0 <= p.region_score <= 1.0


def test_same_model_same_answers(small_model_path):
    first = newsml.load_model(small_model_path).predict(["Fed holds rates steady", "Quake hits Peru"])
    second = newsml.load_model(small_model_path).predict(["Fed holds rates steady", "Quake hits Peru"])
    assert [p.to_dict() for p in first] == [p.to_dict() for p in second]


def test_predictions_pickle_with_their_scores(small_model):
    import pickle

    p = small_model.predict("Oil prices jump as OPEC+ agrees deeper output cuts")
    back = pickle.loads(pickle.dumps(p))
    assert back == p and back.scores == p.scores and back.alternatives(2) == p.alternatives(2)
    with pytest.raises(ValueError, match="without its model"):
        back.explain()
