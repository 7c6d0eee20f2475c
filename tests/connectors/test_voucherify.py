"""Voucherify redemptions: metadata JSON stays text for the mapper."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SAMPLES
from tests.connectors.helpers import delivery, refused, rows_of, write


def test_sample_rows_are_delivered_as_strings() -> None:
    first, second, third = rows_of(delivery(SAMPLES / "coupon_redemptions_2024-05-01.csv"))
    assert first.source == "coupon_redemption"
    assert first.data["customer_source_id"] == "K-004711"
    assert first.data["metadata"] == (
        '{"kanal":"Filiale","kasse":"KASSE-01","bon_id":"7f3c2a10-0d1e-4b6a-9a51-2f0c6e8b1a02"}'
    )
    assert second.data["order_amount"] == "4989"  # cents, unconverted
    assert (third.line, third.data["result"]) == (4, "FAILURE")


def test_a_customer_export_under_the_redemption_name_is_refused(tmp_path: Path) -> None:
    text = "name,id,email,source_id\nJürgen Weiß,cust_1,j.weiss@web.de,K-004711\n"
    error = refused(write(tmp_path / "coupon_redemptions_2024-05-01.csv", text))
    assert error.reason == "header lacks 'object', 'date', 'voucher_code', 'customer_source_id'"
    assert error.source == "coupon_redemption"
