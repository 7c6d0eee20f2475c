"""Shopify customer and order exports (SOURCES.md §1a, §1b): `,`, UTF-8, mapped by name.

Values stay exactly as delivered (the spreadsheet-guard apostrophe on ids, zips and
phones included): stripping it is the mapper's job, where the rule is documented once.
"""

from __future__ import annotations

from collections.abc import Iterator, Set
from typing import Any

from connectors.base import NOTHING_KNOWN, FileKind, LandingFile, RawRow
from connectors.csvfile import CsvConnector
from connectors.csvio import Column, Table

# Continuation rows repeat only these (plus `Name`); everything else is empty on them.
_ITEM_PREFIX = "Lineitem "
_ITEM_EXTRA = ("Vendor",)


class ShopifyCustomers(CsvConnector):
    """The customer export: a full snapshot, one row per customer."""

    file_kinds: tuple[FileKind, ...] = ("shop_customers",)
    # Old exports without `Customer ID` have no natural key: refuse them rather than
    # quarantining every row.
    required: tuple[Column, ...] = ("Customer ID", "First Name", "Last Name", "Email")


class ShopifyOrders(CsvConnector):
    """The order export: one row per line item, gathered into one raw row per order."""

    file_kinds: tuple[FileKind, ...] = ("shop_orders",)
    required: tuple[Column, ...] = ("Name", "Id", "Email", "Created at", "Lineitem name")

    def raw_rows(
        self, file: LandingFile, table: Table, known: Set[str] = NOTHING_KNOWN
    ) -> Iterator[RawRow]:
        """The order's first row with every row's line item under `_line_items` (no text
        digests: an order is several records, so `known` is not used).

        An order's rows are adjacent and share `Name`; a row with the same `Name` but
        another non-empty `Id` starts a new order instead of being merged into it. A
        malformed row is passed on as is and does not end the order it interrupts.
        """
        order: RawRow | None = None
        for line, data in table.rows:
            if "_malformed" in data:
                yield RawRow(file.record_kind, file.path.name, line, data)
            elif order is not None and _continues(order.data, data):
                order.data["_line_items"].append(_item(data, continuation=True))
            else:
                if order is not None:
                    yield order
                data["_line_items"] = [_item(data, continuation=False)]
                order = RawRow(file.record_kind, file.path.name, line, data)
        if order is not None:
            yield order


def _continues(order: dict[str, Any], row: dict[str, Any]) -> bool:
    return row.get("Name") == order.get("Name") and row.get("Id") in ("", order.get("Id"))


def _item(row: dict[str, Any], *, continuation: bool) -> dict[str, Any]:
    """A line item's columns; a continuation row also keeps any other value it carries,
    so nothing it delivered is lost by gathering."""
    return {
        k: v
        for k, v in row.items()
        if k.startswith(_ITEM_PREFIX) or k in _ITEM_EXTRA or (continuation and v and k != "Name")
    }
