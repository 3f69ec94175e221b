"""A report on a file written by ``newsml label``: counts per region and topic, how sure the labels are, and
(optionally) pictures of it as one PNG or one self-contained HTML page.

:func:`make_report` is the one entry point. The file is streamed with :class:`newsml.io.RowReader`; what is
kept is counts, one float per score, per-day counts (with ``date_column``) and the three best headlines per
region x topic cell, so a large feed does not have to fit in memory. Rows that could not be labelled (an
``error``, or no label) are counted and left out of the pictures.
"""
from __future__ import annotations

import base64
import datetime as dt
import heapq
import html
import io
import itertools
import math
import zlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .io import DataError, RowReader, atomic_output, detect_format, headline_column, stdin_bytes
from .taxonomy import HEADS, UNCERTAIN

LOW_SCORE = 0.5
"""A label scoring below this counts as unsure in the report (as does one written as ``uncertain``)."""

OUTPUT_SUFFIXES = (".png", ".html")
DAILY_SPAN_DAYS = 60
"""Time charts use daily buckets up to this many days between first and last date, weekly beyond."""
TOP_HEADLINES = 3


@dataclass
class _Tally:
    """Everything the report needs, gathered in one pass over the file."""

    source: str
    prefix: str = ""
    rows: int = 0
    labelled: int = 0
    errors: Counter = field(default_factory=Counter)
    cells: Counter = field(default_factory=Counter)                   # (region, topic) -> rows
    labels: dict = field(default_factory=lambda: {h: Counter() for h in HEADS})
    unsure: dict = field(default_factory=lambda: {h: Counter() for h in HEADS})   # label -> unsure rows
    scores: dict = field(default_factory=lambda: {h: array("d") for h in HEADS})
    date_column: str | None = None
    undated: int = 0
    days: dict = field(default_factory=lambda: {h: Counter() for h in HEADS})      # (day, label) -> rows
    headline: str | None = None
    best: dict = field(default_factory=lambda: defaultdict(list))     # (region, topic) -> heap of 3


def make_report(path: str | Path, output: str | Path | None = None, date_column: str | None = None) -> str:
    """A markdown report on the labelled file ``path`` ('-' is stdin); with ``output``, also a ``.png``
    picture or a self-contained ``.html`` page of it, written atomically.

    Raises :class:`DataError` for a file that is empty, has no rows, lacks label or score columns (not
    written by ``newsml label``) or a ``date_column`` it names; ValueError for a report with nothing to
    compare (one labelled row, one label only), an unknown output suffix or missing matplotlib.
    """
    suffix = Path(str(output)).suffix.lower() if output is not None else None
    if output is not None and suffix not in OUTPUT_SUFFIXES:
        raise ValueError(f"{output}: unknown report format {suffix or '(no suffix)'!r}; "
                         f"use one of {', '.join(OUTPUT_SUFFIXES)}")
    if output is not None:
        _pyplot()  # fail before reading a large file
    tally = _read(path, date_column)
    _check(tally)
    markdown = _markdown(tally)
    if suffix == ".png":
        _write_bytes(output, _png(tally))
    elif suffix == ".html":
        _write_bytes(output, _html(tally, markdown).encode("utf-8"))
    return markdown


# ---------------------------------------------------------------------------------------------- reading

def _label_prefix(columns: list[str], source: str) -> str:
    """The prefix of the label columns (usually ''), found by name."""
    names = set(columns)
    candidates = [c[:-len("region_score")] for c in columns if c.endswith("region_score")]
    scored = [p for p in candidates if f"{p}topic_score" in names]
    complete = [p for p in scored if f"{p}region" in names and f"{p}topic" in names]
    if complete:
        return complete[-1]  # labelled twice with prefixes: the last (newest) columns
    shown = ", ".join(columns) or "(none)"
    if not scored:
        raise DataError(source, 1, f"no score columns (region_score, topic_score); columns are: {shown}; "
                                   f"run newsml label first")
    raise DataError(source, 1, f"no label columns ({scored[-1]}region, {scored[-1]}topic); columns are: "
                               f"{shown}; run newsml label first")


