"""Read a generated landing folder back with the csv module alone, independent of the
connectors: file contents by name, natural keys per §8, the truth file."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

Key = tuple[str, str]


def read_truth(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def files(landing: Path) -> dict[str, bytes]:
    """Every delivered file's bytes by its landing-relative name (folder members too)."""
    found = {}
    for path in sorted(landing.rglob("*")):
        if path.is_file():
            found[path.relative_to(landing).as_posix()] = path.read_bytes()
    return found


def members(landing: Path, name: str) -> dict[str, bytes]:
    """The files of a folder or zip delivery, by member name."""
    path = landing / name
    if path.is_dir():
        return {p.name: p.read_bytes() for p in sorted(path.iterdir())}
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def dict_rows(
    data: bytes, *, encoding: str = "utf-8", delimiter: str = ","
) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode(encoding), newline=""), delimiter=delimiter))


def _pos_encoding(index_xml: bytes) -> str:
    return "cp1252" if b"<ANSI/>" in index_xml else "utf-8"


def pos_transactions(landing: Path, name: str) -> list[dict[str, str]]:
    parts = members(landing, name)
    encoding = _pos_encoding(parts["index.xml"])
    return dict_rows(parts["transactions.csv"], encoding=encoding, delimiter=";")


def newsletter_lists(landing: Path, name: str) -> Iterator[list[dict[str, str]]]:
    if name.endswith(".zip"):
        for data in members(landing, name).values():
            yield dict_rows(data)
    else:
        yield dict_rows((landing / name).read_bytes())


def keys_in(landing: Path) -> set[Key]:
    """(source, source_key) of every row in the folder, as SOURCES.md §8 defines the key."""
    keys: set[Key] = set()
    for path in sorted(landing.iterdir()):
        name = path.name
        if name.startswith("shop_customers_"):
            for row in dict_rows(path.read_bytes()):
                keys.add(("shop_customer", row["Customer ID"].removeprefix("'")))
        elif name.startswith("shopware_customers_"):
            for row in dict_rows(path.read_bytes(), delimiter=";"):
                keys.add(("shop_customer", row["customer_number"]))
        elif name.startswith("shop_orders_"):
            keys |= {("shop_order", r["Id"]) for r in dict_rows(path.read_bytes()) if r["Id"]}
        elif name.startswith("helpdesk_users_"):
            for line in path.read_text(encoding="utf-8").splitlines():
                keys.add(("helpdesk_user", str(json.loads(line)["id"])))
        elif name.startswith("hotline_calls_"):
            calls = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""))
            keys |= {("hotline_call", call[0]) for call in calls}
        elif name.startswith("newsletter_"):
            for members_ in newsletter_lists(landing, name):
                keys |= {("newsletter_member", member["LEID"]) for member in members_}
        elif name.startswith("pos_dsfinvk_"):
            for row in pos_transactions(landing, name):
                keys.add(("pos_receipt", f"{row['Z_KASSE_ID']}:{row['BON_ID']}"))
        elif name.startswith("coupon_redemptions_"):
            keys |= {("coupon_redemption", r["id"]) for r in dict_rows(path.read_bytes())}
        elif name.startswith("promo_postcards_"):
            for row in dict_rows(path.read_bytes(), encoding="cp1252", delimiter=";"):
                keys.add(("postcard", f"{row['Aktion']}:{row['Karten-Nr.']}"))
        else:
            raise AssertionError(f"unexpected delivery {name}")
    return keys
