"""3CX CDR: header-less, the documented field names as keys."""

from __future__ import annotations

from pathlib import Path

from connectors.threecx import COLUMNS
from tests.conftest import SAMPLES
from tests.connectors.helpers import delivery, refused, rows_of, write

SAMPLE = SAMPLES / "hotline_calls_2024-05-01.csv"
NAME = "hotline_calls_2024-05-02.csv"
FIRST_LINE = SAMPLE.read_text(encoding="utf-8").splitlines()[0]


def test_fields_are_named_as_the_mapper_reads_them() -> None:
    first, second, third = rows_of(delivery(SAMPLE))
    assert (first.source, first.line) == ("hotline_call", 1)  # no header: data from line 1
    assert list(first.data) == list(COLUMNS)
    assert first.data["historyid"] == "48211"
    assert first.data["from_dispname"] == "Weiss Juergen"
    assert first.data["time_start"] == "2024/05/01 07:12:03"
    assert second.data["missed_queue_calls"] == "Ext.101,Ext.102"  # a quoted comma
    assert (third.data["from_type"], third.data["to_no"]) == ("Extension", "004940123456000")


def test_the_names_are_the_documented_27_in_order() -> None:
    assert len(COLUMNS) == 27
    assert (COLUMNS[0], COLUMNS[5], COLUMNS[19], COLUMNS[-1]) == (
        "historyid",
        "time_end",
        "chain",
        "missed_queue_calls",
    )


def test_a_file_with_a_header_is_refused(tmp_path: Path) -> None:
    header = ",".join(c.replace("_", "-") for c in COLUMNS)  # the docs write time-start
    error = refused(write(tmp_path / NAME, f"{header}\n{FIRST_LINE}\n"))
    assert error.reason == "the file starts with a header; 3CX CDR files have none"


def test_another_field_layout_is_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path / NAME, "48211,00:04:37,+4915112345678\n"))
    assert error.reason == "the first record is no 3CX CDR line of 27 fields: it has 3 fields"
    assert error.line == 1


def test_a_later_odd_record_is_malformed(tmp_path: Path) -> None:
    text = f"{FIRST_LINE}\r\n48299,cut off\r\n{FIRST_LINE}\r\n"
    rows = rows_of(write(tmp_path / NAME, text))
    assert [r.line for r in rows] == [1, 2, 3]
    assert rows[1].data == {
        "_malformed": "2 fields where a CDR line has 27",
        "_raw_line": "48299,cut off",
    }


def test_display_names_in_windows_1252(tmp_path: Path) -> None:
    line = FIRST_LINE.replace("Weiss Juergen", "Weiß Jürgen")
    (row,) = rows_of(write(tmp_path / NAME, line + "\r\n", "cp1252"))
    assert row.data["from_dispname"] == "Weiß Jürgen"


def test_no_calls_no_rows(tmp_path: Path) -> None:
    assert rows_of(write(tmp_path / NAME, "")) == []
