"""Dates and datetimes as the sources write them; every datetime leaves here aware, in UTC.

`datetime.fromisoformat` (C code) reads all the timestamp shapes once 3CX's slashes are
dashes (`2024-05-01 09:58:12 +0200`, `…T07:21:14.512Z`, `2024/05/01 07:12:03`,
`2024-05-01T09:12:44`), so no format is tried and retried per value.
Naive values get the source's zone from the caller: UTC for 3CX and Mailchimp,
Europe/Berlin for DSFinV-K, which writes local time.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache
from typing import NamedTuple
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
TWO_DIGIT_YEAR = "birth_year_two_digit"  # `1.12.85`: the century was inferred
MIN_AGE = 14  # a customer who fills in a card or an account is at least this old
EARLIEST_BIRTH_YEAR = 1900

_GERMAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_MONTH_DAY = re.compile(r"(\d{1,2})/(\d{1,2})")  # Mailchimp birthday: MM/DD, no year


class BirthDay(NamedTuple):
    """A birth date, or only its month and day (`MM-DD`) when the source has no year."""

    birth_date: date | None = None
    month_day: str | None = None
    flags: tuple[str, ...] = ()


def parse_datetime(raw: str, *, naive_tz: tzinfo = UTC) -> datetime:
    """An aware UTC datetime; values without an offset are read in `naive_tz`."""
    text = raw.strip()
    if text[4:5] == "/":  # 3CX: 2024/05/01 07:12:03
        text = text.replace("/", "-", 2)
    try:
        value = datetime.fromisoformat(text)  # C speed; takes `Z`, `+0200`, ` +0200`, `.512`
    except ValueError:
        raise ValueError(f"{raw!r} is not a valid date and time") from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=naive_tz)
    return value.astimezone(UTC)


@lru_cache(maxsize=4_096)
def parse_date(raw: str) -> date:
    """A calendar date from `06.05.2024`, `6.5.2024` or ISO `2024-05-06`."""
    text = raw.strip()
    try:
        if match := _GERMAN_DATE.fullmatch(text):
            day, month, year = match.groups()
            if len(year) == 4:
                return date(int(year), int(month), int(day))
        elif match := _ISO_DATE.fullmatch(text):
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise ValueError(f"{raw!r} is not a valid date") from None
    raise ValueError(f"{raw!r} is not a date (DD.MM.YYYY or YYYY-MM-DD)")


@lru_cache(maxsize=4_096)
def local_midnight(day: date, zone: tzinfo = BERLIN) -> datetime:
    """A date-only event (a postcard's capture day) as the UTC instant its local day began."""
    return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)


def _century(two_digits: int, month: int, day: int, reference: date) -> date:
    """The most recent year ending in these digits that makes the person MIN_AGE or older."""
    latest = reference.year - MIN_AGE
    year = latest - (latest - two_digits) % 100
    born = date(year, month, day)
    if (reference.month, reference.day) < (month, day) and year == latest:
        born = date(year - 100, month, day)  # not yet MIN_AGE this year: a century earlier
    return born


def parse_birth_date(raw: str, *, reference: date | None = None) -> BirthDay:
    """A birth date from `14.03.1978`, `1.12.85`, `1978-03-14`, or Mailchimp's `03/14`.

    `reference` is the day the value was captured (a postcard's date) or today; a
    two-digit year takes the latest century that makes the person at least 14 then.
    Dates after `reference` or before 1900 raise ValueError; no year is ever invented.
    """
    return _birth_date(raw, reference or date.today())


@lru_cache(maxsize=65_536)
def _birth_date(raw: str, today: date) -> BirthDay:
    text = raw.strip()
    german = _GERMAN_DATE.fullmatch(text)
    iso = None if german else _ISO_DATE.fullmatch(text)
    month_day = None if german or iso else _MONTH_DAY.fullmatch(text)
    flags: tuple[str, ...] = ()
    try:
        if german:
            day, month, year = (int(g) for g in german.groups())
            if len(german[3]) == 2:
                born, flags = _century(year, month, day, today), (TWO_DIGIT_YEAR,)
            else:
                born = date(year, month, day)
        elif iso:
            born = date(int(iso[1]), int(iso[2]), int(iso[3]))
        elif month_day:
            month, day = int(month_day[1]), int(month_day[2])
            date(2000, month, day)  # checks the day; 2000 is a leap year, so 02/29 passes
            return BirthDay(month_day=f"{month:02d}-{day:02d}")
        else:
            raise ValueError(f"{raw!r} is not a birth date (DD.MM.YYYY, YYYY-MM-DD or MM/DD)")
    except ValueError as exc:
        if not (german or iso or month_day):
            raise
        raise ValueError(f"{raw!r} is not a valid birth date") from exc
    if born > today:
        raise ValueError(f"{raw!r} is in the future")
    if born.year < EARLIEST_BIRTH_YEAR:
        raise ValueError(f"{raw!r} is before {EARLIEST_BIRTH_YEAR}")
    return BirthDay(born, flags=flags)
