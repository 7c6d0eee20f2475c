"""Voucherify redemptions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from schemas.errors import RowRejected
from schemas.parse import parse_row

Rows = Callable[[str], list[dict[str, Any]]]


def test_redemptions(sample_rows: Rows) -> None:
    store, online, failed = (
        parse_row("coupon_redemption", r) for r in sample_rows("coupon_redemption")
    )
    assert store.record.identifiers == (
        "card:K-004711",  # customer_source_id is a loyalty number here
        "coupon:SOMMER15-7Q2X",
        "pos_receipt:KASSE-01:7f3c2a10-0d1e-4b6a-9a51-2f0c6e8b1a02",  # metadata kasse + bon_id
        "voucherify_customer:cust_i8t5Tt6eiKG5K79KQlJ01",
    )
    assert (store.record.first_name, store.record.last_name) == ("Jürgen", "Weiß")
    (redemption,) = store.touchpoints
    assert redemption.kind == "coupon_redemption"
    assert redemption.occurred_at == datetime(2024, 5, 1, 7, 21, 14, 512000, tzinfo=UTC)
    assert (redemption.reference, redemption.channel) == ("SOMMER15-7Q2X", "store")
    assert redemption.amount == Decimal("49.90")  # 4990 cents
    assert redemption.details["result"] == "SUCCESS"
    assert online.record.email == "aenne.mueller@gmx.de"  # customer_source_id is an email
    assert "shop_order:#1002" in online.record.identifiers  # metadata shop_order
    assert online.touchpoints[0].channel == "online"
    assert failed.record.has_identity is True  # only a name, but a name
    assert failed.touchpoints[0].details["failure_code"] == "voucher_expired"


def test_redemption_without_customer_has_no_identity(sample_rows: Rows) -> None:
    row = {**sample_rows("coupon_redemption")[2], "customer_name": ""}
    parsed = parse_row("coupon_redemption", row)
    assert parsed.record.has_identity is False
    assert parsed.record.identifiers == ("coupon:HERBST10-ZZ91",)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"metadata": "{kanal: Filiale"}, "metadata: '{kanal: Filiale' is not valid JSON"),
        ({"metadata": "[1, 2]"}, "metadata: '[1, 2]' is not a JSON object"),
        ({"order_amount": "49.90"}, "order_amount: '49.90' is not an amount in cents"),
        ({"object": "voucher"}, "object: 'voucher' is not a redemption"),
        (
            {"customer_source_id": "aenne@gmx"},
            "customer_source_id: 'aenne@gmx' is not a valid email address (the part after the "
            "@-sign is not valid. It should have a period)",
        ),
    ],
)
def test_rejected_redemptions(sample_rows: Rows, changes: dict[str, str], reason: str) -> None:
    with pytest.raises(RowRejected) as info:
        parse_row("coupon_redemption", {**sample_rows("coupon_redemption")[1], **changes})
    assert info.value.reasons == [reason]
