"""`distinct_sorted` answers as `np.unique` does."""

from __future__ import annotations

import numpy as np
import pytest

from matching.arrays import distinct_pairs, distinct_sorted


@pytest.mark.parametrize(
    "values",
    [
        np.array([], dtype=np.int64),  # nothing
        np.array([7], dtype=np.int64),  # one value
        np.array([3, 1, 3, 2, 1], dtype=np.int64),  # repeats, unsorted
        np.array([[5, 2], [2, 9]], dtype=np.int64),  # pairs: flattened
        np.array([-4, 0, -4, 2**40], dtype=np.int64),  # negatives and pair codes
        np.array([2, 2, 2], dtype=np.int32),  # one value repeated, another width
    ],
)
def test_distinct_sorted_is_numpys_unique(values: np.ndarray) -> None:
    found = distinct_sorted(values)
    assert found.dtype == values.dtype
    np.testing.assert_array_equal(found, np.unique(values))


def test_distinct_sorted_of_many_random_codes() -> None:
    codes = np.random.default_rng(7).integers(0, 10**9, 50_000)
    np.testing.assert_array_equal(
        distinct_sorted(np.concatenate([codes, codes[:999]])), np.unique(codes)
    )


def test_distinct_pairs_are_numpys_unique_rows() -> None:
    pairs = np.random.default_rng(3).integers(0, 40, (500, 2))  # repeats, any order
    found = distinct_pairs(pairs, 40)
    assert found.dtype == np.int64
    np.testing.assert_array_equal(found, np.unique(pairs, axis=0))
    assert distinct_pairs(np.empty((0, 2), dtype=np.int64), 5).shape == (0, 2)
