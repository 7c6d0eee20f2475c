"""Phone numbers to E.164 with region DE."""

from __future__ import annotations

import phonenumbers
import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.phone import UNVERIFIED, ZERO_RESTORED, is_mobile, normalize_phone, parse_phone


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+4915112345678", "+4915112345678"),  # already E.164
        ("0151 12345678", "+4915112345678"),  # national with blank
        ("0151/12345678", "+4915112345678"),  # national with slash
        ("(0351) 4711-23", "+49351471123"),  # area code in brackets, extension dash
        ("0351 / 47 11 23", "+49351471123"),  # spaced groups
        ("+49 (0)40 123456-0", "+49401234560"),  # trunk 0 in brackets after +49
        ("004940123456000", "+4940123456000"),  # 00 international prefix
        ("+49 0151 12345678", "+4915112345678"),  # redundant trunk 0 after +49
        ("'+494012345600", "+494012345600"),  # Shopify's apostrophe
        ("tel: 0711 2345678", "+497112345678"),  # letters: the phonenumbers path
        ("0711 2345678 ext 12", "+497112345678"),  # extension dropped from E.164
        ("+43 1 234567", "+431234567"),  # foreign country code kept
        ("+1 212 555 0100", "+12125550100"),  # foreign, phonenumbers path
    ],
)
def test_valid_numbers_to_e164(raw: str, expected: str) -> None:
    assert parse_phone(raw) == (expected, ())


def test_lost_leading_zero_is_restored_and_flagged() -> None:
    # Excel turned 01511234567 into 1511234567; the number has 7 subscriber digits
    # where 0151 needs 8, so it is also outside the numbering plan.
    assert parse_phone("1511234567") == ("+491511234567", (ZERO_RESTORED, UNVERIFIED))


@pytest.mark.parametrize(
    "raw",
    [
        "101",  # internal extension (3CX from_no on outbound calls)
        "800",  # queue number
        "Ext.102",  # 3CX extension label
        "anonymous",  # withheld caller id
        "",  # empty
        "   ",  # blank
    ],
)
def test_no_number_is_none_not_error(raw: str) -> None:
    assert normalize_phone(raw) is None


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("abc", "did not seem to be a phone number"),  # letters only
        ("0123", "wrong number of digits"),  # too short for a German number
        ("0151 12345678 / 0711 2345678", "wrong number of digits"),  # two numbers in one
        ("12345678901234567890", "wrong number of digits"),  # too long
    ],
)
def test_garbage_is_an_error_with_the_value(raw: str, detail: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_phone(raw)
    assert repr(raw) in str(info.value)
    assert detail in str(info.value)


@pytest.mark.parametrize(
    ("number", "mobile"),
    [("+4915112345678", True), ("+4917012345678", True), ("+49401234560", False)],
)
def test_is_mobile(number: str, mobile: bool) -> None:
    assert is_mobile(number) is mobile


_phone_like = st.from_regex(r"(\+|00|0)?[0-9 ()/\-]{1,18}", fullmatch=True)


@given(st.one_of(_phone_like, st.text(max_size=25)))
def test_normalize_phone_is_idempotent(raw: str) -> None:
    try:
        once = normalize_phone(raw)
    except ValueError:
        return
    if once is not None:
        assert normalize_phone(once) == once


@given(
    prefix=st.sampled_from(["0", "+49", "0049", "+49 (0)", ""]),
    national=st.from_regex(r"[1-9][0-9]{5,12}", fullmatch=True),
)
def test_fast_path_agrees_with_phonenumbers(prefix: str, national: str) -> None:
    """The hand-written German path gives what phonenumbers.parse + is_valid_number give."""
    raw = f"{prefix}{national}"
    reference = phonenumbers.parse(raw if prefix else "0" + raw, "DE")
    possible = phonenumbers.is_possible_number_with_reason(reference) == 0
    try:
        value, flags = parse_phone(raw)
    except ValueError:
        assert not possible
        return
    assert value == phonenumbers.format_number(reference, phonenumbers.PhoneNumberFormat.E164)
    assert (UNVERIFIED not in flags) == phonenumbers.is_valid_number(reference)
