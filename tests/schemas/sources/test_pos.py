"""DSFinV-K receipts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from schemas.parse import parse_row
from schemas.records import CustomerRecord

Rows = Callable[[str], list[dict[str, Any]]]


def test_receipts(sample_rows: Rows) -> None:
    anonymous, card, company = (parse_row("pos_receipt", r) for r in sample_rows("pos_receipt"))
    assert anonymous.record.has_identity is False  # no KUNDE_* at all: a touchpoint only
    (receipt,) = anonymous.touchpoints
    assert receipt.occurred_at == datetime(2024, 5, 1, 7, 13, 30, tzinfo=UTC)  # 09:13:30 Berlin
    assert (receipt.amount, receipt.currency) == (Decimal("12.50"), "EUR")  # 12,50
    assert card.record == CustomerRecord(
        source="pos_receipt",
        source_key="KASSE-01:7f3c2a10-0d1e-4b6a-9a51-2f0c6e8b1a02",
        first_name="Jürgen",  # "Weiß, Jürgen"
        last_name="Weiß",
        street="Hauptstraße",  # Hauptstr. 5
        house_number="5",
        postal_code="70173",
        city="Stuttgart",
        country="DE",  # DEU
        identifiers=(
            "card:K-004711",  # KUNDE_ID
            "coupon:SOMMER15-7Q2X",  # lines.csv GUTSCHEIN_NR
            "pos_receipt:KASSE-01:7f3c2a10-0d1e-4b6a-9a51-2f0c6e8b1a02",
        ),
        updated_at=datetime(2024, 5, 1, 7, 21, 15, tzinfo=UTC),
    )
    assert card.touchpoints[0].details["coupons"] == "SOMMER15-7Q2X"
    assert card.touchpoints[0].details["payment"] == "girocard"
    assert company.record.company == "Groß & Söhne GmbH"  # no person name
    assert company.record.first_name is None
    assert "ustid:DE123456789" in company.record.identifiers
    assert company.touchpoints[0].amount == Decimal("1234.56")  # 1.234,56


def test_declared_dot_decimals(sample_rows: Rows) -> None:
    row = {**sample_rows("pos_receipt")[2], "UMS_BRUTTO": "1234.56"}
    row.update(_decimal_symbol=".", _digit_grouping="")
    assert parse_row("pos_receipt", row).touchpoints[0].amount == Decimal("1234.56")


def test_anonymous_receipt_with_a_coupon_stays_anonymous(sample_rows: Rows) -> None:
    row = {**sample_rows("pos_receipt")[0], "_lines": sample_rows("pos_receipt")[1]["_lines"]}
    parsed = parse_row("pos_receipt", row)
    assert parsed.record.has_identity is False
    assert "coupon:SOMMER15-7Q2X" in parsed.record.identifiers  # kept as transaction evidence
