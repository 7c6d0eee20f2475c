"""Read-only questions ops and analysts ask of the warehouse."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from schemas.errors import NotFound
from warehouse.models import (
    Customer,
    CustomerLink,
    IngestedFile,
    MatchReview,
    Quarantine,
    SourceRecord,
)


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


_QUEUE_ORDER = (MatchReview.apart.is_not(None), MatchReview.score.desc(), MatchReview.id)


def pending_reviews(session: Session, limit: int) -> list[dict[str, Any]]:
    """Pending review items, one per pair of customers: the strongest record pair between
    them, and how many pending pairs it stands for. Highest score first, except that items
    whose customers both hold a one-person value of one kind (`apart`: two emails, two
    addresses) come last: measured on the hard demo sets, 11-14% of those were one
    person, against 46-54% of the others.

    One verdict settles the two customers (a must-link joins them, a cannot-link keeps
    them apart for good), so showing each of their record pairs would only ask again.
    The pairs are grouped here from one narrow scan; only the items shown are read whole.
    """
    left_link, right_link = aliased(CustomerLink), aliased(CustomerLink)
    scan = session.execute(
        select(MatchReview.id, left_link.customer_id, right_link.customer_id)
        .outerjoin(left_link, left_link.source_record_id == MatchReview.left_record_id)
        .outerjoin(right_link, right_link.source_record_id == MatchReview.right_record_id)
        .where(MatchReview.status == "pending")
        .order_by(*_QUEUE_ORDER)
    )
    strongest: dict[frozenset[str | None], int] = {}  # in score order: the first is the best
    counts: Counter[frozenset[str | None]] = Counter()
    for review_id, left_customer, right_customer in scan:
        between = frozenset((left_customer, right_customer))
        strongest.setdefault(between, review_id)
        counts[between] += 1
    shown = dict(list(strongest.items())[:limit])
    pairs_of = {review_id: counts[between] for between, review_id in shown.items()}
    left, right = aliased(SourceRecord), aliased(SourceRecord)
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
            MatchReview.apart,
        )
        .join(left, left.id == MatchReview.left_record_id)
        .join(right, right.id == MatchReview.right_record_id)
        .outerjoin(left_link, left_link.source_record_id == left.id)
        .outerjoin(right_link, right_link.source_record_id == right.id)
        .where(MatchReview.id.in_(list(pairs_of)))
        .order_by(*_QUEUE_ORDER)
    )
    return [
        {
            "id": review_id,
            "score": round(float(score), 6),
            "left": f"{ls}:{lk}",
            "right": f"{rs}:{rk}",
            "left_customer": lc,
            "right_customer": rc,
            "pairs": pairs_of[review_id],
            "apart": apart.split(",") if apart else [],
            "evidence": evidence,
        }
        for review_id, score, ls, lk, rs, rk, lc, rc, evidence, apart in rows
    ]


def quarantine_rows(
    session: Session, *, source: str | None = None, run_id: int | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Quarantined rows, newest first, with file, line and reasons (not the raw payload)."""
    query = (
        select(Quarantine, IngestedFile.path)
        .join(IngestedFile, IngestedFile.id == Quarantine.file_id)
        .order_by(Quarantine.id.desc())
        .limit(limit)
    )
    if source is not None:
        query = query.where(Quarantine.source == source)
    if run_id is not None:
        query = query.where(Quarantine.run_id == run_id)
    return [_quarantined(row, path) for row, path in session.execute(query)]


def quarantine_row(session: Session, quarantine_id: int) -> dict[str, Any]:
    """One quarantined row in full, its delivered payload included."""
    found = session.execute(
        select(Quarantine, IngestedFile.path)
        .join(IngestedFile, IngestedFile.id == Quarantine.file_id)
        .where(Quarantine.id == quarantine_id)
    ).one_or_none()
    if found is None:
        raise NotFound(f"no quarantine row {quarantine_id}")
    row, path = found
    return {**_quarantined(row, path), "raw": row.raw}


def _quarantined(row: Quarantine, path: str) -> dict[str, Any]:
    """Where a quarantined row came from and why, without its payload."""
    return {
        "id": row.id,
        "run_id": row.run_id,
        "source": row.source,
        "file": path,
        "line": row.line,
        "member": row.member,
        "reasons": row.reasons,
    }


def quarantine_reasons(session: Session) -> list[tuple[str, str, int]]:
    """(source, reason, count): what goes wrong most, for the summary and the report."""
    counts: dict[tuple[str, str], int] = {}
    for source, reasons in session.execute(select(Quarantine.source, Quarantine.reasons)):
        for reason in reasons:
            field = str(reason).split(":", 1)[0]  # the field, without the personal value
            counts[(source, field)] = counts.get((source, field), 0) + 1
    return sorted(((s, r, n) for (s, r), n in counts.items()), key=lambda t: (-t[2], t[0], t[1]))


def pending_review_count(session: Session) -> int:
    return (
        session.scalar(
            select(func.count()).select_from(MatchReview).where(MatchReview.status == "pending")
        )
        or 0
    )
