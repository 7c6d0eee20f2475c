"""Chunking and malformed payloads."""

from __future__ import annotations

import pytest

from connectors.base import RawRow
from connectors.rows import MAX_RAW_CHARS, chunked, malformed


def _rows(n: int) -> list[RawRow]:
    return [RawRow("test", "t.csv", i + 2, {"i": i}) for i in range(n)]


@pytest.mark.parametrize(
    ("count", "size", "sizes"),
    [
        (5, 2, [2, 2, 1]),  # the last chunk holds the rest
        (4, 2, [2, 2]),  # no empty chunk at the end
        (0, 3, []),  # nothing to read: no chunk at all
    ],
)
def test_chunks(count: int, size: int, sizes: list[int]) -> None:
    assert [len(c) for c in chunked(_rows(count), size)] == sizes


def test_chunksize_must_be_positive() -> None:
    with pytest.raises(ValueError, match="got 0"):
        next(chunked(_rows(1), 0))


def test_malformed_text_is_capped() -> None:
    data = malformed("why", "x" * (MAX_RAW_CHARS + 5))
    assert data["_malformed"] == "why"
    assert data["_raw_line"].endswith("… [5 more characters]")
