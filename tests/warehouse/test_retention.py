from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.warehouse.test_staging import _stage, _stage_address
from warehouse.engine import engine_for, session_factory
from warehouse.models import Quarantine, SourceRecordVersion
from warehouse.retention import EXPIRED_RAW, apply_retention


def _apply(url: str, today: date, dry_run: bool = False) -> tuple[int, int]:
    with session_factory(engine_for(url)).begin() as session:
        result = apply_retention(
            session,
            quarantine_raw_days=30,
            superseded_versions_days=365,
            today=today,
            dry_run=dry_run,
        )
        return result.quarantine_rows_expired, result.versions_deleted


def test_old_payloads_and_versions_go_recent_ones_stay(warehouse_url: str) -> None:
    _stage(warehouse_url, "a" * 64, [("9", "Jürgen", {"id": "9"})])  # quarantines x@
    _stage_address(warehouse_url, 1, "Hauptstraße")
    _stage_address(warehouse_url, 3, "Königstraße")  # version valid to 2024-05-03
    run_day = date.today()
    assert _apply(warehouse_url, run_day) == (0, 1)  # the version ended long before today
    assert _apply(warehouse_url, date(2024, 6, 1)) == (0, 0)  # nothing left, nothing young

    assert _apply(warehouse_url, date(2100, 1, 1), dry_run=True) == (1, 0)
    with session_factory(engine_for(warehouse_url))() as session:
        assert session.scalars(select(Quarantine.raw)).one() == {"Email": "x@"}  # dry run
        assert session.scalars(select(Quarantine.content_hash)).one() is not None
    assert _apply(warehouse_url, date(2100, 1, 1)) == (1, 0)
    with session_factory(engine_for(warehouse_url))() as session:
        row = session.scalars(select(Quarantine)).one()
        assert row.raw == EXPIRED_RAW and row.reasons == ["email: (value removed)"]
        assert row.content_hash is None  # no hash of the payload outlives it
        assert row.line == 99  # still accounted for
        assert session.scalars(select(SourceRecordVersion)).all() == []
    assert _apply(warehouse_url, date(2100, 1, 1)) == (0, 0)
