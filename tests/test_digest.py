"""The digest of a front page, from Python and from the command line, and its parse errors."""
from __future__ import annotations

import json

import pytest

import newsml
from newsml.frontpage import FrontPageError, parse_front_page, render

from conftest import FRONT_PAGE, seed_headlines


def test_seed_front_page_parses_into_article_and_sixteen_headlines():
    page = parse_front_page(FRONT_PAGE.read_text(encoding="utf-8"))
    assert page.title is None
    assert page.article.startswith("Belarusian President Alexander Lukashenko")
    assert page.article.endswith("rather than resolve it.")
    assert page.headlines == seed_headlines()


def test_title_line_and_blank_lines_between_paragraphs():
    text = ("Lukashenko offers Maduro refuge\n\nFirst paragraph says a thing. It goes on.\n\n"
            "Second paragraph adds more.\n\n\n\nHeadline one\nHeadline two\n\n")
    page = parse_front_page(text)
    assert page.title == "Lukashenko offers Maduro refuge"
    assert page.article == "First paragraph says a thing. It goes on.\nSecond paragraph adds more."
    assert page.headlines == ["Headline one", "Headline two"]


@pytest.mark.parametrize("text, message", [
    ("", "empty"),
    ("\n\n   \n\t\n", "empty"),
    ("An article without headlines. It has two sentences.\n", "no blank lines"),
    ("An article. Then nothing.\n\n\n\n", "no blank lines"),
])
def test_parse_problems_are_clear(text, message):
    with pytest.raises(FrontPageError, match=message):
        parse_front_page(text)


def test_digest_groups_every_headline_once(small_model):
    digest = newsml.digest(FRONT_PAGE.read_text(encoding="utf-8"), model=small_model)
    assert len(digest.summary) == 3
    assert all(s in FRONT_PAGE.read_text(encoding="utf-8") for s in digest.summary)
    grouped = [p.headline for topics in digest.groups.values() for items in topics.values() for p in items]
    assert sorted(grouped) == sorted(seed_headlines())
    for region, topics in digest.groups.items():
        for topic, items in topics.items():
            assert all(p.region == region and p.topic == topic for p in items)
    assert list(digest.groups) == [r for r in newsml.REGIONS if r in digest.groups]
    assert digest.region in newsml.REGIONS and 0 < digest.region_score <= 1
    data = digest.to_dict()
    assert data["lead"]["summary"] == digest.summary and len(data["headlines"]) == 16


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_render_shows_lead_summary_and_groups(small_model, fmt):
    digest = newsml.digest(FRONT_PAGE.read_text(encoding="utf-8"), model=small_model)
    out = render(digest, fmt)
    assert digest.summary[0] in out and digest.region in out
    assert all(h in out for h in seed_headlines())
    assert ("### " in out) == (fmt == "markdown")


def test_cli_digest_json_and_errors(cli, small_model_path, tmp_path):
    result = cli("digest", str(FRONT_PAGE), "--model", str(small_model_path), "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert len(data["lead"]["summary"]) == 3 and len(data["headlines"]) == 16
    lonely = tmp_path / "lonely.txt"
    lonely.write_text("Only an article. No headlines at all.\n")
    result = cli("digest", str(lonely), "--model", str(small_model_path))
    assert result.returncode == 2
    assert result.stderr.decode().strip() == f"newsml digest: error: {lonely}: no blank lines between the " \
                                             f"lead article and the headlines"
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    result = cli("digest", str(junk), "--model", str(small_model_path))
    assert result.returncode == 2 and "binary" in result.stderr.decode()
    assert "Traceback" not in result.stderr.decode()


def test_cli_summarize_from_stdin(cli, tmp_path):
    article = "\n".join(FRONT_PAGE.read_text(encoding="utf-8").split("\n\n\n")[0].splitlines())
    result = cli("summarize", "-", "--sentences", "2", "--format", "json", stdin=article.encode())
    assert result.returncode == 0, result.stderr
    sentences = json.loads(result.stdout)["sentences"]
    assert len(sentences) == 2 and all(s in article for s in sentences)
    result = cli("summarize", "-", "--ratio", "1.5", stdin=article.encode())
    assert result.returncode == 2 and "ratio" in result.stderr.decode()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"Fine first line.\nSecond line \xff broken.\n")
    result = cli("summarize", str(bad))
    assert result.returncode == 2 and f"{bad}:2: undecodable" in result.stderr.decode()
    empty = tmp_path / "empty.txt"
    empty.write_text("\n \n")
    for verb in ("summarize", "digest"):
        result = cli(verb, str(empty))
        assert result.returncode == 2 and "empty (only blank lines)" in result.stderr.decode(), verb
