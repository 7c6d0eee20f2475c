"""index.xml: what each DSFinV-K table declares, and the GDPdU defaults."""

from __future__ import annotations

import pytest

from connectors.gdpdu import IndexProblem, TableFormat, parse_index
from tests.connectors.helpers import POS_FOLDER


def index(*tables: str) -> bytes:
    body = "".join(f"<Table>{t}</Table>" for t in tables)
    return f"<DataSet><Version>1</Version><Media><Name>m</Name>{body}</Media></DataSet>".encode()


def test_the_sample_declares_transactions() -> None:
    parsed = parse_index((POS_FOLDER / "index.xml").read_bytes())
    assert parsed.table("transactions.csv") == TableFormat(
        url="transactions.csv", encoding="utf-8", delimiter=";", quotechar='"'
    )


def test_an_undeclared_table_gets_the_gdpdu_defaults() -> None:
    parsed = parse_index((POS_FOLDER / "index.xml").read_bytes())
    assert parsed.table("lines.csv") == TableFormat(url="lines.csv", declared=False)
    assert TableFormat(url="x").encoding == "cp1252"  # ANSI is the DTD's default code page


def test_declared_symbols_delimiter_and_codepage() -> None:
    parsed = parse_index(
        index(
            "<URL>transactions.csv</URL><OEM/><DecimalSymbol>.</DecimalSymbol>"
            "<DigitGroupingSymbol/><VariableLength><ColumnDelimiter>|</ColumnDelimiter>"
            "<TextEncapsulator/></VariableLength>"
        )
    )
    assert parsed.table("TRANSACTIONS.CSV") == TableFormat(
        url="transactions.csv",
        encoding="cp850",  # OEM: the German DOS code page
        delimiter="|",
        quotechar=None,  # an empty TextEncapsulator: no quoting
        decimal_symbol=".",
        digit_grouping="",  # an empty DigitGroupingSymbol: no grouping
    )


def test_a_tab_delimiter_survives() -> None:
    parsed = parse_index(
        index(
            "<URL>t.csv</URL><VariableLength><ColumnDelimiter>&#9;</ColumnDelimiter>"
            "</VariableLength>"
        )
    )
    assert parsed.table("t.csv").delimiter == "\t"


@pytest.mark.parametrize(
    ("xml", "reason"),
    [
        (b"<DataSet><Media>", "index.xml is not well-formed XML"),
        (index(), "index.xml declares no table"),
        (index("<URL>t.csv</URL><UTF16/><VariableLength/>"), "t.csv as UTF16"),
        (index("<URL>t.csv</URL><FixedLength/>"), "t.csv as FixedLength"),
        (
            index(
                "<URL>t.csv</URL><VariableLength><ColumnDelimiter>;;</ColumnDelimiter>"
                "</VariableLength>"
            ),
            "the ColumnDelimiter of t.csv is ';;'",
        ),
    ],
)
def test_unreadable_declarations(xml: bytes, reason: str) -> None:
    with pytest.raises(IndexProblem, match=reason):
        parse_index(xml)
