"""Any other touchpoint: rows of a generic source (CSV, JSON Lines, SQL) configured by a mapping.

The generic connector applies the config's column mapping itself, so a row arrives with
canonical field names and carries how its values are written (`_generic`): the mapper
needs no registry of configured sources, which keeps parallel workers simple. A row is

    {"_generic": {"touchpoint": "event", "decimal": ",", "date_format": "%d.%m.%Y"},
     "_key": {"Teilnehmer-ID": "T-0815"},          # natural key column -> value
     "first_name": "Jürgen", "email": "j.weiss@web.de", …,   # canonical field -> value
     "_raw": {"Teilnehmer-ID": "T-0815", "Vorname": "Jürgen", …}}  # the row as delivered

Values are text in the source's notation (a JSON or SQL number is written with the
source's decimal symbol by the connector); normalization is the shared `RecordBuilder`'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, tzinfo
from decimal import Decimal
from functools import lru_cache
from typing import Any, Literal, get_args
from zoneinfo import ZoneInfo

from schemas.address import join_street
from schemas.dates import parse_birth_date, parse_date, parse_datetime
from schemas.names import NameOrder, normalize_salutation
from schemas.records import ParsedRow, Touchpoint
from schemas.sources.builder import RecordBuilder

GENERIC = "_generic"  # marks a generic row; its value says how the values are written
KEY = "_key"  # natural key column -> delivered value
RAW = "_raw"  # the row as delivered, under the source's own column names

# The canonical fields a generic source can map a column to.
GenericField = Literal[
    "salutation",
    "title",
    "first_name",
    "last_name",
    "full_name",  # one-field name, split like the built-in sources' (`name_order`)
    "company",
    "email",
    "phone",
    "phone_alt",
    "birth_date",
    "street",
    "house_number",
    "street_and_number",  # `Dorfstr. 3a`, split by the shared address splitter
    "postal_code",
    "city",
    "country",
    "card_number",  # loyalty / customer card: identifier `card:…`, shared with POS, coupons
    "coupon_code",  # identifier `coupon:…`, ties the row to a redemption
    "updated_at",  # when the source last changed the row (else `occurred_at`)
    "occurred_at",
    "amount",
    "currency",
    "reference",
]
GENERIC_FIELDS: tuple[str, ...] = get_args(GenericField)
# Fields that say who a person is: a source must map at least one of them.
PERSON_FIELDS: tuple[str, ...] = (
    "first_name", "last_name", "full_name", "company", "email", "phone", "phone_alt",
    "birth_date", "street", "street_and_number", "postal_code", "card_number",
)  # fmt: skip
# Fields of the touchpoint; they mean nothing without `touchpoint = "kind"`.
TOUCHPOINT_FIELDS: tuple[str, ...] = ("occurred_at", "amount", "currency", "reference")

DEFAULT_TIMEZONE = "Europe/Berlin"  # German systems write local time without an offset
_CURRENCY = re.compile(r"[A-Z]{3}")


def parse_generic(source: str, data: Mapping[str, Any]) -> ParsedRow:
    """A generic row: the person, their identifiers and optionally one touchpoint."""
    options: Mapping[str, Any] = data.get(GENERIC) or {}
    date_format: str | None = options.get("date_format")
    zone = _zone(options.get("timezone", DEFAULT_TIMEZONE))
    b = RecordBuilder(data)
    key = _key(b, data.get(KEY))
    salutation = b.text("salutation")
    b.set("salutation", normalize_salutation(salutation) if salutation else None)
    b.set("title", b.text("title"))
    b.name_parts(b.text("first_name"), b.text("last_name"))
    order: NameOrder = "last_first" if options.get("name_order") == "last_first" else "first_last"
    b.name(b.text("full_name"), order)  # fills only what first / last name left empty
    b.set("company", b.text("company"))
    b.email(b.text("email"))
    b.phones(("phone", b.text("phone")), ("phone_alt", b.text("phone_alt")))
    country = b.country(b.text("country"))
    street_line = b.text("street_and_number")
    if street_line is not None:
        b.address(street_line, b.text("postal_code"), b.text("city"), country)
    else:
        street, number = join_street(b.text("street"), b.text("house_number"))
        b.set("street", street)
        b.set("house_number", number)
        b.postal_code(b.text("postal_code"), country)
        b.set("city", b.text("city"))
    _birth(b, b.text("birth_date"), date_format)
    b.identifier("card", b.text("card_number"))
    b.identifier("coupon", b.text("coupon_code"))
    occurred = _timestamp(b, "occurred_at", date_format, zone)
    updated = _timestamp(b, "updated_at", date_format, zone) or occurred
    touchpoints = []
    kind = options.get("touchpoint")
    if kind:
        amount = b.money(
            "amount",
            b.text("amount"),
            decimal=options.get("decimal", "."),
            grouping=options.get("thousands", ""),
        )
        touchpoints.append(
            Touchpoint(
                kind=kind,
                occurred_at=occurred,
                reference=b.text("reference"),
                amount=amount,
                currency=_currency(b, amount),
            )
        )
    return b.build(source, key, touchpoints=touchpoints, updated_at=updated)


def _key(b: RecordBuilder, parts: object) -> str:
    """The key columns' values joined with `:`; a blank one is a reason naming the column."""
    if not isinstance(parts, Mapping) or not parts:
        b.fail("source_key", "the row carries no natural key")
        return ""
    values = {column: b.text_in(parts, column) for column in parts}
    missing = [repr(column) for column, value in values.items() if value is None]
    if missing:
        b.fail("source_key", f"{' and '.join(missing)} is missing")
        return ""
    return ":".join(value for value in values.values() if value is not None)


