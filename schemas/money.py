"""Amounts of money as `Decimal`, never float.

The decimal and grouping symbols are the source's, passed in by the caller (DSFinV-K declares
them in `index.xml`); a value is never guessed per row (`1.234` is 1234 in one file and
1.234 in another).
"""

from __future__ import annotations

import re
from decimal import Decimal
from functools import lru_cache

_LIMIT = Decimal("1e12")  # the warehouse keeps NUMERIC(14, 2)
_CENTS = re.compile(r"[+-]?\d{1,14}")  # below _LIMIT after dividing by 100


@lru_cache(maxsize=16)
def _pattern(decimal: str, grouping: str) -> re.Pattern[str]:
    d = re.escape(decimal)
    if not grouping:
        return re.compile(rf"[+-]?\d+(?:{d}\d+)?")
    g = re.escape(grouping)
    return re.compile(rf"[+-]?(?:\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{d}\d+)?")


def parse_money(raw: str, *, decimal: str = ".", grouping: str = "") -> Decimal:
    """`1.234,56` (decimal `,`, grouping `.`) or `84.80` (the defaults) as a Decimal."""
    text = raw.strip()
    if not _pattern(decimal, grouping).fullmatch(text):
        raise ValueError(f"{raw!r} is not an amount (decimal {decimal!r}, grouping {grouping!r})")
    if grouping:
        text = text.replace(grouping, "")
    amount = Decimal(text.replace(decimal, ".") if decimal != "." else text)
    if abs(amount) >= _LIMIT:
        raise ValueError(f"{raw!r} is too large for an amount")
    return amount


def cents_to_amount(raw: str) -> Decimal:
    """An integer amount in the smallest currency unit (Voucherify: `4990`) as `49.90`."""
    text = raw.strip()
    if not _CENTS.fullmatch(text):
        raise ValueError(f"{raw!r} is not an amount in cents")
    return Decimal(text).scaleb(-2)
