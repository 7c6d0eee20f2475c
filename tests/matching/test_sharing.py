"""A personal value stays personal when its carriers' names differ only by a typo or a
nickname."""

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


@pytest.mark.parametrize(
    ("other_first", "other_last", "shared"),
    [
        ("Michi", "Lage", False),  # a nickname and a lost letter: still one carrier
        ("Micha", "Lange", False),  # a nickname
        ("Detkef", "Lange", True),  # two slips from Michael: another name
        ("Marco", "Lange", True),  # somebody else (a son on the family phone)
    ],
)
def test_a_mobile_stays_personal_under_a_nickname_and_a_typo(
    other_first: str, other_last: str, shared: bool
) -> None:
    mobile = "+4917778156323"
    out = features(
        rec(first_name="Michael", last_name="Lange", phone=mobile),
        rec(first_name=other_first, last_name=other_last, phone=mobile, source_key="b"),
    )
    assert out["phone_shared"].tolist() == [shared, shared]


@pytest.mark.parametrize(
    ("first", "last", "other_last", "shared"),
    [
        ("Emil", "Wolf", "Wof", False),  # a dropped letter from a short name
        ("Claudia", "Müller", "Mluler", False),  # one slip from Muller, two from Mueller
        ("Emil", "Kim", "Tim", True),  # three letters each, one apart: two names
    ],
)
def test_a_slip_in_a_surname_keeps_one_carrier(
    first: str, last: str, other_last: str, shared: bool
) -> None:
    mobile = "+4917920082291"
    out = features(
        rec(first_name=first, last_name=last, phone=mobile),
        rec(first_name=first, last_name=other_last, phone=mobile, source_key="b"),
    )
    assert out["phone_shared"].tolist() == [shared, shared]
