"""The generic connector: CSV, JSON Lines or a SQL query, mapped to canonical fields by config.

Each row is handed on with canonical names (`schemas.sources.generic` describes the shape),
the delivered row kept whole under `_raw`. Files are refused whole, before their first row,
when they lack a key or mapped column (for JSON Lines, whose objects may leave out empty
fields: the first object must hold the key, and a mapped field that no object has refuses
the file after its last row, which staging rolls back). A SQL pull reads the rows whose
cursor column is above the stored cursor through a connection the caller opens, streaming
them (`yield_per`), and reports the highest cursor value and a hash of the rows.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any, TextIO

from sqlalchemy import Connection, CursorResult, text

from connectors.base import GENERIC_FILE_KINDS, FileKind, LandingFile, RawRow
from connectors.container import Container
from connectors.csvio import read_table, records
from connectors.generic_config import GenericSource
from connectors.rows import chunked, json_objects
from connectors.single import SingleFileConnector
from schemas.errors import ConfigError, SourceFormatError
from schemas.sources.generic import GENERIC, KEY, RAW

_MISSING = object()


def sql_path(source: GenericSource) -> str:
    """The manifest path of a SQL source's pulls."""
    return f"sql:{source.name}"


class RowMapper:
    """Turns one delivered row into a generic raw row: canonical fields, key, options, raw."""

    def __init__(self, source: GenericSource) -> None:
        self._options = source.row_options()  # one dict, shared by every row of a read
        self._key = source.key
        self._columns = tuple(source.columns.items())
        self._decimal = source.decimal
        self._nested = source.format == "jsonl"

    def get(self, values: Mapping[str, Any], column: str) -> Any:
        """A column's value; JSON objects are also looked into by dotted path (`kontakt.email`)."""
        value = values.get(column, _MISSING)
        if value is _MISSING and self._nested and "." in column:
            value = values
            for part in column.split("."):
                if not isinstance(value, Mapping) or part not in value:
                    return _MISSING
                value = value[part]
        return value

    def has(self, values: Mapping[str, Any], column: str) -> bool:
        return self.get(values, column) is not _MISSING

    def row(self, values: Mapping[str, Any]) -> dict[str, Any]:
        if "_malformed" in values:  # quarantined with its text; still marked generic
            return {GENERIC: self._options, **values}
        data: dict[str, Any] = {
            GENERIC: self._options,
            KEY: {column: self._text(self.get(values, column)) for column in self._key},
        }
        for field, column in self._columns:
            value = self._text(self.get(values, column))
            if value is not None:
                data[field] = value
        data[RAW] = {str(k): _json_safe(v) for k, v in values.items()}
        return data

    def _text(self, value: Any) -> Any:
        """A value as text in the source's notation, so the mapper reads JSON and SQL values
        like CSV ones: numbers with the configured decimal symbol, dates in ISO.
        Booleans, objects and lists stay what they are, for the mapper to refuse."""
        if value is _MISSING or value is None or isinstance(value, str | bool | dict | list):
            return None if value is _MISSING else value
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float | Decimal):
            written = format(value, "f") if isinstance(value, Decimal) else repr(value)
            return written.replace(".", self._decimal)
        return _json_safe(value)


