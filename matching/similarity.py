"""Vectorized building blocks of the comparisons, over aligned arrays of left/right values.

String measures run once per *distinct* (left, right) value pair: a million candidate pairs
hold far fewer distinct name pairs, so even a Python-level check stays cheap.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd
from rapidfuzz.distance import JaroWinkler
from rapidfuzz.process import cpdist

Values = npt.NDArray[np.object_]
Mask = npt.NDArray[np.bool_]
Codes = npt.NDArray[np.int8]
Floats = npt.NDArray[np.float64]
PairFunc = Callable[[list[str], list[str]], Sequence[float] | npt.NDArray[np.generic]]


# id(values) -> (values, mask) while a `presence_memo` is open; the values are kept so
# that their id cannot be taken by another array meanwhile.
_PRESENCE: ContextVar[dict[int, tuple[Values, Mask]] | None] = ContextVar("presence", default=None)


@contextmanager
def presence_memo() -> Iterator[None]:
    """Within it, `present` of one array is computed once: the comparisons of a chunk of
    pairs ask for the same columns' presence again and again (116 times for 53 arrays),
    and pd.notna over a quarter of a million objects costs 4 ms each time."""
    token = _PRESENCE.set({})
    try:
        yield
    finally:
        _PRESENCE.reset(token)


Ints = npt.NDArray[np.int32]


class _Coded(NamedTuple):
    values: Values  # kept so that their id cannot be taken by another array meanwhile
    codes: Ints
    texts: Values  # the code space: the text of each code


class _Tuples(NamedTuple):
    values: Values  # kept, as `_Coded.values`
    sizes: npt.NDArray[np.int64]  # how many texts each cell holds
    firsts: Ints  # the code of each cell's first text, -1 where it holds none


# id(values) -> their codes while a `value_codes` is open: the pair-aligned columns of the
# chunk being compared, their texts as integers of one code space; tuple columns by their
# sizes and first texts' codes.
_CODES: ContextVar[dict[int, _Coded] | None] = ContextVar("codes", default=None)
_TUPLES: ContextVar[dict[int, _Tuples] | None] = ContextVar("tuples", default=None)


@contextmanager
def value_codes() -> Iterator[None]:
    """Within it, arrays given their codes (`know_codes`) are compared as integers by
    `present` and `equal`, and their distinct values are found from the codes by
    `per_value`, `map_values` and `on_distinct_pairs`: a comparison of a quarter of a
    million pairs asks such questions some 500 times, each a pass over Python objects
    (4-7 ms, 27 ms to factorize) instead of over integers (0.1-1 ms)."""
    token, tuples = _CODES.set({}), _TUPLES.set({})
    try:
        yield
    finally:
        _CODES.reset(token)
        _TUPLES.reset(tuples)


def know_codes(values: Values, codes: Ints, texts: Values) -> None:
    """Inside a `value_codes`: `values` hold `texts[codes]`, missing where a code is -1.
    All codes known at once must come from one code space (`texts`, equal texts, equal
    codes, whichever column they are in): `equal` compares the codes of any two."""
    memo = _CODES.get()
    if memo is not None:
        memo[id(values)] = _Coded(values, codes, texts)


def know_tuples(values: Values, sizes: npt.NDArray[np.int64], firsts: Ints) -> None:
    """Inside a `value_codes`: the tuple cells of `values` hold `sizes` texts each, the
    first of them of code `firsts` (-1: none) in the code space of `know_codes`; `sizes`
    and `shares_any` read them instead of passing over the tuples of every pair."""
    memo = _TUPLES.get()
    if memo is not None:
        memo[id(values)] = _Tuples(values, sizes, firsts)


def _tupled(values: Values) -> _Tuples | None:
    memo = _TUPLES.get()
    known = memo.get(id(values)) if memo is not None else None
    return known if known is not None and known.values is values else None


def _coded(values: Values) -> _Coded | None:
    memo = _CODES.get()
    known = memo.get(id(values)) if memo is not None else None
    return known if known is not None and known.values is values else None


def _codes(values: Values) -> Ints | None:
    known = _coded(values)
    return known.codes if known is not None else None


def _factorized(
    values: Values, where: npt.NDArray[np.intp] | None = None
) -> tuple[npt.NDArray[np.intp], Values]:
    """`pd.factorize(values[where])` (all values without `where`), from their known codes
    if they have them: codes into the returned distinct texts, -1 where missing."""
    known = _coded(values)
    if known is None:
        return pd.factorize(values if where is None else values[where])
    codes = known.codes if where is None else known.codes[where]
    there = np.zeros(len(known.texts), dtype=bool)
    there[codes[codes >= 0]] = True
    distinct = np.flatnonzero(there)
    renumbered = np.full(len(known.texts) + 1, -1, dtype=np.intp)  # the last: missing
    renumbered[distinct] = np.arange(len(distinct))
    return renumbered[codes], known.texts[distinct]


def present(values: Values) -> Mask:
    """Where a value is there (not None / NaN). Read-only inside a `presence_memo`."""
    codes = _codes(values)
    if codes is not None:
        there: Mask = codes >= 0
        return there
    memo = _PRESENCE.get()
    known = memo.get(id(values)) if memo is not None else None
    if known is not None and known[0] is values:
        return known[1]
    mask: Mask = np.asarray(pd.notna(values), dtype=bool)
    if memo is not None:
        mask.flags.writeable = False  # shared by every caller of the chunk
        memo[id(values)] = (values, mask)
    return mask


def equal(left: Values, right: Values) -> Mask:
    """Both present and equal."""
    left_codes, right_codes = _codes(left), _codes(right)
    if left_codes is not None and right_codes is not None:
        coded: Mask = (left_codes == right_codes) & (left_codes >= 0)
        return coded
    same: Mask = np.asarray(left == right, dtype=bool)
    return present(left) & present(right) & same


def nonempty(values: Values) -> Mask:
    """Tuple cells holding at least one value."""
    return sizes(values) > 0


def sizes(values: Values) -> npt.NDArray[np.int64]:
    """How many values each tuple cell holds."""
    known = _tupled(values)
    if known is not None:
        return known.sizes
    return np.fromiter(map(len, values), dtype=np.int64, count=len(values))


def on_distinct_pairs(left: Values, right: Values, mask: Mask, func: PairFunc) -> Floats:
    """`func(lefts, rights)` evaluated once per distinct value pair where `mask`; 0 elsewhere."""
    out = np.zeros(len(left), dtype=np.float64)
    where = np.flatnonzero(mask)
    if where.size == 0:
        return out
    left_codes, left_values = _factorized(left, where)
    right_codes, right_values = _factorized(right, where)
    combined = left_codes.astype(np.int64) * len(right_values) + right_codes
    distinct, inverse = np.unique(combined, return_inverse=True)
    lefts = [str(v) for v in np.asarray(left_values, dtype=object)[distinct // len(right_values)]]
    rights = [str(v) for v in np.asarray(right_values, dtype=object)[distinct % len(right_values)]]
    scores = np.asarray(func(lefts, rights), dtype=np.float64)
    out[where] = scores[inverse.ravel()]
    return out


def _jaro_winkler(lefts: list[str], rights: list[str]) -> npt.NDArray[np.float32]:
    return np.asarray(
        cpdist(lefts, rights, scorer=JaroWinkler.normalized_similarity, workers=-1),
        dtype=np.float32,
    )


def jaro_winkler(left: Values, right: Values, mask: Mask) -> Floats:
    return on_distinct_pairs(left, right, mask, _jaro_winkler)


def holds(left: Values, right: Values, mask: Mask, test: Callable[[str, str], bool]) -> Mask:
    """Where `mask` and the scalar `test` holds for the value pair."""

    def run(lefts: list[str], rights: list[str]) -> list[float]:
        return [float(test(a, b)) for a, b in zip(lefts, rights, strict=True)]

    return on_distinct_pairs(left, right, mask, run) > 0


def map_values(values: Values, func: Callable[[str], object]) -> Values:
    """The scalar `func` once per distinct present value; None where missing."""
    codes, uniques = _factorized(values)
    table = np.empty(len(uniques) + 1, dtype=object)
    table[:-1] = [func(str(v)) for v in uniques]
    table[-1] = None
    mapped: Values = table[codes]
    return mapped


def per_value(values: Values, test: Callable[[str], bool]) -> Mask:
    """The scalar `test` once per distinct present value; False where missing."""
    codes, uniques = _factorized(values)
    table = np.array([test(str(v)) for v in uniques] + [False], dtype=bool)
    return table[codes]


def shares_any(left: Values, right: Values, mask: Mask) -> Mask:
    """Where `mask` and the tuple cells of the pair hold a common value."""
    left_sizes, right_sizes = sizes(left), sizes(right)
    out = np.zeros(len(left), dtype=bool)
    # Most cells hold one value: those pairs compare their first values directly.
    single = np.flatnonzero(mask & (left_sizes == 1) & (right_sizes == 1))
    if single.size:
        left_known, right_known = _tupled(left), _tupled(right)
        if left_known is not None and right_known is not None:
            first, second = left_known.firsts[single], right_known.firsts[single]
            out[single] = (first == second) & (first >= 0)
        else:
            firsts = np.asarray([v[0] for v in left[single]], dtype=object)
            seconds = np.asarray([v[0] for v in right[single]], dtype=object)
            out[single] = equal(firsts, seconds)
    where = np.flatnonzero(
        mask & (left_sizes > 0) & (right_sizes > 0) & (left_sizes + right_sizes > 2)
    )
    if where.size == 0:
        return out
    a = pd.Series(left[where], index=where, dtype=object).explode().dropna()
    b = pd.Series(right[where], index=where, dtype=object).explode().dropna()
    hits = pd.DataFrame({"pos": a.index, "v": a.to_numpy()}).merge(
        pd.DataFrame({"pos": b.index, "v": b.to_numpy()}), on=["pos", "v"]
    )
    out[hits["pos"].to_numpy(dtype=np.int64)] = True
    return out


def select(conditions: Sequence[Mask], comparable: Mask) -> Codes:
    """Level codes: the first condition that holds, else the last level ("different") where
    `comparable`, else -1 (missing). Conditions must imply `comparable`."""
    codes = np.full(len(comparable), -1, dtype=np.int8)
    codes[comparable] = len(conditions)
    for level in range(len(conditions) - 1, -1, -1):
        codes[conditions[level]] = level
    return codes
