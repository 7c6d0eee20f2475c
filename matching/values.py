"""Long tables of values: every (value, row position) of some feature columns.

Blocking on any of several columns, telling shared emails and phones from personal ones
and finding a changed record's fellow carriers all ask which rows carry a value.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from matching.catalog import TUPLE_COLUMNS


def value_positions(
    frame: pd.DataFrame, columns: Sequence[str], *, distinct: bool = True
) -> pd.DataFrame:
    """Columns `value` and `pos` (0..n-1): each non-missing value of `columns` with the
    position of its row; tuple columns (`catalog.TUPLE_COLUMNS`) give one row per element.
    `distinct`: each (value, position) once (phone = phone_alt on one record)."""
    parts = []
    for column in columns:
        values = frame[column].reset_index(drop=True)
        if column in TUPLE_COLUMNS:
            values = values.explode()  # an empty tuple gives a missing value
        parts.append(pd.DataFrame({"value": values, "pos": values.index}))
    long = pd.concat(parts, ignore_index=True).dropna()
    return long.drop_duplicates() if distinct else long
