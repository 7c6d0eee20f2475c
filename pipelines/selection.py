"""Which deliveries a run takes: by source kind and by export-day range (backfills)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import get_args

from connectors.base import FileKind, LandingFile
from connectors.generic_config import SQL_FILE_KIND
from schemas.errors import ConfigError
from schemas.records import RECORD_KINDS

FILE_KINDS: tuple[str, ...] = (*get_args(FileKind), SQL_FILE_KIND)


@dataclass(frozen=True)
class DeliverySelection:
    """`sources` may name record kinds (`shop_customer`, a generic source's name) or file
    kinds (`shop_orders`, `generic_sql`)."""

    sources: frozenset[str] | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def checked(
        cls,
        sources: list[str] | None,
        since: date | None,
        until: date | None,
        generic: tuple[str, ...] = (),
    ) -> DeliverySelection:
        """`generic`: the names of the configured generic sources, known kinds too."""
        known = {*RECORD_KINDS, *FILE_KINDS, *generic}
        problems = [
            f"unknown source {name!r}; known: {', '.join(sorted(known))}"
            for name in sources or ()
            if name not in known
        ]
        if since is not None and until is not None and since > until:
            problems.append(f"bad date range: {since} is after {until}")
        if problems:
            raise ConfigError(problems)
        return cls(frozenset(sources) if sources else None, since, until)

    def wants(self, file: LandingFile) -> bool:
        return self.wants_kind(file.record_kind, file.file_kind, file.export_day)

    def wants_kind(self, record_kind: str, file_kind: str, export_day: date) -> bool:
        """Also for a SQL pull, whose export day is the day it runs."""
        if self.sources is not None and not (
            record_kind in self.sources or file_kind in self.sources
        ):
            return False
        if self.since is not None and export_day < self.since:
            return False
        return self.until is None or export_day <= self.until
