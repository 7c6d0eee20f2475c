"""`[[generic_sources]]`: each source checked on its own, the list checked as a whole."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from connectors.generic_config import GenericSource
from connectors.landing import GenericSources

CSV: dict[str, Any] = {
    "name": "event_signup",
    "format": "csv",
    "file_prefix": "event_signups",
    "key": ["Teilnehmer-ID"],
    "columns": {"email": "E-Mail"},
}
SQL: dict[str, Any] = {
    "name": "crm_contact",
    "format": "sql",
    "url": "postgresql://crm@db.example/crm",
    "query": "SELECT * FROM kontakte WHERE geaendert > :cursor ORDER BY geaendert",
    "cursor_column": "geaendert",
    "cursor_start": "1900-01-01",
    "key": ["id"],
    "columns": {"email": "mail"},
}


def problems(config: dict[str, Any]) -> dict[str, str]:
    """Field path -> message of every problem of one source."""
    with pytest.raises(ValidationError) as error:
        GenericSource.model_validate(config)
    return {
        ".".join(str(p) for p in e["loc"]): e["msg"].removeprefix("Value error, ")
        for e in error.value.errors(include_url=False)
    }


def test_minimal_sources_load_with_their_defaults() -> None:
    csv, sql = GenericSource.model_validate(CSV), GenericSource.model_validate(SQL)
    assert (csv.delimiter, csv.decimal, csv.timezone, csv.encoding) == (
        None,
        ".",
        "Europe/Berlin",
        None,
    )
    assert csv.row_options() == {}  # defaults are not repeated on every row
    assert csv.required_columns == ("Teilnehmer-ID", "E-Mail")
    assert sql.url_env is None and sql.file_prefix is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": "Event-Signup"}, "name", "'Event-Signup' is no record kind"),
        ({"name": "pos_receipt"}, "name", "'pos_receipt' is a built-in record kind"),
        ({"name": "x" * 41}, "name", "at most 40 characters"),  # the warehouse's String(40)
        ({"format": "xlsx"}, "format", "Input should be 'csv', 'jsonl' or 'sql'"),
        ({"key": []}, "key", "name the natural key column(s)"),
        ({"key": ["id", "id"]}, "key", "a key column is named twice"),
        ({"columns": {"e_mail": "E-Mail"}}, "columns.e_mail.[key]", "Input should be 'salutation'"),
        ({"columns": {"city": "Ort"}}, "columns", "map at least one field that names a person"),
        (
            {"columns": {"street": "Straße", "street_and_number": "Adresse"}},
            "columns",
            "map street_and_number or street / house_number, not both",
        ),
        (
            {"columns": {"email": "E-Mail", "amount": "Betrag"}},
            "touchpoint",
            "columns amount belong to a touchpoint",
        ),
        ({"touchpoint": "Event"}, "touchpoint", "'Event' is no touchpoint kind"),
        ({"file_prefix": None}, "file_prefix", "a csv source needs file_prefix"),
        ({"file_prefix": "../x"}, "file_prefix", "'../x' is no file name start"),
        ({"delimiter": "\t\t"}, "delimiter", "is no delimiter"),
        ({"encoding": "klingon"}, "encoding", "'klingon' is no encoding Python knows"),
        ({"encoding": "utf-16"}, "encoding", "'utf-16' is no line-based text encoding"),
        ({"decimal": ",", "thousands": ","}, "thousands", "cannot be both"),
        ({"date_format": "%d.%m."}, "date_format", "keeps day, month and year"),
        ({"timezone": "Europe/Bonn"}, "timezone", "'Europe/Bonn' is no time zone"),
        ({"query": "SELECT 1 WHERE x > :cursor"}, "query", "only for format sql, not csv"),
    ],
)
def test_one_problem(changes: dict[str, Any], field: str, message: str) -> None:
    found = problems({**CSV, **changes})
    assert list(found) == [field] and message in found[field]


def test_a_sql_source_needs_its_query_url_and_cursor() -> None:
    found = problems({"name": "crm", "format": "sql", "key": ["id"], "columns": {"email": "m"}})
    assert list(found) == ["url_env", "query", "cursor_column", "cursor_start"]
    assert "needs url or url_env" in found["url_env"] and "neither given" in found["url_env"]
    found = problems(
        {**SQL, "url_env": "CRM_URL", "query": "SELECT * FROM kontakte", "delimiter": ";"}
    )
    assert "both given" in found["url_env"]
    assert "must filter on :cursor" in found["query"]
    assert found["delimiter"] == "only for format csv, not sql"
    assert problems({**SQL, "url": "crm db"}) == {
        "url": "not a database URL (postgresql://…, sqlite:///…)"
    }


def test_the_list_reports_clashes_together_with_each_sources_problems() -> None:
    sources = [
        CSV,
        {**CSV, "file_prefix": "signups2"},  # the same name
        {**CSV, "name": "other", "key": []},  # its own problem, and the same files as [0]
        {**CSV, "name": "coupons", "file_prefix": "coupon_redemptions"},  # a built-in file
        {**CSV, "name": "forms", "format": "jsonl"},  # same prefix, other files: fine
    ]
    with pytest.raises(ValidationError) as error:
        TypeAdapter(GenericSources).validate_python(sources)
    found = {
        ".".join(str(p) for p in e["loc"]): e["msg"].removeprefix("Value error, ")
        for e in error.value.errors(include_url=False)
    }
    assert found == {
        "2.key": 'name the natural key column(s), e.g. key = ["Teilnehmer-ID"]',
        "1.name": "'event_signup' names generic source 0 too",
        "2.file_prefix": "generic source 0 reads event_signups_YYYY-MM-DD.csv files too",
        "3.file_prefix": "coupon_redemptions_2000-01-01.csv would be a coupon_redemptions "
        "delivery: choose another prefix",
    }
    assert len(TypeAdapter(GenericSources).validate_python([CSV, SQL])) == 2
