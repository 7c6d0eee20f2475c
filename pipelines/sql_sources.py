"""Generic SQL sources: pull the rows above the stored cursor and stage them as one delivery.

A pull is staged like a file: a manifest row (`ingested_file`, path `sql:<name>`, file
kind `generic_sql`, the SHA-256 of the rows read, the run's day as export day), its rows
through the same validation and `FileStager`, and the new cursor (`source_cursor`) in
the same transaction, so a crash leaves the rows and the cursor, or neither, and the next
run pulls the same rows again. The first pull binds `:cursor` to the source's
`cursor_start`; every later one to the highest cursor value loaded so far.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from datetime import date, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from connectors.generic import read_sql, sql_path
from connectors.generic_config import SQL_FILE_KIND, GenericSource
from pipelines.stage import StageOutcome, row_outcome, stage_chunk
from schemas.dates import BERLIN
from schemas.errors import ConfigError, SourceFormatError, WarehouseError
from warehouse.cursors import load_cursor, save_cursor
from warehouse.engine import safe_url, source_engine
from warehouse.privacy import load_suppressions
from warehouse.staging import Delivery, FileCounts, FileStager, loaded_manifest

log = logging.getLogger(__name__)


class PulledBefore(Exception):
    """The pull read exactly the rows of an earlier one (a cursor that did not move on)."""

    def __init__(self, cursor: str | None) -> None:
        super().__init__("these rows were loaded before")
        self.cursor = cursor


def pull_day() -> date:
    """A pull's export day: the day it runs, in the company's time zone."""
    return datetime.now(BERLIN).date()


def pull_source(
    sessions: sessionmaker[Session],
    run_id: int,
    source: GenericSource,
    *,
    today: date,
    chunksize: int = 10_000,
) -> StageOutcome:
    """Stage a SQL source's new rows in one transaction with its new cursor.

    A source that does not fit its mapping (a missing column) or whose URL is not set is
    reported as rejected, not loaded; database errors are raised, for the caller to retry.
    """
    path = sql_path(source)
    try:
        with sessions.begin() as session:
            return _pull(session, run_id, source, today, chunksize)
    except PulledBefore as known:  # nothing to stage; only the cursor moves on
        if known.cursor is not None:
            with sessions.begin() as session:
                save_cursor(session, source.name, known.cursor, run_id)
        return StageOutcome(path, source.name, "unchanged", FileCounts())
    except (SourceFormatError, ConfigError, WarehouseError) as exc:
        reason = exc.reason if isinstance(exc, SourceFormatError) else str(exc)
        log.warning("skipped %s: %s", path, reason)
        return StageOutcome(path, source.name, "rejected", FileCounts(), reason)


def failed_pull(source: GenericSource, error: BaseException) -> StageOutcome:
    """The outcome of a pull whose database failed on every try: rejected, with the
    driver's first line (the statement and its parameters left out)."""
    if isinstance(error, SQLAlchemyError) and getattr(error, "orig", None) is not None:
        detail = str(getattr(error, "orig", "")).strip().splitlines()
    else:
        detail = str(error).strip().splitlines()
    reason = f"{type(error).__name__}: {detail[0] if detail else 'no message'}"
    return StageOutcome(sql_path(source), source.name, "rejected", FileCounts(), reason)


def _url(source: GenericSource) -> str:
    if source.url is not None:
        return source.url
    url = os.environ.get(source.url_env or "")
    if not url:
        raise ConfigError(f"{source.name}: environment variable {source.url_env} is not set")
    return url


def _pull(
    session: Session, run_id: int, source: GenericSource, today: date, chunksize: int
) -> StageOutcome:
    path = sql_path(source)
    stored = load_cursor(session, source.name)
    start = stored if stored is not None else source.cursor_start or ""
    url = _url(source)
    engine = source_engine(url)
    seconds = {"read": 0.0, "validate": 0.0, "stage": 0.0}
    clock = time.perf_counter()
    try:
        with engine.connect() as connection:
            pull = read_sql(source, connection, start, chunksize=chunksize)
            chunks = pull.chunks(chunksize)
            chunk = next(chunks, None)
            seconds["read"] += time.perf_counter() - clock
            if chunk is None:
                if stored is None:
                    log.warning(
                        "%s (%s): the first pull read no rows; if the table holds rows, "
                        "cursor_start is not below their cursor values",
                        path,
                        safe_url(url),
                    )
                return StageOutcome(path, source.name, "unchanged", FileCounts())
            pending = hashlib.sha256(f"{path}\0run {run_id}".encode()).hexdigest()
            delivery = Delivery(
                path=path,
                sha256=pending,  # the rows' hash is known after the last one (`finish`)
                file_kind=SQL_FILE_KIND,
                record_kind=source.name,
                export_day=today,
                encoding="sql",
                size_bytes=0,
            )
            stager = FileStager(session, run_id, delivery, suppressions=load_suppressions(session))
            while chunk is not None:
                clock = time.perf_counter()
                outcomes = [row_outcome(row) for row in chunk]
                validated = time.perf_counter()
                stage_chunk(stager, outcomes)
                staged = time.perf_counter()
                chunk = next(chunks, None)
                seconds["validate"] += validated - clock
                seconds["stage"] += staged - validated
                seconds["read"] += time.perf_counter() - staged
    finally:
        engine.dispose()
    if loaded_manifest(session, path, pull.sha256) is not None:
        raise PulledBefore(pull.highest_cursor)  # rolls the staging back
    counts = stager.finish(sha256=pull.sha256, size_bytes=pull.size_bytes)
    if pull.highest_cursor is not None:
        save_cursor(session, source.name, pull.highest_cursor, run_id)
    log.info("staged %s: %s", path, counts.as_dict())
    return StageOutcome(path, source.name, "loaded", counts, seconds=seconds)
