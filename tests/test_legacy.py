"""``newsml convert``: a newsml 0.1 pickle becomes a model directory, only with --trust."""
from __future__ import annotations

import numpy as np
import pytest

import newsml
from newsml.engine import FoldedEngine, FoldedGazetteer
from newsml.gazetteer import Gazetteer, gazetteer_columns
from newsml.model import Head, NewsModel
from newsml.ngrams import GAZETTEER_FEATURES
from newsml.preprocess import words

joblib = pytest.importorskip("joblib")


def _stand_in(module: str, name: str) -> type:
    """A class pickled under newsml 0.1's module path and name."""
    return type(name, (), {"__module__": module, "__qualname__": name})


def _legacy_file(model, path, monkeypatch, entries=None):
    """What newsml 0.1 would have written for ``model``'s weights (block weights folded in as 1)."""
    classes = {name: _stand_in(module, name) for module, name in [
        ("newsml.model", "NewsModel"), ("newsml.model", "Head"), ("newsml.ngrams", "FeatureBuilder"),
        ("newsml.ngrams", "NgramIndexer"), ("newsml.ngrams", "GazetteerIndexer"),
        ("newsml.gazetteer", "Gazetteer"), ("newsml.gazetteer", "Entry")]}

    def make(class_name, **attributes):
        obj = classes[class_name]()
        obj.__dict__.update(attributes)
        return obj

    blocks, coefs = [], []
    for block in (model.engine.word, model.engine.char):
        idf = np.sqrt(block.squares)
        blocks.append((block.kind, 1.0, make("NgramIndexer", kind=block.kind, ngram_range=block.ngram_range,
                                             min_df=1, vocabulary=dict(block.vocabulary), idf=idf, _cache={})))
        coefs.append(block.table / idf[:, None])
    gazetteer = make("Gazetteer", entries={tuple(words(n.lower())): make("Entry", name=n, kind=k, region=r, country=n)
                                           for n, k, r in (entries or [])}, longest_from={})
    blocks.append(("gazetteer", 1.0, make("GazetteerIndexer", gazetteer=gazetteer, vocabulary={"none": 0})))
    none_row = model.engine.gazetteer.table[GAZETTEER_FEATURES.index("none")]
    coefs.append(none_row[None, :])
    coef = np.vstack(coefs).astype(np.float32)
    bias, heads, start = model.engine.bias, {}, 0
    for name, head in model.heads.items():
        stop = start + len(head.classes)
        heads[name] = make("Head", classes=head.classes, coef=coef[:, start:stop], intercept=bias[start:stop],
                           scale=head.inverse_temperature)
        start = stop
    legacy = make("NewsModel", features=make("FeatureBuilder", blocks=blocks), heads=heads)
    with monkeypatch.context() as patch:  # pickle finds the classes by module and name, as 0.1 had them
        for name, cls in classes.items():
            patch.setattr(f"{cls.__module__}.{name}", cls, raising=False)
        joblib.dump({"format": 2, "model": legacy}, path, compress=3)
    return coef


def test_convert_needs_trust_then_predicts_what_the_pickle_held(cli, small_model, tmp_path, monkeypatch):
    old, new = tmp_path / "old.joblib", tmp_path / "new"
    coef = _legacy_file(small_model, old, monkeypatch)
    result = cli("convert", old, new)
    assert result.returncode == 2 and "--trust" in result.stderr.decode() and not new.exists()
    assert cli("convert", old, new, "--trust", "--quiet").returncode == 0
    converted = newsml.load_model(new)
    assert converted.card["converted_from"]["file"] == "old.joblib"
    # the reference: the same weights (float32 as pickled), no gazetteer names, so only 'none' fires
    no_names = Gazetteer(gazetteer_columns({}, {}, {}))
    uniform = {name: Head(h.classes, h.inverse_temperature, np.full(len(h.classes), 1 / len(h.classes)))
               for name, h in small_model.heads.items()}  # 0.1 recorded no prior
    reference = NewsModel(FoldedEngine(small_model.engine.word, small_model.engine.char,
                                       FoldedGazetteer(no_names, small_model.engine.gazetteer.table),
                                       small_model.engine.bias), uniform)
    texts = ["Quake hits Peru", "Fed holds rates", "Kenya's parliament passes finance bill", ""]
    got, expected = converted.predict_proba(texts), reference.predict_proba(texts)
    for head in got:
        assert np.abs(got[head] - expected[head]).max() < 1e-4  # float32 weights in the old file
        assert (got[head].argmax(axis=1) == expected[head].argmax(axis=1)).all()
    assert coef.dtype == np.float32


def test_converted_gazetteer_matches_in_any_case_like_0_1(small_model, tmp_path, monkeypatch):
    from newsml.legacy import read_legacy

    old = tmp_path / "old.joblib"
    _legacy_file(small_model, old, monkeypatch, entries=[("Kenya", "country", "Africa"), ("Fed", "organisation", "US")])
    gazetteer = read_legacy(old).engine.gazetteer.gazetteer
    for text in ("Kenya votes", "KENYA VOTES", "kenya votes", "fed up with the Fed", "Why the FED waits"):
        assert [h.regions for h in gazetteer.find(words(text))][:1] in ([("Africa",)], [("US",)])


def test_a_file_that_is_not_a_legacy_model_is_one_clear_error(cli, tmp_path):
    bad = tmp_path / "bad.joblib"
    joblib.dump({"something": "else"}, bad)
    result = cli("convert", bad, tmp_path / "new", "--trust")
    assert result.returncode == 2 and "not a newsml 0.1 model" in result.stderr.decode()
