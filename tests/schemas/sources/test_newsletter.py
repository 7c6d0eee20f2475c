"""Mailchimp members and the consent semantics of the three list files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from schemas.errors import RowRejected
from schemas.parse import parse_row
from schemas.records import Consent, CustomerRecord

Rows = Callable[[str], list[dict[str, Any]]]


def _members(sample_rows: Rows) -> list[Any]:
    return [parse_row("newsletter_member", r) for r in sample_rows("newsletter_member")]


def test_subscribed_with_double_opt_in(sample_rows: Rows) -> None:
    juergen = _members(sample_rows)[0]
    assert juergen.record == CustomerRecord(
        source="newsletter_member",
        source_key="123456701",  # LEID
        first_name="Jürgen",
        last_name="Weiß",
        birth_month_day="03-14",  # Birthday 03/14: no year invented
        email="j.weiss@web.de",  # J.Weiss@web.de
        phone="+4915112345678",
        street="Hauptstraße",  # "Hauptstraße 5  Stuttgart  BW  70173  DE"
        house_number="5",
        postal_code="70173",
        city="Stuttgart",
        country="DE",
        updated_at=datetime(2024, 4, 30, 7, 0, 3, tzinfo=UTC),  # LAST_CHANGED
    )
    assert juergen.consents == (
        Consent(
            channel="email",
            status="granted",
            method="double_opt_in",
            opted_in_at=datetime(2024, 4, 28, 18, 2, 11, tzinfo=UTC),
            confirmed_at=datetime(2024, 4, 28, 18, 4, 55, tzinfo=UTC),
            evidence="mailchimp LEID 123456701, confirm IP 91.64.12.7",
        ),
    )
    (subscription,) = juergen.touchpoints
    assert subscription.kind == "newsletter_subscription"
    assert subscription.details == {"status": "subscribed", "member_rating": "4"}


def test_imported_member_is_not_double_opt_in(sample_rows: Rows) -> None:
    (consent,) = _members(sample_rows)[1].consents
    assert (consent.status, consent.method) == ("granted", "import_unknown")
    assert consent.confirmed_at is None  # CONFIRM_TIME is the import time, not a click
    assert consent.opted_in_at == datetime(2023, 11, 2, 10, 15, tzinfo=UTC)


def test_address_with_empty_addr2(sample_rows: Rows) -> None:
    record = _members(sample_rows)[2].record  # "Am Großen Garten 7    Hamburg  HH  20095  DE"
    assert (record.street, record.house_number) == ("Am Großen Garten", "7")
    assert (record.postal_code, record.city, record.country) == ("20095", "Hamburg", "DE")


def test_unsubscribed(sample_rows: Rows) -> None:
    (consent,) = _members(sample_rows)[3].consents
    assert (consent.status, consent.method) == ("revoked", "unsubscribe")
    assert consent.revoked_at == datetime(2024, 4, 29, 19, 41, 7, tzinfo=UTC)  # UNSUB_TIME


def test_cleaned(sample_rows: Rows) -> None:
    row = {**sample_rows("newsletter_member")[0], "_status": "cleaned"}
    row["CLEAN_TIME"] = "2024-05-01 03:00:00"
    (consent,) = parse_row("newsletter_member", row).consents
    assert (consent.status, consent.method) == ("cleaned", "bounce_cleaned")
    assert consent.revoked_at == datetime(2024, 5, 1, 3, 0, tzinfo=UTC)


def test_german_merge_field_labels() -> None:
    row = {
        "E-Mail-Adresse": "Anna@Example.org",
        "Vorname": "Anna",
        "Nachname": "Schmidt",
        "Telefon": "0171 2345678",
        "Geburtstag": "07/31",
        "Adresse": "Lindenweg 2  Köln  NW  50667  DE",
        "CONFIRM_TIME": "2024-01-02 10:00:00",
        "LEID": "9",
        "_status": "subscribed",
    }
    record = parse_row("newsletter_member", row).record
    assert (record.email, record.first_name, record.last_name) == (
        "anna@example.org",
        "Anna",
        "Schmidt",
    )
    assert (record.phone, record.birth_month_day, record.city) == ("+491712345678", "07-31", "Köln")


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"_status": "pending"}, "_status: 'pending' is not subscribed, unsubscribed or cleaned"),
        (
            {"Address": "Hauptstraße 5, Stuttgart"},
            "address: 'Hauptstraße 5, Stuttgart' does not split into street, city, state, zip, "
            "country",
        ),
        (
            {"Birthday": "14.03."},
            "birth_date: '14.03.' is not a birth date (DD.MM.YYYY, YYYY-MM-DD or MM/DD)",
        ),
    ],
)
def test_rejected_members(sample_rows: Rows, changes: dict[str, str], reason: str) -> None:
    with pytest.raises(RowRejected) as info:
        parse_row("newsletter_member", {**sample_rows("newsletter_member")[0], **changes})
    assert info.value.reasons == [reason]
