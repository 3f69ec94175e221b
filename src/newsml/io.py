"""Reading headline files: plain text, CSV, TSV and JSONL, optionally gzipped, or standard input.

Every problem is reported as a :class:`DataError` that names the file and the line, so the command line
can print one line and exit 2 instead of a traceback. Files are read as a stream of rows, so a file of
millions of headlines never has to fit in memory.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import signal
import tempfile
import zlib
import sys
from dataclasses import dataclass
from pathlib import Path
from contextlib import contextmanager
from typing import IO, BinaryIO, Iterator

from .preprocess import is_blank

HEADLINE_COLUMNS = ("headline", "title", "text")
"""Column names taken as the headline, in order of preference, when none is given."""

MAX_HEADLINE_CHARS = 2_000
"""A longer 'headline' is almost always a broken row (a whole article, a missing quote)."""

FORMATS = ("txt", "csv", "tsv", "jsonl")

CSV_FIELD_LIMIT = 1 << 24
"""Largest CSV field read: a malformed quote can swallow many lines; report it rather than crash."""


READ_ERRORS = (OSError, EOFError, gzip.BadGzipFile, zlib.error)
"""What reading a damaged file raises: truncated or corrupt gzip (header, CRC or deflate data), I/O errors."""


class DataError(ValueError):
    """Bad input data; ``str()`` is one line naming the file and, where known, the line."""

    def __init__(self, source: str, line: int | None, message: str):
        self.source, self.line, self.message = source, line, message
        where = f"{source}:{line}" if line is not None else source
        super().__init__(f"{where}: {message}")


class OutputError(OSError):
    """An output that cannot be written; ``str()`` is one line naming the output, never a temporary file."""

    def __init__(self, target: str, message: str):
        self.target = target
        super().__init__(f"{target}: cannot write: {message}")

    def __str__(self) -> str:
        return self.args[0]


@dataclass
class Row:
    """One input record: its columns, where it started, and what is wrong with it (if anything)."""

    fields: dict
    line: int
    error: str = ""


def detect_format(path: str | Path, explicit: str | None = None) -> str:
    """The format named by ``explicit`` or by the file's extension (``.gz`` looked through)."""
    if explicit:
        if explicit not in FORMATS:
            raise DataError(str(path), None, f"unknown format {explicit!r}; use one of {', '.join(FORMATS)}")
        return explicit
    suffixes = [s.lower() for s in Path(str(path)).suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    ext = suffixes[-1].lstrip(".") if suffixes else ""
    if ext in ("json", "ndjson"):
        ext = "jsonl"
    return ext if ext in FORMATS else "txt"


def stdin_bytes() -> BinaryIO:
    """Standard input as bytes; DataError when the process was started with it closed."""
    if sys.stdin is None:
        raise DataError("<stdin>", None, "standard input is closed")
    return sys.stdin.buffer


def open_binary(path: str | Path) -> BinaryIO:
    """The raw bytes of ``path`` ('-' is standard input), gunzipped when they are gzip."""
    if str(path) == "-":
        raw: BinaryIO = stdin_bytes()
    else:
        try:
            raw = open(path, "rb")
        except OSError as exc:
            raise DataError(str(path), None, exc.strerror or str(exc)) from None
    buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)  # type: ignore[arg-type]
    if buffered.peek(2)[:2] == b"\x1f\x8b":
        buffered = io.BufferedReader(gzip.GzipFile(fileobj=buffered))  # type: ignore[arg-type]
    try:
        head = buffered.peek(1 << 16)
    except READ_ERRORS as exc:
        raise DataError(str(path), None, f"cannot read: {exc}") from None
    if b"\r" in head and b"\n" not in head:  # old Mac line endings: one line per CR, not one huge line
        return io.BufferedReader(_CarriageReturnsAsNewlines(buffered))  # type: ignore[return-value]
    return buffered


class _CarriageReturnsAsNewlines(io.RawIOBase):
    """A byte stream with every CR read as LF (for files whose lines end with CR alone)."""

    def __init__(self, stream: BinaryIO):
        self.stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.stream.read(len(buffer)).replace(b"\r", b"\n")
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.stream.close()
        super().close()


