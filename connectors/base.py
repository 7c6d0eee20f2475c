"""What every connector shares: landing files, raw rows with lineage, and the reader protocol."""

from __future__ import annotations

from collections.abc import Iterator, Set
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, get_args

if TYPE_CHECKING:
    from connectors.generic_config import GenericSource

FileKind = Literal[
    "shop_customers",
    "shopware_customers",
    "shop_orders",
    "helpdesk_users",
    "hotline_calls",
    "newsletter_subscribed",
    "newsletter_unsubscribed",
    "newsletter_cleaned",
    "newsletter_export",
    "pos_dsfinvk",
    "coupon_redemptions",
    "promo_postcards",
    "generic_csv",  # a configured generic source (connectors/generic.py)
    "generic_jsonl",
]
GENERIC_FILE_KINDS: tuple[FileKind, ...] = ("generic_csv", "generic_jsonl")
# The kinds SOURCES.md §8 names, each with a reference sample and a demo writer.
BUILTIN_FILE_KINDS: tuple[FileKind, ...] = tuple(
    kind for kind in get_args(FileKind) if kind not in GENERIC_FILE_KINDS
)


@dataclass(frozen=True)
class LandingFile:
    """A delivery recognised by its name: a file, or a DSFinV-K folder."""

    path: Path
    file_kind: FileKind
    record_kind: str  # the `source` of the records it yields (SOURCES.md §8)
    export_day: date
    # A generic source's config travels with its files, so a worker needs no registry.
    generic: GenericSource | None = field(default=None, compare=False)


@dataclass(frozen=True)
class RawRow:
    """One logical input row, as delivered, with where it came from.

    `data` maps the source's own column names to the delivered strings (JSON objects stay
    objects). Rows that span several physical lines or files are gathered into one:
    a Shopify order carries its line items under `_line_items`, a DSFinV-K receipt its
    `lines.csv` rows under `_lines`, a Mailchimp member its list status under `_status`.
    """

    source: str
    file: str  # landing-relative path of the delivery
    line: int  # 1-based physical line of the row's first line
    data: dict[str, Any]
    member: str | None = None  # file inside a zip or folder delivery
    # A digest of delivered text that alone determines `data` (a CSV record's text under
    # its header), where the connector can give one: equal digests, equal rows. Staging
    # knows an unchanged row of a daily snapshot by it without hashing its data.
    text_digest: str | None = None


# Stands in for a row whose text digest the reader was told is known (`Connector.read`'s
# `known`): the row is an exact duplicate of a current version, so its fields are never
# split into `data`. A daily snapshot repeats all but a few percent of its rows.
KNOWN_ROW = RawRow(source="", file="", line=0, data={})
NOTHING_KNOWN: frozenset[str] = frozenset()


@dataclass(frozen=True)
class FileFacts:
    """What the manifest keeps of a delivery: its content hash and the encoding used."""

    sha256: str
    encoding: str
    size_bytes: int
    notes: tuple[str, ...] = field(default_factory=tuple)


class Connector(Protocol):
    """Reads one file kind; connectors differ in parsing, not in how the pipeline calls them."""

    file_kinds: tuple[FileKind, ...]

    def facts(self, file: LandingFile) -> FileFacts:
        """Hash and encoding of the delivery, checked before any row is read."""
        ...

    def read(
        self, file: LandingFile, *, chunksize: int = 10_000, known: Set[str] = NOTHING_KNOWN
    ) -> Iterator[list[RawRow]]:
        """Yield chunks of raw rows; raise `SourceFormatError` before the first chunk if the
        delivery does not fit its kind, so a file is never half-read. A row whose text
        digest is in `known` comes as `KNOWN_ROW` (readers without digests yield every
        row whole)."""
        ...
