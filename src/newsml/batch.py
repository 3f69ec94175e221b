"""``newsml label`` on files: stream rows in chunks, label them (in worker processes if asked), write
every row back in order, and put the output in place only when it is complete.
"""
from __future__ import annotations

import csv
import io
import json
import os
import signal
import sys
import tempfile
import time
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import chain, islice
from multiprocessing import get_context
from pathlib import Path
from typing import Iterator, TextIO

from tqdm import tqdm

from .io import FORMATS, DataError, Row, RowReader, headline_column, row_headline
from .label import label_texts, output_columns
from .model import NewsModel

OUTPUT_FORMATS = ("csv", "tsv", "jsonl")


@dataclass
class LabelStats:
    """What a run did: the numbers on the last line it prints."""

    read: int = 0
    labelled: int = 0
    problems: int = 0
    seconds: float = 0.0

    @property
    def rate(self) -> float:
        return self.read / self.seconds if self.seconds > 0 else 0.0

    def summary(self) -> str:
        return (f"{self.read} rows read, {self.labelled} labelled, {self.problems} with problems, "
                f"{self.rate:,.0f} rows/s")


def output_format(path: str | None, explicit: str | None) -> str:
    if explicit:
        if explicit not in OUTPUT_FORMATS:
            raise DataError(path or "<stdout>", None, f"unknown output format {explicit!r}; use one of "
                                                      f"{', '.join(OUTPUT_FORMATS)}")
        return explicit
    if path and path != "-":
        suffixes = [s.lower().lstrip(".") for s in Path(path).suffixes if s.lower() != ".gz"]
        if suffixes and suffixes[-1] in OUTPUT_FORMATS:
            return suffixes[-1]
    return "csv"


@contextmanager
def atomic_output(path: str | None) -> Iterator[TextIO]:
    """A text stream that becomes ``path`` only if the block completes; '-' or None is stdout.

    SIGTERM is turned into an exception for the duration so that ``kill`` cleans up like Ctrl-C.
    """
    if path is None or path == "-":
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent or ".")
    previous = signal.getsignal(signal.SIGTERM)
    in_main = _in_main_thread()
    if in_main:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with open(fd, "w", encoding="utf-8", newline="") as handle:
            yield handle
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def _in_main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt


@dataclass(frozen=True)
class _Format:
    """How to label and write a chunk: everything a worker process needs besides the model."""

    fmt: str
    columns: list[str] | None
    prefix: str
    top_k: int
    threshold: float | None

    @property
    def added(self) -> list[str]:
        return [self.prefix + name for name in output_columns(self.top_k)]

    def header(self) -> str:
        if self.fmt == "jsonl":
            return ""
        return _table_lines([[*self.columns, *self.added]], self.fmt)


def _table_lines(rows, fmt: str) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n").writerows(rows)
    return buffer.getvalue()


def _label_chunk(model: NewsModel, spec: _Format, fields: list[dict], texts: list[str],
                 problems: list[str]) -> tuple[str, int]:
    """Label one chunk and format it as output text; returns the text and the rows with problems."""
    labels = label_texts(texts, model, spec.top_k, spec.threshold, problems)
    errors = labels["error"]
    values = zip(*labels.values())
    if spec.fmt == "jsonl":
        added = spec.added
        lines = [json.dumps({**row, **dict(zip(added, extra))}, ensure_ascii=False)
                 for row, extra in zip(fields, values)]
        text = "\n".join(lines) + "\n" if lines else ""
    else:
        known = set(spec.columns)
        for i, row in enumerate(fields):  # JSONL in, table out: keys the header does not have
            unknown = [k for k in row if k not in known]
            if unknown and not errors[i]:
                errors[i] = f"fields not in the output columns: {', '.join(unknown)}"
        text = _table_lines(([*(_cell(row.get(c)) for c in spec.columns), *extra]
                             for row, extra in zip(fields, values)), spec.fmt)
    return text, sum(1 for e in errors if e)


