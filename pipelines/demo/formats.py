"""Value formats of the reference exports (SOURCES.md §6) and the export-day clock.

Each source writes times and money its own way (Shopify local time with offset, 3CX UTC
with slashes, DSFinV-K naive local time and decimal commas …); keeping them here means
the writers only decide *what* to write.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")


@dataclass(frozen=True)
class ExportDay:
    """One delivery day: files carry its date; events happen at local times on it."""

    index: int
    day: date
    last: bool

    @property
    def stamp(self) -> str:
        return self.day.isoformat()

    def at(self, rng: random.Random, first_hour: int = 7, last_hour: int = 22) -> datetime:
        """A random local (Europe/Berlin, aware) time on this day between the hours."""
        seconds = rng.randrange(first_hour * 3600, last_hour * 3600)
        midnight = datetime(self.day.year, self.day.month, self.day.day, tzinfo=BERLIN)
        return midnight + timedelta(seconds=seconds)


def shopify_time(moment: datetime) -> str:
    """`2024-05-01 09:58:12 +0200`: shop-local time with its offset."""
    return moment.astimezone(BERLIN).strftime("%Y-%m-%d %H:%M:%S %z")


def iso_utc(moment: datetime) -> str:
    """`2024-05-01T07:18:44Z` (Zendesk)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def iso_utc_millis(moment: datetime, rng: random.Random) -> str:
    """`2024-05-01T07:21:14.512Z` (Voucherify)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{rng.randrange(1000):03d}Z"


def cdr_time(moment: datetime) -> str:
    """`2024/05/01 07:12:03` in UTC (3CX)."""
    return moment.astimezone(UTC).strftime("%Y/%m/%d %H:%M:%S")


def naive_utc(moment: datetime) -> str:
    """`2024-04-28 18:02:11`, UTC without a zone (Mailchimp)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def naive_local(moment: datetime) -> str:
    """`2024-05-01T09:12:44`, Europe/Berlin without an offset (DSFinV-K)."""
    return moment.astimezone(BERLIN).strftime("%Y-%m-%dT%H:%M:%S")


def duration(seconds: int) -> str:
    """`00:04:37` (3CX)."""
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def money(cents: int) -> str:
    """`1034.50`: dot decimals, no grouping (Shopify)."""
    sign = "-" if cents < 0 else ""
    cents = abs(cents)
    return f"{sign}{cents // 100}.{cents % 100:02d}"


def fixed_point(value: int, places: int, *, decimal: str = ",", grouping: str = ".") -> str:
    """A value in units of 10**-places, as DSFinV-K writes it: `1.234,56` by default,
    or with the symbols a register declares in its index.xml."""
    sign = "-" if value < 0 else ""
    whole, fraction = divmod(abs(value), 10**places)
    digits = f"{whole:,}".replace(",", grouping)
    return f"{sign}{digits}{decimal}{fraction:0{places}d}" if places else f"{sign}{digits}"


def german_date(day: date, *, short: bool = False) -> str:
    """`14.03.1978`, or the hasty `14.3.78` typed on postcards."""
    if short:
        return f"{day.day}.{day.month}.{day.year % 100:02d}"
    return f"{day.day:02d}.{day.month:02d}.{day.year}"
