from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import event, func, select, text

from tests.warehouse.helpers import delivery, lineage, order, parsed, record
from warehouse.engine import engine_for, session_factory
from warehouse.models import (
    IngestedFile,
    Quarantine,
    SourceRecord,
    SourceRecordVersion,
    Touchpoint,
)
from warehouse.runs import start_run
from warehouse.staging import FileStager, content_hash, is_ingested


def _stage(url: str, sha: str, rows: list[tuple[str, str, dict[str, str]]]) -> dict[str, int]:
    """Stage (key, first_name, raw) rows as one delivery; returns its counts."""
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, "landing")
        stager = FileStager(session, run_id, delivery(sha=sha))
        for line, (key, first_name, raw) in enumerate(rows, start=2):
            rec = record(key=key, first_name=first_name, last_name="Weiß")
            stager.loaded(parsed(rec, order(f"#{key}", "10.50")), lineage(line, **raw))
        stager.quarantined(["email: 'x@' is not a valid email address"], lineage(99, Email="x@"))
        stager.skipped("helpdesk agent")
        return stager.finish().as_dict()


def test_every_row_is_accounted_for(warehouse_url: str) -> None:
    counts = _stage(
        warehouse_url,
        "a" * 64,
        [("1", "Jürgen", {"id": "1"}), ("2", "Änne", {"id": "2"}), ("2", "Änne", {"id": "2"})],
    )
    # 3 loaded rows (one an exact duplicate within the file), 1 quarantined, 1 skipped
    assert counts == {
        "read": 5,
        "loaded": 2,
        "inserted": 2,
        "updated": 0,
        "quarantined": 1,
        "duplicate": 1,
        "skipped": 1,
        "suppressed": 0,
    }
    accounted = sum(counts[k] for k in ("loaded", "quarantined", "duplicate", "skipped"))
    assert counts["read"] == accounted
    with session_factory(engine_for(warehouse_url))() as session:
        assert session.scalar(select(func.count()).select_from(SourceRecord)) == 2
        assert session.scalar(select(func.count()).select_from(Touchpoint)) == 2
        quarantined = session.scalars(select(Quarantine)).one()
        assert quarantined.reasons == ["email: 'x@' is not a valid email address"]
        assert quarantined.raw == {"Email": "x@"}
        assert quarantined.content_hash == content_hash({"Email": "x@"})
        assert quarantined.line == 99
        assert is_ingested(session, "shop_customers_2024-05-01.csv", "a" * 64)
        assert not is_ingested(session, "shop_customers_2024-05-01.csv", "b" * 64)


def test_redelivered_rows_are_duplicates_and_changes_update(warehouse_url: str) -> None:
    _stage(warehouse_url, "a" * 64, [("1", "Jürgen", {"id": "1"}), ("2", "Änne", {"id": "2"})])
    second = [("1", "Jürgen", {"id": "1"}), ("2", "Anne", {"id": "2", "v": "2"})]
    counts = _stage(warehouse_url, "b" * 64, second)
    assert counts["duplicate"] == 2  # key 1 unchanged, and the same bad row quarantined before
    assert counts["quarantined"] == 0
    assert counts["updated"] == 1  # key 2 changed
    with session_factory(engine_for(warehouse_url))() as session:
        changed = session.scalars(select(SourceRecord).where(SourceRecord.source_key == "2")).one()
        assert changed.first_name == "Anne"
        assert changed.content_hash == content_hash({"id": "2", "v": "2"})
        assert changed.first_run_id != changed.last_run_id
        # the changed record's touchpoints were replaced, not doubled
        assert session.scalar(select(func.count()).select_from(Touchpoint)) == 2
        assert session.scalar(select(func.count()).select_from(IngestedFile)) == 2


def _stage_address(url: str, day: int, street: str) -> None:
    """Customer 1 delivered on 2024-05-`day` living in `street`."""
    path = f"shop_customers_2024-05-{day:02d}.csv"
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, "landing")
        target = replace(delivery(path=path, sha=str(day) * 64), export_day=date(2024, 5, day))
        stager = FileStager(session, run_id, target)
        rec = record(key="1", first_name="Jürgen", last_name="Weiß", street=street)
        stager.loaded(parsed(rec), lineage(2, id="1", street=street))
        stager.finish()


