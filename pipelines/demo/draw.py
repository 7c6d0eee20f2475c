"""Weighted draws, built once: `random.choices` re-sums the weights on every call, which
shows at a million rows."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterable, Sequence
from itertools import accumulate
from typing import Generic, TypeVar

T = TypeVar("T")


class Weighted(Generic[T]):
    """Items with relative weights; `pick` costs one `random()` and one bisect."""

    __slots__ = ("items", "cumulative", "total")

    def __init__(self, items: Sequence[T], weights: Iterable[float]) -> None:
        self.items = tuple(items)
        self.cumulative = list(accumulate(weights))
        if len(self.cumulative) != len(self.items) or not self.items:
            raise ValueError("one weight per item, and at least one item")
        self.total = self.cumulative[-1]

    @classmethod
    def zipf(cls, items: Sequence[T], offset: float = 5.0) -> Weighted[T]:
        """Rank r weighs 1 / (r + offset): a few very common items and a long tail."""
        return cls(items, (1.0 / (rank + offset) for rank in range(len(items))))

    def pick(self, rng: random.Random) -> T:
        index = bisect(self.cumulative, rng.random() * self.total, 0, len(self.items) - 1)
        return self.items[index]
