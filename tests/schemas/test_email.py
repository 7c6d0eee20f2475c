"""Email addresses: email-validator syntax check, lower case, the comma-TLD repair."""

from __future__ import annotations

import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given
from hypothesis import strategies as st

from schemas.email import REPAIRED, _fast_ok, normalize_email, parse_email


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("j.weiss@web.de", "j.weiss@web.de"),  # already normal
        ("J.Weiss@web.de", "j.weiss@web.de"),  # Mailchimp keeps the typed case
        ("AENNE.MUELLER@GMX.DE", "aenne.mueller@gmx.de"),  # shouting
        ("  bjoern@gross-soehne.de ", "bjoern@gross-soehne.de"),  # blanks
        ("a@müller.de", "a@müller.de"),  # internationalized domain (email-validator path)
        ("Jürgen@web.de", "jürgen@web.de"),  # internationalized local part
    ],
)
def test_valid_addresses(raw: str, expected: str) -> None:
    assert parse_email(raw) == (expected, ())


def test_comma_before_tld_is_repaired_and_flagged() -> None:
    assert parse_email("j.weiss@web,de") == ("j.weiss@web.de", (REPAIRED,))  # postcard typo


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("foo@", "there must be something after the @-sign"),  # no domain
        ("a@b", "It should have a period"),  # no TLD
        ("a..b@web.de", "two periods in a row"),  # not repairable
        ("a,b@web,de", "invalid characters before the @-sign"),  # comma in local part too
        ("x@example.test", "special-use or reserved name"),  # reserved TLD
        ("j.weiss web.de", "must have an @-sign"),  # no @ at all
    ],
)
def test_invalid_addresses_raise_with_the_value(raw: str, detail: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_email(raw)
    assert str(info.value).startswith(f"{raw!r} is not a valid email address")
    assert detail in str(info.value)


@given(st.emails())
def test_normalize_email_is_idempotent(raw: str) -> None:
    try:
        once = normalize_email(raw)
    except ValueError:
        return
    assert normalize_email(once) == once


_simple = st.from_regex(r"[a-z0-9_+.\-]{1,20}@[a-z0-9.\-]{1,20}\.[a-z]{2,6}", fullmatch=True)


@given(st.one_of(_simple, st.emails().map(str.lower)))
def test_fast_path_accepts_only_what_email_validator_accepts(address: str) -> None:
    if not _fast_ok(address):
        return
    try:
        normalized = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:  # pragma: no cover - the property failing
        pytest.fail(f"fast path accepted {address!r}, email-validator refuses: {exc}")
    assert normalized.lower() == address
