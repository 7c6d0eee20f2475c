"""Sample rows shaped exactly like the connectors' `RawRow.data` (the connector layer is
built in parallel, so the tests read the reference samples themselves)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import SAMPLES

# The reference samples live in tests/data/samples once copied there, else beside the repo.
_SHARED = Path(__file__).resolve().parents[3] / "shared" / "samples"
HOTLINE_COLUMNS = (
    "historyid,callid,duration,time_start,time_answered,time_end,reason_terminated,from_no,"
    "to_no,from_dn,to_dn,dial_no,reason_changed,final_number,final_dn,bill_code,bill_rate,"
    "bill_cost,bill_name,chain,from_type,to_type,final_type,from_dispname,to_dispname,"
    "final_dispname,missed_queue_calls"
).split(",")
POS_FOLDER = "pos_dsfinvk_KASSE-01_2024-05-01_Z0412"

Row = dict[str, Any]


def samples_dir() -> Path:
    for candidate in (SAMPLES, _SHARED):
        if (candidate / "shop_customers_2024-05-01.csv").exists():
            return candidate
    pytest.fail(f"reference samples not found in {SAMPLES} or {_SHARED}")


def _csv(name: str, delimiter: str = ",", encoding: str = "utf-8") -> Iterator[Row]:
    with (samples_dir() / name).open(encoding=encoding, newline="") as handle:
        yield from csv.DictReader(handle, delimiter=delimiter)


def _shop_orders() -> list[Row]:
    orders: dict[str, Row] = {}
    for row in _csv("shop_orders_2024-05-01.csv"):
        item = {k: v for k, v in row.items() if k.startswith("Lineitem")}
        if row["Name"] in orders:
            orders[row["Name"]]["_line_items"].append(item)
        else:
            orders[row["Name"]] = {**row, "_line_items": [item]}
    return list(orders.values())


def _pos_receipts() -> list[Row]:
    lines = list(_csv(f"{POS_FOLDER}/lines.csv", ";"))
    payments = list(_csv(f"{POS_FOLDER}/datapayment.csv", ";"))
    return [
        {
            **row,
            "_lines": [line for line in lines if line["BON_ID"] == row["BON_ID"]],
            "_payments": [pay for pay in payments if pay["BON_ID"] == row["BON_ID"]],
            "_decimal_symbol": ",",
            "_digit_grouping": ".",
        }
        for row in _csv(f"{POS_FOLDER}/transactions.csv", ";")
    ]


def _newsletter() -> list[Row]:
    return [
        {**row, "_status": status}
        for status in ("subscribed", "unsubscribed")
        for row in _csv(f"newsletter_{status}_2024-05-01.csv")
    ]


def _hotline() -> list[Row]:
    with (samples_dir() / "hotline_calls_2024-05-01.csv").open(newline="") as handle:
        return [dict(zip(HOTLINE_COLUMNS, fields, strict=True)) for fields in csv.reader(handle)]


def _helpdesk() -> list[Row]:
    text = (samples_dir() / "helpdesk_users_2024-05-01.ndjson").read_text(encoding="utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


LOADERS: dict[str, Callable[[], list[Row]]] = {
    "shop_customer": lambda: list(_csv("shop_customers_2024-05-01.csv")),
    "shopware_customer": lambda: list(_csv("shopware_customers_2024-05-01.csv", ";")),
    "shop_order": _shop_orders,
    "helpdesk_user": _helpdesk,
    "hotline_call": _hotline,
    "newsletter_member": _newsletter,
    "pos_receipt": _pos_receipts,
    "coupon_redemption": lambda: list(_csv("coupon_redemptions_2024-05-01.csv")),
    "postcard": lambda: list(_csv("promo_postcards_2024-05-06.csv", ";", "cp1252")),
}


@pytest.fixture
def sample_rows() -> Callable[[str], list[Row]]:
    """`sample_rows("postcard")`: the sample file's rows as the connector delivers them."""
    return lambda kind: LOADERS[kind]()
