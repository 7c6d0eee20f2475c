"""Read-only questions ops and analysts ask of the warehouse."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.models import Customer, CustomerLink, Quarantine, SourceRecord


def crosswalk(session: Session) -> Iterator[tuple[str, str, str]]:
    """`(source, source_key, customer_id)` for every identity-bearing record (SOURCES.md §8)."""
    query = (
        select(SourceRecord.source, SourceRecord.source_key, CustomerLink.customer_id)
        .join(CustomerLink, CustomerLink.source_record_id == SourceRecord.id)
        .where(SourceRecord.has_identity.is_(True))
        .order_by(SourceRecord.source, SourceRecord.source_key)
    )
    for source, source_key, customer_id in session.execute(query).yield_per(10_000):
        yield str(source), str(source_key), str(customer_id)


def warehouse_totals(session: Session) -> dict[str, int]:
    """Sizes of the main tables, for run summaries and status."""
    return {
        "source_records": session.scalar(select(func.count()).select_from(SourceRecord)) or 0,
        "quarantine_rows": session.scalar(select(func.count()).select_from(Quarantine)) or 0,
        "customers": session.scalar(
            select(func.count()).select_from(Customer).where(Customer.status == "active")
        )
        or 0,
        "links": session.scalar(select(func.count()).select_from(CustomerLink)) or 0,
    }
