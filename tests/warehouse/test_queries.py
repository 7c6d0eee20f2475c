from __future__ import annotations

from tests.warehouse.helpers import delivery, lineage, parsed, record
from warehouse.engine import engine_for, session_factory
from warehouse.publish import ReviewPair, identity_frame, publish_partition
from warehouse.queries import pending_reviews
from warehouse.runs import start_run
from warehouse.staging import FileStager


def _stage(url: str) -> None:
    with session_factory(engine_for(url)).begin() as session:
        stager = FileStager(session, start_run(session, "landing"), delivery())
        for line, key in enumerate("1234", start=2):
            stager.loaded(parsed(record(key=key, last_name="Weiß")), lineage(line, id=key))
        stager.finish()


def _publish(url: str, apart: tuple[str, ...]) -> list[tuple[str, str, list[str]]]:
    """Shop customers 1-4, each their own customer, and three review pairs; customers 1
    and 2 both hold the kinds `apart`. Returns the queue as listed."""
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, "landing")
        frame = identity_frame(session)
        ids = {key: int(i) for i, key in frame["source_key"].items()}
        clusters = {ids[key]: label for label, key in enumerate("1234")}
        reviews = [
            ReviewPair(ids["1"], ids["2"], 0.7, {}, apart),
            ReviewPair(ids["1"], ids["3"], 0.5, {}),
            ReviewPair(ids["2"], ids["4"], 0.6, {}),
        ]
        publish_partition(session, run_id, frame, clusters, {}, reviews)
    with session_factory(engine_for(url))() as session:
        return [(i["left"], i["right"], i["apart"]) for i in pending_reviews(session, 10)]


def test_the_review_queue_lists_items_whose_customers_both_hold_a_kind_last(
    warehouse_url: str,
) -> None:
    _stage(warehouse_url)
    assert _publish(warehouse_url, ("email", "address")) == [
        ("shop_customer:2", "shop_customer:4", []),
        ("shop_customer:1", "shop_customer:3", []),
        ("shop_customer:1", "shop_customer:2", ["email", "address"]),
    ]
    # The next run finds the two customers no longer both holding a kind: the kept item
    # is updated and takes its place by score.
    assert _publish(warehouse_url, ())[0] == ("shop_customer:1", "shop_customer:2", [])
