"""Small typed builders for warehouse tests."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from schemas.records import CustomerRecord, ParsedRow, Touchpoint
from warehouse.staging import Delivery, Lineage


def record(source: str = "shop_customer", key: str = "1", **fields: Any) -> CustomerRecord:
    return CustomerRecord(source=source, source_key=key, **fields)


def parsed(rec: CustomerRecord, *touchpoints: Touchpoint) -> ParsedRow:
    return ParsedRow(record=rec, touchpoints=touchpoints)


def order(reference: str, amount: str) -> Touchpoint:
    return Touchpoint(kind="order", reference=reference, amount=Decimal(amount), currency="EUR")


def delivery(path: str = "shop_customers_2024-05-01.csv", sha: str = "a" * 64) -> Delivery:
    return Delivery(
        path=path,
        sha256=sha,
        file_kind="shop_customers",
        record_kind="shop_customer",
        export_day=date(2024, 5, 1),
        encoding="utf-8",
        size_bytes=123,
    )


def lineage(line: int, **raw: Any) -> Lineage:
    return Lineage(line=line, member=None, raw=raw or {"line": line})
