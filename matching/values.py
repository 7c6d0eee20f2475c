"""Long tables of values: every (value, row position) of some feature columns.

Blocking on any of several columns, telling shared emails and phones from personal ones
and finding a changed record's fellow carriers all ask which rows carry a value.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.catalog import TUPLE_COLUMNS


def value_positions(
    frame: pd.DataFrame, columns: Sequence[str], *, distinct: bool = True
) -> pd.DataFrame:
    """Columns `value` and `pos` (0..n-1): each non-missing value of `columns` with the
    position of its row; tuple columns (`catalog.TUPLE_COLUMNS`) give one row per element.
    `distinct`: each (value, position) once (phone = phone_alt on one record).

    Built from arrays (no Series.explode, no dropna over the concatenation): it runs over
    every record for blocking, sharing and an incremental match's fellow carriers."""
    values: list[npt.NDArray[Any]] = []
    positions: list[npt.NDArray[np.int64]] = []
    for column in columns:
        cells = frame[column].to_numpy()
        if column in TUPLE_COLUMNS:
            lengths = np.fromiter(map(len, cells), dtype=np.int64, count=len(cells))
            count = int(lengths.sum())
            cells = np.fromiter(chain.from_iterable(cells), dtype=object, count=count)
            rows = np.repeat(np.arange(len(lengths), dtype=np.int64), lengths)
        else:
            rows = np.arange(len(cells), dtype=np.int64)
        present = pd.notna(cells)
        values.append(cells[present])
        positions.append(rows[present])
    value = np.concatenate(values) if values else np.empty(0, dtype=object)
    pos = np.concatenate(positions) if positions else np.empty(0, dtype=np.int64)
    if distinct and len(value):
        key = pd.factorize(value)[0].astype(np.int64) * (len(frame) + 1) + pos
        first = ~pd.Series(key).duplicated().to_numpy()
        value, pos = value[first], pos[first]
    return pd.DataFrame({"value": value, "pos": pos})
