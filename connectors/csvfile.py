"""The shared reader of single-file CSV deliveries with a header line.

Formats differ in delimiter, required columns and what they add to a row; the reading —
choose the encoding, check the header, stream rows with their lines — is the same.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from connectors.base import FileKind, LandingFile, RawRow
from connectors.container import Container
from connectors.csvio import Column, Table, read_table, records
from connectors.single import SingleFileConnector


class CsvConnector(SingleFileConnector):
    """A header-first CSV file; subclasses set the kinds, delimiter and required columns."""

    file_kinds: tuple[FileKind, ...] = ()
    delimiter: str = ","
    required: tuple[Column, ...] = ()

    def _rows(self, file: LandingFile) -> Iterator[RawRow]:
        with Container(file) as box:
            encoding = box.encoding_of(None).encoding
            with box.open_text(None, encoding) as handle:
                table = read_table(
                    records(handle, delimiter=self.delimiter),
                    required=self.required,
                    fail=box.fail,
                )
                yield from self.raw_rows(file, table)

    def raw_rows(self, file: LandingFile, table: Table) -> Iterator[RawRow]:
        """One raw row per record; override to gather or annotate rows.

        A row is its record's text split under the header, so that text and the header
        determine it: rows get a `text_digest` of both, unless `annotate` adds to them."""
        plain = type(self).annotate is CsvConnector.annotate
        context = "\x1f".join([type(self).__name__, self.delimiter, *table.header])
        for line, data, text in table.rows_with_text():
            if "_malformed" not in data:
                data = self.annotate(file, data)
            digest = text_digest(context, text) if plain and text is not None else None
            yield RawRow(file.record_kind, file.path.name, line, data, text_digest=digest)

    def annotate(self, file: LandingFile, data: dict[str, Any]) -> dict[str, Any]:
        """Add what the file says about every row (Mailchimp's list status); default: nothing."""
        return data


def text_digest(context: str, text: str) -> str:
    """A digest of a record's text under its `context` (the reader, delimiter and header):
    128 bits of BLAKE2b, a fifth of the cost of hashing the parsed row."""
    payload = f"{context}\x1e{text}".encode()
    return hashlib.blake2b(payload, digest_size=16).hexdigest()