def _history(url: str) -> list[tuple[str | None, date, date]]:
    with session_factory(engine_for(url))() as session:
        rows = session.execute(
            select(
                SourceRecordVersion.street,
                SourceRecordVersion.valid_from,
                SourceRecordVersion.valid_to,
            ).order_by(SourceRecordVersion.valid_from)
        )
        return [tuple(row) for row in rows]  # type: ignore[misc]


def test_a_move_keeps_the_old_address_as_a_past_version(warehouse_url: str) -> None:
    _stage_address(warehouse_url, 1, "Hauptstraße")
    _stage_address(warehouse_url, 3, "Königstraße")
    assert _history(warehouse_url) == [("Hauptstraße", date(2024, 5, 1), date(2024, 5, 3))]
    with session_factory(engine_for(warehouse_url))() as session:
        current = session.scalars(select(SourceRecord)).one()
        assert (current.street, current.valid_from) == ("Königstraße", date(2024, 5, 3))


def test_a_late_older_export_becomes_history_not_the_current_version(warehouse_url: str) -> None:
    _stage_address(warehouse_url, 3, "Königstraße")
    _stage_address(warehouse_url, 1, "Hauptstraße")  # a backfill of an older day
    assert _history(warehouse_url) == [("Hauptstraße", date(2024, 5, 1), date(2024, 5, 3))]
    with session_factory(engine_for(warehouse_url))() as session:
        assert session.scalars(select(SourceRecord.street)).one() == "Königstraße"


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_key_lookups_are_planned_on_the_grown_table(warehouse_url: str) -> None:
    """A first load fills `source_record` inside one transaction: once it holds far more
    rows than its statistics say, it is analyzed before the next chunk's key lookups, so
    PostgreSQL looks the keys up in the index instead of scanning the source's records."""
    with session_factory(engine_for(warehouse_url)).begin() as session:
        run_id = start_run(session, "landing")
        stager = FileStager(session, run_id, delivery(sha="c" * 64))
        for chunk in range(4):
            for n in range(chunk * 3_000, (chunk + 1) * 3_000):
                rec = record(key=str(n), first_name="Jürgen", last_name="Weiß")
                stager.loaded(parsed(rec), lineage(n + 2, id=str(n)))
            stager.flush()
        counted = session.scalar(
            text("SELECT reltuples FROM pg_class WHERE oid = 'source_record'::regclass")
        )
        assert counted is not None and counted >= 6_000  # analyzed within the transaction
        keys = ", ".join(f"'{n}'" for n in range(0, 12_000, 240))
        plan = session.scalars(
            text(
                "EXPLAIN SELECT id FROM source_record WHERE source = 'shop_customer' "
                f"AND source_key IN ({keys})"
            )
        ).all()
        index_conditions = [line for line in plan if "Index Cond" in line]
        assert any("source_key" in line for line in index_conditions), "\n".join(plan)


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_a_delivery_analyzes_a_stale_table_once_not_per_chunk(warehouse_url: str) -> None:
    """The server reads its row counts once per transaction: after a first delivery of
    20,000 rows, every chunk of the next delivery still sees the counts from before its
    own ANALYZE, so only this delivery's own rows may count once it has analyzed the
    table."""
    engine = engine_for(warehouse_url)

    def stage(first: int, chunks: int, size: int) -> None:
        with session_factory(engine).begin() as session:
            run_id = start_run(session, "landing")
            stager = FileStager(
                session, run_id, delivery(path=f"d{first}.csv", sha=f"{first:064d}")
            )
            for n in range(first, first + chunks * size):
                stager.loaded(parsed(record(key=str(n), first_name="Jürgen")), lineage(n + 2))
                if (n - first + 1) % size == 0:
                    stager.flush()
            stager.finish()

    stage(0, 4, 5_000)
    with engine.connect() as connection:  # the first delivery's counts reach the server
        for _ in range(50):
            changed = connection.scalar(
                text(
                    "SELECT n_mod_since_analyze FROM pg_stat_user_tables "
                    "WHERE relname = 'source_record'"
                )
            )
            if changed and changed >= 20_000:
                break
            connection.execute(text("SELECT pg_stat_clear_snapshot(), pg_sleep(0.1)"))
        assert changed is not None and changed >= 20_000
    analyzed: list[str] = []

    def count(conn: object, cursor: object, statement: str, *args: object) -> None:
        if statement.startswith("ANALYZE source_record"):
            analyzed.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        stage(100_000, 10, 1_000)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(analyzed) == 1, f"ANALYZE ran {len(analyzed)} times for one delivery"
