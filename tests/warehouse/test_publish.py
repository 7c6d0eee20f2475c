from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import func, select, text

from tests.warehouse.helpers import delivery, lineage, order, parsed, record
from warehouse.engine import engine_for, session_factory
from warehouse.models import Customer, CustomerLink, IdentityEvent, MatchReview
from warehouse.publish import (
    LinkEvidence,
    identity_frame,
    identity_runs_query,
    publish_partition,
    written_by_query,
)
from warehouse.queries import crosswalk
from warehouse.runs import start_run
from warehouse.staging import FileStager


def _load(url: str) -> None:
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, "landing")
        stager = FileStager(session, run_id, delivery())
        people = [("1", "Jürgen", "Weiß"), ("2", "Juergen", "Weiss"), ("3", "Änne", "Müller")]
        for line, (key, first, last) in enumerate(people, start=2):
            rec = record(key=key, first_name=first, last_name=last, email=f"{key}@web.de")
            stager.loaded(parsed(rec, order(f"#{key}", "20.00")), lineage(line, id=key))
        stager.finish()


def _publish(url: str, clusters_by_key: dict[str, int]) -> tuple[int, dict[str, str]]:
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, "landing")
        frame = identity_frame(session)
        ids = {key: int(rid) for rid, key in zip(frame.index, frame["source_key"], strict=True)}
        clusters = {ids[key]: label for key, label in clusters_by_key.items()}
        links = {ids["1"]: LinkEvidence("auto", 0.99, {"partner": "shop_customer:2"})}
        summary = publish_partition(session, run_id, frame, clusters, links, [])
        return summary.customers, {key: cid for _, key, cid in crosswalk(session)}


def test_publish_is_stable_and_records_identity_events(warehouse_url: str) -> None:
    _load(warehouse_url)
    customers, first = _publish(warehouse_url, {"1": 0, "2": 0, "3": 1})
    assert customers == 2
    assert first["1"] == first["2"] != first["3"]

    # the same partition again: same IDs, no new events, no link changes
    _, again = _publish(warehouse_url, {"1": 5, "2": 5, "3": 6})
    assert again == first
    with session_factory(engine_for(warehouse_url))() as session:
        assert session.scalar(select(func.count()).select_from(IdentityEvent)) == 2  # 2 created

    # now all three are one person: the ID held by two records survives, the other retires
    _, merged = _publish(warehouse_url, {"1": 0, "2": 0, "3": 0})
    assert set(merged.values()) == {first["1"]}
    with session_factory(engine_for(warehouse_url))() as session:
        retired = session.get_one(Customer, first["3"])
        assert (retired.status, retired.merged_into) == ("retired", first["1"])
        event = session.scalars(select(IdentityEvent).where(IdentityEvent.kind == "merged")).one()
        assert (event.old_customer_id, event.new_customer_id) == (first["3"], first["1"])
        link = session.get_one(CustomerLink, 1)
        assert link.method == "auto" and link.evidence == {"partner": "shop_customer:2"}


def test_customer_360_view_sums_touchpoints(warehouse_url: str) -> None:
    _load(warehouse_url)
    _, ids = _publish(warehouse_url, {"1": 0, "2": 0, "3": 1})
    with engine_for(warehouse_url).connect() as connection:
        row = connection.execute(
            text(
                "SELECT first_name, source_records, orders, revenue FROM customer_360 "
                "WHERE customer_id = :id"
            ),
            {"id": ids["1"]},
        ).one()
    assert row.first_name in ("Jürgen", "Juergen")
    assert (row.source_records, row.orders, float(row.revenue)) == (2, 2, 40.0)


def test_identity_frame_reads_json_dates_and_times_as_python_values(warehouse_url: str) -> None:
    with session_factory(engine_for(warehouse_url)).begin() as session:
        stager = FileStager(session, start_run(session, "landing"), delivery())
        seen = datetime(2024, 5, 1, 8, 30, 15, 250000, tzinfo=UTC)
        rows = [
            record(key="1", first_name="Jürgen", birth_date=date(1980, 2, 1),
                   identifiers=("loyalty:42", "coupon:ABC"), updated_at=seen),
            record(key="2", first_name="Änne", email="aenne@web.de"),
        ]  # fmt: skip
        for line, rec in enumerate(rows, start=2):
            stager.loaded(parsed(rec), lineage(line, id=rec.source_key))
        stager.finish()
    with session_factory(engine_for(warehouse_url))() as session:
        frame = identity_frame(session).set_index("source_key")
    first, second = frame.loc["1"], frame.loc["2"]
    assert first["birth_date"] == date(1980, 2, 1) and second["birth_date"] is None
    assert first["identifiers"] == ("loyalty:42", "coupon:ABC") and second["identifiers"] == ()
    assert second["quality_flags"] == ()
    stamp = first["updated_at"]  # PostgreSQL keeps the zone, SQLite stores it naive in UTC
    naive = stamp.tz_convert(None) if stamp.tzinfo else stamp
    assert naive == pd.Timestamp(2024, 5, 1, 8, 30, 15, 250000)
    assert pd.isna(second["updated_at"])


