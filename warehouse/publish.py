"""Publish a run's partition: customers with stable IDs, golden fields, links and reviews.

Writes only what changed, so a re-run over the same data leaves every row as it was.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import chain
from typing import Any, NamedTuple

import numpy as np
import pandas as pd
from sqlalchemy import ColumnElement, Select, Text, cast, delete, func, select
from sqlalchemy.orm import Session

from warehouse.batches import batches, rows_with
from warehouse.bulk import fetch_tuples, insert_rows, update_rows
from warehouse.golden import ATTRIBUTE_GROUPS, SurvivorshipPolicy, build_golden
from warehouse.identity import next_customer_number, plan_identities, previous_links, write_events
from warehouse.models import Base, Customer, CustomerLink, MatchReview, SourceRecord
from warehouse.statistics import PlannerStatistics

MATCH_COLUMNS: tuple[str, ...] = (
    "source",
    "source_key",
    "salutation",
    "title",
    "first_name",
    "last_name",
    "name_suffix",
    "company",
    "birth_date",
    "birth_month_day",
    "email",
    "phone",
    "phone_alt",
    "street",
    "house_number",
    "postal_code",
    "city",
    "country",
    "identifiers",
    "quality_flags",
    "updated_at",
    "last_run_id",  # the run that wrote the current version: what an incremental match redoes
)
GOLDEN_FIELDS: tuple[str, ...] = tuple(f for group in ATTRIBUTE_GROUPS.values() for f in group)
_STORED: tuple[str, ...] = (*GOLDEN_FIELDS, "provenance", "record_count", "sources")
_TABLES = Base.metadata.tables


@dataclass(frozen=True)
class LinkEvidence:
    """Why a record belongs to its customer: the method and its strongest pair."""

    method: str  # auto / review / manual / single
    score: float | None
    evidence: dict[str, Any]


class ReviewPair(NamedTuple):
    """A record pair between the thresholds; `apart`: the kinds of one-person value both
    customers hold (`matching.person_values`)."""

    left: int
    right: int
    score: float
    evidence: dict[str, Any]
    apart: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublishSummary:
    customers: int
    created: int
    merged: int
    split: int
    links_changed: int
    reviews_pending: int
    timings: dict[str, float] = field(default_factory=dict)  # golden / load seconds
    matching: str = "full"  # full / incremental / none (nothing changed)
    relinked: int = 0  # records re-clustered


_AS_TEXT = ("identifiers", "quality_flags", "birth_date", "updated_at")


def identity_frame(session: Session, ids: Collection[int] | None = None) -> pd.DataFrame:
    """Every identity-bearing source record (or those of `ids`), indexed by record id, in
    matching's columns.

    JSON, date and timestamp columns are read as text and converted once per distinct
    value (or vectorized): per-row result processing was most of the load's time.
    """
    columns = [
        cast(getattr(SourceRecord, c), Text).label(c) if c in _AS_TEXT else getattr(SourceRecord, c)
        for c in MATCH_COLUMNS
    ]
    query = select(SourceRecord.id, *columns).where(SourceRecord.has_identity.is_(True))
    if ids is None:
        rows = fetch_tuples(session, query.order_by(SourceRecord.id))
    else:
        wanted = sorted(ids)
        rows = [
            row
            for batch in batches(wanted)
            for row in fetch_tuples(session, query.where(SourceRecord.id.in_(batch)))
        ]
        rows.sort(key=lambda row: row[0])
    frame = pd.DataFrame(rows, columns=["id", *MATCH_COLUMNS]).set_index("id")
    for column in ("identifiers", "quality_flags"):
        frame[column] = _per_value(frame[column], _json_tuples, missing=())
    frame["birth_date"] = _per_value(
        frame["birth_date"], lambda texts: [date.fromisoformat(t[:10]) for t in texts]
    )
    stamps = pd.to_datetime(frame["updated_at"], utc=True, format="ISO8601")
    if session.get_bind().dialect.name == "sqlite":  # SQLite keeps no zone: naive, as stored
        stamps = stamps.dt.tz_localize(None)
    frame["updated_at"] = stamps
    return frame


def identity_index(session: Session) -> pd.DataFrame:
    """Every identity-bearing record's id (the index) and `last_run_id`: what a match
    plans on before it knows which records it must read."""
    rows = fetch_tuples(session, identity_runs_query())
    # Two integers per row, flattened into one array (a frame of 357k tuples: 0.25 s).
    pairs = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=2 * len(rows))
    pairs = pairs.reshape(-1, 2)
    return pd.DataFrame({"last_run_id": pairs[:, 1]}, index=pd.Index(pairs[:, 0], name="id"))


def identity_runs_query() -> Select[int, int]:
    """Every identity record's id and last run, in id order (an index-only read)."""
    return (
        select(SourceRecord.id, SourceRecord.last_run_id)
        .where(SourceRecord.has_identity.is_(True))
        .order_by(SourceRecord.id)
    )


