"""Extract, validate and stage one delivery: connector rows -> schemas -> warehouse staging."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from functools import lru_cache, partial
from pathlib import Path
from typing import Literal, TypedDict

from sqlalchemy.orm import Session

from connectors.base import KNOWN_ROW, NOTHING_KNOWN, FileFacts, LandingFile, RawRow
from connectors.landing import file_facts, file_stamp, read_file
from schemas.errors import RowRejected, RowSkipped, SourceFormatError
from schemas.parse import parse_row
from schemas.records import ParsedRow
from warehouse.models import IngestedFile
from warehouse.privacy import load_suppressions
from warehouse.staging import (
    CurrentVersions,
    Delivery,
    FileCounts,
    FileStager,
    Lineage,
    content_hash,
    current_versions,
    loaded_manifest,
    loaded_with_stamp,
    record_rejected_file,
    versions_among,
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
    seconds: dict[str, float] = field(default_factory=dict)  # read / validate / stage


@dataclass(frozen=True)
class RowOutcome:
    """One row after validation: loaded (with its parsed row), quarantined or skipped."""

    kind: Literal["loaded", "quarantined", "skipped", "duplicate"]
    lineage: Lineage
    parsed: ParsedRow | None = None
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class ParsedDelivery:
    """A delivery read and validated away from the warehouse (a parallel worker's result)."""

    chunks: list[list[RowOutcome]]
    reason: str | None = None  # set when the delivery is rejected whole


def row_outcome(
    row: RawRow, known: CurrentVersions | None = None, digest: str | None = None
) -> RowOutcome:
    """Validate one raw row: loaded with its parsed row, quarantined or skipped. A row
    like a current version (`known`) is a duplicate, not validated: by its text digest
    without even hashing its data (the reader may have known it already: `KNOWN_ROW`),
    else by its content hash (`digest`, when the caller has computed it)."""
    if row is KNOWN_ROW:
        return _KNOWN_DUPLICATE
    if known is not None and row.text_digest is not None and row.text_digest in known.texts:
        lineage = Lineage(line=row.line, member=row.member, raw=row.data)
        return RowOutcome("duplicate", lineage)
    digest = digest if digest is not None else content_hash(row.data)
    lineage = Lineage(row.line, row.member, row.data, digest, text_digest=row.text_digest)
    if known is not None and digest in known.hashes:
        return RowOutcome("duplicate", lineage)
    try:
        return RowOutcome("loaded", lineage, parsed=parse_row(row.source, row.data))
    except RowRejected as exc:
        return RowOutcome("quarantined", lineage, reasons=tuple(exc.reasons))
    except RowSkipped as exc:
        return RowOutcome("skipped", lineage, reasons=(exc.reason,))


_KNOWN_DUPLICATE = RowOutcome("duplicate", Lineage(line=0, member=None, raw={}))
# Which of these text digests and content hashes a current version has.
LookUp = Callable[[Collection[str], Collection[str]], CurrentVersions]


def parse_rows(
    file: LandingFile,
    *,
    chunksize: int = 10_000,
    seconds: dict[str, float] | None = None,
    known: CurrentVersions | None = None,
    look_up: LookUp | None = None,
) -> Iterator[list[RowOutcome]]:
    """Validate a delivery chunk by chunk; raises SourceFormatError before the first chunk.

    Rows like a current version are exact duplicates and skip validation (daily full
    snapshots repeat most rows): `known` holds every current version of the kind, or
    `look_up` finds which of a chunk's text digests and content hashes are current
    (`staging.versions_among`). `seconds` collects the time spent reading (connector)
    and validating (schemas).
    """
    clock = seconds if seconds is not None else {}
    texts = known.texts if known is not None else NOTHING_KNOWN
    chunks = read_file(file, chunksize=chunksize, known=texts)
    while True:
        started = time.perf_counter()
        chunk = next(chunks, None)
        read = time.perf_counter()
        clock["read"] = clock.get("read", 0.0) + read - started
        if chunk is None:
            return
        if look_up is None:
            outcomes = [row_outcome(row, known) for row in chunk]
        else:  # the rows' content hashes once: for the look-up and for their lineage
            digests = [content_hash(row.data) for row in chunk]
            texts = {row.text_digest for row in chunk if row.text_digest is not None}
            versions = look_up(texts, set(digests))
            outcomes = [
                row_outcome(row, versions, digest)
                for row, digest in zip(chunk, digests, strict=True)
            ]
        clock["validate"] = clock.get("validate", 0.0) + time.perf_counter() - read
        yield outcomes


def parse_delivery(file: LandingFile, *, chunksize: int = 10_000) -> ParsedDelivery:
    """The whole delivery validated in memory: what a parallel reader hands back."""
    try:
        return ParsedDelivery(list(parse_rows(file, chunksize=chunksize)))
    except SourceFormatError as exc:
        return ParsedDelivery([], exc.reason)


def delivery_of(landing: Path, file: LandingFile, *, fresh: bool = False) -> Delivery:
    """The manifest facts of a delivery; raises SourceFormatError for undecodable bytes.

    The SHA-256 and encoding take a whole read, so they are kept per stamp: deciding
    whether a new delivery needs loading and then staging it read it once. `fresh` reads
    again whatever the stamp (a backfill)."""
    stamp = file_stamp(file)  # before the read: a file rewritten meanwhile is read next time
    facts = file_facts(file) if fresh else _facts_per_stamp(file, stamp)
    return Delivery(
        path=file.path.relative_to(landing).as_posix(),
        sha256=facts.sha256,
        file_kind=file.file_kind,
        record_kind=file.record_kind,
        export_day=file.export_day,
        encoding=facts.encoding,
        size_bytes=facts.size_bytes,
        stamp=stamp,
    )


@lru_cache(maxsize=1024)
def _facts_per_stamp(file: LandingFile, stamp: str) -> FileFacts:
    """`file_facts` of a delivery as it was at `stamp` (the key: a rewrite changes it)."""
    return file_facts(file)


def _stamped_unchanged(session: Session, landing: Path, file: LandingFile) -> bool:
    """Loaded before with the stamp it has now (size and modification time): no read."""
    return loaded_with_stamp(session, file.path.relative_to(landing).as_posix(), file_stamp(file))


def _loaded_before(session: Session, delivery: Delivery) -> IngestedFile | None:
    """The manifest entry of these bytes if they were loaded before. Under another stamp
    (touched, copied again) it takes the new one in the caller's transaction, so the next
    run knows the delivery without a read."""
    found = loaded_manifest(session, delivery.path, delivery.sha256)
    if found is not None:
        found.stamp = delivery.stamp
    return found


def needs_loading(session: Session, landing: Path, file: LandingFile, *, reprocess: bool) -> bool:
    """False for a delivery loaded before (same name, same bytes), unless reprocessing."""
    if reprocess:
        return True
    if _stamped_unchanged(session, landing, file):
        return False
    try:
        delivery = delivery_of(landing, file)
    except SourceFormatError:
        return True  # staging reports the rejection
    return _loaded_before(session, delivery) is None


def stage_delivery(
    session: Session,
    run_id: int,
    landing: Path,
    file: LandingFile,
    *,
    reprocess: bool = False,
    parsed: ParsedDelivery | None = None,
    chunksize: int = 10_000,
) -> StageOutcome:
    """Stage a delivery in the caller's transaction; a rejected file is noted and left whole.

    A delivery loaded before is skipped as unchanged, unless `reprocess` (a backfill) asks
    for it to be read again into its existing manifest entry: known by its stamp (size and
    modification time) without a read, else by its SHA-256. Rows are validated here,
    streaming chunk by chunk, unless a parallel reader already did it (`parsed`).
    """
    relative = file.path.relative_to(landing).as_posix()
    started = time.perf_counter()
    if not reprocess and _stamped_unchanged(session, landing, file):
        return StageOutcome(relative, file.record_kind, "unchanged", FileCounts())
    try:
        delivery = delivery_of(landing, file, fresh=reprocess)
    except SourceFormatError as exc:
        return _reject(session, run_id, relative, file, None, exc.reason)
    facts_seconds = time.perf_counter() - started  # its SHA-256 and encoding: one whole read
    loaded_before = _loaded_before(session, delivery)
    if loaded_before is not None and not reprocess:
        return StageOutcome(relative, file.record_kind, "unchanged", FileCounts())
    if parsed is not None and parsed.reason is not None:
        return _reject(session, run_id, relative, file, delivery, parsed.reason)
    stager = FileStager(
        session,
        run_id,
        delivery,
        manifest=loaded_before,
        suppressions=load_suppressions(session),
    )
    seconds: dict[str, float] = {"read": facts_seconds}
    chunks = (
        iter(parsed.chunks)
        if parsed is not None
        else parse_rows(file, chunksize=chunksize, seconds=seconds, **_versions(session, delivery))
    )
    try:
        for chunk in chunks:
            stage_chunk(stager, chunk)
    except SourceFormatError as exc:
        # Whatever was staged must go: the caller rolls the transaction back, then notes
        # the refusal in a fresh one (`reject_delivery`).
        raise DeliveryRefused(file, delivery, exc.reason) from exc
    counts = stager.finish()
    # Staging includes its setup: the current hashes and quarantined rows it checks against.
    total = time.perf_counter() - started
    seconds["stage"] = total - seconds.get("read", 0.0) - seconds.get("validate", 0.0)
    log.info("staged %s: %s", relative, counts.as_dict())
    return StageOutcome(relative, file.record_kind, "loaded", counts, seconds=seconds)


# A delivery this small (a day's new receipts or calls, a few thousand rows) looks its
# rows up among the current versions of its kind: reading all of them (a snapshot's
# 100k rows, 0.15 s) would cost more than the delivery.
LOOK_UP_BELOW_BYTES = 1 << 20


def _versions(session: Session, delivery: Delivery) -> _Versions:
    """`parse_rows`'s `known` (every current version of the delivery's kind) or, for a
    small delivery, its `look_up` of each chunk's rows."""
    source = delivery.record_kind
    if delivery.size_bytes >= LOOK_UP_BELOW_BYTES:
        return {"known": current_versions(session, source)}
    return {"look_up": partial(versions_among, session, source)}


class _Versions(TypedDict, total=False):
    known: CurrentVersions
    look_up: LookUp


def stage_chunk(stager: FileStager, chunk: list[RowOutcome]) -> None:
    """Hand one chunk's outcomes to the stager and write them."""
    for outcome in chunk:
        if outcome.kind == "loaded" and outcome.parsed is not None:
            stager.loaded(outcome.parsed, outcome.lineage)
        elif outcome.kind == "quarantined":
            stager.quarantined(outcome.reasons, outcome.lineage)
        elif outcome.kind == "duplicate":
            stager.duplicate(outcome.lineage)
        else:
            stager.skipped(outcome.reasons[0])
    stager.flush()


class DeliveryRefused(Exception):
    """A delivery that failed its format check after staging began (a lazily read member)."""

    def __init__(self, file: LandingFile, delivery: Delivery, reason: str) -> None:
        super().__init__(reason)
        self.file = file
        self.delivery = delivery
        self.reason = reason


def reject_delivery(session: Session, run_id: int, refused: DeliveryRefused) -> StageOutcome:
    """Note a refused delivery in its own transaction, after its staging was rolled back."""
    return _reject(
        session, run_id, refused.delivery.path, refused.file, refused.delivery, refused.reason
    )


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