def test_an_incremental_publish_replaces_only_the_reviews_touching_its_region(
    warehouse_url: str,
) -> None:
    _load(warehouse_url)
    clusters_by_key = {"1": 0, "2": 1, "3": 2}

    def publish(reviews: list[tuple[str, str]], relinked: set[str] | None) -> set[tuple[str, str]]:
        with session_factory(engine_for(warehouse_url)).begin() as session:
            frame = identity_frame(session)
            ids = {key: int(rid) for rid, key in zip(frame.index, frame["source_key"], strict=True)}
            clusters = {ids[key]: label for key, label in clusters_by_key.items()}
            pairs = [(ids[a], ids[b], 0.5, {}) for a, b in reviews]
            region = None if relinked is None else {ids[key] for key in relinked}
            publish_partition(
                session, start_run(session, "landing"), frame, clusters, {}, pairs,
                relinked=region,
            )  # fmt: skip
            keys = {rid: key for key, rid in ids.items()}
            pending = session.execute(
                select(MatchReview.left_record_id, MatchReview.right_record_id).where(
                    MatchReview.status == "pending"
                )
            )
            return {(keys[left], keys[right]) for left, right in pending}

    assert publish([("1", "2"), ("2", "3")], relinked=None) == {("1", "2"), ("2", "3")}
    # record 1 was re-matched and its pair fell out of the band; 2-3 was not re-scored
    assert publish([], relinked={"1"}) == {("2", "3")}
    assert publish([("1", "3")], relinked={"1", "3"}) == {("1", "3")}
    assert publish([], relinked=None) == set()


def _publish_region(
    url: str, clusters_by_key: dict[str, int], relinked: set[str]
) -> tuple[int, dict[str, str]]:
    with session_factory(engine_for(url)).begin() as session:
        frame = identity_frame(session)
        ids = {key: int(rid) for rid, key in zip(frame.index, frame["source_key"], strict=True)}
        clusters = {ids[key]: label for key, label in clusters_by_key.items()}
        summary = publish_partition(
            session, start_run(session, "landing"), frame, clusters, {}, [],
            relinked={ids[key] for key in relinked},
        )  # fmt: skip
        return summary.customers, {key: cid for _, key, cid in crosswalk(session)}


def test_an_incremental_publish_plans_only_its_regions_customers(warehouse_url: str) -> None:
    _load(warehouse_url)
    _, first = _publish(warehouse_url, {"1": 0, "2": 1, "3": 2})
    assert len(set(first.values())) == 3
    # 1 and 2 are re-matched into one customer; 3 lies outside with its own label
    customers, merged = _publish_region(warehouse_url, {"1": 7, "2": 7, "3": 2}, {"1", "2"})
    assert customers == 2
    assert merged == {"1": first["1"], "2": first["1"], "3": first["3"]}
    with session_factory(engine_for(warehouse_url))() as session:
        retired = session.get_one(Customer, first["2"])
        assert (retired.status, retired.merged_into) == ("retired", first["1"])
        assert session.get_one(Customer, first["1"]).record_count == 2
    # A "region" holding only part of a customer is no region: everything is planned, so
    # the part left outside keeps its ID and record 1 becomes a new customer.
    customers, split = _publish_region(warehouse_url, {"1": 9, "2": 8, "3": 2}, {"1"})
    assert customers == 3
    assert split["2"] == first["1"] and split["3"] == first["3"]
    assert split["1"] not in first.values()
    with session_factory(engine_for(warehouse_url))() as session:
        assert session.get_one(Customer, first["1"]).record_count == 1


