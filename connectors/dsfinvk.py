"""DSFinV-K POS exports (SOURCES.md §4): a folder or zip of CSV tables plus `index.xml`.

One raw row per receipt (a `transactions.csv` row), carrying its `lines.csv` rows under
`_lines` (the coupon link `GUTSCHEIN_NR` is there), its `datapayment.csv` rows under
`_payments` when the export has that file, and the decimal and grouping symbols index.xml
declares for `transactions.csv` as `_decimal_symbol` / `_digit_grouping`.

Lines and payments of one closing are held in memory to join them by receipt; receipts
are streamed. A line or payment whose receipt is missing is quarantined, not dropped.
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import Any

from connectors.base import NOTHING_KNOWN, FileFacts, FileKind, LandingFile, RawRow
from connectors.container import Container
from connectors.csvio import Column, Table, read_table, records
from connectors.gdpdu import Index, IndexProblem, TableFormat, parse_index
from connectors.rows import chunked

TRANSACTIONS, LINES, PAYMENTS = "transactions.csv", "lines.csv", "datapayment.csv"
# The customer fields are what this reader is for; the spec makes them columns of every
# Bonkopf, even where they are mostly empty.
_RECEIPT = ("Z_KASSE_ID", "Z_NR", "BON_ID", "BON_ENDE", "UMS_BRUTTO", "KUNDE_NAME", "KUNDE_ID")
_REQUIRED: dict[str, tuple[Column, ...]] = {
    TRANSACTIONS: _RECEIPT,
    LINES: ("Z_KASSE_ID", "Z_NR", "BON_ID", "POS_ZEILE", "GUTSCHEIN_NR"),
    PAYMENTS: ("Z_KASSE_ID", "Z_NR", "BON_ID", "ZAHLART_TYP"),
}
_MAX_INDEX_BYTES = 16 << 20
Key = tuple[str, str, str]  # Z_KASSE_ID, Z_NR, BON_ID: a receipt within its closing


@dataclass(frozen=True)
class _Export:
    """Where the export's files are inside the delivery, and how index.xml says they look."""

    index: Index
    members: dict[str, str]  # lower-case table file name -> member path

    def member(self, name: str) -> str | None:
        return self.members.get(name)

    def format(self, name: str) -> TableFormat:
        return self.index.table(name)

    def declared_encoding(self, name: str) -> str | None:
        fmt = self.format(name)
        return fmt.encoding if fmt.declared else None


class Dsfinvk:
    """A DSFinV-K closing (`pos_dsfinvk_<KASSE>_<day>_Z<NNNN>`), folder or zip alike."""

    file_kinds: tuple[FileKind, ...] = ("pos_dsfinvk",)

    def facts(self, file: LandingFile) -> FileFacts:
        with Container(file) as box:
            export = _locate(box)
            texts = [
                (member, export.declared_encoding(name))
                for name in (TRANSACTIONS, LINES, PAYMENTS)
                if (member := export.member(name))
            ]
            return box.facts(texts)

    def read(
        self, file: LandingFile, *, chunksize: int = 10_000, known: Set[str] = NOTHING_KNOWN
    ) -> Iterator[list[RawRow]]:
        """Every row whole: its rows have no text digests (`known` is not used)."""
        return chunked(self._rows(file), chunksize)

    def _rows(self, file: LandingFile) -> Iterator[RawRow]:
        name = file.path.name
        with Container(file) as box:
            export = _locate(box)
            lines = _load(box, export, LINES, file)
            payments = _load(box, export, PAYMENTS, file) if export.member(PAYMENTS) else None
            attached = [lines] if payments is None else [lines, payments]
            fmt = export.format(TRANSACTIONS)
            symbols = {"_decimal_symbol": fmt.decimal_symbol, "_digit_grouping": fmt.digit_grouping}
            member = export.member(TRANSACTIONS)
            with _table(box, export, TRANSACTIONS) as receipts:  # its header checked here
                for group in attached:
                    yield from group.broken
                for line, data in receipts.rows:
                    if "_malformed" not in data:
                        key = _key(data)
                        data["_lines"] = lines.take(key)
                        if payments is not None:
                            data["_payments"] = payments.take(key)
                        data.update(symbols)
                    yield RawRow(file.record_kind, name, line, data, member)
            for group in attached:
                yield from group.orphans()


@dataclass
class _Attached:
    """A table joined to receipts: its rows by receipt, and the rows that cannot be."""

    table: str
    member: str
    file: LandingFile
    rows: dict[Key, list[tuple[int, dict[str, Any]]]] = field(default_factory=dict)
    broken: list[RawRow] = field(default_factory=list)
    used: set[Key] = field(default_factory=set)

    def take(self, key: Key) -> list[dict[str, Any]]:
        self.used.add(key)
        return [data for _, data in self.rows.get(key, [])]

    def orphans(self) -> Iterator[RawRow]:
        """Rows whose receipt is not in transactions.csv: quarantined with all columns."""
        for key, rows in self.rows.items():
            if key in self.used:
                continue
            reason = f"{self.table} row of receipt {':'.join(key)}, which transactions.csv lacks"
            for line, data in rows:
                record = {"_malformed": reason, **data}
                yield RawRow(self.file.record_kind, self.file.path.name, line, record, self.member)


def _load(box: Container, export: _Export, name: str, file: LandingFile) -> _Attached:
    member = export.member(name)
    if member is None:
        raise box.fail(f"the export has no {name}")
    group = _Attached(name, member, file)
    with _table(box, export, name) as table:
        for line, data in table.rows:
            if "_malformed" in data:
                group.broken.append(RawRow(file.record_kind, file.path.name, line, data, member))
            else:
                group.rows.setdefault(_key(data), []).append((line, data))
    return group


def _key(data: dict[str, Any]) -> Key:
    return (data["Z_KASSE_ID"], data["Z_NR"], data["BON_ID"])


@contextmanager
def _table(box: Container, export: _Export, name: str) -> Iterator[Table]:
    member = export.member(name)
    if member is None:
        raise box.fail(f"the export has no {name}")
    fmt = export.format(name)
    encoding = box.encoding_of(member, export.declared_encoding(name)).encoding
    with box.open_text(member, encoding) as handle:
        yield read_table(
            records(handle, delimiter=fmt.delimiter, quotechar=fmt.quotechar),
            required=_REQUIRED[name],
            fail=lambda reason, line: box.fail(reason, line, member),
        )


def _locate(box: Container) -> _Export:
    """Find index.xml (at the top or in the one folder a zip tool put around it)."""
    members = box.members()
    indexes = [m for m in members if PurePosixPath(m).name.lower() == "index.xml"]
    if len(indexes) != 1:
        found = "no index.xml" if not indexes else f"{len(indexes)} index.xml files"
        raise box.fail(f"{found}; a DSFinV-K export has exactly one")
    base = PurePosixPath(indexes[0]).parent
    with box.open_bytes(indexes[0]) as stream:
        data = stream.read(_MAX_INDEX_BYTES + 1)
    if len(data) > _MAX_INDEX_BYTES:
        raise box.fail("index.xml is larger than 16 MiB", member=indexes[0])
    try:
        index = parse_index(data)
    except IndexProblem as exc:
        raise box.fail(str(exc)) from None
    tables = {PurePosixPath(m).name.lower(): m for m in members if PurePosixPath(m).parent == base}
    if TRANSACTIONS not in tables:
        raise box.fail(f"the export has no {TRANSACTIONS}")
    return _Export(index, tables)
