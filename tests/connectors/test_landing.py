"""Discovery of deliveries by name (SOURCES.md §8) and the dispatch to connectors."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from connectors.base import BUILTIN_FILE_KINDS
from connectors.landing import connector_for, discover, file_facts, read_file, recognize
from schemas.errors import ConfigError, UnknownSource
from tests.conftest import SAMPLES

ALL_KINDS = set(BUILTIN_FILE_KINDS)  # the generic ones: tests/connectors/test_generic.py
# (name, file kind, record kind) of every reference sample delivery
SAMPLE_DELIVERIES = [
    ("coupon_redemptions_2024-05-01.csv", "coupon_redemptions", "coupon_redemption"),
    ("helpdesk_users_2024-05-01.ndjson", "helpdesk_users", "helpdesk_user"),
    ("hotline_calls_2024-05-01.csv", "hotline_calls", "hotline_call"),
    ("newsletter_cleaned_2024-05-01.csv", "newsletter_cleaned", "newsletter_member"),
    ("newsletter_subscribed_2024-05-01.csv", "newsletter_subscribed", "newsletter_member"),
    ("newsletter_unsubscribed_2024-05-01.csv", "newsletter_unsubscribed", "newsletter_member"),
    ("pos_dsfinvk_KASSE-01_2024-05-01_Z0412", "pos_dsfinvk", "pos_receipt"),  # a folder
    ("pos_dsfinvk_KASSE-02_2024-05-01_Z0087.zip", "pos_dsfinvk", "pos_receipt"),
    ("shop_customers_2024-05-01.csv", "shop_customers", "shop_customer"),
    ("shop_orders_2024-05-01.csv", "shop_orders", "shop_order"),
    ("shopware_customers_2024-05-01.csv", "shopware_customers", "shop_customer"),
    ("newsletter_export_2024-05-02.zip", "newsletter_export", "newsletter_member"),
    ("promo_postcards_2024-05-06.csv", "promo_postcards", "postcard"),
]


def test_every_sample_delivery_is_discovered_in_day_then_name_order() -> None:
    found = discover(SAMPLES)
    assert found.unrecognized == []
    assert [(f.path.name, f.file_kind, f.record_kind) for f in found.files] == SAMPLE_DELIVERIES
    assert {f.export_day for f in found.files} == {
        date(2024, 5, 1),
        date(2024, 5, 2),
        date(2024, 5, 6),
    }


def test_every_file_kind_has_a_sample() -> None:
    assert {f.file_kind for f in discover(SAMPLES).files} == ALL_KINDS


@pytest.mark.parametrize(("name", "file_kind", "record_kind"), SAMPLE_DELIVERIES)
def test_every_sample_delivery_is_read(name: str, file_kind: str, record_kind: str) -> None:
    file = recognize(SAMPLES / name)
    assert file is not None
    rows = [row for chunk in read_file(file) for row in chunk]
    assert rows, f"{name} yields rows"
    assert {row.source for row in rows} == {record_kind}
    assert {row.file for row in rows} == {name}
    assert all("_malformed" not in row.data for row in rows)
    assert file_facts(file).size_bytes > 0


def test_hidden_and_lock_files_are_ignored_and_strangers_reported(tmp_path: Path) -> None:
    for name in (
        ".DS_Store",
        "~$promo_postcards_2024-05-06.csv",  # Excel's lock file
        ".~lock.promo_postcards_2024-05-06.csv#",  # LibreOffice's
        "Thumbs.db",
        "shop_customers_2024-05-01.csv",
        "shop_customers_2024-5-1.csv",  # not YYYY-MM-DD
        "shop_customers_2024-02-30.csv",  # no such day
        "customers_export.csv",  # Shopify's own download name
        "pos_dsfinvk_KASSE-01_2024-05-01_Z0001",  # the folder pattern, but a file
    ):
        (tmp_path / name).write_text("x")
    (tmp_path / "shop_orders_2024-05-01.csv.d").mkdir()  # a folder under no folder pattern
    found = discover(tmp_path)
    assert [f.path.name for f in found.files] == ["shop_customers_2024-05-01.csv"]
    assert [p.name for p in found.unrecognized] == [
        "customers_export.csv",
        "pos_dsfinvk_KASSE-01_2024-05-01_Z0001",
        "shop_customers_2024-02-30.csv",
        "shop_customers_2024-5-1.csv",
        "shop_orders_2024-05-01.csv.d",
    ]


def test_register_names_may_hold_underscores(tmp_path: Path) -> None:
    folder = tmp_path / "pos_dsfinvk_FILIALE_2_2024-05-03_Z0007"
    shutil.copytree(SAMPLES / "pos_dsfinvk_KASSE-01_2024-05-01_Z0412", folder)
    (found,) = discover(tmp_path).files
    assert (found.file_kind, found.export_day) == ("pos_dsfinvk", date(2024, 5, 3))


def test_a_missing_landing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        discover(tmp_path / "nowhere")


def test_a_file_as_landing_folder_is_a_config_error(tmp_path: Path) -> None:
    (tmp_path / "landing").write_text("")
    with pytest.raises(ConfigError, match="is not a folder"):
        discover(tmp_path / "landing")


def test_an_unreadable_landing_folder_is_a_config_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def denied(self: Path) -> Iterator[Path]:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "iterdir", denied)  # chmod 0 does not stop root
    with pytest.raises(ConfigError) as info:
        discover(tmp_path)
    assert str(info.value) == f"landing folder {tmp_path} cannot be read: Permission denied"


def test_connector_for_an_unknown_kind() -> None:
    with pytest.raises(UnknownSource) as info:
        connector_for("crm_contacts")
    assert info.value.name == "crm_contacts"
    assert "pos_dsfinvk" in info.value.known


def test_each_kind_has_one_connector_that_names_it() -> None:
    for kind in ALL_KINDS:
        assert kind in connector_for(kind).file_kinds
