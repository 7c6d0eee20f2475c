"""Run history: every run is recorded with its status and the counts it reported."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.models import PipelineRun


def start_run(session: Session, landing: str) -> int:
    run = PipelineRun(started_at=datetime.now(UTC), status="running", landing=landing, counts={})
    session.add(run)
    session.flush()
    return run.id


def finish_run(
    session: Session, run_id: int, *, status: str, counts: dict[str, Any], error: str | None = None
) -> None:
    run = session.get_one(PipelineRun, run_id)
    run.status = status
    run.finished_at = datetime.now(UTC)
    run.counts = counts
    run.error = error


def recent_runs(session: Session, limit: int = 10) -> Sequence[PipelineRun]:
    return session.scalars(select(PipelineRun).order_by(PipelineRun.id.desc()).limit(limit)).all()