def _json_safe(value: Any) -> Any:
    """What a JSON column can hold: SQL values become text (`Decimal` exact, dates ISO)."""
    if value is None or isinstance(value, str | bool | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return str(value)


def _source_of(file: LandingFile) -> GenericSource:
    if file.generic is None:
        raise ConfigError(f"{file.path.name}: a generic delivery without its source's config")
    return file.generic


class GenericFiles(SingleFileConnector):
    """Files of the configured generic sources: `<file_prefix>_YYYY-MM-DD.csv` / `.jsonl`."""

    file_kinds: tuple[FileKind, ...] = GENERIC_FILE_KINDS

    def declared_encoding(self, file: LandingFile) -> str | None:
        return _source_of(file).encoding

    def _rows(self, file: LandingFile) -> Iterator[RawRow]:
        source = _source_of(file)
        mapper = RowMapper(source)
        with Container(file) as box:
            # A configured encoding is what the delivery "declares": still checked, and
            # valid UTF-8 wins with a note, exactly as for DSFinV-K's index.xml.
            encoding = box.encoding_of(None, source.encoding).encoding
            if source.format == "csv":
                with box.open_text(None, encoding) as handle:
                    table = read_table(
                        records(handle, delimiter=source.delimiter or ","),
                        required=source.required_columns,
                        fail=box.fail,
                    )
                    for line, data in table.rows:
                        yield RawRow(file.record_kind, file.path.name, line, mapper.row(data))
                return
            with box.open_text(None, encoding, newline="\n") as handle:
                for line, data in _json_lines(box, handle, source, mapper):
                    yield RawRow(file.record_kind, file.path.name, line, mapper.row(data))


def _json_lines(
    box: Container, handle: TextIO, source: GenericSource, mapper: RowMapper
) -> Iterator[tuple[int, dict[str, Any]]]:
    """The objects of a JSON Lines file, checked against the mapping.

    The first object must hold every key column, else this is not the source's export.
    JSON exporters leave out empty fields, so a mapped column may be absent from any one
    object; one that no object holds is a mapping typo, and refuses the file at its end.
    """
    objects = json_objects(handle)
    first = next(objects, None)
    if first is None:
        return  # nothing changed: an empty export is a valid one
    line, data = first
    if "_malformed" in data:
        raise box.fail(f"the first line is no JSON object: {data['_malformed']}", line)
    lacking = [repr(c) for c in source.key if not mapper.has(data, c)]
    if lacking:
        raise box.fail(f"the first object lacks key column {', '.join(lacking)}", line)
    unseen = [c for c in dict.fromkeys(source.columns.values()) if not mapper.has(data, c)]
    yield line, data
    for line, data in objects:
        if unseen and "_malformed" not in data:
            unseen = [c for c in unseen if not mapper.has(data, c)]
        yield line, data
    if unseen:
        raise box.fail(f"no object holds mapped column {', '.join(map(repr, unseen))}")


class SqlPull:
    """One pull of a SQL source: its rows in chunks; after the last one, the highest
    cursor value (as text, to bind as `:cursor` next time) and a hash of the rows."""

    def __init__(
        self, source: GenericSource, result: CursorResult[Any], columns: list[str]
    ) -> None:
        self._source = source
        self._result = result
        self._columns = columns
        self._mapper = RowMapper(source)
        self._cursor_at = columns.index(source.cursor_column or "")
        self._highest: Any = None
        self._sha = hashlib.sha256()
        self.rows = 0
        self.size_bytes = 0

    def chunks(self, chunksize: int = 10_000) -> Iterator[list[RawRow]]:
        return chunked(self._rows(), chunksize)

    def _rows(self) -> Iterator[RawRow]:
        path = sql_path(self._source)
        for values in self._result:
            self.rows += 1
            self._note_cursor(values[self._cursor_at])
            data = self._mapper.row(dict(zip(self._columns, values, strict=True)))
            payload = json.dumps(data[RAW], sort_keys=True, ensure_ascii=False).encode()
            self._sha.update(payload + b"\n")
            self.size_bytes += len(payload) + 1
            yield RawRow(self._source.name, path, self.rows, data)

    def _note_cursor(self, value: Any) -> None:
        if value is None:
            return  # such a row is read once, by the pull that has no lower bound
        try:
            if self._highest is None or value > self._highest:
                self._highest = value
        except TypeError:
            raise SourceFormatError(
                source=self._source.name,
                path=sql_path(self._source),
                line=self.rows,
                reason=f"cursor column {self._source.cursor_column!r} mixes kinds of values",
            ) from None

    @property
    def sha256(self) -> str:
        return self._sha.hexdigest()

    @property
    def highest_cursor(self) -> str | None:
        """The highest cursor value read, written as the database reads it back."""
        value = self._highest
        if value is None:
            return None
        if isinstance(value, datetime | date | time):
            return value.isoformat()
        if isinstance(value, Decimal):
            return format(value, "f")
        return str(value)


def read_sql(
    source: GenericSource, connection: Connection, cursor: str, *, chunksize: int = 10_000
) -> SqlPull:
    """Run the source's query with `:cursor` bound; check its columns before any row.

    Raises `SourceFormatError` when the query does not return every key, mapped and
    cursor column (or names one twice); database errors pass through as they are.
    """
    result = connection.execution_options(yield_per=chunksize).execute(
        text(source.query or ""), {"cursor": cursor}
    )
    columns = [str(c) for c in result.keys()]
    needed = dict.fromkeys((*source.required_columns, source.cursor_column or ""))
    problems = [
        f"column {c!r} appears twice" for c in dict.fromkeys(columns) if columns.count(c) > 1
    ]
    lacking = [repr(c) for c in needed if c not in columns]
    if lacking:
        problems.append(f"the query returns no column {', '.join(lacking)}")
    if problems:
        result.close()
        raise SourceFormatError(
            source=source.name, path=sql_path(source), reason="; ".join(problems)
        )
    return SqlPull(source, result, columns)