def _score(value) -> float:
    if value is None or value == "":
        return math.nan
    try:
        return float(value)
    except (TypeError, ValueError):
        return math.nan


def _parse_day(value) -> dt.date | None:
    """The date of an ISO 8601 date or date-time ('2025-12-15', '2025-12-15T08:30:00Z'), else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _sniff(path: str | Path) -> str | None:
    """The format of a labelled file whose name does not tell (stdin, no suffix): jsonl, tsv or csv."""
    if detect_format(path) != "txt":
        return None
    try:
        if str(path) == "-":
            head = stdin_bytes().peek(1 << 16)
        else:
            with open(path, "rb") as handle:
                head = handle.read(1 << 16)
        if head[:2] == b"\x1f\x8b":
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 1 << 16)
    except (OSError, zlib.error):
        return None  # RowReader reports it
    first = head.lstrip().split(b"\n", 1)[0]
    if first.startswith(b"{"):
        return "jsonl"
    return "tsv" if first.count(b"\t") > first.count(b",") else "csv"


def _read(path: str | Path, date_column: str | None) -> _Tally:
    with RowReader(path, _sniff(path)) as reader:
        tally = _Tally(reader.source)
        rows = iter(reader)
        columns = reader.columns
        pending = []
        if columns is None:  # JSONL: the columns of the first object
            for row in rows:
                pending.append(row)
                if row.fields:
                    columns = list(row.fields)
                    break
        if not columns:
            raise DataError(tally.source, None, "empty file: no header and no rows; "
                                                "expected a file written by newsml label")
        tally.prefix = _label_prefix(columns, tally.source)
        if date_column is not None:
            if date_column not in columns:
                raise DataError(tally.source, 1, f"no date column {date_column!r}; columns are: {', '.join(columns)}")
            tally.date_column = date_column
        try:
            tally.headline = headline_column(columns, None, tally.source)
        except DataError:
            tally.headline = None  # the report works without; the HTML page says so
        for row in itertools.chain(pending, rows):
            _add(tally, row)
    return tally


def _add(tally: _Tally, row) -> None:
    p, fields = tally.prefix, row.fields
    tally.rows += 1
    error = row.error or str(fields.get(f"{p}error") or "").strip()
    labels = {h: str(fields.get(f"{p}{h}") or "").strip() for h in HEADS}
    scores = {h: _score(fields.get(f"{p}{h}_score")) for h in HEADS}
    if not error and not all(labels.values()):
        error = "no label"
    if not error and any(math.isnan(s) for s in scores.values()):
        error = "no score"
    if error:
        tally.errors[error] += 1
        return
    tally.labelled += 1
    region, topic = labels["region"], labels["topic"]
    tally.cells[region, topic] += 1
    for head in HEADS:
        tally.labels[head][labels[head]] += 1
        tally.scores[head].append(scores[head])
        if labels[head] == UNCERTAIN or scores[head] < LOW_SCORE:
            tally.unsure[head][labels[head]] += 1
    if tally.date_column is not None:
        day = _parse_day(fields.get(tally.date_column))
        if day is None:
            tally.undated += 1
        else:
            for head in HEADS:
                tally.days[head][day, labels[head]] += 1
    if tally.headline is not None:
        text = fields.get(tally.headline)
        if isinstance(text, str) and text.strip():
            item = (scores["region"] * scores["topic"], -tally.rows, text.strip())
            heap = tally.best[region, topic]
            (heapq.heappush if len(heap) < TOP_HEADLINES else heapq.heappushpop)(heap, item)


def _check(tally: _Tally) -> None:
    if tally.rows == 0:
        raise DataError(tally.source, 2, "header only: the file has no rows")
    if tally.labelled == 0:
        raise ValueError(f"{tally.source}: none of the {tally.rows} rows could be labelled "
                         f"({_reasons(tally.errors)}); nothing to report")
    if tally.labelled == 1:
        raise ValueError(f"{tally.source}: only one labelled row; a report needs at least two to compare")
    if len(tally.cells) == 1:
        (region, topic), = tally.cells
        raise ValueError(f"{tally.source}: all {tally.labelled} labelled rows are {region} {topic}; "
                         f"one label only, nothing to compare")


# ---------------------------------------------------------------------------------------------- markdown

def _order(head: str | None, labels) -> list[str]:
    """Labels in the taxonomy's order, then any others (e.g. ``uncertain``) alphabetically, ``uncertain`` last."""
    known = HEADS.get(head, ()) if head else ()
    present = set(labels)
    return [l for l in known if l in present] + sorted(present - set(known), key=lambda l: (l == UNCERTAIN, l))


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _reasons(errors: Counter, most: int = 3) -> str:
    shown = [f"{reason}: {n}" for reason, n in errors.most_common(most)]
    if len(errors) > most:
        shown.append(f"{len(errors) - most} other reasons: {sum(n for _, n in errors.most_common()[most:])}")
    return "; ".join(shown)


