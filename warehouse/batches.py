"""Long id lists in slices a database accepts as `IN (...)` bind parameters."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from functools import partial
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import QueryableAttribute, Session

from warehouse.bulk import fetch_tuples

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
    plain: bool = False,
) -> Iterator[Sequence[Any]]:
    """The rows of `query` whose `column` (its first column) is one of `ids`: looked up by
    id when they are a few of the `stored` rows (an incremental run), in one scan filtered
    here when they are more than a quarter. `plain`: the rows as the driver returns them
    (`bulk.fetch_tuples`, no result processing: select columns that need none, or take
    JSON as the driver gives it)."""
    run: Callable[[Select[*tuple[Any, ...]]], Iterable[Sequence[Any]]] = (
        partial(fetch_tuples, session) if plain else session.execute
    )
    if len(ids) * 4 > stored:
        yield from (row for row in run(query) if row[0] in ids)
        return
    for batch in batches(sorted(ids)):
        yield from run(query.where(column.in_(batch)))
