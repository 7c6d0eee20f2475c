"""Streaming CSV with physical line numbers, header checks and malformed-row capture.

The stdlib `csv` reader keeps memory flat however large the file is. It is fed through a
line counter that also remembers the record's text, so every row knows the physical
line it starts on (quoted fields may span lines) and a row that cannot be split into its
columns still reaches the quarantine with its original text.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from connectors.rows import MAX_RAW_CHARS, malformed
from schemas.errors import SourceFormatError

# A required column, or a tuple of alternative labels of which one must be present
# (Mailchimp audiences rename merge fields: "Email Address" or "E-Mail-Adresse").
Column = str | tuple[str, ...]
Fail = Callable[[str, int | None], SourceFormatError]


@dataclass(frozen=True, slots=True)
class Record:
    """One CSV record: its first physical line, its fields, its text, or why it broke."""

    line: int
    fields: list[str]
    raw: str
    error: str | None = None


class _Lines:
    """Feeds lines to `csv.reader`, counting them and keeping the current record's text."""

    def __init__(self, handle: TextIO) -> None:
        self._handle = handle
        self.count = 0
        self._text: list[str] = []
        self._kept = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._handle)
        self.count += 1
        if self._kept < MAX_RAW_CHARS:  # an unclosed quote may swallow the rest of the file
            self._text.append(line)
            self._kept += len(line)
        return line

    def take(self) -> str:
        """The text of the record just read, without its final line break."""
        text = "".join(self._text).removesuffix("\n").removesuffix("\r")
        self._text.clear()
        self._kept = 0
        return text


def records(
    handle: TextIO, *, delimiter: str = ",", quotechar: str | None = '"'
) -> Iterator[Record]:
    """Every non-blank record of an open text stream (opened with `newline=""`).

    Strict quoting: a stray quote or a quote left open at the end of the file makes that
    record malformed instead of silently merging it with the lines that follow.
    """
    lines = _Lines(handle)
    reader = csv.reader(
        lines,
        delimiter=delimiter,
        quotechar=quotechar or '"',
        quoting=csv.QUOTE_MINIMAL if quotechar else csv.QUOTE_NONE,
        strict=True,
    )
    while True:
        first = lines.count + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Record(first, [], lines.take(), f"not valid CSV: {exc}")
            continue
        raw = lines.take()
        if fields:  # csv yields [] for an empty line; it holds no record
            yield Record(first, fields, raw)


@dataclass
class Table:
    """A CSV stream whose header was read and checked; `rows` yields `(line, data)`, or
    read its `records` and split them with `record_data` (read one of them, once)."""

    header: list[str]
    records: Iterator[Record]

    @property
    def rows(self) -> Iterator[tuple[int, dict[str, Any]]]:
        return ((record.line, record_data(record, self.header)) for record in self.records)


def read_table(stream: Iterator[Record], *, required: Sequence[Column], fail: Fail) -> Table:
    """Read and check the header now; the rows follow lazily.

    Raises the `SourceFormatError` from `fail` when there is no header, it is not CSV,
    names a column twice or lacks a required column: the file is then skipped whole.
    """
    first = next(stream, None)
    if first is None:
        raise fail("empty file: no header line", None)
    if first.error:
        raise fail(f"header {first.error}", first.line)
    header = [name.strip() for name in first.fields]
    check_header(header, required, fail, first.line)
    return Table(header, stream)


def check_header(header: list[str], required: Sequence[Column], fail: Fail, line: int = 1) -> None:
    """Refuse duplicate names and missing required columns, naming every problem."""
    problems = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(f"column {name!r} appears twice")
        seen.add(name)
    missing = [
        " or ".join(repr(c) for c in column) if isinstance(column, tuple) else repr(column)
        for column in required
        if not (set(column) & seen if isinstance(column, tuple) else column in seen)
    ]
    if missing:
        problems.append(f"header lacks {', '.join(missing)}")
        if len(header) == 1 and header[0]:  # one column: probably split on the wrong char
            problems.append(f"only one column {_cut(header[0])!r}: wrong delimiter?")
    if problems:
        raise fail("; ".join(problems), line)


def _cut(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


_WHOLE = MAX_RAW_CHARS - 2  # `_Lines` keeps this much (less the line break) at least


def record_text(record: Record) -> str | None:
    """The record's delivered text; None where it was cut short (`MAX_RAW_CHARS`), so
    that a text stands for the whole record."""
    return record.raw if len(record.raw) < _WHOLE else None


def record_data(record: Record, header: list[str]) -> dict[str, Any]:
    """The record's fields by header name, or the malformed payload saying why not."""
    if record.error:
        return malformed(record.error, record.raw)
    if len(record.fields) != len(header):
        reason = f"{len(record.fields)} fields where the header has {len(header)}"
        return malformed(reason, record.raw)
    return dict(zip(header, record.fields, strict=True))
