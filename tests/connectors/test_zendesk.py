"""Zendesk NDJSON users: objects stay objects, broken lines are quarantined."""

from __future__ import annotations

import json
from pathlib import Path

from connectors.landing import file_facts
from tests.conftest import SAMPLES
from tests.connectors.helpers import delivery, refused, rows_of, write

SAMPLE = SAMPLES / "helpdesk_users_2024-05-01.ndjson"
NAME = "helpdesk_users_2024-05-02.ndjson"


def test_objects_keep_their_json_types() -> None:
    first, second, third = rows_of(delivery(SAMPLE))
    assert (first.source, first.line, first.member) == ("helpdesk_user", 1, None)
    assert first.data["id"] == 1500123456701  # a number, as delivered
    assert first.data["user_fields"] == {"kundennummer": "K-004711", "geburtsdatum": "1978-03-14"}
    assert first.data["tags"] == ["hotline", "reklamation"]
    assert second.data["email"] is None
    assert third.data["shared_phone_number"] is True


def test_broken_lines_are_malformed_with_their_line(tmp_path: Path) -> None:
    text = '{"id": 1}\r\n\r\n{"id": 2,\r\n[1, 2]\r\n"text"\r\n{"id": 3}\r\n'
    rows = rows_of(write(tmp_path / NAME, text))
    assert [(r.line, r.data) for r in rows] == [
        (1, {"id": 1}),  # CRLF is whitespace to JSON
        (
            3,
            {
                "_malformed": "not valid JSON: Expecting property name enclosed in double "
                "quotes at column 10",
                "_raw_line": '{"id": 2,',
            },
        ),
        (4, {"_malformed": "a JSON array, not an object", "_raw_line": "[1, 2]"}),
        (5, {"_malformed": "a JSON string, not an object", "_raw_line": '"text"'}),
        (6, {"id": 3}),
    ]


def test_a_file_that_is_no_user_export_is_refused(tmp_path: Path) -> None:
    error = refused(write(tmp_path / NAME, "id,name\n1,Jürgen\n"))
    assert error.reason.startswith("the first line is no Zendesk user object: not valid JSON")
    assert (error.line, error.source) == (1, "helpdesk_user")


def test_objects_without_id_are_not_users(tmp_path: Path) -> None:
    error = refused(write(tmp_path / NAME, json.dumps({"ticket": 1}) + "\n"))
    assert error.reason == "the first line is no Zendesk user object: it has no 'id'"


def test_an_empty_export_has_no_rows(tmp_path: Path) -> None:
    file = write(tmp_path / NAME, "\n")
    assert rows_of(file) == []
    assert file_facts(file).size_bytes == 1


def test_escaped_line_breaks_stay_in_one_line(tmp_path: Path) -> None:
    user = {"id": 7, "notes": "Zeile 1\nZeile 2\u2028"}
    (row,) = rows_of(write(tmp_path / NAME, json.dumps(user, ensure_ascii=False) + "\n"))
    assert row.data == user
