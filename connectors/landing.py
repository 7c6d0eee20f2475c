"""The landing folder: recognise deliveries by name (SOURCES.md §8) and read them.

This is the connectors layer's surface for the pipeline: `discover` lists what is there,
`file_facts` hashes a delivery for the manifest, `read_file` streams its raw rows, and
`connector_for` names the reader of a file kind.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from connectors.base import Connector, FileFacts, FileKind, LandingFile, RawRow
from connectors.container import is_hidden
from connectors.dsfinvk import Dsfinvk
from connectors.mailchimp import MailchimpExport, MailchimpListFile
from connectors.postcards import Postcards
from connectors.shopify import ShopifyCustomers, ShopifyOrders
from connectors.shopware import ShopwareCustomers
from connectors.threecx import ThreeCxCalls
from connectors.voucherify import VoucherifyRedemptions
from connectors.zendesk import ZendeskUsers
from schemas.errors import ConfigError, UnknownSource

_DAY = r"(?P<day>\d{4}-\d{2}-\d{2})"
_POS = rf"pos_dsfinvk_(?P<register>.+)_{_DAY}_Z\d+"


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    file_kind: FileKind
    record_kind: str
    folder: bool = False


def _pattern(regex: str, file_kind: FileKind, record_kind: str, folder: bool = False) -> _Pattern:
    return _Pattern(re.compile(regex), file_kind, record_kind, folder)


_PATTERNS = (
    _pattern(rf"shop_customers_{_DAY}\.csv", "shop_customers", "shop_customer"),
    _pattern(rf"shopware_customers_{_DAY}\.csv", "shopware_customers", "shop_customer"),
    _pattern(rf"shop_orders_{_DAY}\.csv", "shop_orders", "shop_order"),
    _pattern(rf"helpdesk_users_{_DAY}\.ndjson", "helpdesk_users", "helpdesk_user"),
    _pattern(rf"hotline_calls_{_DAY}\.csv", "hotline_calls", "hotline_call"),
    _pattern(rf"newsletter_subscribed_{_DAY}\.csv", "newsletter_subscribed", "newsletter_member"),
    _pattern(
        rf"newsletter_unsubscribed_{_DAY}\.csv", "newsletter_unsubscribed", "newsletter_member"
    ),
    _pattern(rf"newsletter_cleaned_{_DAY}\.csv", "newsletter_cleaned", "newsletter_member"),
    _pattern(rf"newsletter_export_{_DAY}\.zip", "newsletter_export", "newsletter_member"),
    _pattern(_POS, "pos_dsfinvk", "pos_receipt", folder=True),
    _pattern(rf"{_POS}\.zip", "pos_dsfinvk", "pos_receipt"),
    _pattern(rf"coupon_redemptions_{_DAY}\.csv", "coupon_redemptions", "coupon_redemption"),
    _pattern(rf"promo_postcards_{_DAY}\.csv", "promo_postcards", "postcard"),
)

_CONNECTORS: tuple[Connector, ...] = (
    ShopifyCustomers(),
    ShopwareCustomers(),
    ShopifyOrders(),
    ZendeskUsers(),
    ThreeCxCalls(),
    MailchimpListFile(),
    MailchimpExport(),
    Dsfinvk(),
    VoucherifyRedemptions(),
    Postcards(),
)
_BY_KIND: dict[str, Connector] = {k: c for c in _CONNECTORS for k in c.file_kinds}


@dataclass(frozen=True)
class Discovery:
    """A landing folder's deliveries in (export day, name) order, and the names nobody knows."""

    files: list[LandingFile]
    unrecognized: list[Path]


def discover(landing: Path) -> Discovery:
    """Recognise every delivery in the (flat) landing folder by its name.

    Hidden and lock files are ignored; every other name that fits no pattern (or a
    pattern's date that is no date) is reported as unrecognized, never guessed at.
    Raises `ConfigError` when the folder does not exist or cannot be listed.
    """
    if not landing.exists():
        raise ConfigError(f"landing folder {landing} does not exist")
    if not landing.is_dir():
        raise ConfigError(f"landing folder {landing} is not a folder")
    try:
        entries = [entry for entry in landing.iterdir() if not is_hidden(entry.name)]
    except OSError as exc:
        raise ConfigError(
            f"landing folder {landing} cannot be read: {exc.strerror or exc}"
        ) from None
    files: list[LandingFile] = []
    unrecognized: list[Path] = []
    for entry in entries:
        found = recognize(entry)
        if found is None:
            unrecognized.append(entry)
        else:
            files.append(found)
    files.sort(key=lambda f: (f.export_day, f.path.name))
    return Discovery(files=files, unrecognized=sorted(unrecognized))


def recognize(path: Path) -> LandingFile | None:
    """The delivery a landing entry is, by its name (and whether it is a folder)."""
    folder = path.is_dir()
    for pattern in _PATTERNS:
        match = pattern.regex.fullmatch(path.name)
        if match is None or folder != pattern.folder:
            continue
        try:
            day = date.fromisoformat(match.group("day"))
        except ValueError:
            return None  # 2024-02-30: no export day
        return LandingFile(path, pattern.file_kind, pattern.record_kind, day)
    return None


def connector_for(file_kind: str) -> Connector:
    """The reader of a file kind; raises `UnknownSource` for a kind §8 does not list."""
    try:
        return _BY_KIND[file_kind]
    except KeyError:
        raise UnknownSource(file_kind, tuple(_BY_KIND)) from None


def file_facts(file: LandingFile) -> FileFacts:
    """SHA-256, size and encoding of a delivery; `SourceFormatError` if it is no text."""
    return connector_for(file.file_kind).facts(file)


def read_file(file: LandingFile, *, chunksize: int = 10_000) -> Iterator[list[RawRow]]:
    """Stream a delivery's raw rows in chunks.

    Lazy: nothing is opened until the first `next()`, which checks the whole delivery's
    shape (encoding, header, index.xml) and raises `SourceFormatError` before any chunk.
    """
    return connector_for(file.file_kind).read(file, chunksize=chunksize)