def written_by_query(run_id: int) -> Select[int]:
    """The ids of the records whose current version `run_id` wrote (an index lookup)."""
    return select(SourceRecord.id).where(SourceRecord.last_run_id == run_id)


def _per_value(
    texts: pd.Series, convert: Callable[[list[str]], list[Any]], missing: Any = None
) -> pd.Series:
    """`convert` applied to the distinct non-null texts at once; nulls become `missing`."""
    codes, uniques = pd.factorize(texts)
    table = [*convert(uniques.tolist()), missing]  # code -1 (null) picks the last
    return pd.Series([table[c] for c in codes.tolist()], index=texts.index, dtype=object)


def _json_tuples(texts: list[str]) -> list[tuple[Any, ...]]:
    """JSON arrays as tuples, decoded in one call (one array of them)."""
    return [tuple(values) for values in json.loads(f"[{','.join(texts)}]")]


def publish_partition(
    session: Session,
    run_id: int,
    records: pd.DataFrame,
    clusters: Mapping[int, int],
    links: Mapping[int, LinkEvidence],
    reviews: Sequence[ReviewPair | tuple[int, int, float, dict[str, Any]]],
    policy: SurvivorshipPolicy | None = None,
    *,
    rebuild_golden: bool = False,
    relinked: Collection[int] | None = None,
    previous: Mapping[int, str] | None = None,
) -> PublishSummary:
    """Apply clusters (record id -> label) to the warehouse in the caller's transaction.

    `rebuild_golden` recomputes every golden record (after a change of survivorship rules);
    otherwise only customers whose records or members changed are rebuilt. `relinked`
    (an incremental match's region) limits the identity plan, golden records and link
    rows to those records' customers: the others keep their ID, golden record, link and
    evidence. `previous`: the links as stored, when the caller has read them already.
    """
    if previous is None:
        previous = previous_links(session)
    # Customers outside an incremental match's region keep their ID, links and golden record.
    region = None if rebuild_golden else _region(clusters, previous, relinked)
    planned, basis, kept = region or (clusters, previous, 0)
    missing = pd.Index(list(planned), dtype="int64").difference(records.index)
    if len(missing):  # an incremental match passes its region's records only
        records = pd.concat([records, identity_frame(session, missing.tolist())]).sort_index()
    wanted = records.loc[list(planned)] if region is not None else records
    order = {
        int(rid): (str(src), str(key))
        for rid, src, key in wanted[["source", "source_key"]].itertuples()
    }
    plan = plan_identities(planned, basis, order, next_customer_number(session))
    members: dict[str, list[int]] = defaultdict(list)
    for record_id, label in planned.items():
        members[plan.cluster_ids[label]].append(record_id)

    timings: dict[str, float] = {}
    unchanged_basis = {} if rebuild_golden else basis
    new_customers = _write_customers(
        session, run_id, records, members, plan.retired, unchanged_basis, policy, timings
    )
    started = time.perf_counter()
    links_changed, new_links = _write_links(session, run_id, members, links, previous, relinked)
    write_events(session, run_id, plan)
    pending, reviews_grown = _write_reviews(session, run_id, reviews, clusters, relinked)
    statistics = PlannerStatistics(session)  # the next run's look-ups plan on these tables
    for table, grown in (
        ("customer", new_customers),
        ("customer_link", new_links),
        ("identity_event", len(plan.events)),
        ("match_review", reviews_grown),
    ):
        statistics.refresh(table, grown)
    timings["load"] += time.perf_counter() - started
    kinds = [kind for kind, *_ in plan.events]
    return PublishSummary(
        customers=len(members) + kept,
        created=kinds.count("created"),
        merged=kinds.count("merged"),
        split=kinds.count("split"),
        links_changed=links_changed,
        reviews_pending=pending,
        timings={k: round(v, 3) for k, v in timings.items()},
    )


