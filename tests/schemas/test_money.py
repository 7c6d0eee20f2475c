"""Amounts: decimal comma with dot grouping, dot decimals, cents."""

from __future__ import annotations

from decimal import Decimal

import pytest

from schemas.money import cents_to_amount, parse_money


@pytest.mark.parametrize(
    ("raw", "decimal", "grouping", "expected"),
    [
        ("1.234,56", ",", ".", Decimal("1234.56")),  # DSFinV-K UMS_BRUTTO
        ("49,90", ",", ".", Decimal("49.90")),  # no grouping needed
        ("-10,00000", ",", ".", Decimal("-10.00000")),  # DSFinV-K STK_BR, negative
        ("1234,56", ",", ".", Decimal("1234.56")),  # grouping is optional
        ("84.80", ".", "", Decimal("84.80")),  # Shopify
        ("1034.50", ".", "", Decimal("1034.50")),  # no grouping in Shopify
        ("12", ".", "", Decimal("12")),  # integer
        ("1,234.56", ".", ",", Decimal("1234.56")),  # English grouping when declared
    ],
)
def test_parse_money(raw: str, decimal: str, grouping: str, expected: Decimal) -> None:
    assert parse_money(raw, decimal=decimal, grouping=grouping) == expected


@pytest.mark.parametrize(
    ("raw", "decimal", "grouping"),
    [
        ("1.234,56", ".", ""),  # comma where dots were declared
        ("12.34.56", ",", "."),  # grouping of two digits
        ("84,80 €", ",", "."),  # currency symbol
        ("", ".", ""),  # empty
    ],
)
def test_bad_money(raw: str, decimal: str, grouping: str) -> None:
    with pytest.raises(ValueError, match="is not an amount") as info:
        parse_money(raw, decimal=decimal, grouping=grouping)
    assert repr(raw) in str(info.value)


def test_money_limit() -> None:
    with pytest.raises(ValueError, match="too large"):
        parse_money("1000000000000")  # beyond NUMERIC(14, 2)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("4990", Decimal("49.90")),  # Voucherify order_amount
        ("10345", Decimal("103.45")),
        ("0", Decimal("0.00")),
        ("-150", Decimal("-1.50")),
    ],
)
def test_cents_to_amount(raw: str, expected: Decimal) -> None:
    assert cents_to_amount(raw) == expected


def test_bad_cents() -> None:
    with pytest.raises(ValueError, match="'49.90' is not an amount in cents"):
        cents_to_amount("49.90")
