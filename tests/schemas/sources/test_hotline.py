"""3CX call records."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from schemas.errors import RowRejected
from schemas.parse import parse_row

Rows = Callable[[str], list[dict[str, Any]]]


def test_calls(sample_rows: Rows) -> None:
    answered, missed, outbound = (parse_row("hotline_call", r) for r in sample_rows("hotline_call"))
    record = answered.record
    assert (record.source_key, record.phone) == ("48211", "+4915112345678")  # from_no inbound
    assert (record.first_name, record.last_name) == ("Juergen", "Weiss")  # "Weiss Juergen"
    assert record.updated_at == datetime(2024, 5, 1, 7, 17, 18, tzinfo=UTC)  # time_end
    (call,) = answered.touchpoints
    assert call.occurred_at == datetime(2024, 5, 1, 7, 12, 3, tzinfo=UTC)  # UTC as written
    assert call.reference == "00000188F2A1B3C4_1021"
    assert call.details == {
        "direction": "inbound",
        "duration_s": "277",  # 00:04:37
        "answered": "yes",
        "reason_terminated": "TerminatedBySrc",
    }
    assert missed.record.phone == "+493514711230"  # 03514711230, no display name
    assert missed.record.first_name is None
    assert missed.touchpoints[0].details["answered"] == "no"
    assert outbound.record.phone == "+4940123456000"  # to_no; from_no 101 is the agent
    assert outbound.record.company == "Groß & Söhne"  # final_dispname of the far end
    assert outbound.record.has_identity is True
    assert outbound.touchpoints[0].details["direction"] == "outbound"


def test_anonymous_call_has_no_identity(sample_rows: Rows) -> None:
    row = {**sample_rows("hotline_call")[1], "from_no": "anonymous"}
    parsed = parse_row("hotline_call", row)
    assert parsed.record.has_identity is False  # a call touchpoint, nobody to match
    assert parsed.record.phone is None


def test_bad_duration(sample_rows: Rows) -> None:
    row = {**sample_rows("hotline_call")[0], "duration": "4 min"}
    with pytest.raises(RowRejected) as info:
        parse_row("hotline_call", row)
    assert info.value.reasons == ["duration: '4 min' is not a duration (hh:mm:ss)"]
