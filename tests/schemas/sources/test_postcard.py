"""Typed-in street-promotion postcards."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from schemas.parse import parse_row
from schemas.records import Consent, CustomerRecord

Rows = Callable[[str], list[dict[str, Any]]]
CAPTURED_0506 = datetime(2024, 5, 5, 22, 0, tzinfo=UTC)  # 06.05.2024, Berlin midnight


def test_postcards(sample_rows: Rows) -> None:
    juergen, aenne, bjoern = (parse_row("postcard", r) for r in sample_rows("postcard"))
    assert juergen.record == CustomerRecord(
        source="postcard",
        source_key="Sommerfest Königstraße 2024:000123",  # Aktion:Karten-Nr.
        salutation="Herr",
        first_name="Jürgen",
        last_name="Weiss",
        birth_date=date(1978, 3, 14),
        email="j.weiss@web.de",  # j.weiss@web,de repaired
        phone="+4915112345678",  # 0151/12345678
        street="Hauptstraße",  # Hauptstr. + 5
        house_number="5",
        postal_code="70173",
        city="Stuttgart",
        identifiers=("coupon:SOMMER15-7Q2X",),
        quality_flags=("email_repaired",),
    )
    assert juergen.consents == (
        Consent(
            channel="email",
            status="pending",  # paper is no double opt-in
            method="paper_doi_pending",
            opted_in_at=CAPTURED_0506,
            evidence="postcard 000123",
        ),
    )
    assert juergen.touchpoints[0].details == {
        "campaign": "Sommerfest Königstraße 2024",
        "location": "Stuttgart Königstraße",
    }
    assert aenne.record.postal_code == "01067"  # 1067
    assert aenne.record.quality_flags == ("plz_zero_restored",)
    assert (aenne.record.title, aenne.record.house_number) == ("Dr.", "3a")  # "3 a"
    assert [c.channel for c in aenne.consents] == ["email"]  # Newsletter ja, Telefon nein
    assert bjoern.record.birth_date == date(1985, 12, 1)  # 1.12.85
    assert bjoern.record.phone == "+491511234567"  # 1511234567
    assert bjoern.record.quality_flags == (
        "birth_year_two_digit",
        "phone_unverified",
        "phone_zero_restored",
    )
    assert bjoern.record.email == "bjoern@gross-soehne.de"
    assert [c.channel for c in bjoern.consents] == ["email"]  # "Ja"


def test_phone_consent(sample_rows: Rows) -> None:
    row = {**sample_rows("postcard")[0], "Einwilligung Telefon": "x"}
    channels = [c.channel for c in parse_row("postcard", row).consents]
    assert channels == ["email", "phone"]