@lru_cache(maxsize=64)
def _zone(name: str) -> tzinfo:
    return ZoneInfo(name)  # checked when the config loaded


def _strptime(raw: str, formats: tuple[str, ...]) -> datetime | None:
    for fmt in formats:
        try:
            return datetime.strptime(raw, fmt)
        except ValueError:
            continue
    return None


def _timestamp(
    b: RecordBuilder, field: str, date_format: str | None, zone: tzinfo
) -> datetime | None:
    """An aware UTC datetime from ISO 8601, a German or configured date (with a time).

    ISO is always accepted: JSON and SQL values arrive that way, and `2024-05-01` cannot
    be mistaken for any day-first or month-first format. Values without an offset are
    local time of the source's zone; a bare date is the start of that local day.
    """
    raw = b.text(field)
    if raw is None:
        return None
    if date_format:
        formats = (date_format, f"{date_format} %H:%M", f"{date_format} %H:%M:%S")
        value = _strptime(raw, formats)
        if value is not None:
            aware = value if value.tzinfo else value.replace(tzinfo=zone)
            return aware.astimezone(UTC)
    try:
        return parse_datetime(raw, naive_tz=zone)
    except ValueError:
        pass
    if not date_format:
        try:
            day = parse_date(raw)
        except ValueError:
            pass
        else:
            return datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    expected = f"{date_format!r} or ISO 8601" if date_format else "ISO 8601 or DD.MM.YYYY"
    b.fail(field, f"{raw!r} is not a date and time ({expected})")
    return None


def _birth(b: RecordBuilder, raw: str | None, date_format: str | None) -> None:
    """A birth date in the configured format (or ISO); without one, the shared rules
    (`14.03.1978`, `1.12.85`, `1978-03-14`, `03/14`)."""
    if raw is None:
        return
    if not date_format:
        b.birth(raw)
        return
    parsed = _strptime(raw, (date_format, "%Y-%m-%d"))
    if parsed is None:
        b.fail("birth_date", f"{raw!r} is not a birth date ({date_format!r} or YYYY-MM-DD)")
        return
    iso = parsed.date().isoformat()
    try:
        born = parse_birth_date(iso)  # the same range checks: not in the future, not < 1900
    except ValueError as exc:
        b.fail("birth_date", str(exc).replace(repr(iso), repr(raw)))
        return
    b.set("birth_date", born.birth_date)


def _currency(b: RecordBuilder, amount: Decimal | None) -> str | None:
    """The mapped currency column, else EUR for an amount: these are German sources."""
    raw = b.text("currency")
    if raw is None:
        return "EUR" if amount is not None else None
    code = raw.upper()
    if not _CURRENCY.fullmatch(code):
        b.fail("currency", f"{raw!r} is not a currency code (EUR, CHF …)")
        return None
    return code


__all__ = [
    "GENERIC",
    "GENERIC_FIELDS",
    "KEY",
    "PERSON_FIELDS",
    "RAW",
    "TOUCHPOINT_FIELDS",
    "GenericField",
    "parse_generic",
]
