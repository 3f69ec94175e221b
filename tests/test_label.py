"""Batch labelling: formats, every row kept in order, clear errors, atomic output, workers, pandas."""
from __future__ import annotations

import csv
import gzip
import io
import json
import os
import signal
import subprocess
import sys
import time

import pytest

import newsml
from newsml.batch import label_file
from newsml.io import DataError
from newsml.label import label_texts

from conftest import CORPUS, seed_headlines

LABELS = ["region", "region_score", "topic", "topic_score", "error"]


def read_csv(path_or_text, delimiter=","):
    text = path_or_text.read_text(encoding="utf-8") if hasattr(path_or_text, "read_text") else path_or_text
    return list(csv.DictReader(io.StringIO(text), delimiter=delimiter))


@pytest.fixture
def label(cli, small_model_path):
    """``newsml label ARGS --model <small model>``, in-process."""
    return lambda *args, stdin=None: cli("label", *args, "--model", small_model_path, stdin=stdin)


def test_txt_to_csv_matches_predict(label, small_model, small_model_path, tmp_path):
    source = tmp_path / "seed.txt"
    source.write_text("\n".join(seed_headlines()) + "\n", encoding="utf-8")
    result = label(str(source))
    assert result.returncode == 0, result.stderr
    rows = read_csv(result.stdout.decode())
    assert [r["headline"] for r in rows] == seed_headlines()
    assert list(rows[0]) == ["headline", *LABELS]
    for row, p in zip(rows, small_model.predict(seed_headlines())):
        assert (row["region"], row["topic"]) == (p.region, p.topic)
        assert float(row["region_score"]) == pytest.approx(p.region_score, abs=1e-4)
    assert "16 rows read, 16 labelled, 0 with problems" in result.stderr.decode()


def test_csv_keeps_every_column_and_quoted_fields(label, small_model_path, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('id,title,note\n1,"Floods, landslides hit Kerala","a ""quoted""\nnote"\n'
                      '2,EU fines tech giant,plain\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    result = label(str(source), "-o", str(out), "--column", "title")
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert [r["id"] for r in rows] == ["1", "2"]
    assert rows[0]["title"] == "Floods, landslides hit Kerala" and rows[0]["note"] == 'a "quoted"\nnote'
    assert all(r["region"] for r in rows) and list(rows[0])[:3] == ["id", "title", "note"]


@pytest.mark.parametrize("suffix, opener", [(".csv", open), (".csv.gz", gzip.open)])
def test_bom_crlf_and_gzip_inputs(label, small_model_path, tmp_path, suffix, opener):
    source = tmp_path / f"in{suffix}"
    with opener(source, "wb") as handle:
        handle.write(b"\xef\xbb\xbfheadline\r\nQuake hits Peru\r\nFed holds rates\r\n")
    result = label(str(source), "--format", "jsonl")
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["headline"] for r in records] == ["Quake hits Peru", "Fed holds rates"]


def test_stdin_to_jsonl_and_tsv_round_trip(label, small_model_path, tmp_path):
    result = label("-", "--format", "jsonl", stdin=b"Quake hits Peru\nFed holds rates\n")
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [r["headline"] for r in records] == ["Quake hits Peru", "Fed holds rates"]
    assert set(records[0]) == {"headline", *LABELS}
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_text("\n".join(json.dumps({"id": i, "text": r["headline"]}) for i, r in enumerate(records)) + "\n")
    tsv = tmp_path / "out.tsv"
    assert label(str(jsonl), "-o", str(tsv)).returncode == 0
    table = read_csv(tsv, delimiter="\t")
    assert [(r["id"], r["text"]) for r in table] == [(str(i), r["headline"]) for i, r in enumerate(records)]
    out = tmp_path / "out.jsonl"
    assert label(str(jsonl), "-o", str(out)).returncode == 0
    again = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(r["id"], r["text"], r["region"]) for r in again] == [(i, r["headline"], r["region"])
                                                                  for i, r in enumerate(records)]


def test_bad_rows_stay_in_place_with_an_error(label, small_model_path, tmp_path):
    source = tmp_path / "in.txt"
    source.write_bytes(b"Quake hits Peru\n\n   \nbad \xff bytes\n" + b"x" * 3000 + b"\nFed holds rates\n")
    out = tmp_path / "out.csv"
    result = label(str(source), "-o", str(out))
    assert result.returncode == 0, result.stderr
    rows = read_csv(out)
    assert len(rows) == 6
    assert [bool(r["region"]) for r in rows] == [True, False, False, False, False, True]
    assert [r["error"].split(" (")[0] for r in rows] == [
        "", "blank headline", "blank headline", "undecodable bytes", "headline longer than 2000 characters", ""]
    assert "6 rows read, 2 labelled, 4 with problems" in result.stderr.decode()