@pytest.mark.parametrize("warehouse_url", ["postgresql"], indirect=True)
def test_a_large_publish_leaves_statistics_the_next_run_plans_on(warehouse_url: str) -> None:
    """The next run reads the pending review pairs touching its region by record id. On
    a server without autovacuum (or before it woke up) the planner saw an empty queue and
    scanned all of it per batch of ids: a publish that wrote thousands of rows analyzes
    the tables it wrote."""
    people = 12_000
    with session_factory(engine_for(warehouse_url)).begin() as session:
        run_id = start_run(session, "landing")
        stager = FileStager(session, run_id, delivery())
        for n in range(people):
            stager.loaded(parsed(record(key=str(n), first_name="Jürgen")), lineage(n + 2))
        stager.finish()
    with session_factory(engine_for(warehouse_url)).begin() as session:
        run_id = start_run(session, "landing")
        frame = identity_frame(session)
        ids = frame.index.tolist()
        clusters = {record_id: label for label, record_id in enumerate(ids)}
        reviews = [(left, right, 0.5, {}) for left, right in zip(ids[::2], ids[1::2], strict=True)]
        publish_partition(session, run_id, frame, clusters, {}, reviews)
    with engine_for(warehouse_url).connect() as connection:
        counted = dict(
            connection.execute(
                text(
                    "SELECT relname, reltuples FROM pg_class WHERE relname IN "
                    "('customer', 'customer_link', 'identity_event', 'match_review')"
                )
            ).all()
        )
        assert counted == {
            "customer": people,
            "customer_link": people,
            "identity_event": people,
            "match_review": people // 2,
        }
        wanted = ", ".join(str(i) for i in ids[1:2_000:40])
        plan = connection.scalars(
            text(
                "EXPLAIN SELECT id FROM match_review WHERE status = 'pending' "
                f"AND right_record_id IN ({wanted})"
            )
        ).all()
        assert any("Index Cond" in line and "right_record_id" in line for line in plan), plan


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_what_every_match_reads_of_the_records_is_an_index_only_read(
    warehouse_url: str,
) -> None:
    """The identity records' last runs and a run's written records come from indexes,
    not from a scan of every record's wide row."""
    with session_factory(engine_for(warehouse_url))() as session:
        dialect = session.get_bind().dialect
        for query, index in (
            (identity_runs_query(), "COVERING INDEX ix_source_record_id_runs"),
            (written_by_query(7), "INDEX ix_source_record_last_run_id"),
        ):
            statement = query.compile(dialect=dialect, compile_kwargs={"literal_binds": True})
            plan = [row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {statement}"))]
            assert any(index in step for step in plan), plan


def _publish_evidence(url: str, evidence: dict[str, object]) -> int:
    """Publish 1 and 2 as one customer with `evidence` on 1's link; returns the run id."""
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, "landing")
        frame = identity_frame(session)
        ids = {key: int(rid) for rid, key in zip(frame.index, frame["source_key"], strict=True)}
        clusters = {ids["1"]: 0, ids["2"]: 0, ids["3"]: 1}
        links = {ids["1"]: LinkEvidence("auto", 0.99, evidence)}
        publish_partition(session, run_id, frame, clusters, links, [])
        return run_id


def _link_run(url: str) -> int:
    with session_factory(engine_for(url))() as session:
        return session.get_one(CustomerLink, 1).run_id


def test_a_link_is_rewritten_only_when_its_evidence_changed(warehouse_url: str) -> None:
    """Stored evidence is compared as the driver returns it (JSON text on SQLite): the
    same evidence leaves the link as it is, also when another writer ordered its keys
    otherwise; a changed weight deep inside rewrites it."""
    _load(warehouse_url)
    evidence = {
        "partner": "shop_customer:2",
        "fields": {"email": {"level": "exact", "weight": 9.5}},
    }
    first = _publish_evidence(warehouse_url, evidence)
    _publish_evidence(warehouse_url, evidence)
    assert _link_run(warehouse_url) == first
    changed = {"partner": "shop_customer:2", "fields": {"email": {"level": "exact", "weight": 9.4}}}
    second = _publish_evidence(warehouse_url, changed)
    assert _link_run(warehouse_url) == second != first
    reordered = (
        '{"fields": {"email": {"weight": 9.4, "level": "exact"}}, "partner": "shop_customer:2"}'
    )
    with session_factory(engine_for(warehouse_url)).begin() as session:
        session.execute(text("UPDATE customer_link SET evidence = :e WHERE source_record_id = 1"),
                        {"e": reordered})  # fmt: skip
    _publish_evidence(warehouse_url, changed)
    assert _link_run(warehouse_url) == second
