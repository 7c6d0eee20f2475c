"""GDPR erasure (Art. 17): forget a person everywhere, keep only a suppression entry.

What is removed: every linked source record with its past versions, raw payloads,
touchpoints, consent, review items and match decisions; the quarantine rows that carry the
person's email, phone or name with address; the golden fields of the customer and of every
ID retired into it. The customer ID stays as an empty `erased` row so it is never issued
again. What is kept: salted hashes of the natural keys and emails (`suppression`), so a
re-delivered old export is counted as suppressed instead of bringing the person back.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from schemas.errors import NotFound, WarehouseError
from schemas.records import CustomerRecord
from warehouse.batches import batches
from warehouse.dossier import resolve_customer_id
from warehouse.feature_store import forget_features
from warehouse.models import (
    Consent,
    Customer,
    CustomerLink,
    IdentityEvent,
    MatchDecision,
    MatchReview,
    Quarantine,
    SourceRecord,
    SourceRecordVersion,
    Suppression,
    Touchpoint,
    WarehouseSecret,
)
from warehouse.publish import GOLDEN_FIELDS

_SALT = "suppression_salt"
_MIN_PHONE_DIGITS = 7


def _salt(session: Session) -> str:
    """The warehouse's own random salt, made on first use: hashes mean nothing elsewhere."""
    found = session.get(WarehouseSecret, _SALT)
    if found is not None:
        return found.value
    value = secrets.token_hex(32)
    session.add(WarehouseSecret(name=_SALT, value=value))
    session.flush()
    return value


