"""Long id lists in slices a database accepts as `IN (...)` bind parameters."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TypeVar

T = TypeVar("T")
BATCH = 500  # far below SQLite's and PostgreSQL's bind-parameter limits


def batches(values: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """Consecutive slices of `values`, each at most `size` long."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
