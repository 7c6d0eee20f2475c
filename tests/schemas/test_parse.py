"""`parse_row`: dispatch, skipped and rejected rows, the natural keys of every source."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

import schemas
from schemas.errors import RowRejected, RowSkipped, UnknownSource
from schemas.parse import parse_row
from schemas.records import RECORD_KINDS

Rows = Callable[[str], list[dict[str, Any]]]

# (loader, record kind, natural keys of the sample rows)
SAMPLE_KEYS = [
    ("shop_customer", "shop_customer", ["7012345678901", "7012345678902", "7012345678903"]),
    ("shopware_customer", "shop_customer", ["10023", "10024", "10025"]),
    ("shop_order", "shop_order", ["5823456789012", "5823456789013", "5823456789014"]),
    ("helpdesk_user", "helpdesk_user", ["1500123456701", "1500123456702", "1500123456703"]),
    ("hotline_call", "hotline_call", ["48211", "48212", "48213"]),
    (
        "newsletter_member",
        "newsletter_member",
        ["123456701", "123456702", "123456703", "123456704"],
    ),
    (
        "pos_receipt",
        "pos_receipt",
        [f"KASSE-01:7f3c2a10-0d1e-4b6a-9a51-2f0c6e8b1a0{i}" for i in (1, 2, 3)],
    ),
    ("coupon_redemption", "coupon_redemption", [f"r_0bc92f81a6801f9b0{i}" for i in (1, 2, 3)]),
    (
        "postcard",
        "postcard",
        [f"Sommerfest Königstraße 2024:00012{i}" for i in (3, 4, 5)],
    ),
]


@pytest.mark.parametrize(("loader", "kind", "keys"), SAMPLE_KEYS)
def test_every_sample_row_parses(
    sample_rows: Rows, loader: str, kind: str, keys: list[str]
) -> None:
    parsed = [parse_row(kind, row) for row in sample_rows(loader)]
    assert [p.record.source_key for p in parsed] == keys  # natural key per SOURCES.md §8
    assert {p.record.source for p in parsed} == {kind}


def test_every_record_kind_has_a_parser() -> None:
    from schemas.sources import PARSERS

    assert set(PARSERS) == set(RECORD_KINDS)


def test_parse_row_is_exported_lazily() -> None:
    assert schemas.parse_row is parse_row


def test_unknown_source() -> None:
    with pytest.raises(UnknownSource) as info:
        parse_row("crm_contact", {})
    assert info.value.name == "crm_contact"
    assert "shop_customer" in info.value.known
    assert str(info.value).startswith("unknown source 'crm_contact'; known: shop_customer")
    assert isinstance(info.value, KeyError)


def test_malformed_row_is_rejected_with_the_connectors_reason() -> None:
    with pytest.raises(RowRejected) as info:
        parse_row("hotline_call", {"_malformed": "expected 27 fields, got 25"})
    assert info.value.reasons == ["malformed row: expected 27 fields, got 25"]


@pytest.mark.parametrize(
    ("kind", "data", "reason"),
    [
        ("shop_customer", {"Customer ID": "'", "Email": "a@web.de"}, "'Customer ID'"),
        ("shop_customer", {"customer_number": "", "email": "a@web.de"}, "'customer_number'"),
        ("shop_order", {"Id": "", "Name": "#1"}, "'Id'"),
        ("helpdesk_user", {"id": None, "role": "end-user"}, "'id'"),
        ("hotline_call", {"historyid": "", "from_type": "Line"}, "'historyid'"),
        ("newsletter_member", {"LEID": "", "_status": "subscribed"}, "'LEID'"),
        ("pos_receipt", {"Z_KASSE_ID": "KASSE-01", "BON_ID": ""}, "'Z_KASSE_ID' or 'BON_ID'"),
        ("coupon_redemption", {"id": "", "object": "redemption"}, "'id'"),
        ("postcard", {"Aktion": "Sommerfest", "Karten-Nr.": ""}, "'Aktion' or 'Karten-Nr.'"),
    ],
)
def test_missing_natural_key_is_rejected(kind: str, data: dict[str, Any], reason: str) -> None:
    with pytest.raises(RowRejected) as info:
        parse_row(kind, data)
    assert info.value.reasons == [f"source_key: {reason} is missing"]


def test_every_bad_field_is_one_reason_with_its_value(sample_rows: Rows) -> None:
    row = {
        **sample_rows("postcard")[0],
        "E-Mail": "j.weiss@",
        "PLZ": "7O173",  # letter O for zero
        "Telefon": "ruft zurück",
        "Geburtsdatum": "14.03.2078",
        "Einwilligung Newsletter": "vielleicht",
    }
    with pytest.raises(RowRejected) as info:
        parse_row("postcard", row)
    assert info.value.reasons == [
        "postal_code: '7O173' is not a German postal code (5 digits)",
        "phone: 'ruft zurück' is not a phone number (the string supplied did not seem to be a "
        "phone number)",
        "email: 'j.weiss@' is not a valid email address (there must be something after the @-sign)",
        "birth_date: '14.03.2078' is in the future",
        "Einwilligung Newsletter: 'vielleicht' is neither a tick (x, ja) nor empty/nein",
    ]


def test_too_long_values_are_rejected_before_the_warehouse(sample_rows: Rows) -> None:
    row = {**sample_rows("postcard")[0], "Ort": "Stuttgart" * 20}
    with pytest.raises(RowRejected) as info:
        parse_row("postcard", row)
    assert info.value.reasons == [
        "city: 'StuttgartStuttgartStuttgartStuttgartStut'… is too long (180 > 100 characters)"
    ]


def test_structured_value_in_a_text_field_is_rejected(sample_rows: Rows) -> None:
    row = {**sample_rows("helpdesk_user")[0], "email": ["a@web.de", "b@web.de"]}
    with pytest.raises(RowRejected) as info:
        parse_row("helpdesk_user", row)
    assert info.value.reasons == ["email: expected text, got ['a@web.de', 'b@web.de']"]


@pytest.mark.parametrize(
    ("kind", "data", "reason"),
    [
        ("helpdesk_user", {"id": 1, "role": "agent"}, "helpdesk agent/admin"),
        ("helpdesk_user", {"id": 2, "role": "admin"}, "helpdesk agent/admin"),
        (
            "coupon_redemption",
            {"id": "rr_1", "object": "redemption_rollback"},
            "coupon rollback is not a redemption",
        ),
        (
            "hotline_call",
            {"historyid": "1", "from_type": "Extension", "to_type": "Extension"},
            "internal call between extensions",
        ),
    ],
)
def test_out_of_scope_rows_are_skipped(kind: str, data: dict[str, Any], reason: str) -> None:
    with pytest.raises(RowSkipped) as info:
        parse_row(kind, data)
    assert info.value.reason == reason
