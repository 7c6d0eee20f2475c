"""A personal value stays personal when its carriers' names differ only by a typo."""

from __future__ import annotations

import pytest

from tests.matching.helpers import features, rec


@pytest.mark.parametrize(
    ("other_first", "other_last", "shared"),
    [
        ("Moritz", "Kkein", False),  # one carrier, a slip of the keyboard
        ("Moritz", "K?ein", False),  # a letter the Windows-1252 export lost
        ("Klein", "Moritz", False),  # first and last name swapped
        ("Anna", "Weber", True),  # somebody else
        ("Moritz", "Kaiser", True),  # another family name
    ],
)
def test_a_coupon_code_is_shared_only_by_different_names(
    other_first: str, other_last: str, shared: bool
) -> None:
    code = ("coupon:SOMMER15-SSSQ",)
    out = features(
        rec(first_name="Moritz", last_name="Klein", identifiers=code),
        rec(first_name=other_first, last_name=other_last, identifiers=code, source_key="b"),
    )
    assert out["identifiers_common"].tolist() == ([code] * 2 if shared else [(), ()])
