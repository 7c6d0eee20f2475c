"""Read-only questions ops and analysts ask of the warehouse."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from warehouse.models import Customer, CustomerLink, MatchReview, Quarantine, SourceRecord


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


def pending_reviews(session: Session, limit: int) -> list[dict[str, Any]]:
    """Pending review items, highest score first, with both records' keys and customers."""
    left, right = aliased(SourceRecord), aliased(SourceRecord)
    left_link, right_link = aliased(CustomerLink), aliased(CustomerLink)
    rows = session.execute(
        select(
            MatchReview.id,
            MatchReview.score,
            left.source,
            left.source_key,
            right.source,
            right.source_key,
            left_link.customer_id,
            right_link.customer_id,
            MatchReview.evidence,
        )
        .join(left, left.id == MatchReview.left_record_id)
        .join(right, right.id == MatchReview.right_record_id)
        .outerjoin(left_link, left_link.source_record_id == left.id)
        .outerjoin(right_link, right_link.source_record_id == right.id)
        .where(MatchReview.status == "pending")
        .order_by(MatchReview.score.desc(), MatchReview.id)
        .limit(limit)
    )
    return [
        {
            "id": review_id,
            "score": round(float(score), 6),
            "left": f"{ls}:{lk}",
            "right": f"{rs}:{rk}",
            "left_customer": lc,
            "right_customer": rc,
            "evidence": evidence,
        }
        for review_id, score, ls, lk, rs, rk, lc, rc, evidence in rows
    ]
