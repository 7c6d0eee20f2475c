"""Planner statistics: a table is analyzed once it is stale, and only on PostgreSQL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Engine, text

from warehouse.engine import engine_for, session_factory
from warehouse.statistics import ANALYZE_AFTER_ROWS, PlannerStatistics


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_sqlite_is_never_analyzed(warehouse_url: str) -> None:
    with session_factory(engine_for(warehouse_url)).begin() as session:
        assert not PlannerStatistics(session).refresh("customer", 10**6)


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_a_table_is_analyzed_once_its_written_rows_outgrow_what_it_counted(
    warehouse_url: str,
) -> None:
    with session_factory(engine_for(warehouse_url)).begin() as session:
        statistics = PlannerStatistics(session)
        assert not statistics.refresh("customer", 0)  # nothing written: no catalog read
        assert not statistics.refresh("customer", ANALYZE_AFTER_ROWS)  # a few rows: fine
        assert statistics.refresh("customer", ANALYZE_AFTER_ROWS + 1)
        counted = session.scalar(
            text("SELECT reltuples FROM pg_class WHERE oid = 'customer'::regclass")
        )
        assert counted == 0  # analyzed (an empty table; -1 means never analyzed)
        # Only this transaction's rows since its own ANALYZE count from now on.
        assert not statistics.refresh("customer", 2 * ANALYZE_AFTER_ROWS)
        assert statistics.refresh("customer", 2 * ANALYZE_AFTER_ROWS + 2)


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_a_table_analyzed_by_the_transaction_that_filled_it_is_not_analyzed_again(
    warehouse_url: str,
) -> None:
    """The rows a transaction wrote count as modified once it commits, though its own
    ANALYZE has counted them: the next run, adding a few rows, must not analyze again."""
    engine = engine_for(warehouse_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE filled (x integer)"))
    with session_factory(engine).begin() as session:
        session.execute(text("INSERT INTO filled SELECT generate_series(1, 20000)"))
        assert PlannerStatistics(session).refresh("filled", 20_000)
    assert _counted(engine, "filled", "n_live_tup", 20_000)
    with session_factory(engine).begin() as session:
        session.execute(text("INSERT INTO filled SELECT generate_series(1, 100)"))
        assert not PlannerStatistics(session).refresh("filled", 100)
        # Shrinking by more than half is stale too (retention deleted most rows).
        session.execute(text("DELETE FROM filled WHERE x > 100"))
        assert PlannerStatistics(session).refresh("filled", -19_900)


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_counts_started_afresh_do_not_read_as_an_emptied_table(warehouse_url: str) -> None:
    """After a crash, pg_stat_reset or a copy from a template, the server counts only the
    rows written since in a full table: its last ANALYZE's count stands, a few rows more
    analyze nothing, growth by half does."""
    engine = engine_for(warehouse_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE kept (x integer)"))
        connection.execute(text("INSERT INTO kept SELECT generate_series(1, 30000)"))
        connection.execute(text("ANALYZE kept"))
    assert _counted(engine, "kept", "n_tup_ins", 30_000)  # the writer's counts arrived: reset them
    with engine.connect() as connection:
        connection.execute(text("SELECT pg_stat_reset_single_table_counters('kept'::regclass)"))
        connection.commit()
    with session_factory(engine).begin() as session:
        session.execute(text("INSERT INTO kept SELECT generate_series(1, 100)"))
        assert not PlannerStatistics(session).refresh("kept", 100)
    assert _counted(engine, "kept", "n_live_tup", 100)  # the server counts only the rows since
    with session_factory(engine).begin() as session:
        session.execute(text("INSERT INTO kept SELECT generate_series(1, 100)"))
        assert not PlannerStatistics(session).refresh("kept", 100)
        assert PlannerStatistics(session).refresh("kept", 15_000 + ANALYZE_AFTER_ROWS + 1)
    with engine.connect() as connection:  # afresh again, and most rows deleted after
        connection.execute(text("SELECT pg_stat_reset_single_table_counters('kept'::regclass)"))
        connection.execute(text("DELETE FROM kept WHERE x > 5000"))
        connection.commit()
    assert _counted(engine, "kept", "n_tup_del", 25_000)
    with session_factory(engine).begin() as session:
        assert PlannerStatistics(session).refresh("kept", 1)  # shrunk by more than half


def _counted(engine: Engine, table: str, column: str, expected: int) -> bool:
    """Whether the server's `column` of `table` (pg_stat_user_tables) reaches `expected`:
    a backend hands its counts over once idle outside a transaction, within about a
    second."""
    for _ in range(100):
        with engine.connect() as connection:
            value = connection.scalar(
                text(f"SELECT {column} FROM pg_stat_user_tables WHERE relname = :table"),
                {"table": table},
            )
        if value == expected:
            return True
        time.sleep(0.1)
    return False
