"""``newsml label`` on files: stream rows in chunks, label them (in worker processes if asked), write
every row back in order, and put the output in place only when it is complete.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import sys
import tempfile
import time
from collections import deque
from contextlib import ExitStack
from dataclasses import dataclass
from itertools import chain, islice
from multiprocessing import get_context
from pathlib import Path
from typing import Iterator

from tqdm import tqdm

from .io import FORMATS, DataError, Row, RowReader, atomic_output, headline_column, row_headline
from .label import Ranked, check_top_k, label_columns, output_columns, rank_labels
from .priors import ADAPT_MINIMUM, ADAPT_SAMPLE
from .model import NewsModel
from .modelfile import save_model

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


@dataclass(frozen=True)
class _Format:
    """How to write a labelled chunk."""

    fmt: str
    columns: list[str] | None
    prefix: str
    top_k: int

    @property
    def added(self) -> list[str]:
        return [self.prefix + name for name in output_columns(self.top_k)]

    def header(self) -> str:
        if self.fmt == "jsonl":
            return ""
        return _table_lines([[*self.columns, *self.added]], self.fmt)


def _table_lines(rows, fmt: str) -> str:
    buffer = io.StringIO()
    if fmt == "tsv":  # as read: no quoting, so quotation marks stay as written; a tab or line break in a
        # cell (possible only from CSV or JSONL input) cannot be written in TSV and becomes a space
        csv.writer(buffer, delimiter="\t", quoting=csv.QUOTE_NONE, quotechar=None, lineterminator="\n").writerows(
            [_TSV_UNSAFE.sub(" ", cell) if isinstance(cell, str) else cell for cell in row] for row in rows)
    else:
        csv.writer(buffer, lineterminator="\n").writerows(rows)
    return buffer.getvalue()


_TSV_UNSAFE = re.compile(r"[\t\r\n]")


def _format_chunk(spec: _Format, fields: list[dict], labels: dict[str, list]) -> tuple[str, int]:
    """The output text of one labelled chunk, and the number of rows with problems."""
    errors = labels["error"]
    missing = None if spec.fmt == "jsonl" else ""  # a score that could not be given: null in JSON, empty in a table
    values = zip(*([missing if v != v else v for v in column] if name.endswith("_score") else column
                   for name, column in labels.items()))
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


def _init_worker(model_path: str | None, parent: int) -> None:
    global _WORKER_MODEL
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops the pool
    _die_with_parent(parent)
    from .modelfile import load_model
    _WORKER_MODEL = load_model(model_path)


def _die_with_parent(parent: int) -> None:
    """Make this worker exit when the process that started it dies, however it dies.

    Linux has a parent-death signal (prctl PR_SET_PDEATHSIG); elsewhere a daemon thread checks the parent
    once a second. Either way no worker outlives a parent that was killed.
    """
    if sys.platform.startswith("linux"):
        import ctypes
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    else:
        import threading

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1.0)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)


def _stop(pool, interrupted: bool) -> None:
    """End the workers. After an interrupt they are killed first: a worker stopped in the middle of
    reading a task can leave ``Pool.terminate`` waiting forever on the task pipe, so that wait is given
    half a second and then left to a daemon thread."""
    import multiprocessing
    import threading

    if interrupted:
        for child in multiprocessing.active_children():
            child.kill()
    stopper = threading.Thread(target=pool.terminate, daemon=True)
    stopper.start()
    stopper.join(timeout=0.5)


def _rank_in_worker(texts: list[str], problems: list[str], k: int, home: str | None,
                    priors: dict | None) -> Ranked:
    """A worker's share: headline texts in, small arrays of label indices and scores out."""
    return rank_labels(texts, problems, _WORKER_MODEL, k, home, priors)