def _region(
    clusters: Mapping[int, int], previous: Mapping[int, str], relinked: Collection[int] | None
) -> tuple[dict[int, int], dict[int, str], int] | None:
    """The clusters and previous links of the `relinked` records' customers, and how many
    clusters lie outside, when those records hold every present record of their customers
    and their labels are their own (as an incremental match's region): the identity plan,
    member sets and golden records of the others cannot change. None (plan everything)
    otherwise."""
    if relinked is None:
        return None
    inside = set(relinked)
    customers = {previous[r] for r in inside if r in previous}
    basis = {r: c for r, c in previous.items() if c in customers}
    if any(r in clusters and r not in inside for r in basis):
        return None
    planned = {r: clusters[r] for r in inside if r in clusters}
    outside = {label for r, label in clusters.items() if r not in inside}
    if not outside.isdisjoint(planned.values()):
        return None
    return planned, basis, len(outside)


def _write_customers(
    session: Session,
    run_id: int,
    records: pd.DataFrame,
    members: Mapping[str, list[int]],
    retired: Mapping[str, str],
    previous: Mapping[int, str],
    policy: SurvivorshipPolicy | None,
    timings: dict[str, float],
) -> int:
    """Golden records of new customers and of those whose records or members changed;
    returns the number of new customers.

    A customer whose member set is the same as before and none of whose records changed in
    this run keeps its golden record untouched: nothing it is built from moved.
    """
    started = time.perf_counter()
    # The status of the members' customers: looked up by ID for an incremental match's
    # region (a few thousand of 175k), else every customer's as plain driver tuples (ORM
    # rows: 0.7 s at 175k customers).
    customers = session.scalar(select(func.count()).select_from(Customer)) or 0
    query = select(Customer.id, Customer.status)
    rows = rows_with(session, query, Customer.id, members, stored=customers, plain=True)
    status: dict[str, str] = {customer_id: state for customer_id, state in rows}
    touched = {row[0] for row in fetch_tuples(session, written_by_query(run_id))}
    before: dict[str, set[int]] = defaultdict(set)
    for record_id, customer_id in previous.items():
        before[customer_id].add(record_id)
    rebuild = {
        customer_id: record_ids
        for customer_id, record_ids in members.items()
        if status.get(customer_id) != "active"
        or before.get(customer_id) != set(record_ids)
        or not touched.isdisjoint(record_ids)
    }
    stored_of = _stored_golden(session, {c for c in rebuild if c in status}, customers)
    wanted = sorted(r for record_ids in rebuild.values() for r in record_ids)
    as_dicts = _plain_records(records.loc[wanted]) if wanted else {}
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for customer_id, record_ids in sorted(rebuild.items()):
        golden = build_golden([as_dicts[r] for r in sorted(record_ids)], policy)
        values = {
            **golden.values,
            "provenance": golden.provenance,
            "record_count": len(record_ids),
            "sources": customer_sources(as_dicts[r]["source"] for r in record_ids),
        }
        if customer_id not in status:
            inserts.append(
                {
                    "id": customer_id,
                    "status": "active",
                    "created_run_id": run_id,
                    "updated_run_id": run_id,
                    **values,
                }
            )
            continue
        stored = stored_of[customer_id]
        if status[customer_id] != "active" or any(stored[k] != v for k, v in values.items()):
            updates.append(
                {
                    "id": customer_id,
                    "status": "active",
                    "merged_into": None,
                    "updated_run_id": run_id,
                    **values,
                }
            )
    updates.extend(
        {"id": old_id, "status": "retired", "merged_into": survivor, "updated_run_id": run_id}
        for old_id, survivor in retired.items()
    )
    timings["golden"] = timings.get("golden", 0.0) + time.perf_counter() - started
    started = time.perf_counter()
    insert_rows(session, _TABLES["customer"], inserts)  # COPY on PostgreSQL
    retiring = [u for u in updates if u["status"] == "retired"]
    for batch in (u for u in updates if u["status"] == "active"), retiring:
        update_rows(session, _TABLES["customer"], list(batch))  # one key set per batch
    timings["load"] = timings.get("load", 0.0) + time.perf_counter() - started
    return len(inserts)


