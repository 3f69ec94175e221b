"""Explanations: exact contributions (they plus the bias sum to the decision value), stable JSON, CLI."""
from __future__ import annotations

import json

import pytest

HEADLINES = ["Kenya's central bank holds rates as shilling slides", "Arsenal sack manager after derby defeat",
             "Woman shot dead on set of film", "x", "😀🔥"]


@pytest.mark.parametrize("headline", HEADLINES)
def test_contributions_and_bias_sum_to_the_decision_value(small_model, headline):
    explanation = small_model.explain(headline, k=3)
    decision = small_model.engine.decision([headline])[0]
    for name, head in explanation.heads.items():
        part = decision[small_model._slices[name]]
        chosen = list(small_model.heads[name].classes).index(head.label)
        assert head.score == pytest.approx(head.bias + sum(c.value for c in head.contributions), abs=1e-9)
        assert head.score == pytest.approx(part[chosen], abs=1e-9)
        values = [c.value for c in head.contributions]
        assert values == sorted(values, reverse=True)
        assert head.probability >= head.runner_up_probability


def test_explanation_matches_the_prediction(small_model):
    p = small_model.predict(HEADLINES[0])
    explanation = p.explain(2)
    assert explanation.heads["region"].label == p.region and explanation.heads["topic"].label == p.topic
    assert explanation.heads["region"].probability == pytest.approx(p.region_score, abs=1e-6)
    with pytest.raises(ValueError):
        small_model.predict("  ").explain()


def test_json_is_stable_and_complete(small_model):
    data = small_model.explain(HEADLINES[1], k=2).to_dict()
    assert set(data) == {"headline", "heads"} and set(data["heads"]) == {"region", "topic"}
    head = data["heads"]["topic"]
    assert set(head) == {"label", "probability", "runner_up", "runner_up_probability", "score", "bias", "known",
                         "prior_changed", "towards", "against", "contributions"}
    assert len(head["towards"]) <= 2 and all(value > 0 for _, value in head["towards"])
    assert all(value < 0 for _, value in head["against"])
    assert json.loads(json.dumps(data)) == data


def test_a_home_prior_that_changes_the_label_says_so(small_model):
    plain = small_model.explain("Council votes on new budget")
    home = small_model.explain("Council votes on new budget", home="Africa", home_weight=1e6)
    assert home.heads["region"].label == "Africa"
    assert home.heads["region"].prior_changed == (plain.heads["region"].label != "Africa")
    assert not plain.heads["region"].prior_changed


def test_nothing_known_is_said(small_model):
    assert not small_model.explain("qzxwv").heads["region"].known
    assert "prior" in str(small_model.explain("qzxwv"))


def test_cli_text_and_json(cli, small_model_path):
    result = cli("explain", HEADLINES[0], HEADLINES[1], "--model", small_model_path, "-k", "3")
    text = result.stdout.decode()
    assert result.returncode == 0 and text.count("region:") == 2 and len(text.splitlines()) <= 15
    result = cli("explain", "-", "--model", small_model_path, "--format", "json", stdin=b"Quake hits Peru\n\n")
    data = json.loads(result.stdout)
    assert result.returncode == 0 and [d["headline"] for d in data] == ["Quake hits Peru"]
    assert cli("explain", "x", "--model", small_model_path, "-k", "0").returncode == 2


def test_a_blank_headline_has_nothing_to_explain_everywhere(small_model, cli, small_model_path):
    import newsml

    assert newsml.predict("").region == "uncertain"
    for explain in (lambda: small_model.explain("  "), lambda: small_model.predict("").explain()):
        with pytest.raises(ValueError, match="a blank headline has nothing to explain"):
            explain()
    result = cli("explain", "", "--model", small_model_path)
    assert result.returncode == 2 and result.stderr.decode().count("\n") == 1
    assert cli("explain", "-", "--model", small_model_path, stdin=b"\n\n").returncode == 2