def label_file(source: str, output: str | None = None, *, column: str | None = None,
               input_format: str | None = None, output_format_name: str | None = None,
               model: NewsModel | str | Path | None = None, top_k: int = 0, threshold: float | None = None,
               strict: bool = False, jobs: int = 1, chunk_size: int = 20_000, prefix: str = "",
               quiet: bool = False, home: str | None = None, adapt_priors: bool = False) -> LabelStats:
    """Label every row of ``source`` into ``output`` ('-' or None: stdout); see ``newsml label --help``.

    ``model`` is a loaded model, a model directory, or None for the shipped one; worker processes
    (``jobs`` > 1) each load it once. ``home`` is the feed's home region; ``adapt_priors`` estimates
    the feed's label mix from its first ``ADAPT_SAMPLE`` rows (read ahead, then labelled with the rest,
    so the result does not depend on ``jobs`` or on where chunks end) and labels every row with it.
    """
    from .modelfile import load_model

    if input_format and input_format not in FORMATS:
        raise DataError(source, None, f"unknown input format {input_format!r}; use one of {', '.join(FORMATS)}")
    if output and output != "-" and source != "-" and Path(output).exists() and \
            Path(output).resolve() == Path(source).resolve():
        raise DataError(output, None, "output is the input file; refusing to overwrite it")
    if top_k < 0 or top_k > 10:
        raise DataError(source, None, "--top-k must be between 0 and 10")
    if threshold is not None and not 0.0 <= threshold <= 1.0:
        raise DataError(source, None, "--threshold must be between 0 and 1")
    if jobs < 1:
        raise DataError(source, None, f"--jobs must be at least 1, not {jobs}")
    cpus = os.cpu_count() or 1
    if jobs > cpus:
        if not quiet:
            print(f"newsml label: note: --jobs {jobs} is more than the {cpus} CPUs here; using {cpus}",
                  file=sys.stderr)
        jobs = cpus
    fmt = output_format(output, output_format_name)
    if output not in (None, "-") and output_format_name is None and not quiet and \
            not any(s.lower().lstrip(".") in OUTPUT_FORMATS for s in Path(output).suffixes):
        print(f"newsml label: note: {output} is not named .csv, .tsv or .jsonl; writing CSV", file=sys.stderr)
    started = time.perf_counter()
    stats = LabelStats()
    added = [prefix + name for name in output_columns(top_k)]
    with ExitStack() as stack:
        reader = stack.enter_context(RowReader(source, input_format))
        name = headline_column(reader.columns, column, reader.source) if reader.columns else column
        clash = sorted(set(reader.columns or []) & set(added))
        if clash:
            raise DataError(reader.source, 1, f"input already has column {clash[0]!r}; "
                                              f"add a prefix to the new columns with --prefix")
        if not isinstance(model, NewsModel):
            model = load_model(model)  # fail on a bad model before any output exists
        try:  # and on options this model cannot honour
            check_top_k(top_k, model)
            model.prior_weights(home)
        except ValueError as exc:
            raise DataError(reader.source, None, str(exc)) from None
        bar = tqdm(unit="rows", desc="labelling", disable=quiet or not sys.stderr.isatty(), leave=False)
        pool = None
        try:
            if jobs > 1:  # workers load the model's files (memory-mapped, so shared), never a pickle of it
                pool = get_context("spawn").Pool(jobs, _init_worker, (str(_saved(model, stack)), os.getpid()))
            with atomic_output(output) as handle:
                chunks = _chunks(reader, name, chunk_size)
                if strict:
                    chunks = _strict(chunks, reader.source)
                ahead = _read_ahead(chunks, ADAPT_SAMPLE if adapt_priors else 1)
                first = ahead[0] if ahead else None
                priors = None
                if adapt_priors:
                    sample = [t for _, texts, problems in ahead for t, why in zip(texts, problems) if not why]
                    if len(sample) < ADAPT_MINIMUM:
                        if not quiet:
                            print(f"newsml label: note: {len(sample)} headlines are too few to estimate the "
                                  f"feed's mix (at least {ADAPT_MINIMUM}); the training mix is kept",
                                  file=sys.stderr)
                    else:
                        priors = model.estimate_priors(sample[:ADAPT_SAMPLE])
                        if not quiet:
                            print(f"newsml label: feed mix estimated from {min(len(sample), ADAPT_SAMPLE):,} "
                                  f"headlines: {_describe_mix(model, priors)}", file=sys.stderr)
                columns = reader.columns
                if columns is None and fmt != "jsonl":  # JSONL in, table out: the first rows decide
                    columns = list(dict.fromkeys(k for row in (first[0] if first else []) for k in row.fields))
                spec = _Format(fmt, columns, prefix, top_k)
                handle.write(spec.header())
                jobs_in_order = chain(ahead, chunks)
                classes = {head: h.classes for head, h in model.heads.items()}
                k = max(1, top_k)
                if pool is None:
                    ranked = ((rows, problems, rank_labels(texts, problems, model, k, home, priors))
                              for rows, texts, problems in jobs_in_order)
                else:
                    ranked = _pooled(pool, jobs_in_order, (k, home, priors), jobs)
                results = ((_format_chunk(spec, [row.fields for row in rows],
                                          label_columns(ranks, classes, problems, top_k, threshold)), len(rows))
                           for rows, problems, ranks in ranked)
                for (text, bad), size in results:
                    handle.write(text)
                    stats.read += size
                    stats.problems += bad
                    stats.labelled += size - bad
                    bar.update(size)
        except BaseException:
            if pool is not None:
                _stop(pool, interrupted=True)
                pool = None
            raise
        finally:
            bar.close()
            if pool is not None:
                _stop(pool, interrupted=False)
    stats.seconds = time.perf_counter() - started
    if not quiet:
        target = "stdout" if output in (None, "-") else output
        print(f"newsml label: {stats.summary()} -> {target}", file=sys.stderr)
    return stats


def _read_ahead(chunks: Iterator, rows: int) -> list:
    """The first chunks of a run, at least ``rows`` rows of them (or all there are)."""
    ahead, count = [], 0
    while count < rows and (chunk := next(chunks, None)) is not None:
        ahead.append(chunk)
        count += len(chunk[0])
    return ahead


def _describe_mix(model: NewsModel, priors: dict) -> str:
    parts = []
    for head, prior in priors.items():
        ranked = sorted(zip(model.heads[head].classes.tolist(), prior.tolist()), key=lambda kv: -kv[1])
        parts.append(f"{head} " + ", ".join(f"{label} {share:.2f}" for label, share in ranked))
    return "; ".join(parts)


def _saved(model: NewsModel, stack: ExitStack) -> Path:
    """A directory worker processes can load ``model`` from: its own, or a temporary copy."""
    if model.source is not None:
        return model.source
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="newsml-model-"))) / "model"
    save_model(model, folder)
    return folder


def _strict(chunks, source: str):
    for rows, texts, problems in chunks:
        for row, why in zip(rows, problems):
            if why:
                raise DataError(source, row.line, why)
        yield rows, texts, problems


def _pooled(pool, chunks, options: tuple, jobs: int):
    """Rank chunks in the pool, at most ``2 * jobs`` in flight, in input order; workers see only texts."""
    pending: deque = deque()
    for rows, texts, problems in chunks:
        pending.append((rows, problems, pool.apply_async(_rank_in_worker, (texts, problems, *options))))
        if len(pending) >= 2 * jobs:
            rows, problems, result = pending.popleft()
            yield rows, problems, result.get()
    for rows, problems, result in pending:
        yield rows, problems, result.get()