def _table(tally: _Tally) -> tuple[list[str], list[str], list[list[int]]]:
    regions, topics = _order("region", tally.labels["region"]), _order("topic", tally.labels["topic"])
    return regions, topics, [[tally.cells[r, t] for t in topics] for r in regions]


def _time_span(tally: _Tally) -> tuple[list[dt.date], str] | None:
    """The time buckets and their unit ('day' or 'week'), or None when there are fewer than two."""
    days = {day for day, _ in tally.days["region"]}
    if not days:
        return None
    first, last = min(days), max(days)
    if (last - first).days <= DAILY_SPAN_DAYS:
        unit, step, first = "day", 1, first
    else:
        unit, step, first = "week", 7, first - dt.timedelta(days=first.weekday())
    buckets = [first + dt.timedelta(days=i) for i in range(0, (last - first).days + 1, step)]
    return (buckets, unit) if len(buckets) >= 2 else None


def _bucket(day: dt.date, unit: str) -> dt.date:
    return day - dt.timedelta(days=day.weekday()) if unit == "week" else day


def _markdown(tally: _Tally) -> str:
    regions, topics, counts = _table(tally)
    name = f"{tally.prefix}region \\ {tally.prefix}topic"
    lines = [f"# newsml report: {_md(tally.source)}", "",
             f"{tally.rows} rows, {tally.labelled} labelled.", ""]
    lines.append("| " + " | ".join([name, *map(_md, topics), "total"]) + " |")
    lines.append("|" + "---|" + "---:|" * (len(topics) + 1))
    for region, row in zip(regions, counts):
        lines.append("| " + " | ".join([_md(region), *map(str, row), str(sum(row))]) + " |")
    totals = [sum(col) for col in zip(*counts)]
    lines.append("| " + " | ".join(["total", *map(str, totals), str(sum(totals))]) + " |")
    lines.append("")
    for head in HEADS:
        unsure = sum(tally.unsure[head].values())
        lines.append(f"- {head}: {unsure / tally.labelled:.1%} uncertain or scoring below {LOW_SCORE} "
                     f"({unsure} of {tally.labelled})")
    if tally.errors:
        n = sum(tally.errors.values())
        lines.append(f"- {n} row{'s' if n != 1 else ''} could not be labelled ({_reasons(tally.errors)}); "
                     f"left out above")
    if tally.date_column is not None:
        dated = tally.labelled - tally.undated
        span = _time_span(tally)
        line = f"- {tally.date_column}: {dated} of {tally.labelled} labelled rows have an ISO date"
        if dated:
            days = [day for day, _ in tally.days["region"]]
            line += f", {min(days)} to {max(days)}"
        line += f" ({'daily' if span[1] == 'day' else 'weekly'} buckets)" if span else " (too few dates for a time chart)"
        if tally.undated:
            line += f"; {tally.undated} without one skipped"
        lines.append(line)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------- pictures

def _pyplot():
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise ValueError("pictures need matplotlib: pip install 'newsml[plot]'") from None
    return plt


