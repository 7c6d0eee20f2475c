"""Shopware 6 "Default customer" export profile (SOURCES.md §1c): `;`, UTF-8, full snapshot.

The profile is user-editable, so columns are mapped by name; only the natural key and the
name and email columns every profile keeps are required.
"""

from __future__ import annotations

from connectors.base import FileKind
from connectors.csvfile import CsvConnector
from connectors.csvio import Column


class ShopwareCustomers(CsvConnector):
    """Rows go to the `shop_customer` mapper, which recognises them by `customer_number`."""

    file_kinds: tuple[FileKind, ...] = ("shopware_customers",)
    delimiter: str = ";"
    required: tuple[Column, ...] = ("customer_number", "first_name", "last_name", "email")
