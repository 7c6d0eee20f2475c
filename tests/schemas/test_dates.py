"""Timestamps to aware UTC, birth dates with their German and Mailchimp shapes."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

import pytest

from schemas.dates import (
    BERLIN,
    TWO_DIGIT_YEAR,
    BirthDay,
    local_midnight,
    parse_birth_date,
    parse_date,
    parse_datetime,
)

CAPTURED = date(2024, 5, 7)  # a postcard's capture day, the reference for two-digit years


@pytest.mark.parametrize(
    ("raw", "naive_tz", "expected"),
    [
        ("2024-05-01 09:58:12 +0200", UTC, datetime(2024, 5, 1, 7, 58, 12, tzinfo=UTC)),  # Shopify
        ("2024-05-01T07:18:44Z", UTC, datetime(2024, 5, 1, 7, 18, 44, tzinfo=UTC)),  # Zendesk
        (
            "2024-05-01T07:21:14.512Z",  # Voucherify, milliseconds
            UTC,
            datetime(2024, 5, 1, 7, 21, 14, 512000, tzinfo=UTC),
        ),
        ("2024/05/01 07:12:03", UTC, datetime(2024, 5, 1, 7, 12, 3, tzinfo=UTC)),  # 3CX, UTC
        ("2024-04-28 18:02:11", UTC, datetime(2024, 4, 28, 18, 2, 11, tzinfo=UTC)),  # Mailchimp
        ("2024-05-01T09:12:44", BERLIN, datetime(2024, 5, 1, 7, 12, 44, tzinfo=UTC)),  # POS, CEST
        ("2024-01-15T09:12:44", BERLIN, datetime(2024, 1, 15, 8, 12, 44, tzinfo=UTC)),  # POS, CET
    ],
)
def test_parse_datetime(raw: str, naive_tz: tzinfo, expected: datetime) -> None:
    value = parse_datetime(raw, naive_tz=naive_tz)
    assert value == expected
    assert value.tzinfo is UTC


@pytest.mark.parametrize("raw", ["2024-13-01 00:00:00", "gestern", "01.05.2024 09:00"])
def test_bad_datetime(raw: str) -> None:
    with pytest.raises(ValueError, match="is not a valid date and time") as info:
        parse_datetime(raw)
    assert repr(raw) in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06.05.2024", date(2024, 5, 6)),  # German
        ("6.5.2024", date(2024, 5, 6)),  # without zeros
        ("2024-05-06", date(2024, 5, 6)),  # ISO
    ],
)
def test_parse_date(raw: str, expected: date) -> None:
    assert parse_date(raw) == expected


@pytest.mark.parametrize("raw", ["6.5.24", "31.02.2024", "Mai 2024"])
def test_bad_date(raw: str) -> None:
    with pytest.raises(ValueError) as info:
        parse_date(raw)
    assert repr(raw) in str(info.value)


def test_local_midnight() -> None:
    assert local_midnight(date(2024, 5, 6)) == datetime(2024, 5, 5, 22, 0, tzinfo=UTC)  # CEST


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("14.03.1978", BirthDay(date(1978, 3, 14))),  # German
        ("1978-03-14", BirthDay(date(1978, 3, 14))),  # ISO (Zendesk user field)
        ("1.12.85", BirthDay(date(1985, 12, 1), flags=(TWO_DIGIT_YEAR,))),  # 85 -> 1985
        ("1.1.10", BirthDay(date(2010, 1, 1), flags=(TWO_DIGIT_YEAR,))),  # 14 at capture: 2010
        ("1.12.10", BirthDay(date(1910, 12, 1), flags=(TWO_DIGIT_YEAR,))),  # 13 then: 1910
        ("1.1.24", BirthDay(date(1924, 1, 1), flags=(TWO_DIGIT_YEAR,))),  # never a child
        ("03/14", BirthDay(month_day="03-14")),  # Mailchimp: no year, none invented
        ("02/29", BirthDay(month_day="02-29")),  # leap day is a valid birthday
    ],
)
def test_parse_birth_date(raw: str, expected: BirthDay) -> None:
    assert parse_birth_date(raw, reference=CAPTURED) == expected


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        ("01.01.2030", "is in the future"),  # after the capture day
        ("31.12.1899", "is before 1900"),  # implausible
        ("31.02.1980", "is not a valid birth date"),  # no such day
        ("13/01", "is not a valid birth date"),  # month 13 (DD/MM typed)
        ("März 1978", "is not a birth date"),  # free text
    ],
)
def test_bad_birth_dates(raw: str, detail: str) -> None:
    with pytest.raises(ValueError, match=detail) as info:
        parse_birth_date(raw, reference=CAPTURED)
    assert repr(raw) in str(info.value)


def test_birth_date_defaults_to_today() -> None:
    assert parse_birth_date("14.03.1978").birth_date == date(1978, 3, 14)
