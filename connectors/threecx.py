"""3CX call records (CDR), header-less CSV (SOURCES.md §2b).

A CDR file has no header: the admin configures the fields, and we expect the 27
documented ones in the documented order. Their names (with `_` where the 3CX docs write
`-`) become the dict keys, as the `hotline_call` mapper reads them. The first record
decides whether the file fits: if it has another field count, or is a header line, the
file was configured differently and is refused whole; a later odd record is quarantined.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

from connectors.base import FileKind, LandingFile, RawRow
from connectors.container import Container
from connectors.csvio import records
from connectors.rows import malformed
from connectors.single import SingleFileConnector

COLUMNS = (
    "historyid", "callid", "duration", "time_start", "time_answered", "time_end",
    "reason_terminated", "from_no", "to_no", "from_dn", "to_dn", "dial_no", "reason_changed",
    "final_number", "final_dn", "bill_code", "bill_rate", "bill_cost", "bill_name", "chain",
    "from_type", "to_type", "final_type", "from_dispname", "to_dispname", "final_dispname",
    "missed_queue_calls",
)  # fmt: skip


class ThreeCxCalls(SingleFileConnector):
    """One raw row per call record, keyed by the documented 3CX field names."""

    file_kinds: tuple[FileKind, ...] = ("hotline_calls",)

    def _rows(self, file: LandingFile) -> Iterator[RawRow]:
        width = len(COLUMNS)
        with Container(file) as box:
            encoding = box.encoding_of(None).encoding
            with box.open_text(None, encoding) as handle:
                stream = records(handle)
                first = next(stream, None)
                if first is None:
                    return  # no calls that day
                if first.error or len(first.fields) != width:
                    found = first.error or f"it has {len(first.fields)} fields"
                    raise box.fail(
                        f"the first record is no 3CX CDR line of {width} fields: {found}",
                        first.line,
                    )
                if first.fields[0].strip().lower().replace("-", "_") == COLUMNS[0]:
                    raise box.fail(
                        "the file starts with a header; 3CX CDR files have none", first.line
                    )
                for record in chain([first], stream):
                    if record.error:
                        data = malformed(record.error, record.raw)
                    elif len(record.fields) != width:
                        reason = f"{len(record.fields)} fields where a CDR line has {width}"
                        data = malformed(reason, record.raw)
                    else:
                        data = dict(zip(COLUMNS, record.fields, strict=True))
                    yield RawRow(file.record_kind, file.path.name, record.line, data)
