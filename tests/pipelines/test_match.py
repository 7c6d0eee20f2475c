from __future__ import annotations

import pandas as pd

from matching.person_values import KIND_BITS
from pipelines.match import _link_evidence
from warehouse.decisions import Constraints


def test_a_rejected_pair_of_customers_leaves_the_review_queue_whole() -> None:
    """Records 1, 2 are one customer, 3, 4 another, 5 a third. A person said 1 and 3 are
    two people: the review pair 2-4 between the same customers is settled by that; 2-5 is
    still a question."""
    records = pd.DataFrame(
        {"source": ["shop_customer"] * 5, "source_key": list("abcde")}, index=[1, 2, 3, 4, 5]
    )
    pairs = pd.DataFrame(
        {
            "left": [1, 2, 2],
            "right": [2, 4, 5],
            "score": [0.99, 0.5, 0.4],
            "weight": [20.0, 1.0, 0.5],
            "decision": ["auto", "review", "review"],
            "evidence": [{}, {}, {}],
        }
    )
    clusters = {1: 0, 2: 0, 3: 1, 4: 1, 5: 2}
    links, reviews = _link_evidence(records, pairs, clusters, Constraints([], [(1, 3)]))
    assert [(r.left, r.right) for r in reviews] == [(2, 5)]
    assert set(links) == {1, 2}
    _, unconstrained = _link_evidence(records, pairs, clusters, Constraints([], []))
    assert len(unconstrained) == 2


def test_review_pairs_say_which_kinds_of_one_person_value_both_customers_hold() -> None:
    """Customer 0 (records 1, 2) has an email, customer 1 (3, 4) an email and an address,
    customer 2 (record 5) only an address."""
    records = pd.DataFrame(
        {"source": ["shop_customer"] * 5, "source_key": list("abcde")}, index=[1, 2, 3, 4, 5]
    )
    pairs = pd.DataFrame(
        {
            "left": [2, 2, 4],
            "right": [4, 5, 5],
            "score": [0.5, 0.4, 0.6],
            "weight": [1.0, 0.5, 2.0],
            "decision": ["review"] * 3,
            "evidence": [{}, {}, {}],
        }
    )
    clusters = {1: 0, 2: 0, 3: 1, 4: 1, 5: 2}
    email, address = KIND_BITS["email"], KIND_BITS["address"]
    kinds = pd.Series({1: email, 2: 0, 3: email, 4: address, 5: address})
    _, reviews = _link_evidence(records, pairs, clusters, Constraints([], []), kinds)
    apart = {(r.left, r.right): r.apart for r in reviews}
    assert apart == {(2, 4): ("email",), (2, 5): (), (4, 5): ("address",)}
