"""Changes people make outside the nightly run: decisions on the partition, erasures.

Each is a run of its own, under the writer lock, in one transaction, so the warehouse
never shows a change half-applied and the run history shows who-changed-what by run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Any

from sqlalchemy.orm import Session

from pipelines.collector import fewer_collections
from pipelines.config import load_config
from pipelines.match import match_and_publish
from warehouse.engine import engine_for, session_factory
from warehouse.lock import writer_lock
from warehouse.publish import PublishSummary
from warehouse.runs import finish_run, start_run


@contextmanager
def writer_run(
    warehouse_url: str, what: str, *, wait_seconds: float = 0.0
) -> Iterator[tuple[Session, int, dict[str, Any]]]:
    """A transaction under the writer lock, recorded as a run; fill the yielded counts."""
    engine = engine_for(warehouse_url)
    with (
        writer_lock(engine, wait_seconds=wait_seconds),
        fewer_collections(),
        session_factory(engine).begin() as session,
    ):
        run_id = start_run(session, what)
        counts: dict[str, Any] = {"action": what}
        yield session, run_id, counts
        finish_run(session, run_id, status="succeeded", counts=counts)


def apply_decision(
    warehouse_url: str,
    what: str,
    decide: Callable[[Session], object],
    *,
    wait_seconds: float = 0.0,
) -> PublishSummary:
    """Run `decide` and re-match the warehouse in one transaction; `what` names the run."""
    with writer_run(warehouse_url, f"decision: {what}", wait_seconds=wait_seconds) as (
        session,
        run_id,
        counts,
    ):
        decide(session)
        config = load_config()
        summary, _ = match_and_publish(  # full: the decided pairs may be anywhere
            session, run_id, config.match_settings(), config.survivorship, allow_incremental=False
        )
        counts.update(asdict(summary))
    return summary
