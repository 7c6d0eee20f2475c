from __future__ import annotations

from warehouse.identity import format_id, plan_identities

ORDER = {r: ("shop_customer", f"{r:03d}") for r in range(1, 20)}


def test_new_clusters_get_new_ids_in_record_order() -> None:
    plan = plan_identities({1: 10, 2: 10, 3: 7}, {}, ORDER, next_number=1)
    # cluster 10 holds the smallest record key, so it is numbered first
    assert plan.cluster_ids == {10: format_id(1), 7: format_id(2)}
    assert [kind for kind, *_ in plan.events] == ["created", "created"]


def test_merge_keeps_the_id_most_records_carried_and_retires_the_other() -> None:
    previous = {1: "KS00000002", 2: "KS00000002", 3: "KS00000001"}
    plan = plan_identities({1: 0, 2: 0, 3: 0}, previous, ORDER, next_number=3)
    assert plan.cluster_ids == {0: "KS00000002"}  # two records carried it, one the other
    assert plan.retired == {"KS00000001": "KS00000002"}
    assert plan.events == [
        ("merged", "KS00000001", "KS00000002", "KS00000001 merged into KS00000002")
    ]


def test_merge_tie_keeps_the_older_id() -> None:
    previous = {1: "KS00000005", 2: "KS00000003"}
    plan = plan_identities({1: 0, 2: 0}, previous, ORDER, next_number=6)
    assert plan.cluster_ids == {0: "KS00000003"}
    assert plan.retired == {"KS00000005": "KS00000003"}


def test_split_larger_part_keeps_the_id_and_the_rest_gets_a_new_one() -> None:
    previous = {1: "KS00000001", 2: "KS00000001", 3: "KS00000001"}
    plan = plan_identities({1: 0, 2: 0, 3: 1}, previous, ORDER, next_number=2)
    assert plan.cluster_ids == {0: "KS00000001", 1: "KS00000002"}
    assert plan.retired == {}
    assert [e[:3] for e in plan.events] == [("split", "KS00000001", "KS00000002")]


def test_unchanged_partition_plans_no_events() -> None:
    previous = {1: "KS00000001", 2: "KS00000001", 3: "KS00000002"}
    plan = plan_identities({1: 4, 2: 4, 3: 9}, previous, ORDER, next_number=3)
    assert plan.cluster_ids == {4: "KS00000001", 9: "KS00000002"}
    assert plan.events == [] and plan.new_ids == [] and plan.retired == {}
