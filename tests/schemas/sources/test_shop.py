"""Shopify customers and orders, Shopware 6 customers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from schemas.errors import RowRejected
from schemas.parse import parse_row
from schemas.records import Consent, CustomerRecord, ParsedRow

Rows = Callable[[str], list[dict[str, Any]]]


def _parsed(sample_rows: Rows, loader: str, kind: str) -> list[ParsedRow]:
    return [parse_row(kind, row) for row in sample_rows(loader)]


def test_shopify_customer(sample_rows: Rows) -> None:
    juergen = _parsed(sample_rows, "shop_customer", "shop_customer")[0]
    assert juergen.record == CustomerRecord(
        source="shop_customer",
        source_key="7012345678901",  # leading ' stripped
        first_name="Jürgen",
        last_name="Weiß",
        email="j.weiss@web.de",
        phone="+4915112345678",  # `Phone`, the account phone ('+49… in the file)
        phone_alt="+497112345678",  # `Default Address Phone` 0711 2345678
        street="Hauptstraße",
        house_number="5",
        postal_code="70173",
        city="Stuttgart",
        country="DE",
        identifiers=("shop_customer:7012345678901",),
    )
    assert juergen.consents == (
        Consent(
            channel="email",
            status="granted",
            method="checkbox",  # no timestamp, no DOI evidence in the CSV
            evidence="shop customer 7012345678901: Accepts Email Marketing",
        ),
    )
    assert juergen.touchpoints == ()


def test_shopify_customer_quirks(sample_rows: Rows) -> None:
    _, aenne, bjoern = _parsed(sample_rows, "shop_customer", "shop_customer")
    assert aenne.record.postal_code == "01067"  # '01067: apostrophe stripped, zero kept
    assert aenne.record.phone == "+49351471123"  # (0351) 4711-23, the only phone
    assert (aenne.record.street, aenne.record.house_number) == ("Dorfstraße", "3a")
    assert aenne.record.email == "aenne.mueller@gmx.de"  # lower-cased
    assert aenne.consents == ()  # Accepts … Marketing: no
    assert bjoern.record.company == "Groß & Söhne GmbH"
    assert (bjoern.record.phone, bjoern.record.phone_alt) == ("+494012345600", "+49401234560")
    assert [c.channel for c in bjoern.consents] == ["email", "sms"]


def test_shopify_metafield_birth_date(sample_rows: Rows) -> None:
    column = "Fecha de nacimiento (customer.metafields.facts.birth_date)"
    row = {**sample_rows("shop_customer")[0], column: "1978-03-14"}
    assert parse_row("shop_customer", row).record.birth_date == date(1978, 3, 14)


def test_shopify_unexpected_boolean(sample_rows: Rows) -> None:
    row = {**sample_rows("shop_customer")[0], "Accepts SMS Marketing": "vielleicht"}
    with pytest.raises(RowRejected) as info:
        parse_row("shop_customer", row)
    assert info.value.reasons == ["Accepts SMS Marketing: 'vielleicht' is not yes or no"]


def test_shopware_customers(sample_rows: Rows) -> None:
    juergen, aenne, bjoern = _parsed(sample_rows, "shopware_customer", "shop_customer")
    assert juergen.record == CustomerRecord(
        source="shop_customer",
        source_key="10023",  # customer_number
        salutation="Herr",  # mr
        first_name="Jürgen",
        last_name="Weiß",
        email="j.weiss@web.de",
        phone="+497112345678",
        street="Hauptstraße",
        house_number="5",
        postal_code="70173",
        city="Stuttgart",
        country="DE",
        identifiers=("shop_customer:10023",),
    )
    assert (aenne.record.salutation, aenne.record.title) == ("Frau", "Dr.")  # mrs, billing_title
    assert aenne.record.phone is None  # empty billing phone
    assert bjoern.record.salutation is None  # not_specified
    assert bjoern.record.company == "Groß & Söhne GmbH"
    assert bjoern.record.street == "Am Großen Garten"  # billing, not the shipping Billstr.


def test_shop_orders(sample_rows: Rows) -> None:
    first, second, third = _parsed(sample_rows, "shop_order", "shop_order")
    assert first.record == CustomerRecord(
        source="shop_order",
        source_key="5823456789012",  # Id
        first_name="Jürgen",  # Billing Name "Jürgen Weiß"
        last_name="Weiß",
        email="j.weiss@web.de",
        phone="+4915112345678",  # Billing Phone; `Phone` is the same number
        street="Hauptstraße",
        house_number="5",
        postal_code="70173",
        city="Stuttgart",
        country="DE",
        identifiers=("shop_order:#1001",),
        updated_at=datetime(2024, 5, 2, 12, 3, 11, tzinfo=UTC),  # Fulfilled at, the latest
    )
    (order,) = first.touchpoints
    assert order.kind == "order"
    assert order.occurred_at == datetime(2024, 5, 1, 7, 58, 12, tzinfo=UTC)  # +0200 -> UTC
    assert (order.reference, order.channel) == ("#1001", "online")
    assert (order.amount, order.currency) == (Decimal("84.80"), "EUR")
    assert order.details == {
        "financial_status": "paid",
        "fulfillment_status": "fulfilled",
        "line_items": "2",  # the continuation row is a second line item
        "quantity": "3",
        "discount_amount": "0.00",
        "order_source": "web",
    }
    assert first.consents == (
        Consent(
            channel="email",
            status="granted",
            method="checkbox",
            opted_in_at=datetime(2024, 5, 1, 7, 58, 12, tzinfo=UTC),  # at order time
            evidence="shop order #1001: Accepts Marketing",
        ),
    )
    assert second.record.identifiers == ("coupon:SOMMER15-K8PD", "shop_order:#1002")
    assert second.record.postal_code == "01067"
    assert second.consents == ()  # Accepts Marketing: no
    assert third.record.company == "Groß & Söhne GmbH"  # Billing Company
    assert third.record.postal_code == "20095"  # billing, not the shipping 20539
    assert third.record.updated_at == datetime(2024, 5, 1, 21, 59, 58, tzinfo=UTC)


def test_shop_order_bad_total(sample_rows: Rows) -> None:
    row = {**sample_rows("shop_order")[0], "Total": "84,80"}
    with pytest.raises(RowRejected) as info:
        parse_row("shop_order", row)
    assert info.value.reasons == ["total: '84,80' is not an amount (decimal '.', grouping '')"]
