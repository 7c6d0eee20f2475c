"""SQLite's WAL checkpoints on a second thread while a run writes.

In WAL mode a commit appends the changed pages to the `-wal` file, and by default the
committing connection then copies them back into the database file (a checkpoint) once
the log passes 1,000 pages, inside the commit. A daily run's staging and publishing touch
pages all over a large warehouse: at 359k records a day writes about 120 MB of log, and
the checkpoints inside its commits cost about a second of the day (staging 2.2 -> 1.4 s,
loading 1.1 -> 0.85 s without them).

During a run the writer's connections leave checkpoints to a thread of their own
(`checkpoints_aside`), which copies the log back every second on its own connection.
SQLite does that work off the interpreter lock, so it overlaps the run's Python work on
the second core. PASSIVE checkpoints never wait for readers or writers; what they cannot
copy yet (pages a reader still needs) the next one copies. Leaving the block checkpoints
once more and gives the connections SQLite's default back. A crash loses nothing: the
log is the database's until it is copied, and the next connection recovers it.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event

log = logging.getLogger(__name__)

SQLITE_DEFAULT_AUTOCHECKPOINT = 1000  # pages


@contextmanager
def checkpoints_aside(engine: Engine, *, every_seconds: float = 1.0) -> Iterator[None]:
    """For the block, `engine`'s connections commit without checkpointing and a thread
    checkpoints every `every_seconds`. Nothing to do for PostgreSQL or in-memory SQLite."""
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:":
        yield
        return
    event.listen(engine, "checkout", _no_autocheckpoint)
    event.listen(engine, "checkin", _default_autocheckpoint)
    stop = threading.Event()
    worker = threading.Thread(
        target=_checkpoint_until,
        args=(database, stop, every_seconds),
        name="wal-checkpoints",
        daemon=True,
    )
    worker.start()
    try:
        yield
    finally:
        event.remove(engine, "checkout", _no_autocheckpoint)
        event.remove(engine, "checkin", _default_autocheckpoint)
        stop.set()
        worker.join()


def _checkpoint_until(database: str, stop: threading.Event, every_seconds: float) -> None:
    """Checkpoint every `every_seconds` until `stop`, then once more."""
    connection = sqlite3.connect(database, timeout=0, check_same_thread=False)
    try:
        while True:
            stopping = stop.wait(every_seconds)
            try:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
            except sqlite3.Error as exc:  # busy with another checkpoint: the next one
                log.debug("WAL checkpoint skipped: %s", exc)
            if stopping:
                return
    finally:
        connection.close()


def _no_autocheckpoint(dbapi_connection: Any, _record: Any, _proxy: Any) -> None:
    _set_autocheckpoint(dbapi_connection, 0)


def _default_autocheckpoint(dbapi_connection: Any, _record: Any) -> None:
    _set_autocheckpoint(dbapi_connection, SQLITE_DEFAULT_AUTOCHECKPOINT)


def _set_autocheckpoint(dbapi_connection: Any, pages: int) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute(f"PRAGMA wal_autocheckpoint={pages}")
    finally:
        cursor.close()
