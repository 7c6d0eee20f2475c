"""Planner statistics: a table is analyzed once it is stale, and only on PostgreSQL."""

from __future__ import annotations

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
