"""Hotline: 3CX call records (CDR), header-less, times in UTC (SOURCES.md §2b).

The customer is the far end of the call: `from_*` on inbound calls (from a Line),
`to_*` on outbound calls (from an Extension). 3CX display names are "Last First".
Calls between extensions have no customer and are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from schemas.errors import RowSkipped
from schemas.records import ParsedRow, Touchpoint
from schemas.sources.builder import RecordBuilder, details

_DURATION = re.compile(r"(\d+):([0-5]\d):([0-5]\d)")
_NUMBER_LIKE = re.compile(r"[\d\s+()/\-]+")


def _seconds(b: RecordBuilder, raw: str | None) -> int | None:
    if raw is None:
        return None
    match = _DURATION.fullmatch(raw)
    if match is None:
        b.fail("duration", f"{raw!r} is not a duration (hh:mm:ss)")
        return None
    hours, minutes, seconds = (int(g) for g in match.groups())
    return hours * 3600 + minutes * 60 + seconds


def _display_name(raw: str | None) -> str | None:
    """A PBX shows the number itself when no phonebook entry matched; that is no name."""
    return None if raw is None or _NUMBER_LIKE.fullmatch(raw) else raw


def parse_hotline_call(data: Mapping[str, Any]) -> ParsedRow:
    """One call: the caller's number and display name, and a `call` touchpoint."""
    b = RecordBuilder(data)
    history_id = b.text("historyid")
    key = b.key(history_id, label="'historyid'")
    from_type, to_type, final_type = (b.text(c) for c in ("from_type", "to_type", "final_type"))
    if from_type == "Extension":
        if "Line" not in (to_type, final_type):
            raise RowSkipped("internal call between extensions")
        direction = "outbound"
        number = b.text("to_no", "final_number", "dial_no")
        name = _display_name(b.text("to_dispname")) or _display_name(b.text("final_dispname"))
    else:
        direction = "inbound"
        number = b.text("from_no")
        name = _display_name(b.text("from_dispname"))
    b.phones(("phone", number))
    b.name(name, "last_first")
    answered = b.text("time_answered")
    call = Touchpoint(
        kind="call",
        occurred_at=b.when("time_start", b.text("time_start")),
        reference=b.text("callid"),
        channel="phone",
        details=details(
            direction=direction,
            duration_s=_seconds(b, b.text("duration")),
            answered="yes" if answered else "no",
            reason_terminated=b.text("reason_terminated"),
        ),
    )
    b.when("time_answered", answered)  # checked only: a malformed row is not half-trusted
    return b.build(
        "hotline_call",
        key,
        touchpoints=(call,),
        updated_at=b.when("time_end", b.text("time_end")),
    )
