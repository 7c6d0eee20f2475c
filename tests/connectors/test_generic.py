"""The generic connector: configured CSV and JSON Lines files, and SQL pulls."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from connectors.base import LandingFile, RawRow
from connectors.generic import read_sql
from connectors.generic_config import GenericSource
from connectors.landing import discover, file_facts, recognize
from schemas.errors import RowRejected, SourceFormatError
from schemas.parse import parse_row
from schemas.sources.generic import GENERIC, KEY, RAW
from tests.connectors.helpers import refused, rows_of

SIGNUPS: dict[str, Any] = {
    "name": "event_signup",
    "format": "csv",
    "file_prefix": "event_signups",
    "delimiter": ";",
    "decimal": ",",
    "date_format": "%d.%m.%Y",
    "key": ["Teilnehmer-ID"],
    "touchpoint": "event",
    "columns": {
        "first_name": "Vorname",
        "last_name": "Nachname",
        "email": "E-Mail",
        "birth_date": "Geburtsdatum",
        "occurred_at": "Datum",
        "amount": "Betrag",
    },
}
HEADER = "Teilnehmer-ID;Vorname;Nachname;E-Mail;Geburtsdatum;Datum;Betrag;Notiz\r\n"
FORMS: dict[str, Any] = {
    "name": "web_form",
    "format": "jsonl",
    "file_prefix": "web_forms",
    "key": ["id"],
    "touchpoint": "form",
    "columns": {"full_name": "name", "email": "kontakt.email", "amount": "wert"},
}


def source(config: dict[str, Any], **changes: Any) -> GenericSource:
    return GenericSource.model_validate({**config, **changes})


def landing_file(
    path: Path, text: str, config: GenericSource, encoding: str = "utf-8"
) -> LandingFile:
    path.write_bytes(text.encode(encoding))
    found = recognize(path, [config])
    assert found is not None, f"{path.name} is not recognised"
    return found


def test_a_german_csv_is_read_with_canonical_names_and_its_row_kept(tmp_path: Path) -> None:
    config = source(SIGNUPS)
    text = HEADER + "T-1;Jürgen;Weiß;J.Weiss@Web.de;14.03.1978;03.05.2024 18:30;12,50;Größe L\r\n"
    file = landing_file(tmp_path / "event_signups_2024-05-03.csv", text, config, "cp1252")
    assert (file.file_kind, file.record_kind, file.generic) == (
        "generic_csv",
        "event_signup",
        config,
    )
    facts = file_facts(file)
    assert facts.encoding == "cp1252"  # detected: nothing configured
    (row,) = rows_of(file)
    assert (row.source, row.file, row.line) == ("event_signup", file.path.name, 2)
    assert row.data[GENERIC] == {
        "touchpoint": "event", "decimal": ",", "date_format": "%d.%m.%Y"
    }  # fmt: skip
    assert row.data[KEY] == {"Teilnehmer-ID": "T-1"}
    assert row.data["first_name"] == "Jürgen" and row.data["amount"] == "12,50"
    assert row.data[RAW]["Notiz"] == "Größe L"  # unmapped columns stay in the raw row

    parsed = parse_row(row.source, row.data)
    assert parsed.record.source_key == "T-1"
    assert parsed.record.email == "j.weiss@web.de"
    assert parsed.record.birth_date.isoformat() == "1978-03-14"  # type: ignore[union-attr]
    (event,) = parsed.touchpoints
    assert event.kind == "event" and event.amount == Decimal("12.50")
    assert event.occurred_at == datetime(2024, 5, 3, 16, 30, tzinfo=UTC)  # 18:30 in Berlin


def test_a_configured_encoding_is_used_and_still_checked(tmp_path: Path) -> None:
    config = source(SIGNUPS, encoding="windows-1252")
    assert config.encoding == "cp1252"  # the codec's name, as the manifest records it
    text = HEADER + "T-1;Änne;Müller;;;;;\r\n"
    file = landing_file(tmp_path / "event_signups_2024-05-03.csv", text, config, "cp1252")
    assert file_facts(file).encoding == "cp1252" and file_facts(file).notes == ()
    assert rows_of(file)[0].data["first_name"] == "Änne"


def test_a_header_without_a_mapped_column_refuses_the_file_before_any_row(
    tmp_path: Path,
) -> None:
    text = HEADER.replace(";Geburtsdatum", "").replace(";Betrag", ";Summe") + "T-1;A;B;;;;\r\n"
    file = landing_file(tmp_path / "event_signups_2024-05-03.csv", text, source(SIGNUPS))
    error = refused(file)
    assert (error.source, error.path, error.line) == ("event_signup", file.path, 1)
    assert error.reason == "header lacks 'Geburtsdatum', 'Betrag'"


def test_a_malformed_row_is_handed_on_for_the_quarantine(tmp_path: Path) -> None:
    text = HEADER + 'T-1;kaputt\r\nT-2;"Jo"e;Doe;;;;;\r\nT-3;Eva;Ost;;;;;\r\n'
    file = landing_file(tmp_path / "event_signups_2024-05-03.csv", text, source(SIGNUPS))
    short, quoted, fine = rows_of(file)
    assert short.data["_malformed"] == "2 fields where the header has 8"
    assert quoted.data["_malformed"].startswith("not valid CSV")
    for row in (short, quoted):
        assert GENERIC in row.data  # still dispatched to the generic mapper
        with pytest.raises(RowRejected) as rejected:
            parse_row(row.source, row.data)
        assert rejected.value.reasons[0].startswith("malformed row: ")
    assert parse_row(fine.source, fine.data).record.last_name == "Ost"


def test_json_lines_map_nested_fields_and_numbers(tmp_path: Path) -> None:
    config = source(FORMS)
    lines = [
        {"id": 7, "name": "Weiß, Jürgen", "kontakt": {"email": "j.weiss@web.de"}, "wert": 19.9},
        {"id": 8, "name": "Björn Groß"},  # JSON exporters leave out what is empty
        {"id": None, "name": "Ohne Schlüssel", "wert": "abc"},
    ]
    text = "\n".join(json.dumps(line, ensure_ascii=False) for line in lines) + "\n[1, 2]\n"
    file = landing_file(tmp_path / "web_forms_2024-05-03.jsonl", text, config)
    assert file.file_kind == "generic_jsonl"
    first, second, third, broken = rows_of(file)
    assert first.data[KEY] == {"id": "7"} and first.data["email"] == "j.weiss@web.de"
    assert first.data["amount"] == "19.9" and first.data[RAW]["kontakt"] == {
        "email": "j.weiss@web.de"
    }
    juergen = parse_row(first.source, first.data)
    assert (juergen.record.first_name, juergen.record.last_name) == ("Jürgen", "Weiß")
    assert juergen.touchpoints[0].amount == Decimal("19.9")
    assert "email" not in second.data and parse_row(second.source, second.data).record.email is None
    with pytest.raises(RowRejected) as rejected:
        parse_row(third.source, third.data)
    assert rejected.value.reasons == [
        "source_key: 'id' is missing",
        "amount: 'abc' is not an amount (decimal '.', grouping '')",
    ]
    assert broken.data["_malformed"] == "a JSON array, not an object"


def test_json_lines_without_the_key_or_a_mapped_field_are_refused(tmp_path: Path) -> None:
    config = source(FORMS)
    no_key = landing_file(tmp_path / "web_forms_2024-05-03.jsonl", '{"nr": 1}\n', config)
    assert refused(no_key).reason == "the first object lacks key column 'id'"
    # A typo in the mapping: no object has `wert`. Found at the end; staging rolls back.
    typo = landing_file(
        tmp_path / "web_forms_2024-05-04.jsonl", '{"id": 1, "name": "A B"}\n', config
    )
    with pytest.raises(SourceFormatError) as error:
        rows_of(typo)
    assert error.value.reason == "no object holds mapped column 'kontakt.email', 'wert'"


def test_discovery_knows_the_configured_prefixes_only(tmp_path: Path) -> None:
    names = [
        "event_signups_2024-05-03.csv",  # the CSV source
        "web_forms_2024-05-03.jsonl",  # the JSON Lines source
        "event_signups_2024-05-03.jsonl",  # right prefix, other format
        "event_signups_2024-02-30.csv",  # no day
        "shop_customers_2024-05-01.csv",  # built-in
    ]
    for name in names:
        (tmp_path / name).write_text("x\n", encoding="utf-8")
    sources = [source(SIGNUPS), source(FORMS)]
    found = discover(tmp_path, sources)
    assert [(f.path.name, f.file_kind, f.record_kind) for f in found.files] == [
        ("shop_customers_2024-05-01.csv", "shop_customers", "shop_customer"),
        ("event_signups_2024-05-03.csv", "generic_csv", "event_signup"),
        ("web_forms_2024-05-03.jsonl", "generic_jsonl", "web_form"),
    ]
    assert [p.name for p in found.unrecognized] == sorted(names[2:4])
    assert len(discover(tmp_path).unrecognized) == 4  # without the config: unknown files


# -- SQL ------------------------------------------------------------------------------------
CRM: dict[str, Any] = {
    "name": "crm_contact",
    "format": "sql",
    "url": "sqlite://",  # not used: the tests hand the connection in
    "query": "SELECT * FROM kontakte WHERE geaendert > :cursor ORDER BY geaendert",
    "cursor_column": "geaendert",
    "cursor_start": "1900-01-01",
    "decimal": ",",
    "key": ["id"],
    "touchpoint": "crm_update",
    "columns": {"email": "mail", "amount": "umsatz", "occurred_at": "geaendert"},
}


@pytest.fixture
def kontakte(warehouse_url: str) -> Iterator[Any]:
    """A CRM table in a throw-away database (SQLite file or PostgreSQL)."""
    engine = create_engine(warehouse_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE kontakte (id INTEGER PRIMARY KEY, mail VARCHAR(200), "
                "umsatz NUMERIC(10, 2), geaendert TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO kontakte VALUES (1, 'a@web.de', 12.5, '2024-05-02 10:00:00'), "
                "(2, 'b@web.de', NULL, '2024-05-03 09:30:00')"
            )
        )
    with engine.connect() as connection:
        yield connection
    engine.dispose()


def _pulled(pull_rows: Iterator[list[RawRow]]) -> list[RawRow]:
    return [row for chunk in pull_rows for row in chunk]


def test_a_sql_pull_reads_above_the_cursor_and_reports_the_highest(kontakte: Any) -> None:
    config = source(CRM)
    pull = read_sql(config, kontakte, "1900-01-01", chunksize=1)
    first, second = _pulled(pull.chunks(1))
    assert (first.source, first.file, first.line) == ("crm_contact", "sql:crm_contact", 1)
    assert first.data[KEY] == {"id": "1"}
    assert first.data["amount"] in ("12,50", "12,5")  # in the source's notation: decimal ","
    assert first.data[RAW]["umsatz"] in ("12.50", 12.5)  # PostgreSQL: Decimal; SQLite: REAL
    assert parse_row(first.source, first.data).touchpoints[0].amount == Decimal("12.5")
    assert json.dumps(second.data)  # every value fits a JSON column
    assert pull.highest_cursor is not None and pull.highest_cursor.startswith("2024-05-03")
    assert pull.rows == 2 and len(pull.sha256) == 64
    again = read_sql(config, kontakte, pull.highest_cursor)
    assert _pulled(again.chunks()) == [] and again.highest_cursor is None
    same = read_sql(config, kontakte, "1900-01-01")
    _pulled(same.chunks())
    assert same.sha256 == pull.sha256  # the hash is of the rows, not of how they were chunked


def test_a_query_without_a_mapped_column_is_refused_before_any_row(kontakte: Any) -> None:
    config = source(CRM, query="SELECT id, mail AS email FROM kontakte WHERE id > :cursor")
    with pytest.raises(SourceFormatError) as error:
        read_sql(config, kontakte, "0")
    assert error.value.reason == "the query returns no column 'mail', 'umsatz', 'geaendert'"
    assert error.value.path == Path("sql:crm_contact")
