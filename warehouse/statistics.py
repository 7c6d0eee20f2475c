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

# A table is stale once the rows written since its last ANALYZE exceed this share of the
# rows it counted then, plus this many.
STALE_SHARE = 0.5
ANALYZE_AFTER_ROWS = 5_000


class PlannerStatistics:
    """The tables one transaction analyzed, and the rows it had written to each then."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._analyzed_at: dict[str, int] = {}
        self._enabled = session.get_bind().dialect.name == "postgresql"

    def refresh(self, table: str, written: int) -> bool:
        """ANALYZE `table` when the rows written since its last ANALYZE (committed ones, as
        the server counts them, and this transaction's: `written` so far, less what it had
        written at its own last ANALYZE) exceed half of what it counted then. One catalog
        read; ANALYZE samples a fixed number of rows, and growth by half each time keeps
        it to a few per load. Returns whether it analyzed.

        The server's counts are read once per transaction (a snapshot, taken before any
        ANALYZE of ours), so after this transaction analyzed a table only its own rows
        since count: else every later call would analyze again."""
        if not self._enabled or written <= 0:
            return False
        counted, changed = self._session.execute(
            text(
                "SELECT c.reltuples, s.n_mod_since_analyze FROM pg_class c "
                "JOIN pg_stat_user_tables s ON s.relid = c.oid "
                "WHERE c.oid = CAST(:name AS regclass)"
            ),
            {"name": table},
        ).one()
        if table in self._analyzed_at:
            stale = written - self._analyzed_at[table]
        else:
            stale = int(changed or 0) + written
        if stale <= max(float(counted), 0.0) * STALE_SHARE + ANALYZE_AFTER_ROWS:
            return False
        self._session.execute(text(f"ANALYZE {table}"))
        self._analyzed_at[table] = written
        return True
