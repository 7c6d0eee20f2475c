"""The shared reader of single-file CSV deliveries with a header line.

Formats differ in delimiter, required columns and what they add to a row; the reading —
choose the encoding, check the header, stream rows with their lines — is the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Set
from typing import Any

from connectors.base import KNOWN_ROW, NOTHING_KNOWN, FileKind, LandingFile, RawRow
from connectors.container import Container
from connectors.csvio import Column, Table, read_table, record_data, record_text, records
from connectors.rows import chunked
from connectors.single import SingleFileConnector


class CsvConnector(SingleFileConnector):
    """A header-first CSV file; subclasses set the kinds, delimiter and required columns."""

    file_kinds: tuple[FileKind, ...] = ()
    delimiter: str = ","
    required: tuple[Column, ...] = ()

    def read(
        self, file: LandingFile, *, chunksize: int = 10_000, known: Set[str] = NOTHING_KNOWN
    ) -> Iterator[list[RawRow]]:
        return chunked(self._rows(file, known), chunksize)

    def _rows(self, file: LandingFile, known: Set[str] = NOTHING_KNOWN) -> Iterator[RawRow]:
        with Container(file) as box:
            encoding = box.encoding_of(None).encoding
            with box.open_text(None, encoding) as handle:
                table = read_table(
                    records(handle, delimiter=self.delimiter),
                    required=self.required,
                    fail=box.fail,
                )
                yield from self.raw_rows(file, table, known)

    def raw_rows(
        self, file: LandingFile, table: Table, known: Set[str] = NOTHING_KNOWN
    ) -> Iterator[RawRow]:
        """One raw row per record; override to gather or annotate rows.

        A row is its record's text split under the header, so that text and the header
        determine it: rows get a `text_digest` of both, unless `annotate` adds to them.
        A row whose digest is in `known` comes as `KNOWN_ROW`, never split."""
        plain = type(self).annotate is CsvConnector.annotate
        digest = TextDigest(type(self).__name__, self.delimiter, table.header) if plain else None
        name = file.path.name
        for record in table.records:
            text = record_text(record)
            stamp = digest(text) if digest is not None and text is not None else None
            if stamp is not None and stamp in known:
                yield KNOWN_ROW
                continue
            data = record_data(record, table.header)
            if "_malformed" not in data:
                data = self.annotate(file, data)
            yield RawRow(file.record_kind, name, record.line, data, text_digest=stamp)

    def annotate(self, file: LandingFile, data: dict[str, Any]) -> dict[str, Any]:
        """Add what the file says about every row (Mailchimp's list status); default: nothing."""
        return data


class TextDigest:
    """Digests of records' texts under one `context` (the reader, delimiter and header):
    128 bits of BLAKE2b, a fifth of the cost of hashing the parsed row. The context is
    hashed once; each record continues a copy of that state."""

    def __init__(self, reader: str, delimiter: str, header: list[str]) -> None:
        context = "\x1f".join([reader, delimiter, *header])
        self._start = hashlib.blake2b(f"{context}\x1e".encode(), digest_size=16)

    def __call__(self, text: str) -> str:
        state = self._start.copy()
        state.update(text.encode())
        return state.hexdigest()
