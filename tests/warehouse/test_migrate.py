from __future__ import annotations

from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, select, text

from warehouse.engine import connect, make_engine
from warehouse.migrate import current_revision, head_revision, upgrade
from warehouse.models import Base, PipelineRun, SourceRecord


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


def test_a_warehouse_of_the_first_revision_upgrades_with_its_records(warehouse_url: str) -> None:
    engine = make_engine(warehouse_url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO pipeline_run (id, started_at, status, landing, counts) "
                "VALUES (1, CURRENT_TIMESTAMP, 'succeeded', 'landing', '{}')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO ingested_file (id, run_id, path, sha256, file_kind, record_kind, "
                "export_day, encoding, size_bytes, status, rows_read, rows_loaded, "
                "rows_quarantined, rows_duplicate, rows_skipped, skip_reasons, processed_at) "
                "VALUES (1, 1, 'shop_customers_2024-05-02.csv', 'a', 'shop_customers', "
                "'shop_customer', '2024-05-02', 'utf-8', 10, 'loaded', 1, 1, 0, 0, 0, '{}', "
                "CURRENT_TIMESTAMP)"
            )
        )
        connection.execute(
            text(
                "INSERT INTO source_record (source, source_key, has_identity, identifiers, "
                "quality_flags, raw, content_hash, file_id, line, first_run_id, last_run_id, "
                "last_name) VALUES ('shop_customer', '1', true, '[]', '[]', '{}', 'h', 1, 2, "
                "1, 1, 'Weiß')"
            )
        )
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as connection:
        row = connection.execute(select(SourceRecord.last_name, SourceRecord.valid_from)).one()
    engine.dispose()
    assert tuple(row) == ("Weiß", date(2024, 5, 2))
