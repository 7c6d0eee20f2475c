"""Coupons: Voucherify redemption export (SOURCES.md §5a).

`customer_source_id` is the merchant's own key for the customer, which in practice is a
loyalty number in one shop and an email address in another. The metadata JSON ties a
redemption to the order or the receipt it was used on.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from schemas.errors import RowSkipped
from schemas.records import ParsedRow, Touchpoint
from schemas.sources.builder import RecordBuilder, details

_CHANNELS = {"filiale": "store", "onlineshop": "online", "online": "online", "shop": "online"}


def _metadata(b: RecordBuilder) -> Mapping[str, Any]:
    raw = b.data.get("metadata")
    if isinstance(raw, Mapping):  # a connector that already decoded it
        return raw
    text = b.text("metadata")
    if text is None:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError:
        b.fail("metadata", f"{text!r} is not valid JSON")
        return {}
    if not isinstance(value, dict):
        b.fail("metadata", f"{text!r} is not a JSON object")
        return {}
    return value


def parse_coupon_redemption(data: Mapping[str, Any]) -> ParsedRow:
    """A redemption: the customer (if given), the coupon, the order or receipt it paid."""
    kind = data.get("object")
    if kind == "redemption_rollback":
        raise RowSkipped("coupon rollback is not a redemption")
    b = RecordBuilder(data)
    if kind not in (None, "", "redemption"):
        b.fail("object", f"{kind!r} is not a redemption")
    redemption_id = b.text("id")
    key = b.key(redemption_id, label="'id'")
    code = b.identifier("coupon", b.text("voucher_code"))
    b.identifier("voucherify_customer", b.text("customer_id"))
    source_id = b.text("customer_source_id")
    if source_id is not None and "@" in source_id:
        b.email(source_id, field="customer_source_id")
    else:
        b.identifier("card", source_id)
    b.name(b.text("customer_name"), "first_last")
    meta = _metadata(b)
    order = b.text_in(meta, "shop_order")
    b.identifier("shop_order", order)
    register, receipt = b.text_in(meta, "kasse"), b.text_in(meta, "bon_id")
    if register and receipt:
        b.identifier("pos_receipt", f"{register}:{receipt}")
    channel = b.text_in(meta, "kanal")
    redeemed = b.when("date", b.text("date"))
    redemption = Touchpoint(
        kind="coupon_redemption",
        occurred_at=redeemed,
        reference=code,
        channel=_CHANNELS.get(channel.lower()) if channel else None,
        amount=b.cents("order_amount", b.text("order_amount")),
        details=details(
            result=b.text("result"),
            failure_code=b.text("failure_code"),
            campaign=b.text("campaign"),
            sales_channel=channel,
            register=register,
            receipt_id=receipt,
            shop_order=order,
            order_id=b.text("order_id"),
        ),
    )
    return b.build("coupon_redemption", key, touchpoints=(redemption,), updated_at=redeemed)
