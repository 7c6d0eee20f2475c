"""Long id lists in slices a database accepts as `IN (...)` bind parameters."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import Row, Select
from sqlalchemy.orm import QueryableAttribute, Session

T = TypeVar("T")
BATCH = 500  # far below SQLite's and PostgreSQL's bind-parameter limits


def batches(values: Sequence[T], size: int = BATCH) -> Iterator[Sequence[T]]:
    """Consecutive slices of `values`, each at most `size` long."""
    for start in range(0, len(values), size):
        yield values[start : start + size]


def rows_with(
    session: Session,
    query: Select[*tuple[Any, ...]],
    column: QueryableAttribute[Any],
    ids: Collection[Any],
    *,
    stored: int,
) -> Iterator[Row[Any]]:
    """The rows of `query` whose `column` (its first column) is one of `ids`: looked up by
    id when they are a few of the `stored` rows (an incremental run), in one scan filtered
    here when they are more than a quarter."""
    if len(ids) * 4 > stored:
        yield from (row for row in session.execute(query) if row[0] in ids)
        return
    for batch in batches(sorted(ids)):
        yield from session.execute(query.where(column.in_(batch)))
