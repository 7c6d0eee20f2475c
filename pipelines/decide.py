"""Apply a person's decision (merge, unmerge, review verdict) and re-publish at once.

The decision and the re-matched partition are written in one transaction under the
writer lock, as a run of its own, so the warehouse never shows a decision half-applied.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from sqlalchemy.orm import Session

from pipelines.match import match_and_publish
from warehouse.engine import engine_for, session_factory
from warehouse.lock import writer_lock
from warehouse.publish import PublishSummary
from warehouse.runs import finish_run, start_run


def apply_decision(
    warehouse_url: str,
    what: str,
    decide: Callable[[Session], object],
    *,
    wait_seconds: float = 0.0,
) -> PublishSummary:
    """Run `decide` and re-match the warehouse in one transaction; `what` names the run."""
    engine = engine_for(warehouse_url)
    with writer_lock(engine, wait_seconds=wait_seconds), session_factory(engine).begin() as session:
        run_id = start_run(session, f"decision: {what}")
        decide(session)
        summary, _ = match_and_publish(session, run_id)
        counts = {"decision": what, **asdict(summary)}
        finish_run(session, run_id, status="succeeded", counts=counts)
    return summary
