"""The landing folder: recognise deliveries by name (SOURCES.md §8) and read them.

This is the connectors layer's surface for the pipeline: `discover` lists what is there
(the built-in patterns plus the configured generic sources' `<file_prefix>_YYYY-MM-DD`),
`file_facts` hashes a delivery for the manifest, `read_file` streams its raw rows, and
`connector_for` names the reader of a file kind. `GenericSources` is the config's list of
generic sources, checked against each other and the built-in names.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence, Set
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from pydantic import ValidationError, ValidatorFunctionWrapHandler, WrapValidator
from pydantic_core import InitErrorDetails, PydanticCustomError

from connectors.base import NOTHING_KNOWN, Connector, FileFacts, FileKind, LandingFile, RawRow
from connectors.container import is_hidden
from connectors.dsfinvk import Dsfinvk
from connectors.generic import GenericFiles
from connectors.generic_config import FILE_FORMATS, GenericSource
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
    generic: GenericSource | None = None


def _pattern(regex: str, file_kind: FileKind, record_kind: str, folder: bool = False) -> _Pattern:
    return _Pattern(re.compile(regex), file_kind, record_kind, folder)


def _generic_pattern(source: GenericSource) -> _Pattern:
    kind: FileKind = "generic_jsonl" if source.format == "jsonl" else "generic_csv"
    regex = rf"{re.escape(source.file_prefix or '')}_{_DAY}{re.escape(source.file_suffix)}"
    return _Pattern(re.compile(regex), kind, source.name, generic=source)


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
    GenericFiles(),
)
_BY_KIND: dict[str, Connector] = {k: c for c in _CONNECTORS for k in c.file_kinds}


@dataclass(frozen=True)
class Discovery:
    """A landing folder's deliveries in (export day, name) order, and the names nobody knows."""

    files: list[LandingFile]
    unrecognized: list[Path]


def discover(landing: Path, generic: Sequence[GenericSource] = ()) -> Discovery:
    """Recognise every delivery in the (flat) landing folder by its name.

    Hidden and lock files are ignored; every other name that fits no pattern (or a
    pattern's date that is no date) is reported as unrecognized, never guessed at.
    `generic` are the configured generic sources whose files to recognise too (their SQL
    sources have no files). Raises `ConfigError` when the folder does not exist or cannot
    be listed.
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
        found = recognize(entry, generic)
        if found is None:
            unrecognized.append(entry)
        else:
            files.append(found)
    files.sort(key=lambda f: (f.export_day, f.path.name))
    return Discovery(files=files, unrecognized=sorted(unrecognized))


def recognize(path: Path, generic: Sequence[GenericSource] = ()) -> LandingFile | None:
    """The delivery a landing entry is, by its name (and whether it is a folder)."""
    folder = path.is_dir()
    patterns = (*_PATTERNS, *(_generic_pattern(s) for s in generic if s.format in FILE_FORMATS))
    for pattern in patterns:
        match = pattern.regex.fullmatch(path.name)
        if match is None or folder != pattern.folder:
            continue
        try:
            day = date.fromisoformat(match.group("day"))
        except ValueError:
            return None  # 2024-02-30: no export day
        return LandingFile(path, pattern.file_kind, pattern.record_kind, day, pattern.generic)
    return None


def _clashes(sources: Sequence[Any]) -> list[InitErrorDetails]:
    """Problems between generic sources, or with the built-in file names, as pydantic errors
    located at the offending source (`generic_sources.2.name`)."""
    problems: list[InitErrorDetails] = []

    def problem(index: int, field: str, value: object, message: str) -> None:
        error = PydanticCustomError("generic_source_clash", message)
        problems.append(InitErrorDetails(type=error, loc=(index, field), input=value))

    names: dict[object, int] = {}
    files: dict[tuple[object, object], int] = {}
    for index, item in enumerate(sources):
        raw = item.model_dump() if isinstance(item, GenericSource) else item
        if not isinstance(raw, dict):
            continue
        name, prefix, fmt = raw.get("name"), raw.get("file_prefix"), raw.get("format")
        if name in names:
            problem(index, "name", name, f"{name!r} names generic source {names[name]} too")
        names.setdefault(name, index)
        if not isinstance(prefix, str) or fmt not in FILE_FORMATS:
            continue
        if (prefix, fmt) in files:
            problem(
                index, "file_prefix", prefix, f"generic source {files[prefix, fmt]} reads "
                f"{prefix}_YYYY-MM-DD.{fmt} files too"
            )  # fmt: skip
        files.setdefault((prefix, fmt), index)
        sample = f"{prefix}_2000-01-01.{fmt}"
        for pattern in _PATTERNS:
            if pattern.regex.fullmatch(sample):
                problem(
                    index, "file_prefix", prefix,
                    f"{sample} would be a {pattern.file_kind} delivery: choose another prefix",
                )  # fmt: skip
    return problems


def _checked_together(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Each source's own problems and the clashes between them, reported in one error."""
    clashes = _clashes(value) if isinstance(value, list | tuple) else []
    try:
        sources = handler(value)
    except ValidationError as exc:
        if not clashes:
            raise
        raise ValidationError.from_exception_data(exc.title, [*_details(exc), *clashes]) from None
    if clashes:
        raise ValidationError.from_exception_data("generic_sources", clashes)
    return sources


