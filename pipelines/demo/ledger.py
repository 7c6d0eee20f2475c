"""The generator's bookkeeping: rows written per source, and the ground-truth file.

Writers report every logical row (what a connector will yield as one `RawRow`) here. A row
enters the truth file when it carries identity, is valid (not built for quarantine) and its
key is new, so the truth holds exactly the records the crosswalk can list (SOURCES.md §8).
"""

from __future__ import annotations

import csv
from collections import Counter
from dataclasses import dataclass, field
from typing import TextIO

from pipelines.demo.people import Person

TRUTH_HEADER = ("source", "source_key", "person_id")


@dataclass(frozen=True)
class GenerationSummary:
    """What `generate_landing` wrote: deliveries per file kind and rows per record kind."""

    persons: int
    households: int
    days: int
    files: dict[str, int] = field(default_factory=dict)  # file kind -> deliveries
    rows: dict[str, int] = field(default_factory=dict)  # record kind -> logical rows
    identity_rows: dict[str, int] = field(default_factory=dict)  # rows naming a person
    invalid_rows: dict[str, int] = field(default_factory=dict)  # rows meant for quarantine
    # Valid rows with an identity that no one could credit to one person (a nameless call
    # from a number a whole household uses, a nameless subscription of a family mailbox):
    # in no truth record, like anonymous rows; counted once per key.
    unattributed_rows: dict[str, int] = field(default_factory=dict)
    truth_records: int = 0  # distinct (source, source_key) in the truth file

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def total_identity_rows(self) -> int:
        return sum(self.identity_rows.values())

    @property
    def total_invalid_rows(self) -> int:
        return sum(self.invalid_rows.values())


class Ledger:
    """Counts rows and streams the truth file (`source,source_key,person_id`)."""

    def __init__(self, truth: TextIO) -> None:
        self._truth = csv.writer(truth, lineterminator="\n")
        self._truth.writerow(TRUTH_HEADER)
        self.files: Counter[str] = Counter()
        self.rows: Counter[str] = Counter()
        self.identity: Counter[str] = Counter()
        self.invalid: Counter[str] = Counter()
        self.unattributed: Counter[str] = Counter()
        self.truth_records = 0

    def file(self, kind: str) -> None:
        self.files[kind] += 1

    def row(
        self,
        source: str,
        key: str,
        person: Person | None,
        *,
        invalid: bool = False,
        first: bool = True,
        attributed: bool = True,
    ) -> None:
        """One logical row. `person` None: no identity (anonymous receipt, agent, rollback,
        internal call). `first` False: a key already reported (snapshot or update).
        `attributed` False: an identity only a group of persons shares (see the summary)."""
        self.rows[source] += 1
        if person is None:
            return
        self.identity[source] += 1
        if invalid:
            self.invalid[source] += 1
        elif first and not attributed:
            self.unattributed[source] += 1
        elif first:
            self._truth.writerow((source, key, person.person_id))
            self.truth_records += 1

    def summary(self, persons: int, households: int, days: int) -> GenerationSummary:
        return GenerationSummary(
            persons=persons,
            households=households,
            days=days,
            files=dict(sorted(self.files.items())),
            rows=dict(sorted(self.rows.items())),
            identity_rows=dict(sorted(self.identity.items())),
            invalid_rows=dict(sorted(self.invalid.items())),
            unattributed_rows=dict(sorted(self.unattributed.items())),
            truth_records=self.truth_records,
        )
