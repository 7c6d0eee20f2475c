from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.flow import consolidate
from warehouse.engine import dispose_engines, engine_for, session_factory
from warehouse.feature_store import _decode
from warehouse.privacy import customers_by_contact
from warehouse.queries import crosswalk

ROOT = Path(__file__).resolve().parents[2]
SCHEMA = json.loads((ROOT / "docs" / "export-person.schema.json").read_text(encoding="utf-8"))
runner = CliRunner()

# What identifies Jürgen Weiß in the samples, in every spelling the sources use.
JUERGEN_VALUES = ("j.weiss@web", "Weiß", "Weiss", "15112345678", "Hauptstr", "Juergen")


def _dump(url: str) -> str:
    """Every row of every table as text: what an auditor would grep. Matching's stored
    columns (compressed Arrow files) are unpacked first."""
    engine = engine_for(url)
    parts = []
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                parts.append(" ".join(str(value) for value in row))
        for (payload,) in connection.execute(text("SELECT payload FROM match_feature_part")):
            parts.append(_decode(payload).to_string())
    return "\n".join(parts)


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with engine_for(url).connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def _juergen_ids(url: str) -> list[str]:
    with session_factory(engine_for(url))() as session:
        return customers_by_contact(session, email="j.weiss@web.de", phone="+4915112345678")


def test_export_person_then_forget_leaves_no_trace(
    sample_landing: Path, warehouse_url: str, tmp_path: Path
) -> None:
    consolidate(landing=sample_landing, warehouse_url=warehouse_url)
    with session_factory(engine_for(warehouse_url))() as session:
        before = {(s, k): c for s, k, c in crosswalk(session)}
    ids = _juergen_ids(warehouse_url)
    assert ids and all(value in _dump(warehouse_url) for value in JUERGEN_VALUES)
    stored = [_decode(p) for (p,) in _rows(warehouse_url, "SELECT payload FROM match_feature_part")]
    assert any("j.weiss@web.de" in part["email"].tolist() for part in stored)  # kept too

    out = tmp_path / "person.json"
    result = runner.invoke(
        app, ["export-person", ids[0], "--out", str(out), "--warehouse", warehouse_url]
    )
    assert result.exit_code == 0, result.output
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(document, SCHEMA)
    assert ("shop_customer", "7012345678901") in {
        (r["source"], r["source_key"]) for r in document["records"]
    }

    for customer_id in ids:
        result = runner.invoke(
            app,
            ["forget", customer_id, "--request", "DSR-2024-017", "--yes",
             "--warehouse", warehouse_url],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
    dump = _dump(warehouse_url)
    leaked = [value for value in JUERGEN_VALUES if value.casefold() in dump.casefold()]
    assert leaked == []
    assert _rows(warehouse_url, "SELECT count(*) FROM match_feature_part") == [(0,)]
    if warehouse_url.startswith("sqlite"):
        database = Path(warehouse_url.removeprefix("sqlite:///"))
        # No connection of this process may hold the files while they are read: closing
        # another handle on them drops SQLite's locks, and the next connection (the chart
        # worker's) then resets the shared-memory file under this one's map (SIGBUS).
        dispose_engines()
        raw = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
        assert b"j.weiss@web" not in raw.lower(), "erased bytes left in the database file"

    # Änne is untouched
    with session_factory(engine_for(warehouse_url))() as session:
        after = {(s, k): c for s, k, c in crosswalk(session)}
    aenne = ("shop_order", "5823456789013")
    assert after[aenne] == before[aenne]

    # Re-reading every original delivery brings nothing back: the rows are suppressed
    again = consolidate(landing=sample_landing, warehouse_url=warehouse_url, reprocess=True)
    assert again["rows"]["suppressed"] > 0
    dump = _dump(warehouse_url)
    assert [value for value in JUERGEN_VALUES if value.casefold() in dump.casefold()] == []
    assert _juergen_ids(warehouse_url) == []


def test_forget_needs_a_request_reference_and_a_known_customer(
    sample_landing: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    consolidate(landing=sample_landing, warehouse_url=url)
    result = runner.invoke(app, ["forget", "KS00000001", "--yes", "--warehouse", url])
    assert result.exit_code == 1 and "--request is required" in result.output
    result = runner.invoke(
        app, ["forget", "KS99999999", "--request", "R1", "--yes", "--warehouse", url]
    )
    assert result.exit_code == 1 and "no customer KS99999999" in result.output
    result = runner.invoke(
        app, ["forget", "--email", "nobody@example.org", "--request", "R1", "--yes",
              "--warehouse", url],
    )  # fmt: skip
    assert result.exit_code == 1 and "no customer carries" in result.output
