"""While a run writes a SQLite warehouse, its commits leave checkpoints to a thread of
their own, which copies the log back into the database; afterwards the connections
checkpoint as SQLite does by default."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from warehouse.checkpoints import SQLITE_DEFAULT_AUTOCHECKPOINT, checkpoints_aside
from warehouse.engine import connect


def _autocheckpoint(engine: Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(text("PRAGMA wal_autocheckpoint")).scalar_one())


def _write_pages(engine: Engine, rows: int) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE IF NOT EXISTS filler (id INTEGER, pad TEXT)"))
        connection.execute(
            text("INSERT INTO filler VALUES (:id, :pad)"),
            [{"id": i, "pad": "x" * 400} for i in range(rows)],
        )


def test_commits_leave_checkpoints_to_the_thread(tmp_path: Path) -> None:
    """The database file grows only by checkpoints: the commits' pages sit in the log
    until the thread copies them."""
    database = tmp_path / "warehouse.db"
    engine = connect(f"sqlite:///{database}")
    assert _autocheckpoint(engine) == SQLITE_DEFAULT_AUTOCHECKPOINT
    _write_pages(engine, 1)
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    empty = database.stat().st_size
    with checkpoints_aside(engine, every_seconds=0.05):
        assert _autocheckpoint(engine) == 0  # the commit leaves the log as it is
        _write_pages(engine, 20_000)  # about 2,000 pages, beyond SQLite's 1,000
        deadline = time.monotonic() + 10
        while database.stat().st_size < empty + 4_000_000 and time.monotonic() < deadline:
            time.sleep(0.02)  # the thread copies the log back meanwhile
        assert database.stat().st_size > empty + 4_000_000
    assert _autocheckpoint(engine) == SQLITE_DEFAULT_AUTOCHECKPOINT  # the default is back
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM filler")).scalar_one() == 20_001
    engine.dispose()


def test_leaving_copies_what_the_block_wrote_last(tmp_path: Path) -> None:
    database = tmp_path / "warehouse.db"
    engine = connect(f"sqlite:///{database}")
    with checkpoints_aside(engine, every_seconds=3600):  # no checkpoint but the last one
        _write_pages(engine, 10_000)
        assert database.stat().st_size < 1_000_000  # the pages are in the log
    assert database.stat().st_size > 4_000_000  # and now in the database
    engine.dispose()


def test_nothing_to_do_in_memory() -> None:
    engine = create_engine("sqlite://")
    with checkpoints_aside(engine):
        _write_pages(engine, 10)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT count(*) FROM filler")).scalar_one() == 10
