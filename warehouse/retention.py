"""Retention: personal data kept only as long as it serves (GDPR Art. 5(1)(e)).

Quarantined rows older than the limit keep their place in the accounting (file, line,
which fields failed) but lose the delivered payload and the values in their reasons;
superseded source-record versions that ended longer ago than the limit are deleted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from warehouse.models import PipelineRun, Quarantine, SourceRecordVersion

EXPIRED_RAW = {"_expired": "payload removed by the retention policy"}


@dataclass(frozen=True)
class RetentionResult:
    quarantine_rows_expired: int
    versions_deleted: int


def apply_retention(
    session: Session,
    *,
    quarantine_raw_days: int | None,
    superseded_versions_days: int | None,
    today: date | None = None,
    dry_run: bool = False,
) -> RetentionResult:
    """Expire what is older than the limits (None: keep forever); `dry_run` only counts."""
    today = today or datetime.now(UTC).date()
    expired = versions = 0
    if quarantine_raw_days is not None:
        cutoff = datetime.combine(today - timedelta(days=quarantine_raw_days), datetime.min.time())
        old_runs = select(PipelineRun.id).where(PipelineRun.started_at < cutoff.replace(tzinfo=UTC))
        rows = [
            (row_id, reasons)
            for row_id, raw, reasons in session.execute(
                select(Quarantine.id, Quarantine.raw, Quarantine.reasons).where(
                    Quarantine.run_id.in_(old_runs)
                )
            )
            if raw != EXPIRED_RAW
        ]
        expired = len(rows)
        if not dry_run:
            for row_id, reasons in rows:
                fields = sorted({str(r).split(":", 1)[0] for r in reasons})
                session.execute(
                    update(Quarantine)
                    .where(Quarantine.id == row_id)
                    .values(
                        raw=EXPIRED_RAW,
                        reasons=[f"{f}: (value removed)" for f in fields],
                        content_hash=None,  # a hash of the payload would outlive it
                    )
                )
    if superseded_versions_days is not None:
        limit = today - timedelta(days=superseded_versions_days)
        condition = SourceRecordVersion.valid_to < limit
        versions = (
            session.scalar(select(func.count()).select_from(SourceRecordVersion).where(condition))
            or 0
        )
        if not dry_run:
            session.execute(delete(SourceRecordVersion).where(condition))
    return RetentionResult(expired, versions)
