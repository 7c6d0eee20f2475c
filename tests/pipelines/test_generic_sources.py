"""Generic sources end to end: a CSV file and a SQL table, configured only in the config file."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    DateTime,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    create_engine,
    insert,
    select,
    text,
    update,
)

from pipelines import flow as flow_module
from pipelines.config import CONFIG_ENV, load_config
from pipelines.flow import consolidate
from pipelines.selection import DeliverySelection
from pipelines.sql_sources import pull_source
from schemas.errors import ConfigError
from tests.conftest import POSTGRES_URL
from warehouse.engine import engine_for, session_factory
from warehouse.models import IngestedFile, Quarantine, SourceCursor, SourceRecord, Touchpoint
from warehouse.queries import crosswalk
from warehouse.runs import start_run

JUERGEN_SHOP = ("shop_customer", "7012345678901")  # j.weiss@web.de in the samples
AENNE_SHOP = ("shop_customer", "7012345678902")  # AENNE.MUELLER@GMX.DE in the samples

# Windows-1252, `;`, decimal comma, German dates: what a German event tool exports.
SIGNUPS = (
    "Teilnehmer-ID;Vorname;Nachname;E-Mail;Telefon;Geburtsdatum;Straße;PLZ;Ort;Datum;Betrag\r\n"
    "T-1;Jürgen;Weiß;J.Weiss@Web.de;0711 2345678;14.03.1978;Hauptstraße 5;70173;Stuttgart;"
    "03.05.2024 18:30;1.234,50\r\n"
    "T-2;Björn;Groß;bjoern@gross-soehne.de;;;;20095;Hamburg;04.05.2024;12,00\r\n"
    "T-3;kaputt\r\n"  # too few fields: quarantined, the rest of the file still loads
)

CONFIG = """
[[generic_sources]]
name = "event_signup"
format = "csv"
file_prefix = "event_signups"
delimiter = ";"
decimal = ","
thousands = "."
date_format = "%d.%m.%Y"
key = ["Teilnehmer-ID"]
touchpoint = "event"
[generic_sources.columns]
first_name = "Vorname"
last_name = "Nachname"
email = "E-Mail"
phone = "Telefon"
birth_date = "Geburtsdatum"
street = "Straße"
postal_code = "PLZ"
city = "Ort"
occurred_at = "Datum"
amount = "Betrag"

[[generic_sources]]
name = "crm_contact"
format = "sql"
url_env = "KS_TEST_CRM_URL"
query = \"\"\"
    SELECT id, vorname, nachname, mail, umsatz, changed_at FROM crm_contacts
    WHERE changed_at > :cursor ORDER BY changed_at\"\"\"
cursor_column = "changed_at"
cursor_start = "1900-01-01"
key = ["id"]
touchpoint = "crm_update"
[generic_sources.columns]
first_name = "vorname"
last_name = "nachname"
email = "mail"
amount = "umsatz"
occurred_at = "changed_at"
"""

_SOURCE = MetaData()
CRM = Table(
    "crm_contacts",
    _SOURCE,
    Column("id", Integer, primary_key=True),
    Column("vorname", String(100)),
    Column("nachname", String(100)),
    Column("mail", String(200)),
    Column("umsatz", Numeric(10, 2)),
    Column("changed_at", DateTime(timezone=True)),
)


def _at(day: int, hour: int = 12) -> datetime:
    return datetime(2024, 5, day, hour, tzinfo=UTC)


@pytest.fixture
def source_url(warehouse_url: str, tmp_path: Path) -> Iterator[str]:
    """The CRM's own database, of the warehouse's kind: a SQLite file, or a throw-away
    PostgreSQL database next to the warehouse's."""
    if warehouse_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'crm.db'}"
        _fill(url)
        yield url
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"ks_crm_{uuid.uuid4().hex[:12]}"
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    url = POSTGRES_URL.rsplit("/", 1)[0] + f"/{name}"
    try:
        _fill(url)
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _fill(url: str) -> None:
    engine = create_engine(url)
    _SOURCE.create_all(engine)
    with engine.begin() as connection:
        connection.execute(
            insert(CRM),
            [
                # Änne's shop address, another spelling: linked to her shop account
                {"id": 1, "vorname": "Änne", "nachname": "Müller-Lüdenscheidt",
                 "mail": "aenne.mueller@gmx.de", "umsatz": Decimal("49.90"), "changed_at": _at(2)},
                {"id": 2, "vorname": "Hildegard", "nachname": "Kowalski",
                 "mail": "hilde.kowalski@t-online.de", "umsatz": None, "changed_at": _at(3)},
            ],
        )  # fmt: skip
    engine.dispose()


