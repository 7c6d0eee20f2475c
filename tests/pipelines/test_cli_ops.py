"""Every ops command through the CLI on one generated landing folder, failure paths included."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.demo.generator import generate_landing
from warehouse.engine import dispose_engines, engine_for, session_factory
from warehouse.queries import crosswalk

runner = CliRunner()


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """A 5-day landing folder for 300 people and a warehouse that has run it once."""
    root = tmp_path_factory.mktemp("ops")
    landing = root / "landing"
    generate_landing(landing, root / "truth.csv", people=300, days=5, seed=11)
    url = f"sqlite:///{root / 'w.db'}"
    result = runner.invoke(app, ["run", "--landing", str(landing), "--warehouse", url])
    assert result.exit_code == 0, result.output
    yield landing, url
    dispose_engines()


def _ok(*args: str) -> str:
    """stdout of a successful command (logs go to stderr, so --json output parses)."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _fails(*args: str) -> str:
    """The one error line of a failed command (exit code 1)."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def _snapshot(url: str) -> dict[str, list[tuple[object, ...]]]:
    """Every business table, in a stable order (run bookkeeping left out)."""
    engine = engine_for(url)
    skip = {"pipeline_run", "ingested_file", "alembic_version", "warehouse_secret"}
    tables = sorted(set(inspect(engine).get_table_names()) - skip)
    with engine.connect() as connection:
        snapshot = {}
        for table in tables:
            rows = connection.execute(text(f'SELECT * FROM "{table}"')).all()
            columns = list(connection.execute(text(f'SELECT * FROM "{table}"')).keys())
            volatile = {i for i, c in enumerate(columns) if c.endswith("run_id") or c == "at"}
            snapshot[table] = sorted(
                (tuple(v for i, v in enumerate(row) if i not in volatile) for row in rows),
                key=repr,
            )
    return snapshot


def test_status_explain_quarantine_and_export(demo: tuple[Path, str], tmp_path: Path) -> None:
    _, url = demo
    assert "warehouse ready" in _ok("init", "--warehouse", url)  # idempotent on a live one
    runs = json.loads(_ok("status", "--json", "--warehouse", url))
    assert runs[0]["status"] == "succeeded" and runs[0]["rows"]["read"] > 0

    out = tmp_path / "links.csv"
    _ok("export", "links", "--out", str(out), "--warehouse", url)
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "source,source_key,customer_id" and len(lines) > 300
    customer_id = lines[1].rsplit(",", 1)[1]

    dossier = json.loads(_ok("explain", customer_id, "--json", "--warehouse", url))
    assert dossier["customer_id"] == customer_id and dossier["records"]
    assert "Linked records" in _ok("explain", customer_id, "--warehouse", url)

    rows = json.loads(_ok("quarantine", "list", "--json", "--warehouse", url))
    assert rows and all(row["reasons"] for row in rows)
    shown = json.loads(_ok("quarantine", "show", str(rows[0]["id"]), "--warehouse", url))
    assert shown["raw"] and shown["reasons"] == rows[0]["reasons"]

    report = tmp_path / "report.html"
    _ok("report", "--out", str(report), "--warehouse", url)
    assert report.read_text(encoding="utf-8").count("<svg") == 7


def test_review_merge_and_unmerge(demo: tuple[Path, str]) -> None:
    _, url = demo
    items = json.loads(_ok("review", "list", "--json", "--warehouse", url))
    assert len(items) >= 2, "the generated households and namesakes give review items"
    between = [frozenset((i["left_customer"], i["right_customer"])) for i in items]
    assert len(between) == len(set(between)), "one item per pair of customers"
    assert all(i["pairs"] >= 1 for i in items)
    held = [bool(i["apart"]) for i in items]  # both customers hold a kind: listed last
    assert held == sorted(held) and any(held)
    first = items[0]
    # Another pair of customers: accepting the first merges its two customers, which settles
    # (and removes) every other pending item between those same two.
    customers = {first["left_customer"], first["right_customer"]}
    second = next(i for i in items if not {i["left_customer"], i["right_customer"]} & customers)
    _ok("review", "accept", str(first["id"]), "--warehouse", url)
    _ok("review", "reject", str(second["id"]), "--reason", "different people", "--warehouse", url)
    left = json.loads(_ok("review", "list", "--json", "--warehouse", url))
    remaining = {i["id"] for i in left}
    assert first["id"] not in remaining and second["id"] not in remaining
    rejected = {second["left_customer"], second["right_customer"]}
    assert not [i for i in left if {i["left_customer"], i["right_customer"]} == rejected]
    assert "already accepted" in _fails("review", "accept", str(first["id"]), "--warehouse", url)

    accepted = json.loads(_ok("explain", first["left_customer"], "--json", "--warehouse", url))
    keys = {f"{r['source']}:{r['source_key']}" for r in accepted["records"]}
    assert {first["left"], first["right"]} <= keys, "an accepted pair is one customer"

    record = first["right"]
    customer = accepted["customer_id"]
    _ok("unmerge", customer, "--record", record, "--warehouse", url)
    after = json.loads(_ok("explain", customer, "--json", "--warehouse", url))
    assert record not in {f"{r['source']}:{r['source_key']}" for r in after["records"]}

    with session_factory(engine_for(url))() as session:
        links = {f"{s}:{k}": c for s, k, c in crosswalk(session)}
    moved = links[record]
    assert moved != customer
    _ok("merge", customer, moved, "--warehouse", url)
    merged = json.loads(_ok("explain", moved, "--json", "--warehouse", url))
    assert {f"{r['source']}:{r['source_key']}" for r in merged["records"]} >= {record}


def test_backfill_of_days_two_to_four_leaves_the_warehouse_identical(
    demo: tuple[Path, str],
) -> None:
    landing, url = demo
    before = _snapshot(url)
    output = _ok(
        "backfill", "--from", "2024-05-02", "--to", "2024-05-04",
        "--landing", str(landing), "--warehouse", url, "--json",
    )  # fmt: skip
    summary = json.loads(output)
    assert summary["files"]["loaded"] > 0 and summary["rows"]["read"] > 0
    assert summary["rows"]["inserted"] == summary["rows"]["updated"] == 0
    assert _snapshot(url) == before


def test_failures_are_one_clear_line(demo: tuple[Path, str], tmp_path: Path) -> None:
    landing, url = demo
    assert "no customer KS99999999" in _fails("explain", "KS99999999", "--warehouse", url)
    assert "bad date range" in _fails(
        "backfill", "--from", "2024-05-04", "--to", "2024-05-02",
        "--landing", str(landing), "--warehouse", url,
    )  # fmt: skip
    assert "unknown source 'webshop'" in _fails(
        "run", "--source", "webshop", "--landing", str(landing), "--warehouse", url
    )
    not_a_folder = tmp_path / "landing.zip"  # permissions cannot stop root, a file can
    not_a_folder.write_bytes(b"PK")
    output = _fails("run", "--landing", str(not_a_folder), "--warehouse", url)
    assert "is not a folder" in output
    assert "cannot connect to warehouse" in _fails(
        "status", "--warehouse", "postgresql://postgres@127.0.0.1:1/none"
    )
    assert "expected SOURCE:KEY" in _fails(
        "unmerge", "KS00000001", "--record", "nokey", "--warehouse", url
    )
    assert "no review item 999999" in _fails("review", "accept", "999999", "--warehouse", url)