def _digest(salt: str, kind: str, value: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{kind}\x1f{value}".encode()).hexdigest()


@dataclass(frozen=True)
class Suppressions:
    """The suppression list of one warehouse, ready to test incoming rows against."""

    salt: str
    digests: frozenset[str]

    def record(self, record: CustomerRecord) -> bool:
        if not self.digests:
            return False
        if _digest(self.salt, "record", f"{record.source}:{record.source_key}") in self.digests:
            return True
        return record.email is not None and self._email(record.email)

    def raw(self, raw: Mapping[str, Any]) -> bool:
        """A quarantined row: any delivered value equal to an erased email."""
        return bool(self.digests) and any(
            isinstance(value, str) and "@" in value and self._email(value) for value in raw.values()
        )

    def _email(self, email: str) -> bool:
        return _digest(self.salt, "email", email.strip().lower()) in self.digests


def load_suppressions(session: Session) -> Suppressions:
    digests = frozenset(session.scalars(select(Suppression.digest)))
    return Suppressions(_salt(session) if digests else "", digests)


@dataclass(frozen=True)
class ErasureReport:
    customer_id: str
    customer_ids: list[str]
    source_records: int
    quarantine_rows: int
    suppression_entries: int


def customers_by_contact(
    session: Session, *, email: str | None = None, phone: str | None = None
) -> list[str]:
    """Active customers whose records carry this email or phone (E.164)."""
    conditions = []
    if email:
        conditions.append(SourceRecord.email == email.strip().lower())
    if phone:
        conditions.append(or_(SourceRecord.phone == phone, SourceRecord.phone_alt == phone))
    if not conditions:
        raise WarehouseError("give a customer ID, an email or a phone number")
    return sorted(
        set(
            session.scalars(
                select(CustomerLink.customer_id)
                .join(SourceRecord, SourceRecord.id == CustomerLink.source_record_id)
                .where(or_(*conditions))
            )
        )
    )


def forget_customer(
    session: Session, run_id: int, customer_id: str, request_ref: str
) -> ErasureReport:
    """Erase one person in the caller's transaction (run it under the writer lock)."""
    if not request_ref.strip():
        raise WarehouseError("an erasure needs a request reference (--request)")
    active_id, _ = resolve_customer_id(session, customer_id)
    customer_ids = _absorbed_ids(session, active_id)
    record_ids = list(
        session.scalars(
            select(CustomerLink.source_record_id).where(CustomerLink.customer_id == active_id)
        )
    )
    if not record_ids and session.get_one(Customer, active_id).status == "erased":
        raise NotFound(f"customer {customer_id} was already erased")
    records = list(session.scalars(select(SourceRecord).where(SourceRecord.id.in_(record_ids))))
    versions = list(
        session.scalars(
            select(SourceRecordVersion).where(SourceRecordVersion.source_record_id.in_(record_ids))
        )
    )
    held: list[SourceRecord | SourceRecordVersion] = [*records, *versions]
    quarantine_ids = _quarantine_rows_of(session, held)
    salt = _salt(session)
    now = datetime.now(UTC)
    entries = {
        ("record", _digest(salt, "record", f"{r.source}:{r.source_key}")) for r in records
    } | {("email", _digest(salt, "email", r.email.lower())) for r in held if r.email}
    if entries:
        session.execute(
            insert(Suppression),
            [
                {"digest": d, "kind": k, "request_ref": request_ref, "erased_at": now}
                for k, d in sorted(entries)
            ],
        )
    _delete_records(session, record_ids)
    if quarantine_ids:
        session.execute(delete(Quarantine).where(Quarantine.id.in_(quarantine_ids)))
    blank = {name: None for name in GOLDEN_FIELDS}
    session.execute(
        update(Customer)
        .where(Customer.id.in_(customer_ids))
        .values(
            status="erased", merged_into=None, provenance={}, record_count=0, sources=None, **blank
        )
    )
    session.add(
        IdentityEvent(
            run_id=run_id,
            kind="erased",
            old_customer_id=active_id,
            new_customer_id=None,
            reason=f"erased on request {request_ref}",
            at=now,
        )
    )
    return ErasureReport(active_id, customer_ids, len(records), len(quarantine_ids), len(entries))


def _absorbed_ids(session: Session, active_id: str) -> list[str]:
    """The customer and every ID retired into it, directly or through a chain."""
    found = [active_id]
    frontier = [active_id]
    while frontier:
        frontier = list(
            session.scalars(select(Customer.id).where(Customer.merged_into.in_(frontier)))
        )
        frontier = [i for i in frontier if i not in found]
        found.extend(frontier)
    return found


def _delete_records(session: Session, record_ids: list[int]) -> None:
    """Children first, explicitly: erasure must not depend on the database's cascades.
    Matching's stored columns hold every record's keys: they go whole (the next match
    recomputes them)."""
    forget_features(session)
    for batch in batches(record_ids):
        for statement in (
            delete(CustomerLink).where(CustomerLink.source_record_id.in_(batch)),
            delete(Touchpoint).where(Touchpoint.source_record_id.in_(batch)),
            delete(Consent).where(Consent.source_record_id.in_(batch)),
            delete(SourceRecordVersion).where(SourceRecordVersion.source_record_id.in_(batch)),
            delete(MatchReview).where(
                or_(MatchReview.left_record_id.in_(batch), MatchReview.right_record_id.in_(batch))
            ),
            delete(MatchDecision).where(
                or_(
                    MatchDecision.left_record_id.in_(batch),
                    MatchDecision.right_record_id.in_(batch),
                )
            ),
            delete(SourceRecord).where(SourceRecord.id.in_(batch)),
        ):
            session.execute(statement)


def _quarantine_rows_of(
    session: Session, records: Iterable[SourceRecord | SourceRecordVersion]
) -> list[int]:
    """Quarantined rows carrying the person's email, phone, or name together with address."""
    emails: set[str] = set()
    phones: set[str] = set()
    names: set[tuple[str, str, str]] = set()
    for r in records:
        if r.email:
            emails.add(r.email.lower())
        for phone in (r.phone, r.phone_alt):
            digits = re.sub(r"\D", "", phone or "")
            national = digits[2:] if digits.startswith("49") else digits
            if len(national) >= _MIN_PHONE_DIGITS:
                phones.add(national)
        if r.first_name and r.last_name:
            place = r.postal_code or r.street or ""
            names.add((r.first_name.casefold(), r.last_name.casefold(), place.casefold()))
    found: list[int] = []
    for row_id, raw, reasons in session.execute(
        select(Quarantine.id, Quarantine.raw, Quarantine.reasons)
    ):
        values = [str(v) for v in raw.values()] + [str(r) for r in reasons]
        text = json.dumps(values, ensure_ascii=False).casefold()
        value_digits = [re.sub(r"\D", "", v) for v in values]
        if (
            any(email in text for email in emails)
            or any(d.endswith(p) for d in value_digits for p in phones if d)
            or any(f in text and last in text and place in text for f, last, place in names)
        ):
            found.append(row_id)
    return found


def compact_after_erasure(engine: Engine) -> None:
    """Rewrite the database files so erased rows leave no bytes behind in free pages.

    Runs after the erasure committed: SQLite folds its write-ahead log back and rebuilds
    the file (VACUUM); PostgreSQL vacuums the tables erasure touches.
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.exec_driver_sql("VACUUM")
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return
    tables = [
        "source_record", "source_record_version", "customer", "customer_link", "touchpoint",
        "consent", "quarantine", "match_review", "match_decision",
    ]  # fmt: skip
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        for table in tables:
            connection.exec_driver_sql(f"VACUUM {table}")
