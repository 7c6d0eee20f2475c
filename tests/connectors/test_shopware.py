"""Shopware 6 customers: `;`-separated, columns by name."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import SAMPLES
from tests.connectors.helpers import delivery, refused, rows_of, write

SAMPLE = SAMPLES / "shopware_customers_2024-05-01.csv"


def test_rows_are_shop_customers_keyed_by_column_name() -> None:
    first, second, third = rows_of(delivery(SAMPLE))
    assert (first.source, first.line) == ("shop_customer", 2)
    assert first.data["customer_number"] == "10023"  # how the mapper tells Shopware apart
    assert second.data["billing_zipcode"] == "01067"
    assert third.data["customer_group"] == "Händler"
    assert len(first.data) == 34


def test_a_shopify_file_under_the_shopware_name_is_refused(tmp_path: Path) -> None:
    shopify = (SAMPLES / "shop_customers_2024-05-01.csv").read_text(encoding="utf-8")
    error = refused(write(tmp_path / "shopware_customers_2024-05-01.csv", shopify))
    assert error.reason.startswith("header lacks 'customer_number', 'first_name'")
    assert error.line == 1
