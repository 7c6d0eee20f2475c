"""Staging: write one delivery's rows as source records, quarantine rows and counts.

A delivery is staged in one transaction together with its manifest row, so a crash
leaves either the whole file or nothing, and a re-run picks up exactly where it failed.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Table, bindparam, delete, func, insert, literal, select, text, update
from sqlalchemy.orm import Session

from schemas.records import ParsedRow
from warehouse.batches import batches
from warehouse.bulk import fetch_tuples, insert_rows, update_rows
from warehouse.models import (
    RECORD_FIELDS,
    Base,
    Consent,
    IngestedFile,
    Quarantine,
    SourceRecord,
    SourceRecordVersion,
    Touchpoint,
)
from warehouse.privacy import Suppressions
from warehouse.statistics import PlannerStatistics

_TABLES = Base.metadata.tables  # Core tables: bulk inserts without the ORM's per-row work


@dataclass(frozen=True)
class Delivery:
    """What the manifest records of a landing file before its rows are read."""

    path: str
    sha256: str
    file_kind: str
    record_kind: str
    export_day: date
    encoding: str
    size_bytes: int
    stamp: str | None = None  # size and modification time; none for a SQL pull


@dataclass(frozen=True)
class Lineage:
    line: int
    member: str | None
    raw: Mapping[str, Any]
    digest: str | None = None  # content_hash(raw), when the caller already computed it
    text_digest: str | None = None  # RawRow.text_digest


@dataclass
class FileCounts:
    """Where every row of a delivery went.

    read = loaded + quarantined + duplicate + skipped + suppressed (rows of erased persons).
    """

    read: int = 0
    inserted: int = 0
    updated: int = 0
    quarantined: int = 0
    duplicate: int = 0
    skipped: int = 0
    suppressed: int = 0
    skip_reasons: Counter[str] = field(default_factory=Counter)

    @property
    def loaded(self) -> int:
        return self.inserted + self.updated

    def add(self, other: FileCounts) -> None:
        for name in (
            "read",
            "inserted",
            "updated",
            "quarantined",
            "duplicate",
            "skipped",
            "suppressed",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.skip_reasons.update(other.skip_reasons)

    def as_dict(self) -> dict[str, int]:
        return {
            "read": self.read,
            "loaded": self.loaded,
            "inserted": self.inserted,
            "updated": self.updated,
            "quarantined": self.quarantined,
            "duplicate": self.duplicate,
            "skipped": self.skipped,
            "suppressed": self.suppressed,
        }


# One encoder for every row (json.dumps builds a new one per call); its text is exactly
# json.dumps(raw, sort_keys=True, ensure_ascii=False, default=str), so hashes stay equal to
# those already stored. Delivered rows are parsed CSV / JSON: never circular.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, ensure_ascii=False, default=str, check_circular=False
).encode


def content_hash(raw: Mapping[str, Any]) -> str:
    """A stable hash of a delivered row: equal rows are exact duplicates."""
    return hashlib.sha256(_CANONICAL(raw).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class CurrentVersions:
    """What the current versions of one record kind's records look like: a delivered row
    with one of these content hashes, or text digests, is an exact duplicate."""

    hashes: set[str]
    texts: set[str]


def current_versions(session: Session, source: str) -> CurrentVersions:
    """Content hashes and text digests of the current versions of one kind's records.

    Daily full snapshots repeat most of their rows: a row known by its text needs neither
    parsing nor hashing, one known by its content hash no validation.
    """
    query = select(SourceRecord.content_hash, SourceRecord.text_digest).where(
        SourceRecord.source == source
    )
    rows = fetch_tuples(session, query)  # 100k rows: driver tuples, no Row objects
    return CurrentVersions({h for h, _ in rows}, {t for _, t in rows if t is not None})


def versions_among(
    session: Session, source: str, texts: Collection[str], hashes: Collection[str]
) -> CurrentVersions:
    """Which of these text digests and content hashes a current version of one kind's
    records has: a small delivery looks its rows up instead of reading every current
    version of its kind (`current_versions`)."""
    by_source = SourceRecord.source == source
    known = CurrentVersions(set(), set())
    for found, column, wanted in (
        (known.texts, SourceRecord.text_digest, texts),
        (known.hashes, SourceRecord.content_hash, hashes),
    ):
        for batch in batches(sorted(wanted)):
            query = select(column).where(by_source, column.in_(batch))
            found.update(value for (value,) in fetch_tuples(session, query))
    return known


def loaded_manifest(session: Session, path: str, sha256: str) -> IngestedFile | None:
    """The manifest entry of this exact delivery (same name, same bytes) if it was loaded.

    A rejected delivery is tried again on every run, so it keeps being reported until
    someone fixes or removes it.
    """
    return session.scalar(
        select(IngestedFile).where(
            IngestedFile.path == path,
            IngestedFile.sha256 == sha256,
            IngestedFile.status == "loaded",
        )
    )


def loaded_with_stamp(session: Session, path: str, stamp: str) -> bool:
    """Whether the delivery at `path` was loaded when it had this stamp (same size, same
    modification time): unchanged without hashing its bytes again, the check rsync makes.
    With months of daily snapshots in the landing folder, hashing them all on every run
    would cost more than the new day."""
    found = session.scalar(
        select(IngestedFile.id)
        .where(
            IngestedFile.path == path,
            IngestedFile.stamp == stamp,
            IngestedFile.status == "loaded",
        )
        .limit(1)
    )
    return found is not None


def is_ingested(session: Session, path: str, sha256: str) -> bool:
    return loaded_manifest(session, path, sha256) is not None


def record_rejected_file(session: Session, run_id: int, delivery: Delivery, reason: str) -> None:
    """Note a delivery that was skipped whole (bad header, undecodable bytes)."""
    session.execute(
        delete(IngestedFile).where(
            IngestedFile.path == delivery.path,
            IngestedFile.sha256 == delivery.sha256,
            IngestedFile.status == "rejected",
        )
    )
    session.add(_manifest_row(run_id, delivery, status="rejected", reason=reason))


def _manifest_row(
    run_id: int, delivery: Delivery, *, status: str, reason: str | None
) -> IngestedFile:
    return IngestedFile(
        run_id=run_id,
        path=delivery.path,
        sha256=delivery.sha256,
        file_kind=delivery.file_kind,
        record_kind=delivery.record_kind,
        export_day=delivery.export_day,
        encoding=delivery.encoding,
        size_bytes=delivery.size_bytes,
        stamp=delivery.stamp,
        status=status,
        reason=reason,
        processed_at=datetime.now(UTC),
    )


class FileStager:
    """Collects a delivery's row outcomes chunk by chunk and writes them in bulk."""

    def __init__(
        self,
        session: Session,
        run_id: int,
        delivery: Delivery,
        *,
        manifest: IngestedFile | None = None,
        suppressions: Suppressions | None = None,
    ) -> None:
        """`manifest`: the delivery's entry from an earlier load, when it is read again;
        `suppressions`: erased persons, whose rows are counted but not kept."""
        self._session = session
        self._run_id = run_id
        self._delivery = delivery
        if manifest is None:
            manifest = _manifest_row(run_id, delivery, status="loaded", reason=None)
            session.add(manifest)
        else:
            manifest.run_id = run_id
            manifest.stamp = delivery.stamp
            manifest.processed_at = datetime.now(UTC)
        # A bad row delivered again (the next daily snapshot, a backfill) is a duplicate of
        # the quarantined one, not a second quarantine entry. Their stored hashes, read from
        # the index: not every payload decoded and hashed again for each delivery.
        self._quarantined_hashes = set(
            session.scalars(
                select(Quarantine.content_hash).where(
                    Quarantine.source == delivery.record_kind,
                    Quarantine.content_hash.is_not(None),
                )
            )
        )
        self._file = manifest
        self._suppressions = suppressions
        session.flush()
        self.counts = FileCounts()
        self._loaded: list[tuple[ParsedRow, Lineage]] = []
        self._quarantined: list[dict[str, Any]] = []
        self._texts: list[dict[str, str]] = []  # text digests of rows known by content
        self._statistics = PlannerStatistics(session)

    def loaded(self, parsed: ParsedRow, lineage: Lineage) -> None:
        self.counts.read += 1
        if self._suppressions is not None and self._suppressions.record(parsed.record):
            self.counts.suppressed += 1
            return
        self._loaded.append((parsed, lineage))

    def quarantined(self, reasons: Iterable[str], lineage: Lineage) -> None:
        self.counts.read += 1
        if self._suppressions is not None and self._suppressions.raw(lineage.raw):
            self.counts.suppressed += 1
            return
        digest = lineage.digest or content_hash(lineage.raw)
        if digest in self._quarantined_hashes:
            self.counts.duplicate += 1
            return
        self._quarantined_hashes.add(digest)
        self.counts.quarantined += 1
        self._quarantined.append(
            {
                "run_id": self._run_id,
                "file_id": self._file.id,
                "source": self._delivery.record_kind,
                "line": lineage.line,
                "member": lineage.member,
                "raw": dict(lineage.raw),
                "reasons": list(reasons),
                "content_hash": digest,
            }
        )

    def duplicate(self, lineage: Lineage | None = None) -> None:
        """A row identical to the current version of its record: nothing to write, except
        its text digest (`_learn_text`)."""
        self.counts.read += 1
        self.counts.duplicate += 1
        if lineage is not None and lineage.digest is not None:
            self._learn_text(lineage.digest, lineage)

    def _learn_text(self, digest: str, lineage: Lineage) -> None:
        """Note the text digest of a row known by its content hash `digest` only (a
        warehouse from before text digests, or the same row quoted otherwise): the next
        delivery knows it by its text."""
        if lineage.text_digest:
            self._texts.append({"hash": digest, "text": lineage.text_digest})

    def skipped(self, reason: str) -> None:
        self.counts.read += 1
        self.counts.skipped += 1
        self.counts.skip_reasons[reason] += 1

    def flush(self) -> None:
        """Write what has been collected so far (call once per chunk)."""
        if self._quarantined:
            insert_rows(self._session, _TABLES["quarantine"], self._quarantined)
            self._quarantined = []
        if self._loaded:
            self._write_records(self._loaded)
            self._loaded = []
        if self._texts:
            records = _TABLES["source_record"]
            learn = (
                update(records)
                .where(
                    records.c.source == self._delivery.record_kind,
                    records.c.content_hash == bindparam("hash"),
                )
                .values(text_digest=bindparam("text"))
            )
            self._session.connection().execute(learn, self._texts)  # Core: an executemany
            self._texts = []

    def finish(self, *, sha256: str | None = None, size_bytes: int | None = None) -> FileCounts:
        """Write the rest and the counts. A SQL pull passes its hash and size here: they are
        known only after its last row."""
        self.flush()
        if sha256 is not None:
            self._file.sha256 = sha256
        if size_bytes is not None:
            self._file.size_bytes = size_bytes
        self._file.rows_read = self.counts.read
        self._file.rows_loaded = self.counts.loaded
        self._file.rows_quarantined = self.counts.quarantined
        self._file.rows_duplicate = self.counts.duplicate
        self._file.rows_skipped = self.counts.skipped
        self._file.rows_suppressed = self.counts.suppressed
        self._file.skip_reasons = dict(self.counts.skip_reasons)
        self._refresh_statistics()
        return self.counts

    def _refresh_statistics(self) -> None:
        """After a delivery, let PostgreSQL's planner see the grown tables: a first load
        fills them inside transactions autovacuum cannot analyze in time, and key lookups
        planned for an empty table turn into sequential scans. Child rows are counted by
        the records that carry them."""
        for table in ("touchpoint", "consent"):
            self._statistics.refresh(table, self.counts.inserted + self.counts.updated)
        self._statistics.refresh("source_record", self.counts.inserted)

    def _write_records(self, rows: list[tuple[ParsedRow, Lineage]]) -> None:
        # On stale statistics PostgreSQL expects a source's records to be a handful and
        # looks up a chunk's keys by scanning all of that source's records, per batch of
        # keys: measured on a first load of 230k rows, 11.1 s of lookups (SQLite 0.5 s).
        self._statistics.refresh("source_record", self.counts.inserted)
        by_key: dict[tuple[str, str], tuple[ParsedRow, Lineage, str]] = {}
        for parsed, lineage in rows:
            key: tuple[str, str] = (parsed.record.source, parsed.record.source_key)
            digest = lineage.digest or content_hash(lineage.raw)
            previous = by_key.get(key)
            if previous is not None and previous[2] == digest:
                self.counts.duplicate += 1  # the same row twice in one chunk
                continue
            if previous is not None:
                self.counts.updated += 1  # a later row of the same key supersedes the earlier
            by_key[key] = (parsed, lineage, digest)
        existing = _existing_versions(self._session, list(by_key))
        day = self._delivery.export_day
        inserts: list[dict[str, Any]] = []
        inserted_rows: list[ParsedRow] = []
        changed: dict[int, tuple[ParsedRow, dict[str, Any]]] = {}
        late: list[dict[str, Any]] = []
        for key, (parsed, lineage, digest) in by_key.items():
            known = existing.get(key)
            if known is None:
                inserts.append(self._record_values(parsed, lineage, digest))
                inserted_rows.append(parsed)
                self.counts.inserted += 1
                continue
            record_id, known_digest, known_from = known
            if known_digest == digest:
                self.counts.duplicate += 1
                self._learn_text(digest, lineage)
                continue
            values = self._record_values(parsed, lineage, digest)
            if day < known_from:  # an older export arrived late: it is history, not current
                late.append(self._version_values(record_id, values, valid_to=known_from))
                continue
            self.counts.updated += 1
            # Its key stays: not set again, so the unique (source, source_key) index
            # entry of each changed record is not rewritten.
            for unchanged in ("first_run_id", "source", "source_key"):
                del values[unchanged]
            changed[record_id] = (parsed, values)
        if inserts:
            ids = allocate_ids(self._session, _TABLES["source_record"], len(inserts))
            for record_id, values in zip(ids, inserts, strict=True):
                values["id"] = record_id
            # Known ids, so a bulk load: far faster than inserts with RETURNING.
            insert_rows(self._session, _TABLES["source_record"], inserts)
            self._write_children(list(zip(ids, inserted_rows, strict=True)))
        late = self._new_versions(late)
        if late:
            self._session.execute(insert(SourceRecordVersion), late)
        if changed:
            record_ids = list(changed)
            self._archive_current(record_ids, valid_to=day)
            self._session.execute(
                delete(Touchpoint).where(Touchpoint.source_record_id.in_(record_ids))
            )
            self._session.execute(delete(Consent).where(Consent.source_record_id.in_(record_ids)))
            update_rows(
                self._session,
                _TABLES["source_record"],
                [{"id": rid, **values} for rid, (_, values) in changed.items()],
            )
            self._write_children([(rid, parsed) for rid, (parsed, _) in changed.items()])

    def _new_versions(self, versions: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Late versions not already in the history; the rest are duplicates (a backfill)."""
        if not versions:
            return []
        known: set[tuple[int, str]] = set()
        record_ids = sorted({v["source_record_id"] for v in versions})
        for batch in batches(record_ids):
            rows = self._session.execute(
                select(
                    SourceRecordVersion.source_record_id, SourceRecordVersion.content_hash
                ).where(SourceRecordVersion.source_record_id.in_(batch))
            )
            known.update((rid, digest) for rid, digest in rows)
        fresh = [v for v in versions if (v["source_record_id"], v["content_hash"]) not in known]
        self.counts.duplicate += len(versions) - len(fresh)
        self.counts.updated += len(fresh)
        return fresh

    def _archive_current(self, record_ids: list[int], *, valid_to: date) -> None:
        """Copy the current versions of these records into the history before they change."""
        target = ["source_record_id", *RECORD_FIELDS, "valid_to", "run_id"]
        for batch in batches(record_ids):
            current = select(
                SourceRecord.id,
                *(getattr(SourceRecord, name) for name in RECORD_FIELDS),
                literal(valid_to),
                literal(self._run_id),
            ).where(SourceRecord.id.in_(batch))
            self._session.execute(insert(SourceRecordVersion).from_select(target, current))

    def _version_values(
        self, record_id: int, values: dict[str, Any], *, valid_to: date
    ) -> dict[str, Any]:
        version = {name: values[name] for name in RECORD_FIELDS}
        version.update(source_record_id=record_id, valid_to=valid_to, run_id=self._run_id)
        return version

    def _record_values(self, parsed: ParsedRow, lineage: Lineage, digest: str) -> dict[str, Any]:
        # A flat frozen model's __dict__ is its fields: model_dump's values at a third of the cost
        values = dict(parsed.record.__dict__)
        values["identifiers"] = list(parsed.record.identifiers)
        values["quality_flags"] = list(parsed.record.quality_flags)
        values.update(
            raw=dict(lineage.raw),
            content_hash=digest,
            text_digest=lineage.text_digest,
            file_id=self._file.id,
            line=lineage.line,
            member=lineage.member,
            valid_from=self._delivery.export_day,
            first_run_id=self._run_id,
            last_run_id=self._run_id,
        )
        return values

    def _write_children(self, records: list[tuple[int, ParsedRow]]) -> None:
        touchpoints = [
            {"source_record_id": rid, **tp.__dict__}
            for rid, parsed in records
            for tp in parsed.touchpoints
        ]
        consents = [
            {"source_record_id": rid, **c.__dict__}
            for rid, parsed in records
            for c in parsed.consents
        ]
        if touchpoints:
            insert_rows(self._session, _TABLES["touchpoint"], touchpoints)
        if consents:
            insert_rows(self._session, _TABLES["consent"], consents)


def allocate_ids(session: Session, table: Table, count: int) -> list[int]:
    """`count` fresh primary keys for a bulk insert; callers hold the writer lock.

    PostgreSQL draws them from the table's sequence in one round trip; SQLite (one writer)
    continues after the highest id.
    """
    if count == 0:
        return []
    if session.get_bind().dialect.name == "postgresql":
        rows = session.execute(
            text(
                "SELECT nextval(pg_get_serial_sequence(:table, 'id')) FROM generate_series(1, :n)"
            ),
            {"table": table.name, "n": count},
        )
        return [int(value) for (value,) in rows]
    highest = session.scalar(select(func.max(table.c.id))) or 0
    return list(range(highest + 1, highest + 1 + count))


def _existing_versions(
    session: Session, keys: list[tuple[str, str]]
) -> dict[tuple[str, str], tuple[int, str, date]]:
    """(source, source_key) -> id, content hash and valid-from day of the current version."""
    found: dict[tuple[str, str], tuple[int, str, date]] = {}
    by_source: dict[str, list[str]] = {}
    for source, key in keys:
        by_source.setdefault(source, []).append(key)
    for source, source_keys in by_source.items():
        for batch in batches(source_keys):
            rows = session.connection().execute(
                select(
                    SourceRecord.source_key,
                    SourceRecord.id,
                    SourceRecord.content_hash,
                    SourceRecord.valid_from,
                ).where(SourceRecord.source == source, SourceRecord.source_key.in_(batch))
            )
            for source_key, record_id, digest, valid_from in rows:
                found[(source, source_key)] = (record_id, digest, valid_from)
    return found
