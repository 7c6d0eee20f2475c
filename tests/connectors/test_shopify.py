"""Shopify customers and orders: strings as delivered, orders gathered with their items."""

from __future__ import annotations

from pathlib import Path

from connectors.landing import read_file
from tests.conftest import SAMPLES
from tests.connectors.helpers import delivery, refused, rows_of, write

CUSTOMERS = SAMPLES / "shop_customers_2024-05-01.csv"
ORDERS = SAMPLES / "shop_orders_2024-05-01.csv"
ORDER_HEADER = ORDERS.read_text(encoding="utf-8").splitlines()[0]
WIDTH = ORDER_HEADER.count(",") + 1


def order_row(**values: str) -> str:
    """A CSV line of the 79-column order export with only `values` filled."""
    columns = ORDER_HEADER.split(",")
    cells = [values.get(c.replace(" ", "_"), "") for c in columns]
    return ",".join(f'"{c}"' if "," in c or "\n" in c else c for c in cells)


def test_customer_rows_keep_the_apostrophes_for_the_mapper() -> None:
    first, second, third = rows_of(delivery(CUSTOMERS))
    assert (first.source, first.file, first.line, first.member) == (
        "shop_customer",
        "shop_customers_2024-05-01.csv",
        2,
        None,
    )
    assert first.data["Customer ID"] == "'7012345678901"  # stripped by the mapper, not here
    assert first.data["Phone"] == "'+4915112345678"
    assert second.data["Default Address Zip"] == "'01067"
    assert third.data["Tags"] == "B2B, VIP"
    assert len(first.data) == 20


def test_an_old_customer_export_without_customer_id_is_refused(tmp_path: Path) -> None:
    text = "First Name,Last Name,Email,Company\nJürgen,Weiß,j.weiss@web.de,\n"
    error = refused(write(tmp_path / "shop_customers_2024-05-01.csv", text))
    assert error.reason == "header lacks 'Customer ID'"
    assert (error.source, error.line) == ("shop_customer", 1)
    assert error.path.name == "shop_customers_2024-05-01.csv"


def test_continuation_rows_become_line_items_of_their_order() -> None:
    first, second, third = rows_of(delivery(ORDERS))
    assert (first.line, second.line, third.line) == (2, 4, 5)  # line 3 is #1001's second item
    items = first.data["_line_items"]
    assert [i["Lineitem name"] for i in items] == [
        "Kaffeebohnen Espresso 1 kg",
        "Milchkännchen Edelstahl",
    ]
    assert items[1]["Vendor"] == "Rösterei Beispiel"
    assert first.data["Id"] == "5823456789012"
    assert second.data["Discount Code"] == "SOMMER15-K8PD"
    assert len(third.data["_line_items"]) == 1


def test_an_order_is_never_split_across_chunks() -> None:
    chunks = list(read_file(delivery(ORDERS), chunksize=1))
    assert [[row.data["Name"] for row in chunk] for chunk in chunks] == [
        ["#1001"],
        ["#1002"],
        ["#1003"],
    ]
    assert len(chunks[0][0].data["_line_items"]) == 2


def test_quoted_line_breaks_keep_line_numbers(tmp_path: Path) -> None:
    text = "\n".join(
        [
            ORDER_HEADER,
            order_row(
                Name="#1", Id="1", Email="a@b.de", Notes="Bitte\nklingeln", Lineitem_name="A"
            ),
            order_row(Name="#1", Lineitem_name="B"),
            order_row(Name="#2", Id="2", Email="c@d.de", Lineitem_name="C"),
        ]
    )
    one, two = rows_of(write(tmp_path / "shop_orders_2024-05-02.csv", text + "\n"))
    assert (one.line, two.line) == (2, 5)  # #1 spans lines 2-3, its item is line 4
    assert one.data["Notes"] == "Bitte\nklingeln"
    assert [i["Lineitem name"] for i in one.data["_line_items"]] == ["A", "B"]


def test_a_malformed_row_is_passed_on_and_does_not_end_the_order(tmp_path: Path) -> None:
    text = "\n".join(
        [
            ORDER_HEADER,
            order_row(Name="#1", Id="1", Email="a@b.de", Lineitem_name="A"),
            "#1,too,few",
            order_row(Name="#1", Lineitem_name="B"),
        ]
    )
    broken, order = rows_of(write(tmp_path / "shop_orders_2024-05-02.csv", text + "\n"))
    assert broken.line == 3
    assert broken.data == {
        "_malformed": f"3 fields where the header has {WIDTH}",
        "_raw_line": "#1,too,few",
    }
    assert [i["Lineitem name"] for i in order.data["_line_items"]] == ["A", "B"]


def test_same_name_but_another_id_is_another_order(tmp_path: Path) -> None:
    text = "\n".join(
        [
            ORDER_HEADER,
            order_row(Name="#1", Id="1", Email="a@b.de", Lineitem_name="A"),
            order_row(Name="#1", Id="9", Email="x@y.de", Lineitem_name="B"),
        ]
    )
    rows = rows_of(write(tmp_path / "shop_orders_2024-05-02.csv", text + "\n"))
    assert [r.data["Id"] for r in rows] == ["1", "9"]


def test_a_continuation_row_keeps_any_stray_value(tmp_path: Path) -> None:
    text = "\n".join(
        [
            ORDER_HEADER,
            order_row(Name="#1", Id="1", Email="a@b.de", Lineitem_name="A"),
            order_row(Name="#1", Lineitem_name="B", Notes="nur hier"),
        ]
    )
    (order,) = rows_of(write(tmp_path / "shop_orders_2024-05-02.csv", text + "\n"))
    assert order.data["_line_items"][1]["Notes"] == "nur hier"  # nothing lost by gathering
