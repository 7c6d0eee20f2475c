from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from warehouse.engine import connect, make_engine
from warehouse.migrate import current_revision, head_revision, upgrade
from warehouse.models import Base, PipelineRun


def test_migrations_build_exactly_the_models(warehouse_url: str) -> None:
    engine = make_engine(warehouse_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == [], "a model changed without a migration: python -m warehouse.migrate"


def test_connect_upgrades_an_empty_warehouse_and_creates_the_views(warehouse_url: str) -> None:
    engine = connect(warehouse_url)
    assert current_revision(engine) == head_revision()
    assert "customer_360" in inspect(engine).get_view_names()
    engine.dispose()


def test_reconnecting_keeps_the_data(warehouse_url: str) -> None:
    engine = connect(warehouse_url)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO pipeline_run (started_at, status, landing, counts) "
                "VALUES (CURRENT_TIMESTAMP, 'succeeded', 'landing', '{}')"
            )
        )
    engine.dispose()
    again = connect(warehouse_url)
    with again.connect() as connection:
        assert connection.scalar(select(PipelineRun.status)) == "succeeded"
    again.dispose()
