"""Planner statistics: a table is analyzed once it is stale, and only on PostgreSQL."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text

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
    # A backend hands its counts to the server once idle outside a transaction.
    for _ in range(100):
        with engine.connect() as connection:
            live = connection.scalar(
                text("SELECT n_live_tup FROM pg_stat_user_tables WHERE relname = 'filled'")
            )
        if live == 20_000:
            break
        time.sleep(0.1)
    assert live == 20_000
    with session_factory(engine).begin() as session:
        session.execute(text("INSERT INTO filled SELECT generate_series(1, 100)"))
        assert not PlannerStatistics(session).refresh("filled", 100)
        # Shrinking by more than half is stale too (retention deleted most rows).
        session.execute(text("DELETE FROM filled WHERE x > 100"))
        assert PlannerStatistics(session).refresh("filled", -19_900)
