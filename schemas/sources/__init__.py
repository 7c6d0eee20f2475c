"""Per-source mappers: a connector's raw row (`RawRow.data`) into a `ParsedRow`.

One function per record kind; `schemas.parse.parse_row` dispatches to them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from schemas.records import ParsedRow
from schemas.sources.coupon import parse_coupon_redemption
from schemas.sources.helpdesk import parse_helpdesk_user
from schemas.sources.hotline import parse_hotline_call
from schemas.sources.newsletter import parse_newsletter_member
from schemas.sources.pos import parse_pos_receipt
from schemas.sources.postcard import parse_postcard
from schemas.sources.shop import parse_shop_customer, parse_shop_order

RowParser = Callable[[Mapping[str, Any]], ParsedRow]

PARSERS: dict[str, RowParser] = {
    "shop_customer": parse_shop_customer,
    "shop_order": parse_shop_order,
    "helpdesk_user": parse_helpdesk_user,
    "hotline_call": parse_hotline_call,
    "newsletter_member": parse_newsletter_member,
    "pos_receipt": parse_pos_receipt,
    "coupon_redemption": parse_coupon_redemption,
    "postcard": parse_postcard,
}

__all__ = ["PARSERS", "RowParser"]
