"""Everything the warehouse holds about one customer, as one JSON-ready document.

Serves `kundenstamm explain` (why these records are this customer) and the GDPR access
request `export-person` (Art. 15): golden record with provenance, every linked source
record with its link evidence and past versions, touchpoints, consent and identity events.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from schemas.errors import NotFound
from warehouse.models import (
    Consent,
    Customer,
    CustomerLink,
    IdentityEvent,
    SourceRecord,
    SourceRecordVersion,
    Touchpoint,
)
from warehouse.publish import GOLDEN_FIELDS

_RECORD_FIELDS = (
    "salutation", "title", "first_name", "last_name", "name_suffix", "company", "birth_date",
    "birth_month_day", "email", "phone", "phone_alt", "street", "house_number", "postal_code",
    "city", "country", "identifiers", "quality_flags", "updated_at",
)  # fmt: skip


def resolve_customer_id(session: Session, customer_id: str) -> tuple[str, list[str]]:
    """Follow retired IDs to the active customer; returns it and the IDs passed on the way."""
    path: list[str] = []
    current = customer_id
    while True:
        customer = session.get(Customer, current)
        if customer is None:
            raise NotFound(f"no customer {customer_id}")
        if customer.status == "active" or customer.merged_into is None or current in path:
            return current, path
        path.append(current)
        current = customer.merged_into


def customer_dossier(session: Session, customer_id: str, *, raw: bool = False) -> dict[str, Any]:
    """The customer's document; `raw` adds delivered payloads and past record versions."""
    active_id, retired_path = resolve_customer_id(session, customer_id)
    customer = session.get_one(Customer, active_id)
    links = session.execute(
        select(CustomerLink, SourceRecord)
        .join(SourceRecord, SourceRecord.id == CustomerLink.source_record_id)
        .where(CustomerLink.customer_id == active_id)
        .order_by(SourceRecord.source, SourceRecord.source_key)
    ).all()
    record_ids = [record.id for _, record in links]
    document: dict[str, Any] = _jsonable(
        {
            "customer_id": active_id,
            "requested_id": customer_id,
            "retired_ids_followed": retired_path,
            "status": customer.status,
            "golden": {name: getattr(customer, name) for name in GOLDEN_FIELDS},
            "provenance": customer.provenance,
            "records": [_record(session, link, record, raw=raw) for link, record in links],
            "touchpoints": _touchpoints(session, record_ids),
            "consents": _consents(session, record_ids),
            "identity_events": _events(session, [active_id, *retired_path]),
        }
    )
    return document


def _record(
    session: Session, link: CustomerLink, record: SourceRecord, *, raw: bool
) -> dict[str, Any]:
    document: dict[str, Any] = {
        "source": record.source,
        "source_key": record.source_key,
        "link": {
            "method": link.method,
            "score": link.score,
            "evidence": link.evidence,
            "run_id": link.run_id,
        },
        "fields": {name: getattr(record, name) for name in _RECORD_FIELDS},
        "valid_from": record.valid_from,
        "lineage": {"file_id": record.file_id, "line": record.line, "member": record.member},
    }
    if raw:
        document["raw"] = record.raw
        versions = session.scalars(
            select(SourceRecordVersion)
            .where(SourceRecordVersion.source_record_id == record.id)
            .order_by(SourceRecordVersion.valid_from)
        )
        document["past_versions"] = [
            {
                "valid_from": v.valid_from,
                "valid_to": v.valid_to,
                "fields": {name: getattr(v, name) for name in _RECORD_FIELDS},
                "raw": v.raw,
            }
            for v in versions
        ]
    return document


def _touchpoints(session: Session, record_ids: list[int]) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Touchpoint)
        .where(Touchpoint.source_record_id.in_(record_ids))
        .order_by(Touchpoint.occurred_at, Touchpoint.id)
    )
    return [
        {
            "kind": t.kind,
            "occurred_at": t.occurred_at,
            "reference": t.reference,
            "channel": t.channel,
            "amount": t.amount,
            "currency": t.currency,
            "details": t.details,
        }
        for t in rows
    ]


def _consents(session: Session, record_ids: list[int]) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Consent).where(Consent.source_record_id.in_(record_ids)).order_by(Consent.id)
    )
    return [
        {
            "channel": c.channel,
            "status": c.status,
            "method": c.method,
            "opted_in_at": c.opted_in_at,
            "confirmed_at": c.confirmed_at,
            "revoked_at": c.revoked_at,
            "evidence": c.evidence,
        }
        for c in rows
    ]


def _events(session: Session, customer_ids: list[str]) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(IdentityEvent)
        .where(
            or_(
                IdentityEvent.old_customer_id.in_(customer_ids),
                IdentityEvent.new_customer_id.in_(customer_ids),
            )
        )
        .order_by(IdentityEvent.id)
    )
    return [
        {
            "kind": e.kind,
            "old_customer_id": e.old_customer_id,
            "new_customer_id": e.new_customer_id,
            "reason": e.reason,
            "run_id": e.run_id,
            "at": e.at,
        }
        for e in rows
    ]


def _jsonable(value: Any) -> Any:
    """Dates as ISO strings, decimals as strings: the document survives `json.dumps`."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value
