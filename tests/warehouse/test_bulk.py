"""The bulk load stores exactly what SQLAlchemy's own insert stores, on every backend."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Engine, Table, Text, cast, insert, select

from schemas.records import Consent, CustomerRecord, Touchpoint
from warehouse.bulk import fetch_tuples, insert_rows, update_rows
from warehouse.engine import engine_for, session_factory
from warehouse.models import Base
from warehouse.runs import start_run
from warehouse.staging import content_hash

TOUCHPOINTS = Base.metadata.tables["touchpoint"]
SOURCE_RECORDS = Base.metadata.tables["source_record"]
FILES = Base.metadata.tables["ingested_file"]


_RAW = {"Vorname": "Jürgen", "Nr": "7", "nested": {"a": [1, None]}, "flag": True}


def _record(record_id: int, run_id: int, file_id: int, **fields: Any) -> dict[str, Any]:
    raw = _RAW
    values: dict[str, Any] = {
        "id": record_id, "source": "shop_customer", "source_key": str(record_id),
        "has_identity": True, "salutation": None, "title": None, "first_name": "Jürgen",
        "last_name": "Weiß", "name_suffix": None, "company": None,
        "birth_date": date(1978, 3, 14), "birth_month_day": None, "email": "j@web.de",
        "phone": "+4915112345678", "phone_alt": None, "street": "Hauptstraße",
        "house_number": "5a", "postal_code": "01069", "city": "Dresden", "country": "DE",
        "identifiers": ["card:K-1"], "quality_flags": [],
        "updated_at": datetime(2024, 5, 1, 8, 30, 1, 250, tzinfo=UTC), "raw": raw,
        "content_hash": content_hash(raw), "valid_from": date(2024, 5, 1), "file_id": file_id,
        "line": 2, "member": None, "first_run_id": run_id, "last_run_id": run_id,
    }  # fmt: skip
    values.update(fields)
    return values


def _touchpoint(record_id: int, **fields: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "source_record_id": record_id, "kind": "order",
        "occurred_at": datetime(2024, 5, 1, 8, 30, tzinfo=UTC), "reference": "#1001",
        "channel": "online", "amount": Decimal("84.80"), "currency": "EUR",
        "details": {"status": "paid", "ü": "ß"},
    }  # fmt: skip
    values.update(fields)
    return values


def _manifest(run_id: int) -> dict[str, Any]:
    return {
        "run_id": run_id, "path": "a.csv", "sha256": "a" * 64, "file_kind": "shop_customers",
        "record_kind": "shop_customer", "export_day": date(2024, 5, 1), "encoding": "utf-8",
        "size_bytes": 1, "status": "loaded", "skip_reasons": {},
        "processed_at": datetime.now(UTC),
    }  # fmt: skip


def _stored(connection: Any, table: Table, ids: tuple[int, ...]) -> list[tuple[Any, ...]]:
    """The rows as the database holds them: every column but the id as text."""
    key = table.c.source_record_id if table is TOUCHPOINTS else table.c.id
    columns = [cast(c, Text) for c in table.columns if c.name != "id"]
    query = select(*columns).where(key.in_(ids)).order_by(table.c.id)
    return [tuple(row) for row in connection.execute(query)]


def test_bulk_rows_equal_sqlalchemy_rows(warehouse_url: str) -> None:
    engine = engine_for(warehouse_url)
    with session_factory(engine).begin() as session:
        run_id = start_run(session, "landing")
        file_id = session.execute(
            insert(FILES).returning(FILES.c.id),
            _manifest(run_id),
        ).scalar_one()
        blanks = {"birth_date": None, "updated_at": None, "email": None, "identifiers": []}
        session.execute(
            insert(SOURCE_RECORDS),
            [_record(1, run_id, file_id), _record(2, run_id, file_id, **blanks)],
        )
        insert_rows(
            session,
            SOURCE_RECORDS,
            [_record(3, run_id, file_id), _record(4, run_id, file_id, **blanks)],
        )
        no_amount = {"amount": None, "occurred_at": None, "details": {}}
        session.execute(insert(TOUCHPOINTS), [_touchpoint(1), _touchpoint(2, **no_amount)])
        insert_rows(session, TOUCHPOINTS, [_touchpoint(3), _touchpoint(4, **no_amount)])

    with engine.connect() as connection:
        by_sqlalchemy = _stored(connection, SOURCE_RECORDS, (1, 2))
        by_bulk = _stored(connection, SOURCE_RECORDS, (3, 4))
        # the same except id and source_key
        assert [r[2:] for r in by_bulk] == [r[2:] for r in by_sqlalchemy]
        touchpoints = _stored(connection, TOUCHPOINTS, (1, 2, 3, 4))
        assert [t[1:] for t in touchpoints[2:]] == [t[1:] for t in touchpoints[:2]]
        # and it reads back through the models as the same Python values
        read = connection.execute(select(SOURCE_RECORDS).order_by(SOURCE_RECORDS.c.id)).all()
        assert [r._mapping["raw"] for r in read[2:]] == [r._mapping["raw"] for r in read[:2]]
        assert read[2]._mapping["updated_at"] == read[0]._mapping["updated_at"]


def _three_records(engine: Engine, **fields: Any) -> None:
    """Records 1, 2, 3 bulk loaded in one delivery; `fields` apply to record 2."""
    with session_factory(engine).begin() as session:
        run_id = start_run(session, "landing")
        file_id = session.execute(
            insert(FILES).returning(FILES.c.id), _manifest(run_id)
        ).scalar_one()
        rows = [_record(i, run_id, file_id, **(fields if i == 2 else {})) for i in (1, 2, 3)]
        insert_rows(session, SOURCE_RECORDS, rows)


def test_fetch_tuples_reads_what_sqlalchemy_reads(warehouse_url: str) -> None:
    engine = engine_for(warehouse_url)
    _three_records(engine, has_identity=False)
    query = (
        select(SOURCE_RECORDS.c.id, SOURCE_RECORDS.c.first_name, cast(SOURCE_RECORDS.c.raw, Text))
        .where(SOURCE_RECORDS.c.has_identity.is_(True), SOURCE_RECORDS.c.source_key != "x")
        .order_by(SOURCE_RECORDS.c.id)
    )  # a boolean and a string parameter, bound by the driver
    with session_factory(engine)() as session:
        fetched = fetch_tuples(session, query)
        assert fetched == [tuple(row) for row in session.execute(query)]
    assert [row[:2] for row in fetched] == [(1, "Jürgen"), (3, "Jürgen")]


def test_update_rows_sets_the_given_columns_by_id(warehouse_url: str) -> None:
    engine = engine_for(warehouse_url)
    _three_records(engine)
    with session_factory(engine).begin() as session:
        changes = {"first_name": "Jörg", "birth_date": None, "raw": {"Vorname": "Jörg"}}
        update_rows(session, SOURCE_RECORDS, [{"id": 1, **changes}, {"id": 3, **changes}])
    with engine.connect() as connection:
        rows = connection.execute(select(SOURCE_RECORDS).order_by(SOURCE_RECORDS.c.id)).all()
    changed = [{k: r._mapping[k] for k in changes} for r in rows]
    assert changed[0] == changed[2] == changes
    assert changed[1] == {"first_name": "Jürgen", "birth_date": date(1978, 3, 14), "raw": _RAW}
    assert rows[0].line == rows[1].line == 2  # the rest is kept


def test_update_rows_by_another_primary_key(warehouse_url: str) -> None:
    """customer_link is keyed by its record: links move by `source_record_id`."""
    engine = engine_for(warehouse_url)
    _three_records(engine)
    links = Base.metadata.tables["customer_link"]
    with session_factory(engine).begin() as session:
        run_id = start_run(session, "landing")
        customers = [
            {"id": customer, "status": "active", "created_run_id": run_id,
             "updated_run_id": run_id, "provenance": {}, "record_count": 1}
            for customer in ("KS00000001", "KS00000002")
        ]  # fmt: skip
        insert_rows(session, Base.metadata.tables["customer"], customers)
        insert_rows(session, links, [
            {"source_record_id": record, "customer_id": "KS00000001", "method": "single",
             "score": None, "evidence": {}, "run_id": run_id}
            for record in (1, 2)
        ])  # fmt: skip
        moved = {"customer_id": "KS00000002", "method": "auto", "score": 0.97,
                 "evidence": {"partner": "shop_customer:3"}}  # fmt: skip
        update_rows(session, links, [{"source_record_id": 2, **moved}], key="source_record_id")
    with engine.connect() as connection:
        rows = connection.execute(select(links).order_by(links.c.source_record_id)).all()
    assert [(r.customer_id, r.method) for r in rows] == [
        ("KS00000001", "single"),
        ("KS00000002", "auto"),
    ]
    assert rows[1].evidence == {"partner": "shop_customer:3"} and rows[1].score == 0.97


def test_staged_models_are_flat() -> None:
    """Staging reads a model's values from its __dict__: only right while no field nests."""
    record = CustomerRecord(
        source="shop_customer", source_key="1", first_name="Jürgen", identifiers=("card:K-1",),
        birth_date=date(1978, 3, 14), updated_at=datetime(2024, 5, 1, tzinfo=UTC),
    )  # fmt: skip
    touchpoint = Touchpoint(kind="order", amount=Decimal("84.80"), details={"status": "paid"})
    consent = Consent(channel="email", status="granted", method="checkbox")
    for model in (record, touchpoint, consent):
        assert model.__dict__ == model.model_dump()
