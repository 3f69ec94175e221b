"""Home region and feed priors: Bayes' rule for a known home, EM (Saerens et al. 2002) for a feed's mix."""
from __future__ import annotations

import csv
import io
import warnings

import numpy as np
import pytest

from newsml.batch import label_file
from newsml.io import DataError
from newsml.priors import ADAPT_MINIMUM, HOME_WEIGHT, estimate_prior, home_weights, reweight

from conftest import CORPUS, FRONT_PAGE, seed_headlines

NO_PLACE = ["Teacher praised for quick thinking in classroom", "Firefighters save dog from burning house",
            "Hiker found alive after week in woods", "Man rescued after three days trapped in car"]


def test_reweight_is_bayes_rule():
    proba = np.array([[0.2, 0.8], [0.5, 0.5]])
    assert np.allclose(reweight(proba, np.array([4.0, 1.0])), [[0.5, 0.5], [0.8, 0.2]])


def test_home_weights_say_which_regions_they_accept():
    classes = np.array(["Africa", "Europe", "US"])
    assert home_weights(classes, "Europe", 4.0).tolist() == [1.0, 4.0, 1.0]
    with pytest.raises(ValueError, match="unknown home region 'Mars'; expected one of: Africa, Europe, US"):
        home_weights(classes, "Mars")
    with pytest.raises(ValueError, match="positive"):
        home_weights(classes, "Europe", 0.0)


def test_em_recovers_a_feed_mix_unlike_the_training_mix():
    """Calibrated scores under a 50/50 training mix, on a feed that is 80/20: EM finds the 80/20."""
    rng = np.random.default_rng(0)
    first = rng.random(20_000) < 0.8
    x = np.where(first, rng.normal(1.0, 1.0, first.size), rng.normal(-1.0, 1.0, first.size))
    posterior = 1.0 / (1.0 + np.exp(-2.0 * x))  # p(first | x) under equal priors, N(1, 1) vs N(-1, 1)
    proba = np.column_stack([posterior, 1.0 - posterior])
    assert abs(estimate_prior(proba, np.array([0.5, 0.5]))[0] - 0.8) < 0.02
    assert estimate_prior(proba[:0], np.array([0.5, 0.5])).tolist() == [0.5, 0.5]


def test_home_multiplies_the_home_odds_and_keeps_named_places(small_model):
    for headline in NO_PLACE:
        plain = small_model.predict(headline).scores["region"]["US"]
        home = small_model.predict(headline, home="US").scores["region"]["US"]
        assert home / (1 - home) == pytest.approx(HOME_WEIGHT * plain / (1 - plain), rel=1e-3)
    assert small_model.predict("Floods kill 12 in Kenya", home="US").region == "Africa"
    with pytest.raises(ValueError, match="unknown home region"):
        small_model.predict("Floods kill 12 in Kenya", home="Mars")


def test_adapted_priors_follow_a_sport_feed(small_model):
    with open(CORPUS, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    feed = [r["headline"] for r in rows if r["topic"] == "sport"][:400] + [r["headline"] for r in rows[:40]]
    mix = small_model.estimate_priors(feed)
    sport = list(small_model.heads["topic"].classes).index("sport")
    assert mix["topic"][sport] > 0.6 > small_model.heads["topic"].prior[sport]
    adapted = small_model.predict(feed, adapt_priors=True)
    plain = small_model.predict(feed)
    assert sum(p.topic == "sport" for p in adapted) >= sum(p.topic == "sport" for p in plain)


def test_too_few_headlines_keep_the_training_mix_with_a_warning(small_model):
    headlines = seed_headlines()
    assert len(headlines) < ADAPT_MINIMUM
    with pytest.warns(UserWarning, match="too few to estimate"):
        adapted = small_model.predict(headlines, adapt_priors=True)
    assert [p.to_dict() for p in adapted] == [p.to_dict() for p in small_model.predict(headlines)]


def test_cli_home_and_adapt_priors(cli, small_model_path, tmp_path):
    source = tmp_path / "feed.txt"
    source.write_text("\n".join(NO_PLACE) + "\n", encoding="utf-8")
    runs = {}
    for name, extra in {"plain": [], "home": ["--home", "US"], "adapt": ["--adapt-priors"]}.items():
        result = cli("label", source, "--model", small_model_path, *extra)
        assert result.returncode == 0, result.stderr
        runs[name] = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    for plain, home in zip(runs["plain"], runs["home"]):  # US gains; any other label can only lose
        if plain["region"] == "US" or home["region"] != "US":
            assert home["region"] == plain["region"]
            assert (float(home["region_score"]) >= float(plain["region_score"])) == (plain["region"] == "US")
    assert runs["adapt"] == runs["plain"]  # four headlines: too few to estimate a mix, and the CLI says so
    result = cli("label", source, "--model", small_model_path, "--adapt-priors")
    assert "too few to estimate the feed's mix" in result.stderr.decode()
    digest = cli("digest", FRONT_PAGE, "--model", small_model_path, "--home", "US", "--format", "json")
    assert digest.returncode == 0 and digest.stdout.strip().startswith(b"{"), digest.stderr


def test_adapted_labelling_is_the_same_with_any_jobs(small_model_path, tmp_path, capsys):
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[1:901]
    source = tmp_path / "in.csv"
    source.write_text("headline,region,topic\n" + "\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for jobs in (1, 2):
        out = tmp_path / f"out{jobs}.csv"
        label_file(str(source), str(out), model=small_model_path, jobs=jobs, chunk_size=100, adapt_priors=True,
                   prefix="p_")
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert capsys.readouterr().err.count("feed mix estimated from 900 headlines") == 2


def test_an_unknown_home_fails_before_any_output(small_model_path, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\n", encoding="utf-8")
    with pytest.raises(DataError, match="unknown home region 'Mars'"):
        label_file(str(source), str(tmp_path / "out.csv"), model=small_model_path, home="Mars", quiet=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a plain run warns about nothing
        label_file(str(source), str(tmp_path / "out.csv"), model=small_model_path, quiet=True)
