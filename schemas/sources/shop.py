"""Web shop: Shopify customers and orders, Shopware 6 customers (SOURCES.md §1)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from schemas.names import normalize_salutation
from schemas.records import Consent, ConsentChannel, ParsedRow, Touchpoint
from schemas.sources.builder import RecordBuilder, details
from schemas.text import clean_text, strip_apostrophe

_CURRENCY = re.compile(r"[A-Z]{3}")
_YES = frozenset({"yes", "true", "1", "ja"})
_NO = frozenset({"no", "false", "0", "nein"})


def _unquoted(b: RecordBuilder, column: str) -> str | None:
    """A Shopify id / zip / phone without the spreadsheet-guard apostrophe."""
    value = b.text(column)
    return None if value is None else clean_text(strip_apostrophe(value))


def yes_no(b: RecordBuilder, column: str) -> bool:
    """Shopify's `yes`/`no` booleans; anything else is a reason, not a silent no."""
    value = b.text(column)
    if value is None or value.lower() in _NO:
        return False
    if value.lower() in _YES:
        return True
    b.fail(column, f"{value!r} is not yes or no")
    return False


def _checkbox(channel: ConsentChannel, evidence: str, at: datetime | None = None) -> Consent:
    """A shop's marketing checkbox: granted, but without double-opt-in evidence."""
    return Consent(
        channel=channel,
        status="granted",
        method="checkbox",
        opted_in_at=at,
        evidence=evidence,
    )


def parse_shop_customer(data: Mapping[str, Any]) -> ParsedRow:
    """A Shopify customer export row, or a Shopware 6 one (recognised by `customer_number`)."""
    if "customer_number" in data:
        return _parse_shopware_customer(data)
    b = RecordBuilder(data)
    customer_id = _unquoted(b, "Customer ID")
    key = b.key(customer_id, label="'Customer ID'")
    b.identifier("shop_customer", customer_id)
    b.set("company", b.text("Default Address Company"))
    b.name_parts(b.text("First Name"), b.text("Last Name"))
    b.email(b.text("Email"))
    b.phones(("phone", b.text("Phone")), ("phone_alt", b.text("Default Address Phone")))
    country = b.country(b.text("Default Address Country Code"))
    b.address(
        b.text("Default Address Address1"),
        b.text("Default Address Zip"),
        b.text("Default Address City"),
        country,
    )
    # A birth date only exists as an appended metafield column, e.g.
    # `Fecha de nacimiento (customer.metafields.facts.birth_date)`.
    birth_column = next((c for c in data if "birth_date" in c), None)
    if birth_column is not None:
        b.birth(b.text(birth_column))
    consents = []
    if yes_no(b, "Accepts Email Marketing"):
        consents.append(_checkbox("email", f"shop customer {key}: Accepts Email Marketing"))
    if yes_no(b, "Accepts SMS Marketing"):
        consents.append(_checkbox("sms", f"shop customer {key}: Accepts SMS Marketing"))
    return b.build("shop_customer", key, consents=consents)


def _parse_shopware_customer(data: Mapping[str, Any]) -> ParsedRow:
    b = RecordBuilder(data)
    number = b.text("customer_number")
    key = b.key(number, label="'customer_number'")
    b.identifier("shop_customer", number)
    salutation = b.text("salutation", "billing_salutation")
    b.set("salutation", normalize_salutation(salutation) if salutation else None)
    b.set("title", b.text("billing_title"))
    b.set("company", b.text("billing_company"))
    b.name_parts(
        b.text("first_name", "billing_first_name"), b.text("last_name", "billing_last_name")
    )
    b.email(b.text("email"))
    b.phones(("phone", b.text("billing_phone_number")))
    country = b.country(b.text("billing_country"))
    b.address(b.text("billing_street"), b.text("billing_zipcode"), b.text("billing_city"), country)
    b.birth(b.text("birthday"))  # not in the default profile; shops may add it
    return b.build("shop_customer", key)


def _line_items(data: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = data.get("_line_items")
    if isinstance(items, list) and items:
        return [i for i in items if isinstance(i, Mapping)]
    return [data] if data.get("Lineitem name") else []


def parse_shop_order(data: Mapping[str, Any]) -> ParsedRow:
    """A Shopify order (first row + `_line_items`): the buyer's identity and an `order`."""
    b = RecordBuilder(data)
    order_id = b.text("Id")
    key = b.key(order_id, label="'Id'")
    name = b.text("Name")
    b.identifier("shop_order", name)
    for code in (b.text("Discount Code") or "").split(","):
        b.identifier("coupon", clean_text(code))
    b.email(b.text("Email"))
    b.set("company", b.text("Billing Company"))
    b.name(b.text("Billing Name"), "first_last")
    b.phones(("phone", b.text("Billing Phone")), ("phone_alt", b.text("Phone")))
    country = b.country(b.text("Billing Country"))
    b.address(
        b.text("Billing Address1", "Billing Street"),
        b.text("Billing Zip"),
        b.text("Billing City"),
        country,
    )
    created = b.when("created_at", b.text("Created at"))
    changes = [
        created,
        b.when("paid_at", b.text("Paid at")),
        b.when("fulfilled_at", b.text("Fulfilled at")),
        cancelled := b.when("cancelled_at", b.text("Cancelled at")),
    ]
    currency = b.text("Currency")
    if currency is not None and not _CURRENCY.fullmatch(currency.upper()):
        b.fail("currency", f"{currency!r} is not an ISO 4217 currency code")
    items = _line_items(data)
    quantity = sum(int(q) for i in items if (q := str(i.get("Lineitem quantity", ""))).isdigit())
    order = Touchpoint(
        kind="order",
        occurred_at=created,
        reference=name,
        channel="online",
        amount=b.money("total", b.text("Total")),
        currency=currency.upper() if currency else None,
        details=details(
            financial_status=b.text("Financial Status"),
            fulfillment_status=b.text("Fulfillment Status"),
            line_items=len(items),
            quantity=quantity or None,
            discount_code=b.text("Discount Code"),
            discount_amount=b.text("Discount Amount"),
            order_source=b.text("Source"),
            cancelled="yes" if cancelled else None,
        ),
    )
    consents = []
    if yes_no(b, "Accepts Marketing"):
        consents.append(_checkbox("email", f"shop order {name or key}: Accepts Marketing", created))
    known = [c for c in changes if c is not None]
    return b.build(
        "shop_order",
        key,
        touchpoints=(order,),
        consents=consents,
        updated_at=max(known) if known else None,
    )