def test_strict_stops_at_the_first_bad_row(label, small_model_path, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\n\nFed holds rates\n")
    out = tmp_path / "out.csv"
    result = label(str(source), "-o", str(out), "--strict")
    assert result.returncode == 2
    assert f"{source}:2: blank headline" in result.stderr.decode()
    assert not out.exists() and os.listdir(tmp_path) == ["in.txt"]


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfeh\x00e\x00", "UTF-16"),
    (b"\x00\x01\x02\x03binary", "binary"),
])
def test_utf16_and_binary_files_are_refused(label, small_model_path, tmp_path, content, message):
    source = tmp_path / "in.txt"
    source.write_bytes(content)
    result = label(str(source), "-o", str(tmp_path / "out.csv"))
    assert result.returncode == 2 and message in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode() and not (tmp_path / "out.csv").exists()


def test_empty_and_header_only_files(label, small_model_path, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = label(str(empty))
    assert result.returncode == 0 and read_csv(result.stdout.decode()) == []
    header_only = tmp_path / "header.csv"
    header_only.write_text("id,headline\n")
    result = label(str(header_only))
    assert result.returncode == 0
    assert result.stdout.decode().splitlines() == ["id,headline," + ",".join(LABELS)]


def test_missing_column_and_clashing_column(label, small_model_path, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id,body\n1,text\n")
    result = label(str(source))
    assert result.returncode == 2 and "no headline column" in result.stderr.decode()
    source.write_text("headline,region\nQuake hits Peru,Americas\n")
    result = label(str(source))
    assert result.returncode == 2 and "--prefix" in result.stderr.decode()
    result = label(str(source), "--prefix", "pred_")
    assert result.returncode == 0 and "pred_region" in result.stdout.decode()


def test_refuses_to_overwrite_the_input(label, small_model_path, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("headline\nQuake hits Peru\n")
    result = label(str(source), "-o", str(source))
    assert result.returncode == 2 and "refusing" in result.stderr.decode()
    assert source.read_text() == "headline\nQuake hits Peru\n"


def test_top_k_and_threshold(label, small_model_path, tmp_path):
    result = label("-", "--top-k", "2", "--threshold", "0.99", stdin=b"Talks go on as deadline nears\n")
    row = read_csv(result.stdout.decode())[0]
    assert row["region"] == "uncertain" and float(row["region_score"]) < 0.99
    assert row["region_2"] and float(row["region_2_score"]) <= float(row["region_score"])
    assert row["topic_2"] and row["topic_2"] != row["topic"]


def test_jobs_give_the_same_output_as_one_process(cli, small_model_path, tmp_path):
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[1:1201]
    source = tmp_path / "in.csv"
    source.write_text("headline,region,topic\n" + "\n".join(lines) + "\n", encoding="utf-8")
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.csv"
        result = cli("label", str(source), "-o", str(out), "--model", str(small_model_path), "--jobs", jobs,
                         "--chunk-size", "100", "--prefix", "p_")
        assert result.returncode == 0, result.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1] and outputs[0].count(b"\n") == 1201


def test_interrupted_run_leaves_no_output(small_model_path, tmp_path):
    source = tmp_path / "big.txt"
    source.write_text("Quake hits Peru as rescuers search rubble\n" * 1_000_000)
    out = tmp_path / "out.csv"
    env = {**os.environ, "NLTK_DATA": os.environ["NLTK_DATA"]}
    process = subprocess.Popen([sys.executable, "-m", "newsml.cli", "label", str(source), "-o", str(out),
                                "--model", str(small_model_path), "--chunk-size", "1000"],
                               stderr=subprocess.PIPE, env=env)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.endswith(".partial") for p in tmp_path.iterdir()):
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)
    assert process.returncode != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"]