def customer_sources(sources: Iterable[str]) -> str:
    """A customer's source kinds as stored in `customer.sources`: sorted, comma-separated."""
    return ",".join(sorted(set(sources)))


def _stored_golden(
    session: Session, customer_ids: Collection[str], customers: int
) -> dict[str, dict[str, Any]]:
    """The stored golden fields of these customers (of `customers` stored)."""
    query = select(Customer.id, *(getattr(Customer, f) for f in _STORED))
    rows = rows_with(session, query, Customer.id, customer_ids, stored=customers)
    return {row[0]: dict(zip(_STORED, row[1:], strict=True)) for row in rows}


def _plain_records(records: pd.DataFrame) -> dict[Any, dict[Any, Any]]:
    """Record id -> field dict with None for missing values (pandas has NaN / NaT), in one
    vectorized pass instead of a check per value; rows zipped from one object array
    (`to_dict("index")` took twice as long)."""
    values = records.to_numpy(dtype=object)
    values[records.isna().to_numpy()] = None
    columns = [*records.columns, "id"]
    return {
        record: dict(zip(columns, (*row, record), strict=True))
        for record, row in zip(records.index.tolist(), values.tolist(), strict=True)
    }


def _write_links(
    session: Session,
    run_id: int,
    members: Mapping[str, list[int]],
    links: Mapping[int, LinkEvidence],
    previous: Mapping[int, str],
    relinked: Collection[int] | None = None,
) -> tuple[int, int]:
    """Insert new links and bulk-update changed ones (of `relinked` records only, when
    given); returns how many records moved and how many links are new."""
    columns = ("customer_id", "method", "score", "evidence")
    query = select(CustomerLink.source_record_id, *(getattr(CustomerLink, c) for c in columns))
    # Driver tuples: the evidence is compared as the JSON text SQLite returns (decoding
    # 13k of them cost more than the rest of the links' write), as objects on PostgreSQL.
    rows: Iterable[Sequence[Any]]
    if relinked is None:
        rows = fetch_tuples(session, query)
    else:
        rows = rows_with(
            session, query, CustomerLink.source_record_id, relinked, stored=len(previous),
            plain=True,
        )  # fmt: skip
    current = {row[0]: row[1:] for row in rows}
    as_json = _json_text(session, CustomerLink.__table__.c.evidence)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    for customer_id, record_ids in members.items():
        for record_id in record_ids:
            if relinked is not None and record_id not in relinked:
                continue
            evidence = links.get(record_id, LinkEvidence("single", None, {}))
            values = (customer_id, evidence.method, evidence.score, evidence.evidence)
            row = {
                "source_record_id": record_id,
                "run_id": run_id,
                **dict(zip(columns, values, strict=True)),
            }
            stored = current.get(record_id)
            if stored is None:
                inserts.append(row)
            elif tuple(stored[:3]) != values[:3] or not _same_json(stored[3], values[3], as_json):
                updates.append(row)
    insert_rows(session, _TABLES["customer_link"], inserts)
    update_rows(session, _TABLES["customer_link"], updates, key="source_record_id")
    moved = sum(1 for r in updates if previous.get(r["source_record_id"]) != r["customer_id"])
    return moved + len(inserts), len(inserts)


