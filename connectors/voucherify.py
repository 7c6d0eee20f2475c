"""Voucherify redemption export (SOURCES.md §5a): `,`, UTF-8, the export fields as header.

`metadata` stays the JSON text it was delivered as; the mapper decodes it and can then
quarantine a row whose JSON is broken instead of the connector dropping it.
"""

from __future__ import annotations

from connectors.base import FileKind
from connectors.csvfile import CsvConnector
from connectors.csvio import Column


class VoucherifyRedemptions(CsvConnector):
    """One raw row per redemption (rollbacks included: the mapper skips them with a reason)."""

    file_kinds: tuple[FileKind, ...] = ("coupon_redemptions",)
    required: tuple[Column, ...] = ("id", "object", "date", "voucher_code", "customer_source_id")
