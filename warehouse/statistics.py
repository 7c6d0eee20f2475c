"""Fresh PostgreSQL planner statistics after bulk writes.

A first load fills tables inside transactions that autovacuum cannot analyze in time (and
a server may run without autovacuum), so the planner goes on believing a table of 150,000
rows is empty and answers key look-ups with sequential scans. Whoever writes in bulk
counts its rows here, and the table is analyzed in the same transaction once it is stale.
SQLite plans without such statistics: nothing happens there.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

# A table is stale once its size differs from what its last ANALYZE counted by more than
# this share of that count, plus this many rows.
STALE_SHARE = 0.5
ANALYZE_AFTER_ROWS = 5_000


class PlannerStatistics:
    """The tables one transaction analyzed, and by how many rows it had grown them then."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._analyzed_at: dict[str, int] = {}
        self._enabled = session.get_bind().dialect.name == "postgresql"

    def refresh(self, table: str, grown: int) -> bool:
        """ANALYZE `table` when its size (the committed rows, as the server counts them,
        plus the `grown` rows this transaction added so far; negative for deletions) is
        off from what its last ANALYZE counted by more than half of that count. One
        catalog read; ANALYZE samples a fixed number of rows, and growth by half each
        time keeps it to a few per load. Returns whether it analyzed.

        Size, not the server's count of modified rows: an ANALYZE inside the writing
        transaction counts its rows, yet they are booked as modified at commit, and the
        next run would analyze the same table again (0.3-0.8 s each at a million rows).
        The server's counts are read once per transaction (a snapshot, taken before any
        ANALYZE of ours), so once this transaction analyzed a table only its own rows
        since count: else every later call would analyze again."""
        if not self._enabled or grown == 0:
            return False
        reltuples, live, inserted, deleted = self._session.execute(
            text(
                "SELECT c.reltuples, s.n_live_tup, s.n_tup_ins, s.n_tup_del FROM pg_class c "
                "JOIN pg_stat_user_tables s ON s.relid = c.oid "
                "WHERE c.oid = CAST(:name AS regclass)"
            ),
            {"name": table},
        ).one()
        counted = max(float(reltuples), 0.0)  # -1: never analyzed
        if table in self._analyzed_at:
            drift = float(grown - self._analyzed_at[table])
        else:
            drift = _size(counted, live, inserted, deleted) + grown - counted
        if abs(drift) <= counted * STALE_SHARE + ANALYZE_AFTER_ROWS:
            return False
        self._session.execute(text(f"ANALYZE {table}"))
        self._analyzed_at[table] = grown
        return True


def _size(counted: float, live: int | None, inserted: int | None, deleted: int | None) -> float:
    """The rows a table holds by the server's counts (`counted`: its last ANALYZE's).

    Counts that began afresh (a crash, pg_stat_reset, a database copied from a template)
    hold only the rows written since: read as they are, every big table looked emptied
    and was analyzed on the next run (2.4 s of a day at a million rows). More rows missing
    than were deleted since the counts began tells that apart from a table that shrank:
    it holds what its last ANALYZE counted and the rows written since."""
    size, written, removed = float(live or 0), int(inserted or 0), int(deleted or 0)
    if counted - size > max(removed, counted * STALE_SHARE):
        return counted + written - removed
    return size
