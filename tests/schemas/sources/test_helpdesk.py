"""Zendesk users."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from schemas.parse import parse_row
from schemas.records import CustomerRecord, Touchpoint

Rows = Callable[[str], list[dict[str, Any]]]


def test_zendesk_users(sample_rows: Rows) -> None:
    juergen, aenne, bjoern = (parse_row("helpdesk_user", r) for r in sample_rows("helpdesk_user"))
    assert juergen.record == CustomerRecord(
        source="helpdesk_user",
        source_key="1500123456701",  # JSON number as text
        first_name="Juergen",  # "Juergen Weiss": transliterated by the agent
        last_name="Weiss",
        birth_date=date(1978, 3, 14),  # user_fields.geburtsdatum
        email="j.weiss@web.de",
        phone="+4915112345678",
        identifiers=("card:K-004711",),  # external_id and user_fields.kundennummer, once
        updated_at=datetime(2024, 5, 1, 7, 18, 44, tzinfo=UTC),
    )
    assert juergen.consents == ()  # a helpdesk contact is no marketing consent
    assert juergen.touchpoints == (
        Touchpoint(
            kind="helpdesk_contact",
            occurred_at=datetime(2023, 11, 20, 8, 14, 2, tzinfo=UTC),
            reference="1500123456701",
            channel="helpdesk",
            details={"verified": "yes", "tags": "hotline,reklamation"},
        ),
    )
    assert aenne.record.email is None  # null
    assert aenne.record.identifiers == ()  # external_id and kundennummer null
    assert (bjoern.record.first_name, bjoern.record.last_name) == ("Björn", "Groß")
    assert bjoern.record.company == "Groß & Söhne"  # from the brackets
    assert bjoern.record.phone == "+49401234560"  # +49 (0)40 123456-0
    assert bjoern.record.quality_flags == ("phone_shared",)  # shared_phone_number: true
    assert bjoern.record.identifiers == ("card:10025",)