def refuse_non_text(head: bytes, source: str) -> None:
    """DataError for bytes that are not UTF-8 text at all: UTF-16 (by its BOM) or binary (NUL bytes)."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError(source, 1, "file is UTF-16; save it as UTF-8")
    if b"\x00" in head:
        line = head[:head.index(b"\x00")].count(b"\n") + 1
        raise DataError(source, line, "file looks binary (NUL bytes); expected UTF-8 text")


MAX_TEXT_BYTES = 10 * 2**20
"""Largest article or front page read whole (10 MiB, a thousand long articles): summaries and digests
hold the text, its sentences and their vectors in memory. Files of headlines have no limit: ``newsml
label`` streams them."""


def read_text(path: str | Path, limit: int = MAX_TEXT_BYTES) -> str:
    """A whole UTF-8 text file ('-' is stdin, gzip is unpacked); DataError naming the line of bad bytes,
    or saying the file is larger than ``limit`` bytes."""
    source = "<stdin>" if str(path) == "-" else str(path)
    stream = open_binary(path)
    try:
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise DataError(source, None, f"larger than {limit // 2**20} MiB, the most that summarize and digest "
                                          f"read; split it, or use 'newsml label' for a file of headlines")
    except READ_ERRORS as exc:
        raise DataError(source, None, f"cannot read: {exc}") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    refuse_non_text(data, source)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(source, data[:exc.start].count(b"\n") + 1, "undecodable bytes (not UTF-8)") from None


def decoded_lines(stream: BinaryIO, source: str) -> Iterator[tuple[int, str, bool]]:
    """``(line number, text, decoded cleanly)`` for each line of UTF-8 bytes.

    A line that is not UTF-8 is passed on with replacement characters and ``False`` so that the caller
    decides: labelling keeps the row and marks it, training stops with an error. UTF-16 and binary
    files are refused up front, since every line of them would be garbage.
    """
    try:
        head = stream.peek(4096)[:4096] if hasattr(stream, "peek") else b""
    except READ_ERRORS as exc:
        raise DataError(source, None, f"cannot read: {exc}") from None
    refuse_non_text(head, source)
    number = 0
    try:
        for number, raw in enumerate(stream, 1):
            if number == 1 and raw.startswith(codecs.BOM_UTF8):
                raw = raw[len(codecs.BOM_UTF8):]
            try:
                yield number, raw.decode("utf-8"), True
            except UnicodeDecodeError:
                yield number, raw.decode("utf-8", errors="replace"), False
    except READ_ERRORS as exc:
        raise DataError(source, number + 1, f"cannot read: {exc}") from None


def text_problem(text: str) -> str:
    """Why a headline cannot be labelled ('' if it can): blank, too long to be a headline, or holding a
    NUL byte (binary data past the start of a file, which only the first 64 KiB are checked for)."""
    if is_blank(text):
        return "blank headline"
    if len(text) > MAX_HEADLINE_CHARS:
        return f"headline longer than {MAX_HEADLINE_CHARS} characters"
    if "\x00" in text:
        return "headline holds a NUL byte (binary data?)"
    return ""


def _text_rows(lines: Iterator[tuple[int, str, bool]]) -> Iterator[Row]:
    for number, text, clean in lines:
        text = text.rstrip("\r\n")
        yield Row({"headline": text}, number, "" if clean else "undecodable bytes (not UTF-8)")


class _TrackedLines:
    """Feeds decoded lines to ``csv.reader`` while remembering line numbers and undecodable lines."""

    def __init__(self, lines: Iterator[tuple[int, str, bool]]):
        self.lines, self.number, self.bad = lines, 0, set()

    def __iter__(self) -> Iterator[str]:
        for self.number, text, clean in self.lines:
            if not clean:
                self.bad.add(self.number)
            yield text

    def spoiled(self, start: int, end: int) -> bool:
        """Whether any line in ``start..end`` was undecodable (and forget them)."""
        hit = any(n in self.bad for n in range(start, end + 1))
        self.bad.difference_update(range(start, end + 1))
        return hit


def _delimited_header(tracked: _TrackedLines, reader, source: str) -> list[str]:
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        return []
    except csv.Error as exc:
        raise DataError(source, 1, f"malformed header: {exc}") from None
    if tracked.spoiled(1, tracked.number):
        raise DataError(source, 1, "header has undecodable bytes (not UTF-8)")
    if len(set(header)) != len(header):
        raise DataError(source, 1, f"duplicate column names in header: {', '.join(header)}")
    return header


def _delimited_rows(tracked: _TrackedLines, reader, header: list[str]) -> Iterator[Row]:
    start = tracked.number + 1
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Row(dict.fromkeys(header, ""), start, f"malformed row: {exc}")
            start = tracked.number + 1
            continue
        error = "undecodable bytes (not UTF-8)" if tracked.spoiled(start, tracked.number) else ""
        if values and len(values) != len(header):
            error = error or f"expected {len(header)} fields, got {len(values)}"
        values = values[:len(header)] + [""] * (len(header) - len(values))
        yield Row(dict(zip(header, values)), start, error)
        start = tracked.number + 1


def _jsonl_rows(lines: Iterator[tuple[int, str, bool]]) -> Iterator[Row]:
    for number, text, clean in lines:
        if not clean:
            yield Row({}, number, "undecodable bytes (not UTF-8)")
            continue
        if not text.strip():
            yield Row({}, number, "blank line")
            continue
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            yield Row({}, number, f"malformed JSON: {exc.msg}")
            continue
        if not isinstance(value, dict):
            yield Row({}, number, "expected a JSON object")
            continue
        yield Row(value, number)


class RowReader:
    """The rows of a headline file, streamed; ``columns`` is known before the first row.

    ``columns`` is the CSV/TSV header, ``["headline"]`` for plain text and ``None`` for JSONL, whose
    objects may differ from line to line. Problems with single rows ride along in ``Row.error``;
    problems with the whole file raise :class:`DataError`.
    """

    def __init__(self, path: str | Path, fmt: str | None = None):
        self.source = "<stdin>" if str(path) == "-" else str(path)
        self.format = detect_format(path, fmt)
        self._stream = open_binary(path)
        lines = decoded_lines(self._stream, self.source)
        self.columns: list[str] | None
        if self.format == "txt":
            self.columns, self._rows = ["headline"], _text_rows(lines)
        elif self.format == "jsonl":
            self.columns, self._rows = None, _jsonl_rows(lines)
        else:
            tracked = _TrackedLines(lines)
            if csv.field_size_limit() < CSV_FIELD_LIMIT:
                csv.field_size_limit(CSV_FIELD_LIMIT)
            # TSV has no quoting: a headline that opens with a quotation mark is text, kept as written
            reader = (csv.reader(tracked, delimiter="\t", quoting=csv.QUOTE_NONE) if self.format == "tsv"
                      else csv.reader(tracked))
            self.columns = _delimited_header(tracked, reader, self.source)
            self._rows = _delimited_rows(tracked, reader, self.columns)

    def __iter__(self) -> Iterator[Row]:
        return self._rows

    def close(self) -> None:
        if self._stream is not sys.stdin.buffer:
            self._stream.close()

    def __enter__(self) -> RowReader:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def headline_column(columns: list[str], wanted: str | None, source: str) -> str:
    """The name of the headline column: ``wanted`` if given, else the first of HEADLINE_COLUMNS."""
    if wanted:
        if wanted not in columns:
            raise DataError(source, 1, f"no column {wanted!r}; columns are: {', '.join(columns) or '(none)'}")
        return wanted
    lowered = {c.lower(): c for c in columns}
    for name in HEADLINE_COLUMNS:
        if name in lowered:
            return lowered[name]
    raise DataError(source, 1, f"no headline column (looked for {', '.join(HEADLINE_COLUMNS)}); "
                               f"columns are: {', '.join(columns) or '(none)'}; name one with --column")


def row_headline(row: Row, column: str) -> tuple[str, str]:
    """The headline text of ``row`` and the reason it cannot be labelled ('' when it can)."""
    value = row.fields.get(column)
    if row.error:
        return "" if value is None else str(value), row.error
    if column not in row.fields:
        return "", f"missing field {column!r}"
    if value is None:
        return "", f"field {column!r} is null"
    if not isinstance(value, str):
        return str(value), f"field {column!r} is {type(value).__name__}, not text"
    if "\n" in value or "\r" in value:  # a headline is one line; in CSV, a quote left open swallows the next lines
        return value, "headline holds a line break (in CSV or TSV, an unclosed quote runs on into the lines after it)"
    return value, text_problem(value)


@contextmanager
def atomic_output(path: str | Path | None, binary: bool = False) -> Iterator[IO]:
    """A stream (text, or bytes with ``binary``) that becomes ``path`` only if the block completes; '-' or
    None is stdout. The one way newsml writes a file (labels, reports); models use :func:`umask` too.

    A regular file (or the file a symlink points to) is written beside itself and renamed into place, so
    an interrupted run leaves it as it was; a ``.gz`` name is gzipped. A path that is not a regular file
    (a device such as /dev/null, a FIFO, a socket) is written to directly: renaming would replace it.
    SIGTERM is turned into an exception for the duration so that ``kill`` cleans up like Ctrl-C.
    """
    if path is None or str(path) == "-":
        yield sys.stdout.buffer if binary else sys.stdout
        sys.stdout.flush()
        return
    target = Path(path).resolve() if Path(path).is_symlink() else Path(path)
    if target.is_dir():
        raise OutputError(str(path), "is a directory")
    if target.exists() and not target.is_file():
        with open(target, "wb") if binary else open(target, "w", encoding="utf-8", newline="") as handle:
            yield handle
        return
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=target.parent or ".")
    except OSError as exc:
        raise OutputError(str(path), exc.strerror or str(exc)) from None
    previous = signal.getsignal(signal.SIGTERM)
    in_main = _in_main_thread()
    if in_main:
        signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        with open(fd, "wb") as raw:
            stream = gzip.GzipFile(fileobj=raw, mode="wb", filename="", mtime=0) \
                if target.suffix.lower() == ".gz" else raw
            if binary:
                yield stream
            else:
                with io.TextIOWrapper(stream, encoding="utf-8", newline="") as handle:
                    yield handle
            stream.close()
        os.chmod(tmp, 0o666 & ~umask())
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise OutputError(str(path), exc.strerror or str(exc)) from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        if in_main:
            signal.signal(signal.SIGTERM, previous)


def umask() -> int:
    """The process's file-creation mask (reading it means setting it, so it is set back at once)."""
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _in_main_thread() -> bool:
    import threading
    return threading.current_thread() is threading.main_thread()


class Terminated(KeyboardInterrupt):
    """SIGTERM, turned into an exception so that ``kill`` cleans up like Ctrl-C (exit code 143)."""


def _raise_interrupt(signum, frame):
    raise Terminated
