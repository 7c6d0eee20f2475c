"""Mailchimp audience exports (SOURCES.md §3): the zip of three list files, or the files flat.

A member's list (subscribed, unsubscribed, cleaned) is not a column: it is which file the
row came from, so every row gets it as `_status`. The zip and the flat files give the same
rows. Merge-field columns differ per audience (German labels too), so only the member id,
its change time and an email column are required.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Set
from pathlib import PurePosixPath
from typing import Any, TextIO

from connectors.base import NOTHING_KNOWN, FileFacts, FileKind, LandingFile, RawRow
from connectors.container import Container
from connectors.csvfile import CsvConnector
from connectors.csvio import Column, Table, read_table, records
from connectors.rows import chunked

REQUIRED: tuple[Column, ...] = (
    ("Email Address", "E-Mail-Adresse", "E-Mail", "Email"),
    "LEID",
    "LAST_CHANGED",
)
# Mailchimp's own member file names, e.g. `subscribed_members_export_15d17415eb.csv`.
_MEMBER = re.compile(r"(subscribed|unsubscribed|cleaned)_members_export_.*\.csv")


class MailchimpListFile(CsvConnector):
    """One flat list file, `newsletter_<status>_YYYY-MM-DD.csv`."""

    file_kinds: tuple[FileKind, ...] = (
        "newsletter_subscribed",
        "newsletter_unsubscribed",
        "newsletter_cleaned",
    )
    required: tuple[Column, ...] = REQUIRED

    def annotate(self, file: LandingFile, data: dict[str, Any]) -> dict[str, Any]:
        data["_status"] = file.file_kind.removeprefix("newsletter_")
        return data


class MailchimpExport:
    """`newsletter_export_YYYY-MM-DD.zip` holding Mailchimp's member files."""

    file_kinds: tuple[FileKind, ...] = ("newsletter_export",)

    def facts(self, file: LandingFile) -> FileFacts:
        with Container(file) as box:
            return box.facts([(member, None) for member, _ in _members(box)])

    def read(
        self, file: LandingFile, *, chunksize: int = 10_000, known: Set[str] = NOTHING_KNOWN
    ) -> Iterator[list[RawRow]]:
        """Every row whole: its rows have no text digests (`known` is not used)."""
        return chunked(self._rows(file), chunksize)

    def _rows(self, file: LandingFile) -> Iterator[RawRow]:
        with Container(file) as box:
            members = [(m, status, box.encoding_of(m).encoding) for m, status in _members(box)]
            for member, _, encoding in members:  # every header before the first row
                with box.open_text(member, encoding) as handle:
                    _table(box, member, handle)
            for member, status, encoding in members:
                with box.open_text(member, encoding) as handle:
                    for line, data in _table(box, member, handle).rows:
                        if "_malformed" not in data:
                            data["_status"] = status
                        yield RawRow(file.record_kind, file.path.name, line, data, member)


def _members(box: Container) -> list[tuple[str, str]]:
    """`(member, status)` of the zip's files; anything else in it refuses the zip whole."""
    found, strangers = [], []
    for member in box.members():
        match = _MEMBER.fullmatch(PurePosixPath(member).name)
        if match:
            found.append((member, match.group(1)))
        else:
            strangers.append(member)
    if strangers:
        raise box.fail(f"not a Mailchimp member file: {', '.join(strangers)}")
    if not found:
        raise box.fail("no Mailchimp member files (subscribed_members_export_….csv) inside")
    return found


def _table(box: Container, member: str, handle: TextIO) -> Table:
    return read_table(
        records(handle),
        required=REQUIRED,
        fail=lambda reason, line: box.fail(reason, line, member),
    )
