"""The shared tool of the per-source mappers: collect one row's fields, flags and reasons.

A mapper reads raw columns, hands them to the normalizers through a `RecordBuilder`, and
finishes with `build()`. Every invalid field adds one reason line (`email: 'foo@' is not a
valid email address`) and leaves the field empty, so one pass reports all problems of a
row; `build()` raises `RowRejected` with them, or returns the `ParsedRow`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from typing import Any, TypeVar

from schemas.address import normalize_country, parse_postal_code, split_street
from schemas.dates import parse_birth_date, parse_datetime
from schemas.email import parse_email
from schemas.errors import RowRejected
from schemas.money import cents_to_amount, parse_money
from schemas.names import NameOrder, NameParts, split_name, split_name_parts
from schemas.phone import is_mobile, parse_phone
from schemas.records import Consent, CustomerRecord, ParsedRow, Touchpoint
from schemas.text import normalize_card, normalize_coupon

T = TypeVar("T")

# The warehouse's column sizes (warehouse/models.py); longer values are rejected here,
# with a reason, instead of failing a whole batch insert later.
_MAX_LENGTH = {
    "source_key": 200, "salutation": 20, "title": 40, "first_name": 200, "last_name": 200,
    "name_suffix": 20, "company": 200, "email": 320, "street": 200, "house_number": 20,
    "postal_code": 10, "city": 100,
}  # fmt: skip
_MAX_REFERENCE = 200
# Fields that say who a person is; a record with none of them cannot be matched.
_PERSON_FIELDS = (
    "first_name", "last_name", "company", "email", "phone", "phone_alt", "street",
    "postal_code", "birth_date", "birth_month_day",
)  # fmt: skip
# Identifiers naming a person (or firm); coupon / order / receipt ids name a transaction.
PERSON_ID_NAMESPACES = ("card:", "shop_customer:", "ustid:", "voucherify_customer:")
_NAME_FIELDS = ("salutation", "title", "first_name", "last_name", "name_suffix", "company")


def details(**facts: object) -> dict[str, str]:
    """Touchpoint details: non-personal facts as strings (booleans as yes/no), blanks left out."""
    return {
        k: ("yes" if v else "no") if isinstance(v, bool) else str(v)
        for k, v in facts.items()
        if v is not None and v != ""
    }


class RecordBuilder:
    """One row's normalized fields, quality flags, identifiers and reasons."""

    __slots__ = ("data", "fields", "flags", "identifiers", "reasons")

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.data = data
        self.fields: dict[str, Any] = {}
        self.flags: set[str] = set()
        self.identifiers: set[str] = set()
        self.reasons: list[str] = []

    # -- reading raw columns ---------------------------------------------------------
    def text(self, *keys: str) -> str | None:
        """The first non-blank of these columns, stripped, inner blanks collapsed.

        The hot path of every mapper (15-25 calls a row), hence inline: strings are only
        stripped unless they hold tabs, NBSP or double blanks.
        """
        data = self.data
        for key in keys:
            value = data.get(key)
            if not value:
                continue
            if type(value) is not str:
                return self._not_text(key, value)
            text = value.strip()
            if "  " in text or not text.isprintable():
                text = " ".join(text.split())
            if text:
                return text
        return None

    def text_in(self, data: Mapping[str, Any], *keys: str) -> str | None:
        """Like `text`, from a nested object (Zendesk `user_fields`, DSFinV-K lines)."""
        for key in keys:
            value = data.get(key)
            if not value:
                continue
            if type(value) is not str:
                return self._not_text(key, value)
            text = " ".join(value.split())
            if text:
                return text
        return None

    def _not_text(self, key: str, value: object) -> str | None:
        """JSON numbers (Zendesk ids) become text; objects, lists and booleans are errors."""
        if isinstance(value, dict | list | bool):
            self.fail(key, f"expected text, got {value!r}")
            return None
        return str(value).strip() or None

    def key(self, *parts: str | None, label: str) -> str:
        """The natural key from its parts; a missing part is a reason, not an exception."""
        present = [p for p in parts if p is not None]
        if len(present) < len(parts):
            self.reasons.append(f"source_key: {label} is missing")
            return ""
        return ":".join(present)

    def fail(self, field: str, message: str) -> None:
        self.reasons.append(f"{field}: {message}")

    def check(self, field: str, convert: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """`convert(*args)`, or None with a reason for the field when it raises ValueError."""
        try:
            return convert(*args, **kwargs)
        except ValueError as exc:
            self.fail(field, str(exc))
            return None

    def set(self, field: str, value: object) -> None:
        """Set a canonical field unless an earlier (more specific) column already did."""
        if value is not None and self.fields.get(field) is None:
            self.fields[field] = value

    # -- identity fields ----------------------------------------------------------------
    def email(self, raw: str | None, *, field: str = "email") -> str | None:
        if raw is None:
            return None
        try:
            result = parse_email(raw)
        except ValueError as exc:
            self.fail(field, str(exc))
            return None
        if result.flags:
            self.flags.update(result.flags)
        self.set("email", result.value)
        return result.value

    def phones(self, *raws: tuple[str, str | None], region: str = "DE") -> None:
        """`phone` and `phone_alt` from (field, raw) pairs in the source's order of
        preference; a mobile number moves first, duplicates collapse."""
        found: list[str] = []
        for field, raw in raws:
            if raw is None:
                continue
            try:
                number, flags = parse_phone(raw, region)
            except ValueError as exc:
                self.fail(field, str(exc))
                continue
            if flags:
                self.flags.update(flags)
            if number is not None and number not in found:
                found.append(number)
        if len(found) > 1:
            found.sort(key=lambda number: not is_mobile(number))
        if found:
            self.set("phone", found[0])
        if len(found) > 1:
            self.set("phone_alt", found[1])

    def person(self, parts: NameParts) -> None:
        fields = self.fields
        for field, value in zip(_NAME_FIELDS, parts, strict=False):
            if value is not None and fields.get(field) is None:
                fields[field] = value
        if parts.flags:
            self.flags.update(parts.flags)

    def name(self, raw: str | None, order: NameOrder = "first_last") -> None:
        """A one-field name (`Weiß, Jürgen`, `Weiss Juergen`, `Groß & Söhne GmbH`)."""
        if raw is not None:
            self.person(split_name(raw, order))

    def name_parts(self, first: str | None, last: str | None) -> None:
        if first is not None or last is not None:
            self.person(split_name_parts(first, last))

    def country(self, raw: str | None) -> str | None:
        value = None if raw is None else self.check("country", normalize_country, raw)
        self.set("country", value)
        return value

    def address(
        self,
        street_line: str | None,
        postal_code: str | None,
        city: str | None,
        country: str | None,
    ) -> None:
        """Street line with the number in it, PLZ (German rules unless another country)."""
        if street_line is not None:
            street, number = split_street(street_line)
            self.set("street", street)
            self.set("house_number", number)
        self.postal_code(postal_code, country)
        self.set("city", city)

    def postal_code(self, raw: str | None, country: str | None) -> None:
        if raw is None:
            return
        try:
            code, flags = parse_postal_code(raw, country)
        except ValueError as exc:
            self.fail("postal_code", str(exc))
            return
        if flags:
            self.flags.update(flags)
        self.set("postal_code", code)

    def birth(self, raw: str | None, *, reference: date | None = None) -> None:
        if raw is None:
            return
        result = self.check("birth_date", parse_birth_date, raw, reference=reference)
        if result is not None:
            self.flags.update(result.flags)
            self.set("birth_date", result.birth_date)
            self.set("birth_month_day", result.month_day)

    def identifier(self, namespace: str, raw: str | None) -> str | None:
        """`card:K-004711`, `coupon:SOMMER15-7Q2X` (upper case), `shop_order:#1002` …"""
        if raw is None:
            return None
        normalize = normalize_coupon if namespace == "coupon" else normalize_card
        value = self.check(namespace, normalize, raw)
        if value is not None:
            self.identifiers.add(f"{namespace}:{value}")
        return value

    # -- touchpoint and consent facts ----------------------------------------------------
    def when(self, field: str, raw: str | None, *, naive_tz: tzinfo = UTC) -> datetime | None:
        """An aware UTC datetime; naive values are read in the source's `naive_tz`."""
        if raw is None:
            return None
        try:
            return parse_datetime(raw, naive_tz=naive_tz)
        except ValueError as exc:
            self.fail(field, str(exc))
            return None

    def money(
        self, field: str, raw: str | None, *, decimal: str = ".", grouping: str = ""
    ) -> Decimal | None:
        if raw is None:
            return None
        return self.check(field, parse_money, raw, decimal=decimal, grouping=grouping)

    def cents(self, field: str, raw: str | None) -> Decimal | None:
        return None if raw is None else self.check(field, cents_to_amount, raw)

    # -- the result ----------------------------------------------------------------------
    def has_person(self) -> bool:
        """Whether anything names a person: person fields or a person identifier."""
        fields = self.fields
        return any(fields.get(f) is not None for f in _PERSON_FIELDS) or any(
            i.startswith(PERSON_ID_NAMESPACES) for i in self.identifiers
        )

    def build(
        self,
        source: str,
        source_key: str,
        *,
        touchpoints: Iterable[Touchpoint] = (),
        consents: Iterable[Consent] = (),
        has_identity: bool | None = None,
        updated_at: datetime | None = None,
    ) -> ParsedRow:
        """The parsed row, or `RowRejected` with one reason per bad field."""
        fields = self.fields
        fields["source_key"] = source_key
        for field, limit in _MAX_LENGTH.items():
            value = fields.get(field)
            if value is not None and len(value) > limit:
                self.fail(field, f"{value[:40]!r}… is too long ({len(value)} > {limit} characters)")
        touchpoints = tuple(touchpoints)
        for tp in touchpoints:
            if tp.reference is not None and len(tp.reference) > _MAX_REFERENCE:
                self.fail("reference", f"{tp.reference[:40]!r}… is too long")
        if self.reasons:
            raise RowRejected(self.reasons)
        record = CustomerRecord(
            source=source,
            has_identity=self.has_person() if has_identity is None else has_identity,
            identifiers=tuple(sorted(self.identifiers)),
            quality_flags=tuple(sorted(self.flags)),
            updated_at=updated_at,
            **fields,
        )
        return ParsedRow(record=record, touchpoints=touchpoints, consents=tuple(consents))