def test_hundred_thousand_rows_match_predict(small_model, tmp_path):
    lines = CORPUS.read_text(encoding="utf-8").splitlines()[1:]
    texts = [next(csv.reader([line]))[0] for line in lines]
    texts = (texts * (100_000 // len(texts) + 1))[:100_000]
    source = tmp_path / "big.txt"
    source.write_text("\n".join(texts) + "\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    stats = label_file(str(source), str(out), model=small_model, quiet=True)
    assert (stats.read, stats.labelled, stats.problems) == (100_000, 100_000, 0)
    rows = read_csv(out)
    unique = sorted(set(texts))
    expected = {p.headline: (p.region, p.topic) for p in small_model.predict(unique)}
    assert len(rows) == 100_000
    assert all((r["region"], r["topic"]) == expected[r["headline"]] for r in rows)


def test_label_dataframe_adds_columns(small_model):
    pandas = pytest.importorskip("pandas")
    frame = pandas.DataFrame({"id": [1, 2, 3], "headline": ["Quake hits Peru", None, "Fed holds rates"]})
    labelled = newsml.label_dataframe(frame, column="headline", model=small_model)
    assert list(labelled["id"]) == [1, 2, 3] and list(labelled.index) == list(frame.index)
    assert labelled["region"].iloc[0] == small_model.predict("Quake hits Peru").region
    assert labelled["error"].iloc[1] == "missing headline"
    assert labelled["region_score"].dtype == "float64" and pandas.isna(labelled["region_score"].iloc[1])
    assert labelled["region"].iloc[1] == ""


def test_label_texts_is_the_shared_unit(small_model):
    columns = label_texts(["Quake hits Peru", "", None], small_model, top_k=2)
    assert set(columns) >= {"region", "region_2", "topic_2_score", "error"}
    assert [bool(r) for r in columns["region"]] == [True, False, False]
    assert columns["error"] == ["", "blank headline", "missing headline"]
    assert columns["region_score"][0] > 0 and all(s != s for s in columns["region_score"][1:])  # NaN
    with pytest.raises(DataError):
        label_file("nope.csv", None, quiet=True)


def test_an_unclosed_quote_is_reported_not_swallowed(label, tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('id,headline\n1,"Floods kill 12 in Kenya\n2,Arsenal sack manager\n3,Another one\n')
    result = label(str(source))
    rows = read_csv(result.stdout.decode())
    assert result.returncode == 0 and len(rows) == 1 and not rows[0]["region"]
    assert rows[0]["error"].startswith("headline holds a line break")
    assert "1 rows read, 0 labelled, 1 with problems" in result.stderr.decode()
    strict = label(str(source), "--strict")
    assert strict.returncode == 2 and f"{source}:2: headline holds a line break" in strict.stderr.decode()


def test_tsv_quotation_marks_are_text(label, tmp_path):
    source = tmp_path / "in.tsv"
    headlines = ['"We will fight on," says minister', '"Unbalanced quote opens here', "Fed holds rates"]
    source.write_text("id\theadline\n" + "".join(f"{i}\t{h}\n" for i, h in enumerate(headlines)), encoding="utf-8")
    out = tmp_path / "out.tsv"
    assert label(str(source), "-o", str(out)).returncode == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [line.split("\t")[1] for line in lines[1:]] == headlines
    assert all(line.split("\t")[2] for line in lines[1:])  # every row labelled


def test_options_the_model_cannot_honour_fail_before_any_output(label, small_model_path, tmp_path):
    result = label("-", "--top-k", "8", stdin=b"Quake hits Peru\n")
    assert result.returncode == 2 and result.stdout == b""
    assert result.stderr.decode().count("\n") == 1 and "top-k must be between 0 and 7" in result.stderr.decode()
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\n")
    for options, message in (({"home": "Mars"}, "unknown home region"), ({"jobs": 0}, "--jobs must be at least 1")):
        with pytest.raises(DataError, match=message):
            label_file(str(source), str(tmp_path / "out.csv"), model=small_model_path, quiet=True, **options)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.txt"]
    with pytest.raises(ValueError, match="top-k"):
        newsml.label_dataframe(__import__("pandas").DataFrame({"headline": ["Quake hits Peru"]}), top_k=8)


def test_jsonl_scores_of_unlabelled_rows_are_null(label):
    result = label("-", "--format", "jsonl", stdin=b"Quake hits Peru\n\n")
    records = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert isinstance(records[0]["region_score"], float)
    assert records[1]["region_score"] is None and records[1]["topic_score"] is None
    assert records[1]["error"] == "blank headline"


def test_a_null_headline_in_jsonl_says_so(label, tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text('{"headline": null}\n{"body": "x"}\n')
    rows = read_csv(label(str(source)).stdout.decode())
    assert [r["error"] for r in rows] == ["field 'headline' is null", "missing field 'headline'"]


def test_output_problems_name_the_output(label, tmp_path):
    source = tmp_path / "in.txt"
    source.write_text("Quake hits Peru\n")
    (tmp_path / "outdir").mkdir()
    result = label(str(source), "-o", str(tmp_path / "outdir"))
    assert result.returncode == 2 and f"{tmp_path / 'outdir'}: cannot write: is a directory" in result.stderr.decode()
    result = label(str(source), "-o", str(tmp_path / "out.json"))
    assert result.returncode == 0 and "is not named .csv, .tsv or .jsonl; writing CSV" in result.stderr.decode()
    assert read_csv(tmp_path / "out.json")[0]["region"]


def test_a_closed_stdin_is_one_line(small_model_path, monkeypatch, capsys):
    from newsml.cli import main

    monkeypatch.setattr(sys, "stdin", None)
    assert main(["label", "-", "--model", str(small_model_path)]) == 2
    assert capsys.readouterr().err == "newsml label: error: <stdin>: standard input is closed\n"


def test_usage_errors_are_one_line(cli):
    for args in (["label", "x.txt", "--threshold", "abc"], ["label", "x.txt", "--home", "Mars"], ["bogus"]):
        result = cli(*args)
        assert result.returncode == 2 and result.stderr.decode().count("\n") == 1, result.stderr
        assert result.stderr.decode().startswith("newsml")


def test_binary_data_past_the_first_64_kib_is_flagged_on_its_row(label, tmp_path):
    source = tmp_path / "in.csv"
    source.write_bytes(b"id,headline\n" + b"".join(b"%d,Quake %d hits Peru\n" % (i, i) for i in range(5000))
                       + b"5000,bad \x00 row\n5001,Fed holds rates\n")
    rows = read_csv(label(str(source)).stdout.decode())
    assert len(rows) == 5002 and rows[-1]["region"] and not rows[-2]["region"]
    assert rows[-2]["error"] == "headline holds a NUL byte (binary data?)"
