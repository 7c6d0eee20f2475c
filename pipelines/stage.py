"""Extract, validate and stage one delivery: connector rows -> schemas -> warehouse staging."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from connectors.base import LandingFile
from connectors.landing import file_facts, read_file
from schemas.errors import RowRejected, RowSkipped, SourceFormatError
from schemas.parse import parse_row
from warehouse.privacy import load_suppressions
from warehouse.staging import (
    Delivery,
    FileCounts,
    FileStager,
    Lineage,
    loaded_manifest,
    record_rejected_file,
)

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StageOutcome:
    """What happened to one delivery; `status` is loaded, unchanged (seen before) or rejected."""

    path: str
    record_kind: str
    status: str
    counts: FileCounts
    reason: str | None = None


def stage_delivery(
    session: Session,
    run_id: int,
    landing: Path,
    file: LandingFile,
    *,
    reprocess: bool = False,
    chunksize: int = 10_000,
) -> StageOutcome:
    """Stage a delivery in the caller's transaction; a rejected file is noted and left whole.

    A delivery loaded before is skipped as unchanged, unless `reprocess` (a backfill) asks
    for it to be read again into its existing manifest entry.
    """
    relative = file.path.relative_to(landing).as_posix()
    try:
        facts = file_facts(file)
    except SourceFormatError as exc:
        return _reject(session, run_id, relative, file, None, exc.reason)
    delivery = Delivery(
        path=relative,
        sha256=facts.sha256,
        file_kind=file.file_kind,
        record_kind=file.record_kind,
        export_day=file.export_day,
        encoding=facts.encoding,
        size_bytes=facts.size_bytes,
    )
    loaded_before = loaded_manifest(session, relative, facts.sha256)
    if loaded_before is not None and not reprocess:
        return StageOutcome(relative, file.record_kind, "unchanged", FileCounts())
    stager = FileStager(
        session,
        run_id,
        delivery,
        manifest=loaded_before,
        suppressions=load_suppressions(session),
    )
    try:
        for chunk in read_file(file, chunksize=chunksize):
            for row in chunk:
                lineage = Lineage(line=row.line, member=row.member, raw=row.data)
                try:
                    stager.loaded(parse_row(row.source, row.data), lineage)
                except RowRejected as exc:
                    stager.quarantined(exc.reasons, lineage)
                except RowSkipped as exc:
                    stager.skipped(exc.reason)
            stager.flush()
    except SourceFormatError as exc:
        session.rollback()
        return _reject(session, run_id, relative, file, delivery, exc.reason)
    counts = stager.finish()
    log.info("staged %s: %s", relative, counts.as_dict())
    return StageOutcome(relative, file.record_kind, "loaded", counts)


def _reject(
    session: Session,
    run_id: int,
    relative: str,
    file: LandingFile,
    delivery: Delivery | None,
    reason: str,
) -> StageOutcome:
    log.warning("skipped %s whole: %s", relative, reason)
    if delivery is not None:
        record_rejected_file(session, run_id, delivery, reason)
    return StageOutcome(relative, file.record_kind, "rejected", FileCounts(), reason)
