"""The vectorized building blocks against plain Python on the same cells."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.similarity import (
    equal,
    know_codes,
    know_tuples,
    map_values,
    on_distinct_pairs,
    per_value,
    presence_memo,
    present,
    shares_any,
    sizes,
    value_codes,
)


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


def test_known_codes_answer_as_the_texts_do() -> None:
    """Arrays with known codes (one code space for both) compare, find their distinct
    values and map them as their texts would: the same masks, values and scores."""
    rng = np.random.default_rng(3)
    words = np.array(["Müller", "Mueller", "Meyer", "Hans", None, float("nan")], dtype=object)
    left = words[rng.integers(0, len(words), 3_000)]
    right = words[rng.integers(0, len(words), 3_000)]
    mask = rng.random(3_000) > 0.3
    mask &= present(left) & present(right)  # callers ask for pairs where both are there

    def answers() -> list[list[object]]:
        return [
            present(left).tolist(),
            equal(left, right).tolist(),
            per_value(left, lambda v: v.startswith("M")).tolist(),
            map_values(right, lambda v: v[:2]).tolist(),
            on_distinct_pairs(left, right, mask, _lengths_apart).tolist(),
        ]

    expected = answers()
    codes, texts = pd.factorize(np.concatenate([left, right]))
    with value_codes():
        know_codes(left, codes[: len(left)].astype(np.int32), np.asarray(texts, dtype=object))
        know_codes(right, codes[len(left) :].astype(np.int32), np.asarray(texts, dtype=object))
        assert answers() == expected
    assert answers() == expected  # outside, the texts answer again


def test_known_tuples_answer_as_the_tuples_do() -> None:
    """Tuple cells with known sizes and first-text codes give the sizes and shared values
    the tuples give; a first text that is missing on both sides is no shared value."""
    cells = [("card:1",), ("card:2",), (), ("card:1", "x:9"), (None,), ("x:9",)]
    left = np.empty(len(cells) * len(cells), dtype=object)
    right = np.empty(len(left), dtype=object)
    left[:] = [a for a in cells for _ in cells]
    right[:] = [b for _ in cells for b in cells]
    mask = np.ones(len(left), dtype=bool)

    def answers() -> list[list[object]]:
        return [sizes(left).tolist(), sizes(right).tolist(), shares_any(left, right, mask).tolist()]

    expected = answers()
    firsts = np.array([cell[0] if cell else None for cell in cells], dtype=object)
    codes, _ = pd.factorize(firsts)
    first_code = {cell: code for cell, code in zip(cells, codes.astype(np.int32), strict=True)}
    with value_codes():
        for side in (left, right):
            lengths = np.array([len(cell) for cell in side], dtype=np.int64)
            know_tuples(side, lengths, np.array([first_code[c] for c in side], dtype=np.int32))
        assert answers() == expected
    assert expected[2][len(cells) * 4 + 4] is False  # (None,) with (None,): nothing shared


def _lengths_apart(lefts: list[str], rights: list[str]) -> list[float]:
    return [float(abs(len(a) - len(b))) for a, b in zip(lefts, rights, strict=True)]
