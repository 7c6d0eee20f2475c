from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from matching.evaluation import pairwise_metrics
from matching.linker import PAIR_COLUMNS, MatchInputError, link_records
from tests.matching.helpers import frame, rec, settings
from tests.matching.synthetic import synthetic_records


@pytest.fixture
def records() -> pd.DataFrame:
    return frame(
        rec(first_name="Manfred", last_name="Baumann", email="mb@web.de"),
        rec(first_name="Manni", last_name="Baumann", email="mb@web.de", phone="+4915112345678"),
        rec(first_name="Baumann", last_name="Manni", phone="+4915112345678"),
        rec(first_name="Erika", last_name="Muster", birth_date=date(1970, 1, 2)),
        rec(first_name="Erika", last_name="Schmidt", birth_date=date(1970, 1, 2)),
        ids=[40, 10, 30, 20, 50],
    )  # fmt: skip


def test_result_contract(records: pd.DataFrame) -> None:
    result = link_records(records)
    pairs = result.pairs
    assert tuple(pairs.columns) == PAIR_COLUMNS
    assert (pairs["left"] < pairs["right"]).all()
    assert pairs["score"].between(0, 1).all()
    assert set(pairs["decision"]) <= {"auto", "review"}
    assert (pairs["score"] >= settings().review_threshold).all()
    assert all(set(e) == {c.name for c in settings().comparisons} for e in pairs["evidence"])
    for evidence, weight in zip(pairs["evidence"], pairs["weight"], strict=True):
        assert sum(v["weight"] for v in evidence.values()) == pytest.approx(weight, abs=0.01)
    assert sorted(result.clusters.index) == sorted(records.index)
    assert result.clusters.dtype.kind == "i"
    assert set(result.pairs_per_rule) == {r.name for r in settings().blocking}
    # Manfred / Manni / Baumann Manni are one person; the two Erikas (same birth date,
    # other surname: married?) wait for a person to decide.
    assert result.clusters[40] == result.clusters[10] == result.clusters[30]
    erikas = pairs[(pairs["left"] == 20) & (pairs["right"] == 50)]
    assert erikas["decision"].tolist() == ["review"]
    assert result.clusters[20] != result.clusters[50]


def test_reruns_and_row_order_give_the_same_result(records: pd.DataFrame) -> None:
    first = link_records(records)
    again = link_records(records.sample(frac=1, random_state=1))
    pd.testing.assert_frame_equal(first.pairs, again.pairs)
    pd.testing.assert_series_equal(first.clusters, again.clusters)


def test_empty_and_single_record_frames() -> None:
    empty = link_records(frame(rec()).iloc[:0])
    assert empty.pairs.empty and tuple(empty.pairs.columns) == PAIR_COLUMNS
    assert empty.clusters.empty
    single = link_records(frame(rec(first_name="Hans"), ids=[7]))
    assert single.clusters.to_dict() == {7: 0}


def test_bad_record_ids_are_rejected() -> None:
    with pytest.raises(MatchInputError, match="unique"):
        link_records(frame(rec(), rec(), ids=[1, 1]))
    with pytest.raises(MatchInputError, match="integers, got object"):
        link_records(pd.DataFrame([rec()], index=pd.Index(["a"], dtype=object)))


def test_synthetic_households_keep_precision_high() -> None:
    """A coarse guard, not a benchmark: the full F1 numbers come from the demo set."""
    records, truth = synthetic_records(600, seed=11)
    result = link_records(records)
    predicted = dict(zip(result.clusters.index.tolist(), result.clusters.tolist(), strict=True))
    metrics = pairwise_metrics(predicted, truth)
    assert metrics.precision >= 0.9, metrics
    assert metrics.recall >= 0.5, metrics
    assert result.parameters is not None and result.parameters.notes  # estimated from data


def test_must_link_joins_what_the_scores_would_only_review(records: pd.DataFrame) -> None:
    result = link_records(records, must_link=[(50, 20), (999, 20)])  # 999: gone since
    assert result.clusters[20] == result.clusters[50]


def test_cannot_link_holds_against_direct_links_and_chains(records: pd.DataFrame) -> None:
    result = link_records(records, cannot_link=[(30, 40), (10, 40)])
    assert result.clusters[40] != result.clusters[30]
    assert result.clusters[40] != result.clusters[10]
    assert result.clusters[10] == result.clusters[30]  # their own link still stands


def test_cannot_link_wins_over_a_must_link_chain(records: pd.DataFrame) -> None:
    result = link_records(records, must_link=[(20, 50)], cannot_link=[(50, 20)])
    assert result.clusters[20] != result.clusters[50]


def test_two_different_mobiles_are_not_chained_into_one_person() -> None:
    """Eike Vogt by email (1) and Eike Vogt by mobile (3) are two people; a record sharing
    the email with one and a landline with the other must not join them (anti-chaining)."""
    name = {"first_name": "Eike", "last_name": "Vogt"}
    result = link_records(
        frame(
            rec(**name, email="eike@web.de", phone="+4915111111111"),
            rec(**name, email="eike@web.de", phone_alt="+49711234567"),
            rec(**name, phone="+4917022222222", phone_alt="+49711234567"),
        )
    )
    auto = result.pairs[result.pairs["decision"] == "auto"]
    assert {(1, 2), (2, 3)} <= set(zip(auto["left"], auto["right"], strict=True))
    assert result.clusters[1] != result.clusters[3]
    assert result.clusters[2] in (result.clusters[1], result.clusters[3])


def test_comparing_in_partitions_gives_the_same_result(records: pd.DataFrame) -> None:
    calls: list[int] = []

    def in_order(compare, partitions):  # type: ignore[no-untyped-def]
        calls.append(len(partitions))
        return [compare(p) for p in partitions]

    whole = link_records(records)
    parted = link_records(records, map_chunks=in_order, chunk_pairs=2)
    assert calls and calls[0] > 1
    pd.testing.assert_frame_equal(whole.pairs, parted.pairs)
    pd.testing.assert_series_equal(whole.clusters, parted.clusters)
