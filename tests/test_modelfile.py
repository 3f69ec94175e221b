"""Model files: atomic writes, sha256 and version checks, and the self-rebuilding default model."""
from __future__ import annotations

import json
import shutil

import pytest

import newsml
from newsml import modelfile
from newsml.modelfile import ModelError, VersionMismatch, load_model_file

from conftest import run_cli


@pytest.fixture
def model_copy(small_model_path, tmp_path):
    target = tmp_path / "copy.joblib"
    shutil.copy(small_model_path, target)
    shutil.copy(small_model_path.with_suffix(".json"), target.with_suffix(".json"))
    return target


def test_no_temporary_files_are_left_behind(small_model_path):
    assert sorted(p.name for p in small_model_path.parent.iterdir()) == ["small.joblib", "small.json"]


def test_truncated_model_is_refused(model_copy):
    data = model_copy.read_bytes()
    model_copy.write_bytes(data[: len(data) // 2])
    with pytest.raises(ModelError, match="sha256 does not match"):
        load_model_file(model_copy)


def test_swapped_model_is_refused(model_copy, tmp_path):
    other = tmp_path / "other.joblib"
    other.write_bytes(b"not a model")
    shutil.copy(other, model_copy)
    with pytest.raises(ModelError, match="corrupt, truncated or not the one"):
        load_model_file(model_copy)


def test_missing_card_and_missing_file(model_copy, tmp_path):
    model_copy.with_suffix(".json").unlink()
    with pytest.raises(ModelError, match="no model card"):
        load_model_file(model_copy)
    with pytest.raises(ModelError, match="no such model file"):
        load_model_file(tmp_path / "absent.joblib")


def _edit_card(model_path, **changes):
    card_path = model_path.with_suffix(".json")
    card = json.loads(card_path.read_text())
    for key, value in changes.items():
        if key == "scikit_learn":
            card["versions"]["scikit_learn"] = value
        else:
            card[key] = value
    card_path.write_text(json.dumps(card))


def test_other_model_format_is_a_clear_message(model_copy):
    _edit_card(model_copy, format=1)
    with pytest.raises(VersionMismatch, match="model format 1.*retrain it with 'newsml train'"):
        load_model_file(model_copy)
    result = run_cli("label", "-", "--model", str(model_copy), stdin=b"Quake hits Peru\n")
    assert result.returncode == 2 and "model format 1" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_other_scikit_learn_version_loads_with_a_note(model_copy, capsys):
    _edit_card(model_copy, scikit_learn="0.24.2")
    model = load_model_file(model_copy)
    assert "trained with scikit-learn 0.24.2" in capsys.readouterr().err
    assert model.predict("Quake hits Peru").region in newsml.REGIONS


def test_predicting_imports_neither_scikit_learn_nor_nltk(small_model_path):
    """Both take over a second to import; a labelling run should not pay for them."""
    code = ("import sys, newsml; m = newsml.load_model(sys.argv[1]); m.predict(['Quake hits Peru']); "
            "print(sorted(k for k in sys.modules if k.split('.')[0] in ('sklearn', 'nltk')))")
    import subprocess, sys
    out = subprocess.run([sys.executable, "-c", code, str(small_model_path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_default_model_rebuilds_itself_when_the_format_differs(model_copy, small_corpus, tmp_path,
                                                              monkeypatch, capsys):
    _edit_card(model_copy, format=1)
    files = {"newsml.joblib": model_copy, "headlines.csv": small_corpus}
    monkeypatch.setattr(modelfile, "bundled_file", lambda name: files[name])
    monkeypatch.setenv("NEWSML_CACHE", str(tmp_path / "cache"))
    model = modelfile.load_default_model()
    assert "rebuilding the default model" in capsys.readouterr().err
    rebuilt = list((tmp_path / "cache").glob("newsml-*.joblib"))
    assert len(rebuilt) == 1
    assert model.predict("Quake hits Peru").region in newsml.REGIONS
    again = modelfile.load_default_model()  # second time: straight from the cache, no message
    assert "rebuilding" not in capsys.readouterr().err
    assert again.predict("Quake hits Peru") == model.predict("Quake hits Peru")
