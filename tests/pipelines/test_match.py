from __future__ import annotations

import pandas as pd

from matching.person_values import KIND_BITS
from pipelines.match import _link_evidence
from warehouse.decisions import Constraints

# Records 1, 2 are one customer, 3, 4 another, 5 a third.
RECORDS = pd.DataFrame(
    {"source": ["shop_customer"] * 5, "source_key": list("abcde")}, index=[1, 2, 3, 4, 5]
)
CLUSTERS = {1: 0, 2: 0, 3: 1, 4: 1, 5: 2}


def _pairs(*scored: tuple[int, int, float, str]) -> pd.DataFrame:
    """Scored pairs as the matcher gives them: (left, right, score, decision)."""
    left, right, score, decision = zip(*scored, strict=True)
    return pd.DataFrame(
        {
            "left": left,
            "right": right,
            "score": score,
            "weight": [0.0] * len(scored),
            "decision": decision,
            "evidence": [{} for _ in scored],
        }
    )


def test_a_rejected_pair_of_customers_leaves_the_review_queue_whole() -> None:
    """A person said 1 and 3 are two people: the review pair 2-4 between the same
    customers is settled by that; 2-5 is still a question."""
    pairs = _pairs((1, 2, 0.99, "auto"), (2, 4, 0.5, "review"), (2, 5, 0.4, "review"))
    links, reviews = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([], [(1, 3)]))
    assert [(r.left, r.right) for r in reviews] == [(2, 5)]
    assert set(links) == {1, 2}
    _, unconstrained = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([], []))
    assert len(unconstrained) == 2


def test_review_pairs_say_which_kinds_of_one_person_value_both_customers_hold() -> None:
    """Customer 0 (records 1, 2) has an email, customer 1 (3, 4) an email and an address,
    customer 2 (record 5) only an address."""
    pairs = _pairs((2, 4, 0.5, "review"), (2, 5, 0.4, "review"), (4, 5, 0.6, "review"))
    email, address = KIND_BITS["email"], KIND_BITS["address"]
    kinds = pd.Series({1: email, 2: 0, 3: email, 4: address, 5: address})
    _, reviews = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([], []), kinds)
    apart = {(r.left, r.right): r.apart for r in reviews}
    assert apart == {(2, 4): ("email",), (2, 5): (), (4, 5): ("address",)}


def test_each_record_is_linked_by_its_strongest_pair_inside_its_customer() -> None:
    """3-4 links by 0.95, not the earlier 0.90; 4-5 crosses customers (the clustering
    refused it) and links nothing, whatever its score. Once 5 is in 3's customer, 3 has
    two partners at 0.95 and keeps the earlier pair."""
    pairs = _pairs(
        (3, 4, 0.90, "auto"),
        (1, 2, 0.99, "auto"),
        (3, 4, 0.95, "auto"),
        (4, 5, 0.999, "auto"),
        (3, 5, 0.95, "auto"),
    )
    links, _ = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([], []))
    partners = {r: (e.score, e.evidence["partner"][-1]) for r, e in links.items()}
    assert partners == {1: (0.99, "b"), 2: (0.99, "a"), 3: (0.95, "d"), 4: (0.95, "c")}
    links, _ = _link_evidence(RECORDS, pairs, {**CLUSTERS, 5: 1}, Constraints([], []))
    partners = {r: (e.score, e.evidence["partner"][-1]) for r, e in links.items()}
    assert partners[3] == (0.95, "d")
    assert partners[4] == (0.999, "e") and partners[5] == (0.999, "d")


def test_a_decision_naming_an_erased_record_links_the_others() -> None:
    """A must-link from before an erasure names record 9, no longer in the warehouse."""
    pairs = _pairs((1, 2, 0.99, "auto"))
    links, _ = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([(9, 1)], []))
    assert set(links) == {1, 2}