def _draw_heatmap(ax, tally: _Tally) -> None:
    regions, topics, counts = _table(tally)
    top = max(max(row) for row in counts)
    ax.imshow(counts, cmap="Blues", vmin=0, vmax=top, aspect="auto")
    ax.set_xticks(range(len(topics)), topics, rotation=45, ha="right", fontsize=8)
    ax.set_yticks(range(len(regions)), regions, fontsize=8)
    for i, row in enumerate(counts):
        for j, n in enumerate(row):
            if n:
                ax.text(j, i, str(n), ha="center", va="center", fontsize=7,
                        color="white" if n > top / 2 else "black")
    ax.set_title(f"rows per region x topic ({tally.labelled} labelled)", fontsize=10)


def _draw_unsure(ax, tally: _Tally) -> None:
    names, shares, colours = [], [], []
    for head, colour in zip(HEADS, ("tab:blue", "tab:orange")):
        for label in _order(head, tally.labels[head]):
            names.append(f"{label} ({tally.labels[head][label]})")
            shares.append(tally.unsure[head][label] / tally.labels[head][label])
            colours.append(colour)
    y = range(len(names))
    ax.barh(y, shares, color=colours)
    for i, share in enumerate(shares):
        ax.text(share + 0.01, i, f"{share:.0%}", va="center", fontsize=7)
    ax.set_yticks(y, names, fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(lambda x, _: f"{x:.0%}")
    ax.tick_params(axis="x", labelsize=8)
    ax.set_title(f"share uncertain or < {LOW_SCORE} (blue region, orange topic)", fontsize=10)


def _draw_histogram(ax, tally: _Tally, head: str) -> None:
    scores = tally.scores[head]
    ax.hist(scores, bins=20, range=(0, 1), color="tab:blue" if head == "region" else "tab:orange")
    ax.axvline(LOW_SCORE, color="grey", linestyle="--", linewidth=1)
    ax.set_title(f"{head}_score (median {sorted(scores)[len(scores) // 2]:.2f})", fontsize=10)
    ax.set_xlabel("score", fontsize=8)
    ax.set_ylabel("rows", fontsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(labelsize=8)


def _draw_time(ax, tally: _Tally, head: str, span) -> None:
    buckets, unit = span
    index = {b: i for i, b in enumerate(buckets)}
    labels = _order(head, {label for _, label in tally.days[head]})
    series = {label: [0] * len(buckets) for label in labels}
    for (day, label), n in tally.days[head].items():
        series[label][index[_bucket(day, unit)]] += n
    import matplotlib
    colours = matplotlib.colormaps["tab20" if len(labels) > 10 else "tab10"].colors
    ax.stackplot(buckets, *series.values(), labels=labels, colors=colours[:len(labels)])
    ax.set_title(f"{head} mix per {unit} (time chart)", fontsize=10)
    ax.set_ylabel("rows", fontsize=8)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.tick_params(labelsize=7)
    ax.tick_params(axis="x", rotation=30)
    ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)


def _save(fig, dpi: int = 80) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    import matplotlib.pyplot as plt
    plt.close(fig)
    return buffer.getvalue()


def _png(tally: _Tally) -> bytes:
    """One figure: heatmap and unsure shares; score histograms; (with dates) the mix over time."""
    plt = _pyplot()
    span = _time_span(tally) if tally.date_column else None
    rows = 3 if span else 2
    fig = plt.figure(figsize=(13, 4.6 * rows), layout="constrained")
    grid = fig.add_gridspec(rows, 2, width_ratios=(1.6, 1), height_ratios=(1.4, *[1] * (rows - 1)))
    _draw_heatmap(fig.add_subplot(grid[0, 0]), tally)
    _draw_unsure(fig.add_subplot(grid[0, 1]), tally)
    for column, head in enumerate(HEADS):
        _draw_histogram(fig.add_subplot(grid[1, column]), tally, head)
        if span:
            _draw_time(fig.add_subplot(grid[2, column]), tally, head, span)
    fig.suptitle(f"newsml report: {tally.source}", fontsize=11)
    return _save(fig)


def _pictures(tally: _Tally) -> list[tuple[str, bytes]]:
    """The pictures of the HTML page, one PNG each: (caption, bytes)."""
    plt = _pyplot()
    pictures = []
    fig, ax = plt.subplots(figsize=(9, 5), layout="constrained")
    _draw_heatmap(ax, tally)
    pictures.append(("Rows per region and topic", _save(fig)))
    fig, ax = plt.subplots(figsize=(7, 0.9 + 0.18 * sum(len(c) for c in tally.labels.values())),
                           layout="constrained")
    _draw_unsure(ax, tally)
    pictures.append((f"Share of each label that is uncertain or scores below {LOW_SCORE}", _save(fig)))
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), layout="constrained")
    for ax, head in zip(axes, HEADS):
        _draw_histogram(ax, tally, head)
    pictures.append(("Scores per head", _save(fig)))
    span = _time_span(tally) if tally.date_column else None
    if span:
        fig, axes = plt.subplots(1, 2, figsize=(12, 3.6), layout="constrained")
        for ax, head in zip(axes, HEADS):
            _draw_time(ax, tally, head, span)
        pictures.append((f"Region and topic mix over time ({tally.date_column}, per {span[1]})", _save(fig)))
    return pictures


