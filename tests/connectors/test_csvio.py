"""Streaming CSV: physical line numbers, malformed records, header checks."""

from __future__ import annotations

import io

import pytest

from connectors.csvio import Column, Record, read_table, records
from connectors.rows import MAX_RAW_CHARS
from schemas.errors import SourceFormatError


def parse(text: str, delimiter: str = ",") -> list[Record]:
    return list(records(io.StringIO(text, newline=""), delimiter=delimiter))


def fail(reason: str, line: int | None) -> SourceFormatError:
    return SourceFormatError(source="test", path="test.csv", reason=reason, line=line)


def table(text: str, required: tuple[Column, ...] = ()) -> list[tuple[int, dict[str, object]]]:
    stream = records(io.StringIO(text, newline=""))
    return list(read_table(stream, required=required, fail=fail).rows)


def refusal(text: str, required: tuple[Column, ...] = ()) -> SourceFormatError:
    with pytest.raises(SourceFormatError) as info:
        read_table(records(io.StringIO(text, newline="")), required=required, fail=fail)
    return info.value


def test_line_numbers_count_physical_lines_of_quoted_fields() -> None:
    text = 'id,note\r\n1,"two\r\nlines"\r\n2,plain\r\n3,"a ""quoted"" word"\r\n'
    assert [(r.line, r.fields) for r in parse(text)] == [
        (1, ["id", "note"]),
        (2, ["1", "two\r\nlines"]),  # starts on line 2, ends on line 3
        (4, ["2", "plain"]),
        (5, ["3", 'a "quoted" word']),
    ]


def test_blank_lines_are_no_records_but_count_as_lines() -> None:
    assert [r.line for r in parse("id\n\n1\n\n\n2\n")] == [1, 3, 6]


def test_the_raw_text_of_each_record_is_kept() -> None:
    assert parse('a;b\r\n1;"x\r\ny"\r\n', ";")[1].raw == '1;"x\r\ny"'


def test_a_stray_quote_breaks_only_its_record() -> None:
    first, broken, after = parse('id,name\n"1"x,Meier\n2,Weiss\n')
    assert (broken.line, broken.raw, broken.fields) == (2, '"1"x,Meier', [])
    assert broken.error == "not valid CSV: ',' expected after '\"'"
    assert (after.line, after.fields) == (3, ["2", "Weiss"])


def test_an_unclosed_quote_is_malformed_not_merged() -> None:
    _, broken = parse('id,name\n1,"Meier\n2,Weiss\n')
    assert broken.error == "not valid CSV: unexpected end of data"
    assert (broken.line, broken.raw) == (2, '1,"Meier\n2,Weiss')


def test_the_kept_text_of_a_runaway_record_is_bounded() -> None:
    text = 'id,name\n1,"open\n' + "filler line\n" * 5000
    (_, broken) = parse(text)
    assert len(broken.raw) < MAX_RAW_CHARS + 100


def test_rows_are_dicts_by_header_name() -> None:
    assert table("id, name \n1,Meier\n") == [(2, {"id": "1", "name": "Meier"})]  # names stripped


def test_wrong_field_count_is_malformed_with_the_line() -> None:
    rows = table("id,name\n1,Meier,extra\n2\n3,Weiss\n")
    assert rows == [
        (2, {"_malformed": "3 fields where the header has 2", "_raw_line": "1,Meier,extra"}),
        (3, {"_malformed": "1 fields where the header has 2", "_raw_line": "2"}),
        (4, {"id": "3", "name": "Weiss"}),
    ]


def test_missing_columns_are_all_named() -> None:
    error = refusal("id,Email\n1,a@b.de\n", ("id", "LEID", ("Email Address", "E-Mail")))
    assert error.reason == "header lacks 'LEID', 'Email Address' or 'E-Mail'"
    assert error.line == 1


def test_one_column_hints_at_the_delimiter() -> None:
    error = refusal("id;name\n1;Meier\n", ("id", "name"))
    assert error.reason == "header lacks 'id', 'name'; only one column 'id;name': wrong delimiter?"


def test_a_column_named_twice_is_refused() -> None:
    assert refusal("id,name,name\n").reason == "column 'name' appears twice"


def test_an_empty_file_has_no_header() -> None:
    error = refusal("")
    assert (error.reason, error.line) == ("empty file: no header line", None)


def test_a_broken_header_is_refused() -> None:
    error = refusal('"id,name\n')
    assert error.reason == "header not valid CSV: unexpected end of data"
