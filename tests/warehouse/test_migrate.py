from __future__ import annotations

import json
from datetime import date

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Connection, inspect, select, text

from warehouse.engine import connect, make_engine
from warehouse.migrate import current_revision, head_revision, upgrade
from warehouse.models import Base, PipelineRun, SourceRecord
from warehouse.retention import EXPIRED_RAW
from warehouse.staging import content_hash


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


def _a_run_and_its_delivery(connection: Connection) -> None:
    """Run 1 and the shop delivery it loaded, in SQL every revision since the first takes."""
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


def test_a_warehouse_of_the_first_revision_upgrades_with_its_records(warehouse_url: str) -> None:
    engine = make_engine(warehouse_url)
    upgrade(engine, "0001")
    with engine.begin() as connection:
        _a_run_and_its_delivery(connection)
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


def test_upgrading_to_customer_sources_fills_them_from_the_links(warehouse_url: str) -> None:
    """Revision 0012 adds `customer.sources`; existing customers get theirs from their
    links' records, so the report's overlap stays right on upgraded warehouses."""
    engine = make_engine(warehouse_url)
    upgrade(engine, "0011")
    with engine.begin() as connection:
        _a_run_and_its_delivery(connection)
        for record_id, source in ((1, "shop_customer"), (2, "pos_receipt"), (3, "shop_customer")):
            connection.execute(
                text(
                    "INSERT INTO source_record (id, source, source_key, has_identity, "
                    "identifiers, quality_flags, raw, content_hash, file_id, line, "
                    "first_run_id, last_run_id, valid_from) VALUES (:id, :source, :key, true, "
                    "'[]', '[]', '{}', 'h', 1, 2, 1, 1, '2024-05-02')"
                ),
                {"id": record_id, "source": source, "key": str(record_id)},
            )
        for customer_id in ("K1", "K2"):
            connection.execute(
                text(
                    "INSERT INTO customer (id, status, created_run_id, updated_run_id, "
                    "provenance, record_count) VALUES (:id, 'active', 1, 1, '{}', 1)"
                ),
                {"id": customer_id},
            )
        for record_id, customer_id in ((1, "K1"), (2, "K1"), (3, "K2")):
            connection.execute(
                text(
                    "INSERT INTO customer_link (source_record_id, customer_id, method, "
                    "evidence, run_id) VALUES (:record, :customer, 'auto', '{}', 1)"
                ),
                {"record": record_id, "customer": customer_id},
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, sources FROM customer ORDER BY id")).all()
    engine.dispose()
    assert [tuple(row) for row in rows] == [
        ("K1", "pos_receipt,shop_customer"),
        ("K2", "shop_customer"),
    ]


def test_upgrading_to_quarantine_hashes_hashes_the_kept_payloads(warehouse_url: str) -> None:
    """Revision 0015 adds `quarantine.content_hash`: a bad row quarantined before the
    upgrade is still known when a delivery repeats it; an expired payload gets none."""
    engine = make_engine(warehouse_url)
    upgrade(engine, "0014")
    bad = {"email": "kein-at-zeichen", "name": "Jürgen Weiß"}
    with engine.begin() as connection:
        _a_run_and_its_delivery(connection)
        for row_id, raw in ((1, bad), (2, EXPIRED_RAW)):
            connection.execute(
                text(
                    "INSERT INTO quarantine (id, run_id, file_id, source, line, raw, reasons) "
                    "VALUES (:id, 1, 1, 'shop_customer', 2, :raw, '[]')"
                ),
                {"id": row_id, "raw": json.dumps(raw)},
            )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, content_hash FROM quarantine ORDER BY id"))
        hashes = [tuple(row) for row in rows]
    engine.dispose()
    assert hashes == [(1, content_hash(bad)), (2, None)]