def _cell(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _chunks(reader: RowReader, column: str | None, size: int) -> Iterator[tuple[list[Row], list[str], list[str]]]:
    rows = iter(reader)
    while chunk := list(islice(rows, size)):
        texts, problems = [], []
        for row in chunk:
            name = column or _jsonl_column(row, reader.source)
            text, why = row_headline(row, name)
            texts.append(text)
            problems.append(why)
        yield chunk, texts, problems


def _jsonl_column(row: Row, source: str) -> str:
    try:
        return headline_column(list(row.fields), None, source)
    except DataError:
        return "headline"  # the row then gets "missing field 'headline'"


_WORKER_MODEL: NewsModel | None = None


def _init_worker(model: NewsModel | str | None) -> None:
    global _WORKER_MODEL
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    from . import load_model
    _WORKER_MODEL = model if isinstance(model, NewsModel) else load_model(model)


def _label_in_worker(spec: _Format, fields: list[dict], texts: list[str], problems: list[str]) -> tuple[str, int]:
    return _label_chunk(_WORKER_MODEL, spec, fields, texts, problems)


def label_file(source: str, output: str | None = None, *, column: str | None = None,
               input_format: str | None = None, output_format_name: str | None = None,
               model: NewsModel | str | Path | None = None, top_k: int = 0, threshold: float | None = None,
               strict: bool = False, jobs: int = 1, chunk_size: int = 20_000, prefix: str = "",
               quiet: bool = False) -> LabelStats:
    """Label every row of ``source`` into ``output`` ('-' or None: stdout); see ``newsml label --help``.

    ``model`` is a loaded model, a model file, or None for the shipped one; worker processes
    (``jobs`` > 1) each load it once.
    """
    from . import load_model

    if input_format and input_format not in FORMATS:
        raise DataError(source, None, f"unknown input format {input_format!r}; use one of {', '.join(FORMATS)}")
    if output and output != "-" and source != "-" and Path(output).exists() and \
            Path(output).resolve() == Path(source).resolve():
        raise DataError(output, None, "output is the input file; refusing to overwrite it")
    if top_k < 0 or top_k > 10:
        raise DataError(source, None, "--top-k must be between 0 and 10")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise DataError(source, None, "--threshold must be between 0 and 1")
    fmt = output_format(output, output_format_name)
    started = time.perf_counter()
    stats = LabelStats()
    added = [prefix + name for name in output_columns(top_k)]
    with RowReader(source, input_format) as reader:
        name = headline_column(reader.columns, column, reader.source) if reader.columns else column
        clash = sorted(set(reader.columns or []) & set(added))
        if clash:
            raise DataError(reader.source, 1, f"input already has column {clash[0]!r}; "
                                              f"add a prefix to the new columns with --prefix")
        worker_model = model if isinstance(model, NewsModel) or model is None else str(model)
        if not isinstance(model, NewsModel):
            model = load_model(model)  # fail on a bad model before any output exists
        bar = tqdm(unit="rows", desc="labelling", disable=quiet or not sys.stderr.isatty(), leave=False)
        pool = get_context("spawn").Pool(jobs, _init_worker, (worker_model,)) if jobs > 1 else None
        try:
            with atomic_output(output) as handle:
                chunks = _chunks(reader, name, chunk_size)
                if strict:
                    chunks = _strict(chunks, reader.source)
                first = next(chunks, None)
                columns = reader.columns
                if columns is None and fmt != "jsonl":  # JSONL in, table out: the first rows decide
                    columns = list(dict.fromkeys(k for row in (first[0] if first else []) for k in row.fields))
                spec = _Format(fmt, columns, prefix, top_k, threshold)
                handle.write(spec.header())
                jobs_in_order = chain([first] if first else [], chunks)
                work = (([row.fields for row in rows], texts, problems) for rows, texts, problems in jobs_in_order)
                if pool is None:
                    results = ((_label_chunk(model, spec, *job), len(job[1])) for job in work)
                else:
                    results = _pooled(pool, spec, work, jobs)
                for (text, bad), size in results:
                    handle.write(text)
                    stats.read += size
                    stats.problems += bad
                    stats.labelled += size - bad
                    bar.update(size)
        finally:
            bar.close()
            if pool is not None:
                pool.terminate()
    stats.seconds = time.perf_counter() - started
    if not quiet:
        target = "stdout" if output in (None, "-") else output
        print(f"newsml label: {stats.summary()} -> {target}", file=sys.stderr)
    return stats


def _strict(chunks, source: str):
    for rows, texts, problems in chunks:
        for row, why in zip(rows, problems):
            if why:
                raise DataError(source, row.line, why)
        yield rows, texts, problems


def _pooled(pool, spec: _Format, work, jobs: int):
    """Label chunks in the pool, at most ``2 * jobs`` in flight, results in input order."""
    pending: deque = deque()
    for fields, texts, problems in work:
        pending.append((pool.apply_async(_label_in_worker, (spec, fields, texts, problems)), len(texts)))
        if len(pending) >= 2 * jobs:
            result, size = pending.popleft()
            yield result.get(), size
    for result, size in pending:
        yield result.get(), size
