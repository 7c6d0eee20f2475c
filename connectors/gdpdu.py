"""The GDPdU `index.xml` of a DSFinV-K export: how each table file is written.

DSFinV-K declares its delimiter, decimal symbol and encoding in index.xml, and exporters
differ (dot decimals, `|` as delimiter, ANSI). What a table does not declare takes the
defaults of the GDPdU DTD (gdpdu-01-09-2004.dtd): ANSI, `;`, `"`, `,` and `.`.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import PurePosixPath

# GDPdU code pages -> Python codecs. OEM is the German DOS code page.
_CODEPAGES = {"ANSI": "cp1252", "Macintosh": "mac_roman", "OEM": "cp850", "UTF8": "utf-8"}
_UNSUPPORTED = ("UTF16", "UTF7")


class IndexProblem(ValueError):
    """index.xml is missing, not XML, or declares something we cannot read."""


@dataclass(frozen=True)
class TableFormat:
    """How one table file is written, as declared (or defaulted)."""

    url: str
    encoding: str = "cp1252"
    delimiter: str = ";"
    quotechar: str | None = '"'  # None: the table declares no text encapsulator
    decimal_symbol: str = ","
    digit_grouping: str = "."
    declared: bool = True


@dataclass(frozen=True)
class Index:
    tables: dict[str, TableFormat] = field(default_factory=dict)

    def table(self, name: str) -> TableFormat:
        """The declaration of `name` (matched on its file name), else the GDPdU defaults."""
        for url, fmt in self.tables.items():
            if PurePosixPath(url).name.lower() == name.lower():
                return fmt
        return TableFormat(url=name, declared=False)


def parse_index(data: bytes) -> Index:
    """Read every `<Table>` of index.xml; raises `IndexProblem` with the reason.

    The DTD is not fetched (ElementTree never resolves external entities), and the
    document's own XML declaration decides its encoding.
    """
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise IndexProblem(f"index.xml is not well-formed XML: {exc}") from None
    tables: dict[str, TableFormat] = {}
    for element in root.iter("Table"):
        url = (element.findtext("URL") or "").strip()
        if url:
            tables[url] = _table(url, element)
    if not tables:
        raise IndexProblem("index.xml declares no table")
    return Index(tables)


def _table(url: str, element: ET.Element) -> TableFormat:
    if element.find("FixedLength") is not None:
        raise IndexProblem(f"index.xml declares {url} as FixedLength; only VariableLength is read")
    for name in _UNSUPPORTED:
        if element.find(name) is not None:
            raise IndexProblem(f"index.xml declares {url} as {name}, which is not supported")
    encoding = next((c for n, c in _CODEPAGES.items() if element.find(n) is not None), "cp1252")
    layout = element.find("VariableLength")
    delimiter = _text(layout, "ColumnDelimiter", ";")
    if len(delimiter) != 1:
        raise IndexProblem(f"index.xml: the ColumnDelimiter of {url} is {delimiter!r}")
    encapsulator = layout.find("TextEncapsulator") if layout is not None else None
    quotechar = '"' if encapsulator is None else (encapsulator.text or None)
    if quotechar is not None and len(quotechar) != 1:
        raise IndexProblem(f"index.xml: the TextEncapsulator of {url} is {quotechar!r}")
    return TableFormat(
        url=url,
        encoding=encoding,
        delimiter=delimiter,
        quotechar=quotechar,
        decimal_symbol=_text(element, "DecimalSymbol", ","),
        digit_grouping=_text(element, "DigitGroupingSymbol", "."),
    )


def _text(parent: ET.Element | None, tag: str, default: str) -> str:
    """An element's text; an empty element means "none" (`<DigitGroupingSymbol/>`)."""
    found = parent.find(tag) if parent is not None else None
    if found is None:
        return default
    return found.text or ""
