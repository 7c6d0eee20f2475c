"""Zendesk users, one JSON object per line (SOURCES.md §2a).

Each object is the row's data as Zendesk wrote it: nested objects (`user_fields`) and
lists (`tags`) stay objects, numbers stay numbers. A line that is not a JSON object is
quarantined with its text; a file whose first line is no user object is refused whole,
because then it is not this export at all (a CSV under an .ndjson name, say).
"""

from __future__ import annotations

from collections.abc import Iterator

from connectors.base import FileKind, LandingFile, RawRow
from connectors.container import Container
from connectors.rows import json_objects
from connectors.single import SingleFileConnector


class ZendeskUsers(SingleFileConnector):
    """NDJSON users; the first line must be a user object, later bad lines are quarantined."""

    file_kinds: tuple[FileKind, ...] = ("helpdesk_users",)

    def _rows(self, file: LandingFile) -> Iterator[RawRow]:
        with Container(file) as box:
            encoding = box.encoding_of(None).encoding
            # Only LF ends a line: JSON escapes line breaks inside strings, and a CR
            # before the LF is just whitespace to the JSON parser.
            with box.open_text(None, encoding, newline="\n") as handle:
                objects = json_objects(handle)
                first = next(objects, None)
                if first is None:
                    return  # no user changed: an empty export is a valid one
                line, data = first
                if "_malformed" in data or "id" not in data:
                    reason = data.get("_malformed", "it has no 'id'")
                    raise box.fail(f"the first line is no Zendesk user object: {reason}", line)
                yield RawRow(file.record_kind, file.path.name, line, data)
                for line, data in objects:
                    yield RawRow(file.record_kind, file.path.name, line, data)
