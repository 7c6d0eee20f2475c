"""Cursors of the generic SQL sources: where the next pull starts."""

from __future__ import annotations

from sqlalchemy.orm import Session

from warehouse.models import SourceCursor


def load_cursor(session: Session, name: str) -> str | None:
    """The highest cursor value loaded from source `name`; None before its first pull."""
    row = session.get(SourceCursor, name)
    return None if row is None else row.cursor_value


def save_cursor(session: Session, name: str, value: str, run_id: int) -> None:
    """Store the new cursor in the caller's transaction (the one staging the pull)."""
    row = session.get(SourceCursor, name)
    if row is None:
        session.add(SourceCursor(name=name, cursor_value=value, updated_run_id=run_id))
    else:
        row.cursor_value = value
        row.updated_run_id = run_id
