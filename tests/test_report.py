"""newsml.report: markdown counts, PNG and HTML pictures, edge cases. Labelled files are written by hand."""
from __future__ import annotations

import csv
import gzip
import json
import struct
import subprocess
import sys

import pytest

from newsml.io import DataError
from newsml.report import make_report

pytest.importorskip("matplotlib")

COLUMNS = ["headline", "region", "region_score", "topic", "topic_score", "error"]
ROWS = [
    ["Senate passes budget", "US", 0.9, "politics", 0.8, ""],
    ["House votes on tax plan", "US", 0.95, "politics", 0.4, ""],
    ["Wall Street rallies", "US", 0.7, "economy", 0.9, ""],
    ["EU summit opens in Brussels", "Europe", 0.99, "diplomacy", 0.85, ""],
    ["<script>alert(1)</script> & Paris talks", "Europe", 0.6, "diplomacy", 0.95, ""],
    ["Floods hit Germany", "Europe", 0.45, "disaster", 0.9, ""],
    ["", "", "", "", "", "blank headline"],
]


def write_csv(path, rows=ROWS, columns=COLUMNS, extra=None):
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*columns, *(extra or {})])
        for i, row in enumerate(rows):
            writer.writerow([*row, *(values[i] for values in (extra or {}).values())])
    return path


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_markdown_counts(tmp_path):
    text = make_report(write_csv(tmp_path / "l.csv"))
    assert "| region \\ topic | politics | diplomacy | economy | disaster | total |" in text
    assert "| US | 2 | 0 | 1 | 0 | 3 |" in text
    assert "| Europe | 0 | 2 | 0 | 1 | 3 |" in text
    assert "| total | 2 | 2 | 1 | 1 | 6 |" in text
    assert "- region: 16.7% uncertain or scoring below 0.5 (1 of 6)" in text
    assert "- topic: 16.7% uncertain or scoring below 0.5 (1 of 6)" in text
    assert "1 row could not be labelled (blank headline: 1)" in text


def test_prefix_jsonl_gzip_and_uncertain(tmp_path):
    path = tmp_path / "l.jsonl.gz"
    rows = [dict(zip(["title", "pred_region", "pred_region_score", "pred_topic", "pred_topic_score", "pred_error"], r))
            for r in ROWS]
    rows[0]["pred_topic"] = "uncertain"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r) + "\n" for r in rows)
    text = make_report(path)
    assert "| pred_region \\ pred_topic | politics | diplomacy | economy | disaster | uncertain | total |" in text
    assert "| US | 1 | 0 | 1 | 0 | 1 | 3 |" in text
    assert "- topic: 33.3% uncertain" in text


def test_png(tmp_path):
    out = tmp_path / "report.png"
    make_report(write_csv(tmp_path / "l.csv"), out)
    data = out.read_bytes()
    width, height = png_size(data)
    assert 500 <= width <= 2000 and 400 <= height <= 2000
    assert len(data) < 300_000
    assert not list(tmp_path.glob(".*partial"))


def test_html_is_self_contained_and_escaped(tmp_path):
    out = tmp_path / "report.html"
    make_report(write_csv(tmp_path / "l.csv"), out)
    page = out.read_text(encoding="utf-8")
    assert 'src="http' not in page and "<script" not in page
    assert page.count("data:image/png;base64,") == 3
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Paris talks" in page
    assert "Senate passes budget" in page and "time chart" not in page
    # top headlines by region_score * topic_score, best first
    us_politics = page[page.index("US &middot; politics"):]
    assert us_politics.index("Senate passes budget") < us_politics.index("House votes on tax plan")


def test_date_column_adds_time_chart(tmp_path):
    dates = ["2025-12-01", "2025-12-01T10:00:00Z", "2025-12-02", "2025-12-03 08:00", "not a date", "2025-12-05",
             ""]
    path = write_csv(tmp_path / "l.csv", extra={"published": dates})
    plain, dated = tmp_path / "plain.png", tmp_path / "dated.png"
    make_report(path, plain)
    text = make_report(path, dated, date_column="published")
    assert "5 of 6 labelled rows have an ISO date, 2025-12-01 to 2025-12-05 (daily buckets); 1 without one skipped" \
        in text
    assert png_size(dated.read_bytes())[1] > png_size(plain.read_bytes())[1]  # a third row of charts
    html_out = tmp_path / "r.html"
    make_report(path, html_out, date_column="published")
    page = html_out.read_text(encoding="utf-8")
    assert "mix over time" in page and page.count("data:image/png;base64,") == 4


def test_weekly_buckets_for_long_spans(tmp_path):
    dates = ["2025-01-01", "2025-02-01", "2025-03-01", "2025-04-01", "2025-05-01", "2025-06-01", ""]
    text = make_report(write_csv(tmp_path / "l.csv", extra={"d": dates}), date_column="d")
    assert "(weekly buckets)" in text


@pytest.mark.parametrize("content, message", [
    ("", "empty file"),
    (",".join(COLUMNS) + "\n", "header only"),
    ("headline,region,topic\nA,US,politics\n", "no score columns"),
    ("headline,region_score,topic_score\nA,0.9,0.8\n", "no label columns"),
])
def test_bad_files(tmp_path, content, message):
    path = tmp_path / "l.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(DataError, match=message) as info:
        make_report(path)
    assert str(path) in str(info.value)
    if "columns" in message:
        assert "run newsml label first" in str(info.value)


def test_one_row_and_one_label(tmp_path):
    with pytest.raises(ValueError, match="only one labelled row"):
        make_report(write_csv(tmp_path / "a.csv", rows=ROWS[:1] + ROWS[-1:]))
    with pytest.raises(ValueError, match="one label only"):
        make_report(write_csv(tmp_path / "b.csv", rows=ROWS[:2]))
    with pytest.raises(ValueError, match="none of the 1 rows could be labelled"):
        make_report(write_csv(tmp_path / "c.csv", rows=ROWS[-1:]))


def test_missing_date_column_and_bad_output(tmp_path):
    path = write_csv(tmp_path / "l.csv")
    with pytest.raises(DataError, match="no date column 'published'"):
        make_report(path, date_column="published")
    with pytest.raises(ValueError, match=r"\.png, \.html"):
        make_report(path, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


def test_missing_matplotlib(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(ValueError, match=r"pip install 'newsml\[plot\]'"):
        make_report(write_csv(tmp_path / "l.csv"), tmp_path / "out.png")
    assert "| total |" in make_report(tmp_path / "l.csv")  # markdown alone needs no matplotlib


def _has_report_verb() -> bool:
    return subprocess.run([sys.executable, "-m", "newsml.cli", "report", "--help"],
                          capture_output=True).returncode == 0


@pytest.mark.skipif(not _has_report_verb(), reason="the CLI verb 'newsml report' is not wired yet")
def test_cli_report(tmp_path):
    path = write_csv(tmp_path / "l.csv")
    out = tmp_path / "out.html"
    done = subprocess.run([sys.executable, "-m", "newsml.cli", "report", str(path), "-o", str(out)],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "| US | 2 | 0 | 1 | 0 | 3 |" in done.stdout
    assert "data:image/png;base64," in out.read_text(encoding="utf-8")


def test_stdin_format_is_sniffed(tmp_path, monkeypatch):
    import io
    data = write_csv(tmp_path / "l.csv").read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(gzip.compress(data)))))
    assert "| US | 2 | 0 | 1 | 0 | 3 |" in make_report("-")
