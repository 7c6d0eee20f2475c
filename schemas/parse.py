"""The one entry point from connectors to the warehouse: a raw row into a `ParsedRow`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError

from schemas.errors import RowRejected, UnknownSource
from schemas.records import ParsedRow
from schemas.sources import PARSERS
from schemas.sources.generic import GENERIC, parse_generic


def parse_row(source: str, data: Mapping[str, Any]) -> ParsedRow:
    """Validate and normalize one row of record kind `source` (SOURCES.md §8).

    A row of a generic source (it carries `_generic`, see `schemas.sources.generic`) goes
    to the one generic mapper under its configured name; a built-in kind never does.
    Raises `UnknownSource` for a record kind without a mapper, `RowSkipped` for a row
    that is out of scope by rule, and `RowRejected` with one reason per bad field (or the
    connector's `_malformed` reason) for a row that belongs in quarantine.
    """
    parser = PARSERS.get(source)
    if parser is None and GENERIC not in data:
        raise UnknownSource(source, tuple(PARSERS))
    malformed = data.get("_malformed")
    if malformed:
        reasons = malformed if isinstance(malformed, list) else [malformed]
        raise RowRejected([f"malformed row: {reason}" for reason in reasons])
    try:
        return parse_generic(source, data) if parser is None else parser(data)
    except ValidationError as exc:  # the canonical models refused a value the mapper let by
        raise RowRejected.from_validation_error(exc) from None
