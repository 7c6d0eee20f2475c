"""Stable customer IDs: turn this run's clusters into customers without breaking old IDs.

The rule (ARCHITECTURE.md invariant 3):
- every cluster claims the IDs its records carried before; an ID survives in the cluster
  holding most of its records (a split: the larger part keeps the ID), and a cluster keeps
  the claimed ID carried by most of its records, the older ID on a tie (a merge);
- an ID that no cluster keeps is retired and points to the customer that took most of its
  records (`merged_into`);
- a cluster left without an ID gets a new one, in a deterministic order; IDs are never reused;
- every creation, merge and split is written to `identity_event`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from warehouse.bulk import fetch_tuples, insert_rows
from warehouse.models import Base, Customer, CustomerLink

ID_PREFIX = "KS"
ID_DIGITS = 8


@dataclass
class IdentityPlan:
    """Which customer ID each cluster gets, and the events that explain the changes."""

    cluster_ids: dict[int, str]
    new_ids: list[str] = field(default_factory=list)
    retired: dict[str, str] = field(default_factory=dict)  # old id -> surviving id
    events: list[tuple[str, str | None, str | None, str]] = field(default_factory=list)


def format_id(number: int) -> str:
    return f"{ID_PREFIX}{number:0{ID_DIGITS}d}"


def _number(customer_id: str) -> int:
    return int(customer_id[len(ID_PREFIX) :])


def plan_identities(
    clusters: Mapping[int, int],
    previous: Mapping[int, str],
    record_order: Mapping[int, tuple[str, str]],
    next_number: int,
) -> IdentityPlan:
    """Pure planning step: clusters (record -> label), previous links (record -> id)."""
    members: dict[int, list[int]] = defaultdict(list)
    for record_id, label in clusters.items():
        members[label].append(record_id)
    claims: list[tuple[int, int, int, str]] = []  # (-count, id number, cluster label, id)
    holders: dict[str, Counter[int]] = defaultdict(Counter)
    for label, records in members.items():
        carried = Counter(previous[r] for r in records if r in previous)
        for old_id, count in carried.items():
            claims.append((-count, _number(old_id), label, old_id))
            holders[old_id][label] = count
    cluster_ids: dict[int, str] = {}
    taken: set[str] = set()
    for _, _, label, old_id in sorted(claims):
        if label not in cluster_ids and old_id not in taken:
            cluster_ids[label] = old_id
            taken.add(old_id)
    plan = IdentityPlan(cluster_ids=cluster_ids)
    unnamed = [label for label in members if label not in cluster_ids]
    unnamed.sort(key=lambda label: min(record_order[r] for r in members[label]))
    for label in unnamed:
        new_id = format_id(next_number)
        next_number += 1
        cluster_ids[label] = new_id
        plan.new_ids.append(new_id)
        origins = sorted({previous[r] for r in members[label] if r in previous})
        if origins:
            for origin in origins:
                plan.events.append(
                    ("split", origin, new_id, f"records of {origin} formed a new customer")
                )
        else:
            plan.events.append(("created", None, new_id, "new person"))
    for old_id, by_cluster in sorted(holders.items()):
        if old_id in taken:
            continue
        # Most records first, then the cluster whose ID is oldest.
        label = min(by_cluster, key=lambda lb: (-by_cluster[lb], _number(cluster_ids[lb])))
        survivor = cluster_ids[label]
        plan.retired[old_id] = survivor
        plan.events.append(("merged", old_id, survivor, f"{old_id} merged into {survivor}"))
    return plan


def next_customer_number(session: Session) -> int:
    """One past the highest ID ever issued (retired IDs included), so no ID is reused."""
    longest = select(func.max(func.length(Customer.id))).scalar_subquery()
    highest = session.scalar(
        select(func.max(Customer.id)).where(func.length(Customer.id) == longest)
    )  # IDs of one length sort as their numbers do
    return _number(highest) + 1 if highest is not None else 1


def previous_links(session: Session) -> dict[int, str]:
    """Record id -> customer id of every link, read through the driver (a row per record)."""
    columns = (CustomerLink.source_record_id, CustomerLink.customer_id)
    return dict(fetch_tuples(session, select(*columns)))


def write_events(session: Session, run_id: int, plan: IdentityPlan) -> None:
    """One bulk insert: a first load creates an event per customer."""
    now = datetime.now(UTC)
    rows = [
        {
            "run_id": run_id,
            "kind": kind,
            "old_customer_id": old,
            "new_customer_id": new,
            "reason": why,
            "at": now,
        }
        for kind, old, new, why in plan.events
    ]
    insert_rows(session, Base.metadata.tables["identity_event"], rows)
