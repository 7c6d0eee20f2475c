"""What an incremental match needs from the warehouse: the latest match run, the records
changed since, the standing review pairs, and the record of this match."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.models import CustomerLink, MatchReview, MatchRun, SourceRecord


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


def standing_reviews(
    session: Session, changed: Collection[int]
) -> list[tuple[int, int, float, dict[str, Any]]]:
    """Pending review pairs of unchanged records: an incremental match does not re-score
    them, so they stay as they are."""
    rows = session.execute(
        select(
            MatchReview.left_record_id,
            MatchReview.right_record_id,
            MatchReview.score,
            MatchReview.evidence,
        ).where(MatchReview.status == "pending")
    )
    return [
        (left, right, score, evidence)
        for left, right, score, evidence in rows
        if left not in changed and right not in changed
    ]


def record_match_run(session: Session, run_id: int, **values: Any) -> None:
    session.add(MatchRun(run_id=run_id, at=datetime.now(UTC), **values))