def _details(exc: ValidationError) -> list[InitErrorDetails]:
    """A validation error's entries, to be raised again together with more of them."""
    details: list[InitErrorDetails] = []
    for error in exc.errors():
        try:  # a built-in error type is recreated from its name and context
            detail = InitErrorDetails(type=error["type"], loc=error["loc"], input=error["input"])
            if "ctx" in error:
                detail["ctx"] = error["ctx"]
            ValidationError.from_exception_data("probe", [detail])
        except (KeyError, TypeError, ValueError):  # a custom one by its message
            error_type = PydanticCustomError(error["type"], error["msg"])
            detail = InitErrorDetails(type=error_type, loc=error["loc"], input=error["input"])
        details.append(detail)
    return details


# The config's `generic_sources`: unique names, files that no other source or built-in
# kind claims; every problem of every source in one validation error.
GenericSources = Annotated[tuple[GenericSource, ...], WrapValidator(_checked_together)]


def connector_for(file_kind: str) -> Connector:
    """The reader of a file kind; raises `UnknownSource` for a kind §8 does not list."""
    try:
        return _BY_KIND[file_kind]
    except KeyError:
        raise UnknownSource(file_kind, tuple(_BY_KIND)) from None


def file_facts(file: LandingFile) -> FileFacts:
    """SHA-256, size and encoding of a delivery; `SourceFormatError` if it is no text."""
    return connector_for(file.file_kind).facts(file)


def file_stamp(file: LandingFile) -> str:
    """Size and modification time (nanoseconds) of a delivery, of every file of a folder:
    a delivery rewritten in place gets a new one. Costs a `stat` per file, no read."""
    path = file.path
    if not path.is_dir():
        facts = path.stat()
        return f"{facts.st_size}:{facts.st_mtime_ns}"
    members = sorted(member for member in path.rglob("*") if member.is_file())
    listing = "\n".join(
        f"{member.relative_to(path).as_posix()}:{facts.st_size}:{facts.st_mtime_ns}"
        for member in members
        for facts in (member.stat(),)
    )
    return "folder:" + hashlib.sha256(listing.encode("utf-8")).hexdigest()


def read_file(
    file: LandingFile, *, chunksize: int = 10_000, known: Set[str] = NOTHING_KNOWN
) -> Iterator[list[RawRow]]:
    """Stream a delivery's raw rows in chunks; rows whose text digest is in `known` as
    `KNOWN_ROW` (see `Connector.read`).

    Lazy: nothing is opened until the first `next()`, which checks the whole delivery's
    shape (encoding, header, index.xml) and raises `SourceFormatError` before any chunk.
    """
    return connector_for(file.file_kind).read(file, chunksize=chunksize, known=known)
