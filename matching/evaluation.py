"""Pairwise precision, recall and F1 of a partition against ground truth.

Counts pairs through cluster sizes, never by listing pairs: with the contingency table
n_ij of (predicted, true) labels, true positives = Σ C(n_ij, 2), predicted pairs =
Σ C(n_i, 2) and true pairs = Σ C(n_j, 2). Linear in the number of records.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from typing import TypeVar

K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True)
class PairMetrics:
    precision: float
    recall: float
    f1: float
    true_positives: int
    false_positives: int
    false_negatives: int


def _pairs(counts: Counter[Hashable]) -> int:
    return sum(n * (n - 1) // 2 for n in counts.values())


def pairwise_metrics(predicted: Mapping[K, Hashable], truth: Mapping[K, Hashable]) -> PairMetrics:
    """Compare two partitions over the keys both know.

    With nothing to find and nothing found, precision and recall are 1 (nothing wrong);
    F1 is 0 only when there are true positives to miss and none were found.
    """
    keys = predicted.keys() & truth.keys()
    joint: Counter[Hashable] = Counter((predicted[k], truth[k]) for k in keys)
    by_predicted: Counter[Hashable] = Counter(predicted[k] for k in keys)
    by_truth: Counter[Hashable] = Counter(truth[k] for k in keys)
    tp = _pairs(joint)
    fp = _pairs(by_predicted) - tp
    fn = _pairs(by_truth) - tp
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return PairMetrics(precision, recall, f1, tp, fp, fn)