def _json_text(session: Session, column: ColumnElement[Any]) -> Callable[[Any], Any]:
    """How `column`'s JSON type writes a value for this database (its bind processor)."""
    dialect = session.get_bind().dialect
    process = column.type.dialect_impl(dialect).bind_processor(dialect)
    return process if process is not None else json.dumps


def _same_json(stored: Any, value: Any, as_json: Callable[[Any], Any]) -> bool:
    """Whether a JSON column's stored content, as the driver returned it, is `value`: a
    text (SQLite) is compared as written first, then decoded (written by other code)."""
    if isinstance(stored, str):
        return bool(stored == as_json(value)) or json.loads(stored) == value
    return bool(stored == value)


def _write_reviews(
    session: Session,
    run_id: int,
    reviews: Sequence[ReviewPair | tuple[int, int, float, dict[str, Any]]],
    clusters: Mapping[int, int],
    relinked: Collection[int] | None = None,
) -> tuple[int, int]:
    """Replace the pending review pairs by `reviews` (those split across clusters); with
    `relinked`, only pending pairs touching those records: the others were not re-scored
    and stay as they are. Returns the number of pending review pairs after this, and the
    rows inserted less those deleted."""
    wanted: dict[tuple[int, int], ReviewPair] = {}
    for review in reviews:
        item = ReviewPair(*review)
        if clusters.get(item.left) != clusters.get(item.right):
            wanted[(item.left, item.right)] = item
    pending = _pending_reviews(session, relinked)
    stale = [review_id for key, (review_id, _) in pending.items() if key not in wanted]
    for batch in batches(stale):
        session.execute(delete(MatchReview).where(MatchReview.id.in_(batch)))
    moved = [  # kept items whose customers changed what they hold
        {"id": review_id, "apart": _apart(wanted[key])}
        for key, (review_id, apart) in pending.items()
        if key in wanted and apart != _apart(wanted[key])
    ]
    update_rows(session, Base.metadata.tables["match_review"], moved)
    decided = {
        (left, right)
        for left, right in session.execute(
            select(MatchReview.left_record_id, MatchReview.right_record_id).where(
                MatchReview.status != "pending"
            )
        )
    }
    new = [
        {
            "left_record_id": left,
            "right_record_id": right,
            "score": item.score,
            "evidence": item.evidence,
            "status": "pending",
            "run_id": run_id,
            "apart": _apart(item),
        }
        for (left, right), item in sorted(wanted.items())
        if (left, right) not in pending and (left, right) not in decided
    ]
    insert_rows(session, _TABLES["match_review"], new)
    grown = len(new) - len(stale)
    if relinked is None:
        return len(wanted), grown
    untouched = session.scalar(
        select(func.count()).select_from(MatchReview).where(MatchReview.status == "pending")
    )
    return int(untouched or 0), grown


def _apart(item: ReviewPair) -> str | None:
    return ",".join(item.apart) or None


def _pending_reviews(
    session: Session, touching: Collection[int] | None
) -> dict[tuple[int, int], tuple[int, str | None]]:
    """(left, right) -> (id, apart) of the pending review pairs, all or those touching
    `touching`."""
    query = select(
        MatchReview.left_record_id, MatchReview.right_record_id, MatchReview.id, MatchReview.apart
    ).where(MatchReview.status == "pending")
    if touching is None:
        return {(left, right): (rid, apart) for left, right, rid, apart in session.execute(query)}
    found: dict[tuple[int, int], tuple[int, str | None]] = {}
    for batch in batches(sorted(touching)):
        for side in (MatchReview.left_record_id, MatchReview.right_record_id):
            for left, right, rid, apart in session.execute(query.where(side.in_(batch))):
                found[(left, right)] = (rid, apart)
    return found
