"""What an incremental match needs from the warehouse: the latest match run, the records
changed since, and the record of this match."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.models import CustomerLink, MatchRun, SourceRecord


def latest_match_run(session: Session) -> MatchRun | None:
    return session.scalars(select(MatchRun).order_by(MatchRun.id.desc()).limit(1)).first()


def changed_since(session: Session, run_id: int) -> list[int]:
    """Identity records written after pipeline run `run_id`, or never linked to a customer
    (left over by a run that failed before matching)."""
    written = select(SourceRecord.id).where(
        SourceRecord.has_identity.is_(True), SourceRecord.last_run_id > run_id
    )
    unlinked = (
        select(SourceRecord.id)
        .outerjoin(CustomerLink, CustomerLink.source_record_id == SourceRecord.id)
        .where(SourceRecord.has_identity.is_(True), CustomerLink.source_record_id.is_(None))
    )
    return sorted(set(session.scalars(written)) | set(session.scalars(unlinked)))


def record_match_run(session: Session, run_id: int, **values: Any) -> None:
    session.add(MatchRun(run_id=run_id, at=datetime.now(UTC), **values))
