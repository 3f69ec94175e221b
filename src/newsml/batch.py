"""``newsml label`` on files: stream rows in chunks, label them (in worker processes if asked), write
every row back in order, and put the output in place only when it is complete.
"""
from __future__ import annotations

import csv
import json
import os
import signal
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import islice
from multiprocessing import get_context
from pathlib import Path
from typing import Iterator, TextIO

from tqdm import tqdm

from .model import NewsModel
from .io import FORMATS, DataError, Row, RowReader, headline_column, row_headline
from .label import label_texts, output_columns

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


class _Writer:
    """Writes rows of input fields plus label columns in one of the output formats."""

    def __init__(self, handle: TextIO, fmt: str, columns: list[str] | None, added: list[str]):
        self.handle, self.fmt, self.added = handle, fmt, added
        self.columns = columns
        if fmt in ("csv", "tsv"):
            self.csv = csv.writer(handle, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
            if columns is not None:
                self.csv.writerow([*columns, *added])

    def write(self, rows: list[Row], labels: dict[str, list]) -> None:
        if self.columns is None and self.fmt != "jsonl":  # JSONL in, table out: the first rows decide
            self.columns = list(dict.fromkeys(k for row in rows for k in row.fields))
            self.csv.writerow([*self.columns, *self.added])
        label_rows = zip(*(labels[name] for name in self.added))
        if self.fmt == "jsonl":
            lines = []
            for row, values in zip(rows, label_rows):
                record = dict(row.fields)
                record.update(zip(self.added, values))
                lines.append(json.dumps(record, ensure_ascii=False))
            self.handle.write("\n".join(lines) + "\n")
        else:
            errors = labels[self.added[-1]]
            known = set(self.columns)
            for i, row in enumerate(rows):
                unknown = [k for k in row.fields if k not in known]
                if unknown and not errors[i]:
                    errors[i] = f"fields not in the output columns: {', '.join(unknown)}"
            self.csv.writerows([*(_cell(row.fields.get(c)) for c in self.columns), *values]
                               for row, values in zip(rows, zip(*(labels[name] for name in self.added))))


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


def _init_worker(model_path: str | None) -> None:
    global _WORKER_MODEL
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    from . import load_model
    _WORKER_MODEL = load_model(model_path)


def _label_in_worker(job: tuple[list[str], list[str], int, float | None]) -> dict[str, list]:
    texts, problems, top_k, threshold = job
    return label_texts(texts, _WORKER_MODEL, top_k, threshold, problems)


def label_file(source: str, output: str | None = None, *, column: str | None = None,
               input_format: str | None = None, output_format_name: str | None = None,
               model_path: str | None = None, top_k: int = 0, threshold: float | None = None,
               strict: bool = False, jobs: int = 1, chunk_size: int = 20_000, prefix: str = "",
               quiet: bool = False) -> LabelStats:
    """Label every row of ``source`` into ``output`` ('-' or None: stdout); see ``newsml label --help``."""
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
        model = load_model(model_path)  # fail on a bad model before any output exists
        bar = tqdm(unit="rows", desc="labelling", disable=quiet or not sys.stderr.isatty(), leave=False)
        pool = get_context("spawn").Pool(jobs, _init_worker, (model_path,)) if jobs > 1 else None
        try:
            with atomic_output(output) as handle:
                writer = _Writer(handle, fmt, reader.columns, added)
                chunks = _chunks(reader, name, chunk_size)
                if strict:
                    chunks = _strict(chunks, reader.source)
                if pool is None:
                    results = ((rows, label_texts(texts, model, top_k, threshold, problems))
                               for rows, texts, problems in chunks)
                else:
                    results = _pooled(pool, chunks, top_k, threshold, jobs)
                for rows, labels in results:
                    renamed = {prefix + k: v for k, v in labels.items()}
                    writer.write(rows, renamed)
                    stats.read += len(rows)
                    bad = sum(1 for e in labels["error"] if e)
                    stats.problems += bad
                    stats.labelled += len(rows) - bad
                    bar.update(len(rows))
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


def _pooled(pool, chunks, top_k: int, threshold: float | None, jobs: int):
    """Label chunks in the pool, at most ``2 * jobs`` in flight, results in input order."""
    pending: list = []
    for rows, texts, problems in chunks:
        pending.append((rows, pool.apply_async(_label_in_worker, ((texts, problems, top_k, threshold),))))
        if len(pending) >= 2 * jobs:
            rows_done, result = pending.pop(0)
            yield rows_done, result.get()
    for rows_done, result in pending:
        yield rows_done, result.get()
