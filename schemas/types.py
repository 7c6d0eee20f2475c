"""Reusable normalized field types for pydantic models, built on the plain normalizers.

Each type accepts the raw delivered value; a blank value (`""`, whitespace, None) validates
to None because sources write empty for unknown. Repairs (a restored zero, a fixed email
typo) are added to `context["quality_flags"]` (a set) when the caller passes one:

    Model.model_validate(data, context={"quality_flags": flags})

The per-source mappers in `schemas.sources` call the plain functions directly (faster in
the hot path); these types serve models elsewhere, e.g. a generic connector's mapping.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BeforeValidator, ValidationInfo

from schemas.address import normalize_country, parse_postal_code
from schemas.dates import parse_birth_date, parse_datetime
from schemas.email import parse_email
from schemas.money import parse_money
from schemas.names import display_name
from schemas.phone import parse_phone
from schemas.text import Normalized, clean_text, normalize_card, normalize_coupon

T = TypeVar("T")


def _note(info: ValidationInfo, flags: tuple[str, ...]) -> None:
    if flags and isinstance(info.context, dict):
        bucket = info.context.get("quality_flags")
        if isinstance(bucket, set):
            bucket.update(flags)


def _text_or_none(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return clean_text(value)
    raise ValueError(f"{value!r} is not text")


def _repairing(parse: Callable[[str], Normalized[T]]) -> Callable[[Any, ValidationInfo], T | None]:
    def validate(value: Any, info: ValidationInfo) -> T | None:
        text = _text_or_none(value)
        if text is None:
            return None
        result = parse(text)
        _note(info, result.flags)
        return result.value

    validate.__name__ = parse.__name__
    return validate


def _plain(convert: Callable[[str], T]) -> Callable[[Any], T | None]:
    def validate(value: Any) -> T | None:
        text = _text_or_none(value)
        return None if text is None else convert(text)

    validate.__name__ = convert.__name__
    return validate


def _birth_date(value: Any, info: ValidationInfo) -> date | None:
    if isinstance(value, date):
        value = value.isoformat()
    text = _text_or_none(value)
    if text is None:
        return None
    result = parse_birth_date(text)
    if result.birth_date is None:
        raise ValueError(f"{text!r} has no year; keep it as a month and day")
    _note(info, result.flags)
    return result.birth_date


def _utc_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    text = _text_or_none(value)
    return None if text is None else parse_datetime(text)


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, Decimal | int):
        return Decimal(value)
    text = _text_or_none(value)
    return None if text is None else parse_money(text)


Email = Annotated[str | None, BeforeValidator(_repairing(parse_email))]
"""Lower-cased, syntax-checked address; `web,de` is repaired (flag `email_repaired`)."""

PhoneE164 = Annotated[str | None, BeforeValidator(_repairing(parse_phone))]
"""E.164 (default region DE); internal extensions such as `101` validate to None."""

PostalCode = Annotated[str | None, BeforeValidator(_repairing(parse_postal_code))]
"""A German 5-digit PLZ; a lost leading zero is restored (flag `plz_zero_restored`)."""

CountryCode = Annotated[str | None, BeforeValidator(_plain(normalize_country))]
"""ISO 3166-1 alpha-2 from alpha-2, common alpha-3 codes or names (`DEU` -> `DE`)."""

PersonName = Annotated[str | None, BeforeValidator(_plain(display_name))]
"""One name part for display: blanks collapsed, `MÜLLER` -> `Müller`, particles lower."""

BirthDate = Annotated[date | None, BeforeValidator(_birth_date)]
"""A full birth date (`14.03.1978`, `1978-03-14`, `1.12.85`); not after today, not before 1900."""

UtcDateTime = Annotated[datetime | None, BeforeValidator(_utc_datetime)]
"""An aware UTC datetime; strings without an offset are read as UTC."""

Amount = Annotated[Decimal | None, BeforeValidator(_amount)]
"""A dot-decimal amount (`84.80`); other symbols need `schemas.money.parse_money`."""

CouponCode = Annotated[str | None, BeforeValidator(_plain(normalize_coupon))]
"""Upper case, blanks removed: `sommer15-7q2x` -> `SOMMER15-7Q2X`."""

CardNumber = Annotated[str | None, BeforeValidator(_plain(normalize_card))]
"""A loyalty card / customer number as delivered, trimmed."""
