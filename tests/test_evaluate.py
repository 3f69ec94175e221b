"""`newsml evaluate`: the per-head report on a labelled file, and confusion matrices as a PNG."""
from __future__ import annotations

import json



def test_evaluate_prints_report_and_writes_png(cli, small_corpus, small_model_path, tmp_path):
    png = tmp_path / "confusion.png"
    result = cli("evaluate", str(small_corpus), "--model", str(small_model_path), "--plot", str(png))
    assert result.returncode == 0, result.stderr
    out = result.stdout.decode()
    assert "region: accuracy" in out and "topic: accuracy" in out and "macro-F1" in out
    assert "Asia-Pacific" in out and "environment" in out
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_json_and_bad_file(cli, small_corpus, small_model_path, tmp_path):
    result = cli("evaluate", str(small_corpus), "--model", str(small_model_path), "--format", "json")
    report = json.loads(result.stdout)
    assert set(report["heads"]) == {"region", "topic"}
    assert 0.5 < report["heads"]["region"]["accuracy"] <= 1.0
    bad = tmp_path / "bad.csv"
    bad.write_text("headline,region,topic\nQuake hits Peru,Mars,disaster\n")
    result = cli("evaluate", str(bad), "--model", str(small_model_path))
    assert result.returncode == 2 and "bad.csv:2: unknown region 'Mars'" in result.stderr.decode()