_STYLE = """body{font-family:system-ui,sans-serif;max-width:1150px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px;margin:1em 0}td,th{border:1px solid #ccc;padding:2px 6px}
td{text-align:right}th{background:#f3f3f3}figure{margin:1.5em 0}img{max-width:100%}
figcaption{font-weight:600;margin-bottom:.3em}li small{color:#777}h3{margin:1em 0 .2em;font-size:15px}"""


def _html(tally: _Tally, markdown: str) -> str:
    e = html.escape
    regions, topics, counts = _table(tally)
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>newsml report: {e(tally.source)}</title><style>{_STYLE}</style></head><body>",
           f"<h1>newsml report: {e(tally.source)}</h1>",
           f"<p>{tally.rows} rows, {tally.labelled} labelled.</p><ul>"]
    out += [f"<li>{e(line[2:])}</li>" for line in markdown.splitlines() if line.startswith("- ")]
    out.append("</ul>")
    for caption, png in _pictures(tally):
        data = base64.b64encode(png).decode("ascii")
        out.append(f'<figure><figcaption>{e(caption)}</figcaption>'
                   f'<img alt="{e(caption)}" src="data:image/png;base64,{data}"></figure>')
    out.append("<h2>Counts</h2><table><tr><th>region \\ topic</th>"
               + "".join(f"<th>{e(t)}</th>" for t in topics) + "<th>total</th></tr>")
    for region, row in zip(regions, counts):
        out.append(f"<tr><th>{e(region)}</th>" + "".join(f"<td>{n or ''}</td>" for n in row)
                   + f"<td>{sum(row)}</td></tr>")
    totals = [sum(col) for col in zip(*counts)]
    out.append("<tr><th>total</th>" + "".join(f"<td>{n}</td>" for n in totals) + f"<td>{sum(totals)}</td></tr></table>")
    out.append("<h2>Top headlines per region and topic</h2>")
    if tally.headline is None:
        out.append("<p>No headline column (headline, title or text) in the file.</p>")
    else:
        out.append(f"<p>The {TOP_HEADLINES} rows with the highest region_score &times; topic_score in each cell "
                   f"(column <code>{e(tally.headline)}</code>).</p>")
        for region, row in zip(regions, counts):
            for topic, n in zip(topics, row):
                best = sorted(tally.best.get((region, topic), []), reverse=True)
                if not best:
                    continue
                out.append(f"<h3>{e(region)} &middot; {e(topic)} ({n})</h3><ol>")
                out += [f"<li>{e(text)} <small>{score:.2f}</small></li>" for score, _, text in best]
                out.append("</ol>")
    out.append("</body></html>\n")
    return "\n".join(out)


def _write_bytes(path: str | Path, data: bytes) -> None:
    with atomic_output(path, binary=True) as handle:
        handle.write(data)
