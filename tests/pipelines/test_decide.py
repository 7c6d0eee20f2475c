from __future__ import annotations

from datetime import date

import pytest

from pipelines.decide import apply_decision
from pipelines.match import match_and_publish
from schemas.errors import NotFound, WarehouseError
from tests.warehouse.helpers import delivery, lineage, parsed, record
from warehouse.decisions import (
    decide_review,
    load_constraints,
    merge_customers,
    record_id_of,
    unmerge_record,
)
from warehouse.engine import engine_for, session_factory
from warehouse.models import MatchReview
from warehouse.queries import crosswalk, pending_reviews
from warehouse.runs import start_run
from warehouse.staging import FileStager

JUERGEN_SHOP = ("shop_customer", "1")
JUERGEN_DESK = ("helpdesk_user", "2")
ERIKA = ("shop_customer", "3")


def _load(url: str) -> None:
    people = [
        record("shop_customer", "1", first_name="Jürgen", last_name="Weiß", email="jw@web.de",
               birth_date=date(1978, 3, 14), postal_code="70173", city="Stuttgart"),
        record("helpdesk_user", "2", first_name="Juergen", last_name="Weiss", email="jw@web.de",
               birth_date=date(1978, 3, 14)),
        record("shop_customer", "3", first_name="Erika", last_name="Muster", email="em@gmx.de",
               postal_code="01067", city="Dresden"),
    ]  # fmt: skip
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, "landing")
        stager = FileStager(session, run_id, delivery())
        for line, person in enumerate(people, start=2):
            stager.loaded(parsed(person), lineage(line, key=person.source_key))
        stager.finish()
        match_and_publish(session, run_id)


def _customers(url: str) -> dict[tuple[str, str], str]:
    with session_factory(engine_for(url))() as session:
        return {(s, k): c for s, k, c in crosswalk(session)}


def _rematch(url: str) -> None:
    apply_decision(url, "nothing", lambda session: None)


def test_unmerge_and_merge_hold_in_later_runs(warehouse_url: str) -> None:
    _load(warehouse_url)
    before = _customers(warehouse_url)
    juergen = before[JUERGEN_SHOP]
    assert before[JUERGEN_DESK] == juergen != before[ERIKA]

    apply_decision(
        warehouse_url,
        "unmerge",
        lambda s: unmerge_record(s, juergen, *JUERGEN_DESK, "two people"),
    )
    _rematch(warehouse_url)
    after = _customers(warehouse_url)
    assert after[JUERGEN_SHOP] == juergen, "the larger part keeps the ID"
    assert after[JUERGEN_DESK] != juergen

    erika = after[ERIKA]
    apply_decision(warehouse_url, "merge", lambda s: merge_customers(s, erika, juergen, None))
    _rematch(warehouse_url)
    merged = _customers(warehouse_url)
    assert merged[ERIKA] == merged[JUERGEN_SHOP]
    assert merged[JUERGEN_DESK] != merged[JUERGEN_SHOP]  # the unmerge still stands


def test_bad_decisions_are_clear_errors(warehouse_url: str) -> None:
    _load(warehouse_url)
    links = _customers(warehouse_url)
    with session_factory(engine_for(warehouse_url)).begin() as session:
        with pytest.raises(NotFound, match="no customer KS99999999"):
            merge_customers(session, "KS99999999", links[ERIKA], None)
        with pytest.raises(WarehouseError, match="does not belong"):
            unmerge_record(session, links[ERIKA], *JUERGEN_DESK, None)
        with pytest.raises(WarehouseError, match="only record"):
            unmerge_record(session, links[ERIKA], *ERIKA, None)
        with pytest.raises(NotFound, match="no source record"):
            unmerge_record(session, links[ERIKA], "shop_customer", "404", None)
        with pytest.raises(NotFound, match="no review item 7"):
            decide_review(session, 7, accept=True, reason=None)
        assert pending_reviews(session, 10) == []
    apply_decision(
        warehouse_url,
        "merge",
        lambda s: merge_customers(s, links[ERIKA], links[JUERGEN_SHOP], None),
    )
    # Jürgen's ID is carried by more records: it survives, Erika's is retired
    with session_factory(engine_for(warehouse_url)).begin() as session:
        with pytest.raises(WarehouseError, match=f"was merged into {links[JUERGEN_SHOP]}"):
            merge_customers(session, links[ERIKA], links[JUERGEN_SHOP], None)


def test_review_verdicts_and_only_they_are_calibration_labels(warehouse_url: str) -> None:
    """Reviews are a sample of the review band; merges and unmerges are corrections where
    the matcher erred, so only the former calibrate (`matching.calibration`)."""
    _load(warehouse_url)
    links = _customers(warehouse_url)
    with session_factory(engine_for(warehouse_url)).begin() as session:
        ids = {key: record_id_of(session, *key) for key in (JUERGEN_SHOP, JUERGEN_DESK, ERIKA)}
        run_id = start_run(session, "landing")
        items = [
            MatchReview(left_record_id=ids[a], right_record_id=ids[b], score=0.5, run_id=run_id)
            for a, b in ((JUERGEN_SHOP, ERIKA), (JUERGEN_DESK, ERIKA))
        ]
        session.add_all(items)
        session.flush()
        decide_review(session, items[0].id, accept=False, reason=None)
        decide_review(session, items[1].id, accept=True, reason=None)
    with session_factory(engine_for(warehouse_url)).begin() as session:
        unmerge_record(session, links[JUERGEN_SHOP], *JUERGEN_DESK, None)
        constraints = load_constraints(session)
    shop, desk, erika = ids[JUERGEN_SHOP], ids[JUERGEN_DESK], ids[ERIKA]
    assert constraints.reviewed == sorted(
        [(min(shop, erika), max(shop, erika), False), (min(desk, erika), max(desk, erika), True)]
    )
    assert (min(shop, desk), max(shop, desk)) in constraints.cannot_link  # unmerged: no label
