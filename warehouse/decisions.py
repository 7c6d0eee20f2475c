"""People's decisions on the partition: merge, unmerge and review verdicts as constraints.

A decision is stored on source records, not on customer IDs, because IDs move with
clusters while records stay. `merge` becomes must-links, `unmerge` cannot-links, an
accepted review a must-link and a rejected one a cannot-link; the matcher of every later
run honours them (the latest decision on a pair wins).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from schemas.errors import NotFound, WarehouseError
from warehouse.models import Customer, CustomerLink, MatchDecision, MatchReview, SourceRecord

MUST_LINK = "must_link"
CANNOT_LINK = "cannot_link"


@dataclass(frozen=True)
class Constraints:
    must_link: list[tuple[int, int]]
    cannot_link: list[tuple[int, int]]
    # Review verdicts (left, right, one person?): a sample of the review band, what the
    # matcher calibrates on. Merges and unmerges are not: people make them where the
    # matcher erred, so they would pull the model towards its mistakes' opposite.
    reviewed: list[tuple[int, int, bool]] = field(default_factory=list)


def load_constraints(session: Session) -> Constraints:
    """The standing decisions: per record pair, the latest one."""
    latest: dict[tuple[int, int], tuple[str, str]] = {}
    rows = session.execute(
        select(
            MatchDecision.left_record_id,
            MatchDecision.right_record_id,
            MatchDecision.kind,
            MatchDecision.origin,
        ).order_by(MatchDecision.id)
    )
    for left, right, kind, origin in rows:
        latest[(min(left, right), max(left, right))] = (kind, origin)
    return Constraints(
        must_link=sorted(pair for pair, (kind, _) in latest.items() if kind == MUST_LINK),
        cannot_link=sorted(pair for pair, (kind, _) in latest.items() if kind == CANNOT_LINK),
        reviewed=sorted(
            (*pair, kind == MUST_LINK)
            for pair, (kind, origin) in latest.items()
            if origin == "review"
        ),
    )


def active_customer(session: Session, customer_id: str) -> Customer:
    """The active customer with this ID; a retired ID names where it went."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"no customer {customer_id}")
    if customer.status != "active":
        raise WarehouseError(
            f"customer {customer_id} was merged into {customer.merged_into}; use that ID"
        )
    return customer


def customer_record_ids(session: Session, customer_id: str) -> list[int]:
    return list(
        session.scalars(
            select(CustomerLink.source_record_id)
            .where(CustomerLink.customer_id == customer_id)
            .order_by(CustomerLink.source_record_id)
        )
    )


def record_id_of(session: Session, source: str, source_key: str) -> int:
    record_id = session.scalar(
        select(SourceRecord.id).where(
            SourceRecord.source == source, SourceRecord.source_key == source_key
        )
    )
    if record_id is None:
        raise NotFound(f"no source record {source}:{source_key}")
    return record_id


def merge_customers(session: Session, first_id: str, second_id: str, reason: str | None) -> int:
    """Decide that two customers are one person: must-links from the first customer's
    anchor record to every record of both. Returns the number of decisions written."""
    if first_id == second_id:
        raise WarehouseError(f"cannot merge {first_id} with itself")
    first = customer_record_ids(session, active_customer(session, first_id).id)
    second = customer_record_ids(session, active_customer(session, second_id).id)
    anchor = first[0]
    pairs = [(anchor, other) for other in [*first[1:], *second]]
    return _decide(session, MUST_LINK, "merge", pairs, reason)


def unmerge_record(
    session: Session, customer_id: str, source: str, source_key: str, reason: str | None
) -> int:
    """Decide that a record is not the person of `customer_id`: cannot-links to every
    other record of that customer. Returns the number of decisions written."""
    members = customer_record_ids(session, active_customer(session, customer_id).id)
    record_id = record_id_of(session, source, source_key)
    if record_id not in members:
        raise WarehouseError(f"{source}:{source_key} does not belong to customer {customer_id}")
    if len(members) == 1:
        raise WarehouseError(f"{source}:{source_key} is the only record of {customer_id}")
    pairs = [(record_id, other) for other in members if other != record_id]
    return _decide(session, CANNOT_LINK, "unmerge", pairs, reason)


def decide_review(session: Session, review_id: int, *, accept: bool, reason: str | None) -> None:
    """Close a review item and turn the verdict into a standing constraint."""
    review = session.get(MatchReview, review_id)
    if review is None:
        raise NotFound(f"no review item {review_id}")
    if review.status != "pending":
        raise WarehouseError(f"review item {review_id} was already {review.status}")
    session.execute(
        update(MatchReview)
        .where(MatchReview.id == review_id)
        .values(status="accepted" if accept else "rejected")
    )
    kind = MUST_LINK if accept else CANNOT_LINK
    _decide(session, kind, "review", [(review.left_record_id, review.right_record_id)], reason)


def _decide(
    session: Session,
    kind: str,
    origin: str,
    pairs: Sequence[tuple[int, int]],
    reason: str | None,
) -> int:
    now = datetime.now(UTC)
    rows = [
        {
            "kind": kind,
            "left_record_id": min(a, b),
            "right_record_id": max(a, b),
            "origin": origin,
            "reason": reason,
            "decided_at": now,
        }
        for a, b in pairs
    ]
    if rows:
        session.execute(insert(MatchDecision), rows)
    return len(rows)
