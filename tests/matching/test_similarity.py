"""The vectorized building blocks against plain Python on the same cells."""

from __future__ import annotations

import numpy as np
import pytest

from matching.similarity import presence_memo, present, shares_any, sizes


def _cells(values: list[tuple[str | None, ...]]) -> np.ndarray:
    cells = np.empty(len(values), dtype=object)
    cells[:] = values
    return cells


def test_shares_any_finds_a_common_value_among_one_or_several() -> None:
    """Single values compare directly, several through their pairs; an empty cell, a
    missing value or a masked pair shares nothing."""
    kinds = [(), ("card:1",), ("card:2",), ("card:1", "shop:9"), ("shop:9", "card:2"), (None,)]
    rng = np.random.default_rng(7)
    left = _cells([kinds[i] for i in rng.integers(0, len(kinds), 2_000)])
    right = _cells([kinds[i] for i in rng.integers(0, len(kinds), 2_000)])
    mask = rng.random(2_000) > 0.2
    expected = [
        bool(wanted and {v for v in a if v} & {v for v in b if v})
        for a, b, wanted in zip(left, right, mask, strict=True)
    ]
    assert shares_any(left, right, mask).tolist() == expected
    assert sizes(_cells([(), ("a",), ("a", "b")])).tolist() == [0, 1, 2]


def test_presence_is_computed_once_per_array_inside_a_memo() -> None:
    values = np.array(["a", None, "b", float("nan")], dtype=object)
    other = values.copy()
    with presence_memo():
        first = present(values)
        assert present(values) is first  # asked again: the same mask, not a new pass
        assert present(other) is not first  # another array gets its own
        assert first.tolist() == [True, False, True, False]
        with pytest.raises(ValueError):
            first &= False  # shared by all callers: nobody may change it
    outside = present(values)
    assert outside is not first and outside.flags.writeable
