"""Which deliveries a run takes: by source kind and by export-day range (backfills)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import get_args

from connectors.base import FileKind, LandingFile
from schemas.errors import ConfigError
from schemas.records import RECORD_KINDS

FILE_KINDS: tuple[str, ...] = get_args(FileKind)


@dataclass(frozen=True)
class DeliverySelection:
    """`sources` may name record kinds (`shop_customer`) or file kinds (`shop_orders`)."""

    sources: frozenset[str] | None = None
    since: date | None = None
    until: date | None = None

    @classmethod
    def checked(
        cls, sources: list[str] | None, since: date | None, until: date | None
    ) -> DeliverySelection:
        problems = [
            f"unknown source {name!r}; known: {', '.join(sorted({*RECORD_KINDS, *FILE_KINDS}))}"
            for name in sources or ()
            if name not in RECORD_KINDS and name not in FILE_KINDS
        ]
        if since is not None and until is not None and since > until:
            problems.append(f"bad date range: {since} is after {until}")
        if problems:
            raise ConfigError(problems)
        return cls(frozenset(sources) if sources else None, since, until)

    def wants(self, file: LandingFile) -> bool:
        if self.sources is not None and not (
            file.record_kind in self.sources or file.file_kind in self.sources
        ):
            return False
        if self.since is not None and file.export_day < self.since:
            return False
        return self.until is None or file.export_day <= self.until
