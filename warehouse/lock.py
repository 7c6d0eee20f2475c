"""One writer at a time: a second run waits for the lock or fails with a clear message."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, text

from schemas.errors import WarehouseError

# Any constant works; it names "the kundenstamm writer" among PostgreSQL advisory locks.
_ADVISORY_KEY = 0x4B5354414D4D  # "KSTAMM"


@contextmanager
def writer_lock(engine: Engine, *, wait_seconds: float = 0.0) -> Iterator[None]:
    """Hold the warehouse's writer lock for the duration of the block."""
    if engine.dialect.name == "postgresql":
        with _advisory_lock(engine, wait_seconds):
            yield
    elif engine.dialect.name == "sqlite":
        with _file_lock(_sqlite_lock_path(engine), wait_seconds):
            yield
    else:  # pragma: no cover - other databases are not supported yet
        raise WarehouseError(f"no writer lock for database {engine.dialect.name!r}")


def _sqlite_lock_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise WarehouseError("an in-memory SQLite warehouse cannot be shared; use a file URL")
    return Path(database).with_name(Path(database).name + ".lock")


def _deadline_passed(started: float, wait_seconds: float) -> bool:
    return time.monotonic() - started >= wait_seconds


@contextmanager
def _file_lock(path: Path, wait_seconds: float) -> Iterator[None]:
    # flock is released by the OS when the process dies, so a crashed run never blocks the next.
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    started = time.monotonic()
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if _deadline_passed(started, wait_seconds):
                    raise WarehouseError(
                        f"another kundenstamm run is writing this warehouse (lock {path.name}); "
                        "wait for it to finish or pass --wait SECONDS"
                    ) from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)


@contextmanager
def _advisory_lock(engine: Engine, wait_seconds: float) -> Iterator[None]:
    # A session-level advisory lock dies with its connection, so a crash releases it too.
    with engine.connect() as connection:
        started = time.monotonic()
        while not connection.execute(
            text("SELECT pg_try_advisory_lock(:key)"), {"key": _ADVISORY_KEY}
        ).scalar_one():
            if _deadline_passed(started, wait_seconds):
                raise WarehouseError(
                    "another kundenstamm run is writing this warehouse (PostgreSQL advisory "
                    "lock); wait for it to finish or pass --wait SECONDS"
                )
            time.sleep(0.2)
        connection.commit()
        try:
            yield
        finally:
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _ADVISORY_KEY})
            connection.commit()
