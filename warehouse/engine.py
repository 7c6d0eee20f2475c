"""The only place that creates engines and sessions."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from schemas.errors import WarehouseError

log = logging.getLogger(__name__)

DEFAULT_WAREHOUSE_URL = "sqlite:///kundenstamm.db"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Foreign keys are off by default in SQLite; WAL lets analysts read while a run writes.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def json_text(value: Any) -> str:
    """The text of a JSON column's value: orjson, 4-5x json.dumps (a run writes a payload
    per row and evidence per link), UTF-8 rather than escaped; what orjson refuses
    (integers beyond 64 bits, keys that are not text) goes through json.dumps as before.
    Either text reads back as the same value; a float NaN, which JSON has not (json.dumps
    wrote `NaN`, which PostgreSQL refuses), is written as null."""
    try:
        return orjson.dumps(value).decode()
    except TypeError:
        return json.dumps(value)


def make_engine(url: str) -> Engine:
    """An engine for `url`; plain `postgresql://` URLs use psycopg 3, the installed driver."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise WarehouseError(f"invalid warehouse URL {url!r}: {exc}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    engine = create_engine(parsed, pool_pre_ping=True, json_serializer=json_text)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def source_engine(url: str) -> Engine:
    """An engine for reading a generic SQL source: no pragmas, no migrations, nothing written.

    It is someone else's database: a SQLite file is opened read-only (a missing one is an
    error, not a new empty file) and its journal mode left alone. Plain `postgresql://`
    URLs use psycopg 3 here too.
    """
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise WarehouseError(f"invalid source URL {safe_url(url)}: {exc}") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:":
        if not database.startswith("file:"):
            database = "file:" + quote(str(Path(database).resolve()))
        parsed = parsed.set(database=database).update_query_dict({"mode": "ro", "uri": "true"})
    return create_engine(parsed, pool_pre_ping=True)


def connect(url: str) -> Engine:
    """An engine that is known to reach its database, with the schema in place."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise WarehouseError(f"cannot connect to warehouse {safe_url(url)}: {reason}") from exc
    create_schema(engine)
    return engine


def create_schema(engine: Engine) -> None:
    """Migrate the warehouse to the current schema and (re)create the analyst views.

    An empty database gets every table; an older warehouse is upgraded in place, data kept.
    """
    from warehouse.migrate import upgrade
    from warehouse.views import create_views

    upgrade(engine)
    create_views(engine)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def safe_url(url: str) -> str:
    """The URL with any password masked, for messages and logs."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "<invalid url>"


_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """One connected engine per URL and process, shared by a run's tasks."""
    if url not in _ENGINES:
        _ENGINES[url] = connect(url)
    return _ENGINES[url]


def dispose_engines() -> None:
    """Close every pooled connection (end of a CLI command, test teardown)."""
    while _ENGINES:
        _ENGINES.popitem()[1].dispose()
