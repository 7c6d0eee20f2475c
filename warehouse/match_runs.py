"""What an incremental match needs from the warehouse: the latest match run, the records
changed since, and the record of this match."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from warehouse.models import MatchRun


def latest_match_run(session: Session) -> MatchRun | None:
    return session.scalars(select(MatchRun).order_by(MatchRun.id.desc()).limit(1)).first()


def changed_since(records: pd.DataFrame, linked: Collection[int], run_id: int) -> list[int]:
    """Identity records (`records`: `publish.identity_index` or `identity_frame`) written
    after pipeline run `run_id`, or never linked to a customer (`linked`: the linked record
    ids; left over by a run that failed before matching). Read off the frame the match
    holds anyway: two scans of the record table cost more."""
    written = records["last_run_id"].to_numpy() > run_id
    unlinked = ~records.index.isin(pd.Index(list(linked), dtype="int64"))
    return records.index[written | unlinked].sort_values().tolist()


def record_match_run(session: Session, run_id: int, **values: Any) -> None:
    session.add(MatchRun(run_id=run_id, at=datetime.now(UTC), **values))
