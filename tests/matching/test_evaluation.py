from __future__ import annotations

import random
from itertools import combinations

import pytest

from matching.evaluation import PairMetrics, pairwise_metrics


def test_hand_counted_case() -> None:
    predicted = {"a": 1, "b": 1, "c": 1, "d": 2}
    truth = {"a": "X", "b": "X", "c": "Y", "d": "Y"}
    # Predicted pairs ab, ac, bc (3); true pairs ab, cd (2); both: ab.
    # TP 1, FP 3 - 1 = 2, FN 2 - 1 = 1; P = 1/3, R = 1/2, F1 = 2·(1/6)/(5/6) = 0.4.
    metrics = pairwise_metrics(predicted, truth)
    assert (metrics.true_positives, metrics.false_positives, metrics.false_negatives) == (1, 2, 1)
    assert metrics.precision == pytest.approx(1 / 3)
    assert metrics.recall == pytest.approx(1 / 2)
    assert metrics.f1 == pytest.approx(0.4)


def test_perfect_and_keys_known_to_one_side_only() -> None:
    predicted = {1: "p", 2: "p", 3: "q", 99: "p"}  # 99 has no truth: ignored
    truth = {1: "A", 2: "A", 3: "B", 100: "A"}  # 100 was not predicted: ignored
    assert pairwise_metrics(predicted, truth) == PairMetrics(1.0, 1.0, 1.0, 1, 0, 0)


def test_all_singletons_on_both_sides_is_vacuously_perfect() -> None:
    assert pairwise_metrics({1: 1, 2: 2}, {1: "a", 2: "b"}) == PairMetrics(1.0, 1.0, 1.0, 0, 0, 0)


def test_nothing_found_of_three_true_pairs() -> None:
    # Truth: one person of three records (3 pairs); predicted: three singletons.
    metrics = pairwise_metrics({1: 1, 2: 2, 3: 3}, {1: "a", 2: "a", 3: "a"})
    assert metrics == PairMetrics(1.0, 0.0, 0.0, 0, 0, 3)


def test_everything_merged() -> None:
    # Predicted: one cluster of 4 (6 pairs); truth: two pairs. TP 2, FP 4, FN 0.
    metrics = pairwise_metrics(dict.fromkeys(range(4), 0), {0: 0, 1: 0, 2: 1, 3: 1})
    assert (metrics.precision, metrics.recall) == (pytest.approx(2 / 6), 1.0)
    assert metrics.f1 == pytest.approx(2 * (1 / 3) / (4 / 3))


@pytest.mark.parametrize("seed", range(5))
def test_matches_pair_enumeration(seed: int) -> None:
    rng = random.Random(seed)
    keys = range(60)
    predicted = {k: rng.randrange(15) for k in keys}
    truth = {k: rng.randrange(12) for k in keys}
    pairs = list(combinations(keys, 2))
    same_p = {p for p in pairs if predicted[p[0]] == predicted[p[1]]}
    same_t = {p for p in pairs if truth[p[0]] == truth[p[1]]}
    metrics = pairwise_metrics(predicted, truth)
    assert metrics.true_positives == len(same_p & same_t)
    assert metrics.false_positives == len(same_p - same_t)
    assert metrics.false_negatives == len(same_t - same_p)
