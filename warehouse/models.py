"""SQLAlchemy 2 models of the warehouse: lineage, staging, golden customers and their evidence."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations can refer to them on every database.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

JsonType = JSON().with_variant(JSONB(), "postgresql")
UtcDateTime = DateTime(timezone=True)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dict[str, Any]: JsonType, list[Any]: JsonType}


class PipelineRun(Base):
    """One execution of the consolidate flow, with the counts it reports."""

    __tablename__ = "pipeline_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    status: Mapped[str] = mapped_column(String(16))  # running / succeeded / failed
    landing: Mapped[str] = mapped_column(Text)
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class IngestedFile(Base):
    """The manifest: a delivery is processed once, keyed by its name and content hash."""

    __tablename__ = "ingested_file"
    __table_args__ = (UniqueConstraint("path", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))
    path: Mapped[str] = mapped_column(String(512))
    sha256: Mapped[str] = mapped_column(String(64))
    file_kind: Mapped[str] = mapped_column(String(40))
    record_kind: Mapped[str] = mapped_column(String(40))
    export_day: Mapped[date] = mapped_column(Date)
    encoding: Mapped[str] = mapped_column(String(20))
    size_bytes: Mapped[int] = mapped_column(Integer)
    # Size and modification time as last seen (`connectors.landing.file_stamp`): the same
    # stamp at the same path is the same delivery without reading it again.
    stamp: Mapped[str | None] = mapped_column(String(80))
    status: Mapped[str] = mapped_column(String(16))  # loaded / rejected
    reason: Mapped[str | None] = mapped_column(Text)
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    rows_loaded: Mapped[int] = mapped_column(Integer, default=0)
    rows_quarantined: Mapped[int] = mapped_column(Integer, default=0)
    rows_duplicate: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    rows_suppressed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    skip_reasons: Mapped[dict[str, Any]] = mapped_column(default=dict)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class RecordFields:
    """The delivered record as normalized and as delivered: shared by current and past versions."""

    has_identity: Mapped[bool] = mapped_column(Boolean, default=True)
    salutation: Mapped[str | None] = mapped_column(String(20))
    title: Mapped[str | None] = mapped_column(String(40))
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    name_suffix: Mapped[str | None] = mapped_column(String(20))
    company: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    birth_month_day: Mapped[str | None] = mapped_column(String(5))
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(20))
    phone_alt: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(200))
    house_number: Mapped[str | None] = mapped_column(String(20))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    identifiers: Mapped[list[Any]] = mapped_column(default=list)
    quality_flags: Mapped[list[Any]] = mapped_column(default=list)
    updated_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    raw: Mapped[dict[str, Any]] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    valid_from: Mapped[date] = mapped_column(Date)  # export day of the delivery that brought it
    file_id: Mapped[int] = mapped_column(ForeignKey("ingested_file.id"))
    line: Mapped[int] = mapped_column(Integer)
    member: Mapped[str | None] = mapped_column(String(200))


RECORD_FIELDS: tuple[str, ...] = tuple(RecordFields.__annotations__)


class SourceRecord(RecordFields, Base):
    """The current version of one source record: normalized fields, raw payload, lineage."""

    __tablename__ = "source_record"
    __table_args__ = (
        UniqueConstraint("source", "source_key"),
        # Each delivery checks its rows against its kind's current hashes and text
        # digests (exact duplicates): an index-only read instead of a scan of every row.
        Index("ix_source_record_source_hashes", "source", "content_hash", "text_digest"),
        # Every match plans on the identity records' ids and last runs (`identity_index`),
        # and publishing asks which records this run wrote: index-only reads, not scans
        # of every record's row (0.2 s each at 394k records). `has_identity` comes last so
        # that no query searches by it and then fetches every record's row at random.
        Index("ix_source_record_id_runs", "id", "last_run_id", "has_identity"),
        Index("ix_source_record_last_run_id", "last_run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(40))
    source_key: Mapped[str] = mapped_column(String(200))
    first_run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))
    last_run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))
    # `RawRow.text_digest` of the delivered text of the current version, where known.
    text_digest: Mapped[str | None] = mapped_column(String(32))


class SourceRecordVersion(RecordFields, Base):
    """A superseded version of a source record, valid on export days [valid_from, valid_to).

    A moved customer's old address stays queryable here; the current version is the
    `source_record` row itself.
    """

    __tablename__ = "source_record_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    valid_to: Mapped[date] = mapped_column(Date)
    run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))  # the run that superseded it


class Quarantine(Base):
    """A row that failed validation: kept whole with one reason per problem, and the
    content hash of the row (`warehouse.staging.content_hash`), by which the same bad row
    delivered again is known as a duplicate; none once retention removed the payload."""

    __tablename__ = "quarantine"
    __table_args__ = (Index("ix_quarantine_source_content_hash", "source", "content_hash"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))
    file_id: Mapped[int] = mapped_column(ForeignKey("ingested_file.id"), index=True)
    source: Mapped[str] = mapped_column(String(40))
    line: Mapped[int] = mapped_column(Integer)
    member: Mapped[str | None] = mapped_column(String(200))
    raw: Mapped[dict[str, Any]] = mapped_column()
    reasons: Mapped[list[Any]] = mapped_column()
    content_hash: Mapped[str | None] = mapped_column(String(64))


class Customer(Base):
    """A golden record: one real person, a stable ID, each field with its provenance."""

    __tablename__ = "customer"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active / retired
    merged_into: Mapped[str | None] = mapped_column(String(20))
    created_run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))
    updated_run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))
    title: Mapped[str | None] = mapped_column(String(40))
    first_name: Mapped[str | None] = mapped_column(String(200))
    last_name: Mapped[str | None] = mapped_column(String(200))
    name_suffix: Mapped[str | None] = mapped_column(String(20))
    company: Mapped[str | None] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(20))
    street: Mapped[str | None] = mapped_column(String(200))
    house_number: Mapped[str | None] = mapped_column(String(20))
    postal_code: Mapped[str | None] = mapped_column(String(10))
    city: Mapped[str | None] = mapped_column(String(100))
    country: Mapped[str | None] = mapped_column(String(2))
    provenance: Mapped[dict[str, Any]] = mapped_column(default=dict)
    record_count: Mapped[int] = mapped_column(Integer, default=0)
    # The source kinds of its records, sorted and comma-separated (`customer_sources`).
    sources: Mapped[str | None] = mapped_column(String(400))


class CustomerLink(Base):
    """Which customer a source record belongs to, how sure we are, and why."""

    __tablename__ = "customer_link"

    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), primary_key=True
    )
    customer_id: Mapped[str] = mapped_column(ForeignKey("customer.id"), index=True)
    method: Mapped[str] = mapped_column(String(16))  # auto / review / manual / single
    score: Mapped[float | None] = mapped_column()
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))


class MatchReview(Base):
    """A candidate pair scored between the thresholds, waiting for a human."""

    __tablename__ = "match_review"
    # The unique pair serves look-ups by the left record; the right one has its own index
    # (an incremental match reads the pending pairs touching its region from both sides,
    # and erasing a record cascades to the pairs naming it on either side).
    __table_args__ = (
        UniqueConstraint("left_record_id", "right_record_id"),
        Index("ix_match_review_right_record_id", "right_record_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    left_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"))
    right_record_id: Mapped[int] = mapped_column(ForeignKey("source_record.id", ondelete="CASCADE"))
    score: Mapped[float] = mapped_column()
    evidence: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))
    # Kinds of one-person value both customers hold, comma-separated (`email,address`):
    # two people more often than not, so the queue shows these items last.
    apart: Mapped[str | None] = mapped_column(String(120), default=None)


class MatchDecision(Base):
    """A person's decision on two source records; every later run respects it.

    Made by `merge` (must_link), `unmerge` (cannot_link) and review accept / reject. The
    latest decision on a pair is the one that counts.
    """

    __tablename__ = "match_decision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))  # must_link / cannot_link
    left_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    right_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    origin: Mapped[str] = mapped_column(String(16))  # merge / unmerge / review
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UtcDateTime)


class MatchRun(Base):
    """One matching: full (parameters fitted on all records) or incremental (the latest
    full match's parameters, re-clustering only around what changed since the last one).

    Records whose `last_run_id` is above the latest match run's `run_id` are the next
    incremental match's changes; `parameters` make every run's scores reproducible.
    """

    __tablename__ = "match_run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"), index=True)
    mode: Mapped[str] = mapped_column(String(16))  # full / incremental
    reason: Mapped[str] = mapped_column(Text)  # why this mode
    settings_fingerprint: Mapped[str] = mapped_column(String(64))
    records: Mapped[int] = mapped_column()  # identity records at this match
    fitted_records: Mapped[int] = mapped_column()  # records the parameters were fitted on
    changed_records: Mapped[int] = mapped_column()  # new or changed since the last match
    region_records: Mapped[int] = mapped_column()  # records re-clustered
    parameters: Mapped[dict[str, Any]] = mapped_column()
    seconds: Mapped[float] = mapped_column()
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class MatchFeaturePart(Base):
    """Matching's columns of the records (`matching.features.build_features`) as a
    compressed Arrow file, kept so an incremental match recomputes only what changed
    (`warehouse.feature_store`). Derived data: erasure deletes every part."""

    __tablename__ = "match_feature_part"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"), index=True)
    fingerprint: Mapped[str] = mapped_column(String(64))  # the feature code and nickname lists
    records: Mapped[int] = mapped_column()
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class IdentityEvent(Base):
    """How customer IDs changed: created, merged into another, split off."""

    __tablename__ = "identity_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))
    kind: Mapped[str] = mapped_column(String(16))  # created / merged / split / retired
    old_customer_id: Mapped[str | None] = mapped_column(String(20))
    new_customer_id: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UtcDateTime)


class Touchpoint(Base):
    """An interaction (order, call, receipt …) from one source record."""

    __tablename__ = "touchpoint"
    __table_args__ = (Index("ix_touchpoint_kind_time", "kind", "occurred_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    occurred_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    reference: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str | None] = mapped_column(String(40))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    currency: Mapped[str | None] = mapped_column(String(3))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Consent(Base):
    """A consent fact per channel with its proof, from one source record."""

    __tablename__ = "consent"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_record_id: Mapped[int] = mapped_column(
        ForeignKey("source_record.id", ondelete="CASCADE"), index=True
    )
    channel: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(20))
    opted_in_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    evidence: Mapped[str | None] = mapped_column(Text)


class SourceCursor(Base):
    """How far a generic SQL source has been read: the highest cursor value loaded so far.

    Written in the transaction that stages the pull, so rows and cursor commit together.
    Text, as the database reads it back for `:cursor` (ISO timestamps, ids).
    """

    __tablename__ = "source_cursor"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # the source's name
    cursor_value: Mapped[str | None] = mapped_column(Text)
    updated_run_id: Mapped[int] = mapped_column(ForeignKey("pipeline_run.id"))


class Suppression(Base):
    """An erased person's identifying values as salted hashes, so old exports stay erased.

    Holds no personal data: only `digest` = sha256(salt + kind + value), the request
    reference and the date (GDPR Art. 17 with Art. 5(2) accountability).
    """

    __tablename__ = "suppression"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    digest: Mapped[str] = mapped_column(String(64), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # record / email
    request_ref: Mapped[str] = mapped_column(String(200))
    erased_at: Mapped[datetime] = mapped_column(UtcDateTime)


class WarehouseSecret(Base):
    """Per-warehouse random values, e.g. the salt of the suppression hashes."""

    __tablename__ = "warehouse_secret"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))