def _change_crm(url: str) -> None:
    """A new contact and a changed one, both after the stored cursor."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            insert(CRM).values(
                id=3, vorname="Karl", nachname="Brandt", mail="k.brandt@gmx.net", changed_at=_at(6)
            )
        )
        connection.execute(
            update(CRM).where(CRM.c.id == 2).values(nachname="Kowalski-Lee", changed_at=_at(7))
        )
    engine.dispose()


def _configure(landing: Path, crm_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The samples plus a generic CSV delivery; the config names it and the CRM table."""
    (landing / "event_signups_2024-05-03.csv").write_bytes(SIGNUPS.encode("cp1252"))
    config = landing.parent / "kundenstamm.toml"
    config.write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    monkeypatch.setenv("KS_TEST_CRM_URL", crm_url)
    return landing


def _links(url: str) -> dict[tuple[str, str], str]:
    with session_factory(engine_for(url))() as session:
        return {(s, k): c for s, k, c in crosswalk(session)}


def _scalars(url: str, query: Any) -> list[Any]:
    with session_factory(engine_for(url))() as session:
        return list(session.scalars(query))


def test_a_csv_and_a_sql_source_load_link_and_pull_incrementally(
    sample_landing: Path, warehouse_url: str, source_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = _configure(sample_landing, source_url, monkeypatch)
    # parallel_reads: the generic files' config travels with them to the readers
    summary = consolidate(landing=configured, warehouse_url=warehouse_url, parallel_reads=True)
    signups, crm = summary["per_source"]["event_signup"], summary["per_source"]["crm_contact"]
    assert (signups["read"], signups["loaded"], signups["quarantined"]) == (3, 2, 1)
    assert (crm["read"], crm["loaded"]) == (2, 2)
    rows = summary["rows"]
    assert rows["read"] == sum(
        rows[k] for k in ("loaded", "quarantined", "duplicate", "skipped", "suppressed")
    )
    assert summary["files"]["rejected"] == 0 and summary["unrecognized_files"] == []

    links = _links(warehouse_url)
    # Records that share an email with a sample delivery are that person's records.
    assert links[("event_signup", "T-1")] == links[JUERGEN_SHOP]
    assert links[("crm_contact", "1")] == links[AENNE_SHOP]
    assert links[("crm_contact", "2")] not in {links[JUERGEN_SHOP], links[AENNE_SHOP]}

    events = _scalars(
        warehouse_url,
        select(Touchpoint.amount).join(SourceRecord).where(SourceRecord.source == "event_signup"),
    )
    assert sorted(events) == [Decimal("12.00"), Decimal("1234.50")]  # decimal comma, grouping
    reasons = _scalars(warehouse_url, select(Quarantine.reasons))
    assert ["malformed row: 2 fields where the header has 11"] in reasons
    cursor = _scalars(warehouse_url, select(SourceCursor.cursor_value))
    assert len(cursor) == 1 and cursor[0].startswith("2024-05-03")  # the highest changed_at

    _change_crm(source_url)
    again = consolidate(landing=configured, warehouse_url=warehouse_url)
    assert again["per_source"]["event_signup"]["read"] == 0  # the file was loaded before
    pulled = again["per_source"]["crm_contact"]
    assert (pulled["read"], pulled["inserted"], pulled["updated"]) == (2, 1, 1)  # newer only
    (cursor_after,) = _scalars(warehouse_url, select(SourceCursor.cursor_value))
    assert cursor_after.startswith("2024-05-07")
    names = _scalars(
        warehouse_url, select(SourceRecord.last_name).where(SourceRecord.source == "crm_contact")
    )
    assert sorted(names) == ["Brandt", "Kowalski-Lee", "Müller-Lüdenscheidt"]

    third = consolidate(landing=configured, warehouse_url=warehouse_url)
    assert third["rows"]["read"] == 0 and third["files"]["loaded"] == 0
    pulls = _scalars(
        warehouse_url, select(IngestedFile.sha256).where(IngestedFile.path == "sql:crm_contact")
    )
    assert len(pulls) == len(set(pulls)) == 2  # one manifest row per pull that brought rows


def test_an_unreachable_sql_source_is_reported_and_the_run_goes_on(
    sample_landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    configured = _configure(sample_landing, f"sqlite:///{tmp_path / 'no' / 'crm.db'}", monkeypatch)
    monkeypatch.setattr(
        flow_module,
        "pull_sql_source",
        flow_module.pull_sql_source.with_options(retries=0),  # no waiting in a test
    )
    url = f"sqlite:///{tmp_path / 'w.db'}"
    summary = consolidate(landing=configured, warehouse_url=url, sources=["crm_contact"])
    reason = summary["rejected_files"]["sql:crm_contact"]
    assert "unable to open database file" in reason and "SELECT" not in reason
    assert summary["rows"]["read"] == 0
    assert _scalars(url, select(SourceCursor.name)) == []  # nothing read, nothing moved on


def test_a_bad_generic_source_fails_the_run_with_every_problem(
    sample_landing: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "kundenstamm.toml"
    config.write_text(
        "[[generic_sources]]\n"
        'name = "event_signup"\nformat = "csv"\nfile_prefix = "event_signups"\n'
        'key = ["Teilnehmer-ID"]\n'
        "[generic_sources.columns]\n"
        'vorname = "Vorname"\nemail = "E-Mail"\n'  # not a canonical field
        "[[generic_sources]]\n"
        'name = "postcard"\nformat = "xls"\n'  # a built-in kind, an unknown format
        "[[generic_sources]]\n"
        'name = "crm"\nformat = "sql"\nkey = ["id"]\n'  # no url, query, cursor
        "[generic_sources.columns]\n"
        'email = "mail"\n'
        "[[generic_sources]]\n"
        'name = "event_signup"\nformat = "csv"\nfile_prefix = "shop_customers"\n'
        'key = ["id"]\n'
        "[generic_sources.columns]\n"
        'email = "mail"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv(CONFIG_ENV, str(config))
    with pytest.raises(ConfigError) as error:
        consolidate(landing=sample_landing, warehouse_url=f"sqlite:///{tmp_path / 'w.db'}")
    problems = error.value.problems
    expected = [
        "generic_sources[0] (event_signup).columns.vorname: Input should be 'salutation'",
        "generic_sources[1] (postcard).name: 'postcard' is a built-in record kind",
        "generic_sources[1] (postcard).format: Input should be 'csv', 'jsonl' or 'sql'",
        "generic_sources[1] (postcard).key: name the natural key column(s)",
        "generic_sources[1] (postcard).columns: map at least one field that names a person",
        "generic_sources[2] (crm).url_env: a sql source needs url or url_env",
        "generic_sources[2] (crm).query: a sql source needs query",
        "generic_sources[2] (crm).cursor_column: a sql source needs cursor_column",
        "generic_sources[2] (crm).cursor_start: a sql source needs cursor_start",
        "generic_sources[3] (event_signup).name: 'event_signup' names generic source 0 too",
        "generic_sources[3] (event_signup).file_prefix: shop_customers_2000-01-01.csv would be "
        "a shop_customers delivery",
    ]
    for fragment in expected:
        assert any(fragment in problem for problem in problems), fragment
    assert len(problems) == len(expected)
    assert not (tmp_path / "w.db").exists()  # refused before the warehouse was touched


def test_the_documented_example_loads(tmp_path: Path) -> None:
    """The commented-out example in kundenstamm.example.toml, uncommented, is a valid config."""
    example = Path(__file__).resolve().parents[2] / "kundenstamm.example.toml"
    lines = example.read_text(encoding="utf-8").splitlines()
    block = lines[lines.index("# [[generic_sources]]") :]
    config = tmp_path / "kundenstamm.toml"
    config.write_text(
        "\n".join(line.removeprefix("#").removeprefix(" ") for line in block), encoding="utf-8"
    )
    signups, crm = load_config(config).generic_sources
    assert (signups.name, signups.format, signups.encoding) == ("event_signup", "csv", "cp1252")
    assert (crm.name, crm.url_env, crm.columns["card_number"]) == (
        "crm_contact",
        "CRM_DATABASE_URL",
        "kundenkarte",
    )


def test_the_readme_example_loads(tmp_path: Path) -> None:
    readme = Path(__file__).resolve().parents[2] / "README.md"
    (block,) = re.findall(r"```toml\n(.*?)```", readme.read_text(encoding="utf-8"), re.S)
    config = tmp_path / "kundenstamm.toml"
    config.write_text(block, encoding="utf-8")
    (signups,) = load_config(config).generic_sources
    assert signups.required_columns[0] == "Teilnehmer-ID"


def test_a_generic_source_is_selected_by_its_name() -> None:
    with pytest.raises(ConfigError, match="unknown source 'crm_contact'"):
        DeliverySelection.checked(["crm_contact"], None, None)
    selection = DeliverySelection.checked(
        ["crm_contact"], None, date(2024, 5, 31), ("crm_contact",)
    )
    assert selection.wants_kind("crm_contact", "generic_sql", date(2024, 5, 3))
    assert not selection.wants_kind("crm_contact", "generic_sql", date(2024, 6, 1))  # after until
    assert not selection.wants_kind("event_signup", "generic_csv", date(2024, 5, 3))


def test_a_pull_of_rows_loaded_before_only_moves_the_cursor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crm_url = f"sqlite:///{tmp_path / 'crm.db'}"
    _fill(crm_url)
    config = tmp_path / "kundenstamm.toml"
    config.write_text(CONFIG, encoding="utf-8")
    (_, crm) = load_config(config).generic_sources
    sessions = session_factory(engine_for(f"sqlite:///{tmp_path / 'w.db'}"))
    with sessions.begin() as session:
        run_id = start_run(session, "test")
    day = date(2024, 5, 8)

    monkeypatch.delenv("KS_TEST_CRM_URL", raising=False)
    unset = pull_source(sessions, run_id, crm, today=day)
    assert (unset.status, unset.reason) == (
        "rejected",
        "crm_contact: environment variable KS_TEST_CRM_URL is not set",
    )
    monkeypatch.setenv("KS_TEST_CRM_URL", crm_url)
    first = pull_source(sessions, run_id, crm, today=day)
    assert (first.status, first.counts.inserted) == ("loaded", 2)
    with sessions.begin() as session:  # an operator resets the cursor
        session.query(SourceCursor).delete()
    again = pull_source(sessions, run_id, crm, today=day)
    assert (again.status, again.counts.read) == ("unchanged", 0)  # same rows, same hash
    with sessions() as session:
        assert session.scalar(select(SourceCursor.cursor_value)) is not None  # moved on again
        assert session.query(IngestedFile).count() == 1
    assert pull_source(sessions, run_id, crm, today=day).status == "unchanged"  # nothing new
