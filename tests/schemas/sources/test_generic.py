"""The generic mapper: canonical fields of a configured source, normalized like every source."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from schemas.errors import RowRejected, UnknownSource
from schemas.parse import parse_row
from schemas.records import CustomerRecord, Touchpoint
from schemas.sources.generic import GENERIC, KEY, RAW


def row(
    options: dict[str, str] | None = None, key: str | None = "K-1", **fields: Any
) -> dict[str, Any]:
    """A generic raw row as the connector builds it."""
    return {GENERIC: options or {}, KEY: {"Nr": key}, **fields, RAW: {"Nr": key, **fields}}


def test_every_field_is_normalized_like_the_built_in_sources() -> None:
    parsed = parse_row(
        "event_signup",
        row(
            {"touchpoint": "event", "decimal": ",", "thousands": ".", "date_format": "%d.%m.%Y"},
            salutation="Herr",
            first_name="Dr. Jürgen",
            last_name="Weiß",
            email=" J.Weiss@Web.de ",
            phone="0711 2345678",
            phone_alt="0151/12345678",
            birth_date="14.03.1978",
            street_and_number="Hauptstr. 5",
            postal_code="70173",
            city="Stuttgart",
            card_number=" K-004711",
            coupon_code="sommer15-7q2x",
            occurred_at="03.05.2024 18:30",
            amount="1.234,50",
            reference="Anmeldung 17",
        ),
    )
    assert parsed.record == CustomerRecord(
        source="event_signup",
        source_key="K-1",
        salutation="Herr",
        title="Dr.",
        first_name="Jürgen",
        last_name="Weiß",
        birth_date=date(1978, 3, 14),
        email="j.weiss@web.de",
        phone="+4915112345678",  # the mobile number moves first
        phone_alt="+497112345678",
        street="Hauptstraße",  # Hauptstr. 5 split and the street type written out
        house_number="5",
        postal_code="70173",
        city="Stuttgart",
        identifiers=("card:K-004711", "coupon:SOMMER15-7Q2X"),
        updated_at=datetime(2024, 5, 3, 16, 30, tzinfo=UTC),  # the touchpoint's time
    )
    assert parsed.touchpoints == (
        Touchpoint(
            kind="event",
            occurred_at=datetime(2024, 5, 3, 16, 30, tzinfo=UTC),  # 18:30 in Berlin
            reference="Anmeldung 17",
            amount=Decimal("1234.50"),
            currency="EUR",  # no currency column: German sources
        ),
    )


@pytest.mark.parametrize(
    ("options", "raw", "expected"),
    [
        ({}, "2024-05-03T18:30:00+02:00", datetime(2024, 5, 3, 16, 30, tzinfo=UTC)),
        ({}, "2024-05-03 18:30", datetime(2024, 5, 3, 16, 30, tzinfo=UTC)),  # naive: Berlin
        ({}, "03.05.2024", datetime(2024, 5, 2, 22, 0, tzinfo=UTC)),  # a day: its local start
        ({"timezone": "UTC"}, "2024-05-03 18:30", datetime(2024, 5, 3, 18, 30, tzinfo=UTC)),
        (
            {"date_format": "%m/%d/%Y"},
            "05/03/2024 18:30:15",
            datetime(2024, 5, 3, 16, 30, 15, tzinfo=UTC),
        ),
        (
            {"date_format": "%m/%d/%Y"},
            "2024-05-03",
            datetime(2024, 5, 2, 22, 0, tzinfo=UTC),
        ),  # ISO too
    ],
)
def test_timestamps(options: dict[str, str], raw: str, expected: datetime) -> None:
    parsed = parse_row(
        "web_form", row({"touchpoint": "form", **options}, email="a@b.de", occurred_at=raw)
    )
    assert parsed.touchpoints[0].occurred_at == expected


def test_a_one_field_name_street_and_foreign_postcode() -> None:
    parsed = parse_row(
        "crm_contact",
        row(
            {"name_order": "last_first"},
            full_name="Groß Björn",
            street="Mariahilfer Str.",
            house_number="12 a",
            postal_code="1060",
            country="Österreich",
        ),
    )
    record = parsed.record
    assert (record.first_name, record.last_name) == ("Björn", "Groß")
    assert (record.street, record.house_number) == ("Mariahilfer Straße", "12a")
    assert (record.postal_code, record.country) == ("1060", "AT")  # not a German PLZ
    assert parsed.touchpoints == ()  # no touchpoint configured
    assert record.has_identity


def test_a_row_naming_nobody_is_kept_as_a_touchpoint_only() -> None:
    parsed = parse_row("event_signup", row({"touchpoint": "event"}, occurred_at="2024-05-03"))
    assert not parsed.record.has_identity and parsed.touchpoints[0].kind == "event"


def test_every_bad_field_is_one_reason() -> None:
    with pytest.raises(RowRejected) as rejected:
        parse_row(
            "event_signup",
            row(
                {"touchpoint": "event", "date_format": "%d.%m.%Y"},
                key=None,
                email="j.weiss@",
                birth_date="01.01.2099",
                occurred_at="gestern",
                amount="12,50",  # decimal "." configured
                currency="Euro",
            ),
        )
    assert rejected.value.reasons == [
        "source_key: 'Nr' is missing",
        "email: 'j.weiss@' is not a valid email address (there must be something after the @-sign)",
        "birth_date: '01.01.2099' is in the future",  # the delivered text, not the parsed date
        "occurred_at: 'gestern' is not a date and time ('%d.%m.%Y' or ISO 8601)",
        "amount: '12,50' is not an amount (decimal '.', grouping '')",
        "currency: 'Euro' is not a currency code (EUR, CHF …)",
    ]


def test_dispatch_by_the_generic_mark() -> None:
    with pytest.raises(UnknownSource):
        parse_row("event_signup", {"email": "a@b.de"})  # no mark, no mapper
    # A built-in kind is never read generically, whatever columns it delivered.
    with pytest.raises(RowRejected, match="Customer ID"):
        parse_row("shop_customer", row(email="a@b.de"))
    with pytest.raises(RowRejected, match="source: String should match pattern"):
        parse_row("Event-Signup", row(email="a@b.de"))  # not a record kind name
