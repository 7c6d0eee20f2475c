"""PLZ, country codes, street and house number."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.address import (
    PLZ_ZERO_RESTORED,
    StreetAddress,
    join_street,
    normalize_country,
    normalize_house_number,
    normalize_street,
    parse_postal_code,
    split_street,
)


@pytest.mark.parametrize(
    ("raw", "country", "expected"),
    [
        ("70173", "DE", ("70173", ())),  # plain PLZ
        ("'01067", "DE", ("01067", ())),  # Shopify's apostrophe
        ("1067", "DE", ("01067", (PLZ_ZERO_RESTORED,))),  # Excel ate the zero
        ("1067", None, ("01067", (PLZ_ZERO_RESTORED,))),  # no country: German rules
        ("D-70173", "DE", ("70173", ())),  # old country prefix
        ("1010", "AT", ("1010", ())),  # Austria: 4 digits are right
        ("sw1a 1aa", "GB", ("SW1A 1AA", ())),  # foreign codes kept, upper case
    ],
)
def test_postal_codes(raw: str, country: str | None, expected: tuple[str, tuple[str, ...]]) -> None:
    assert parse_postal_code(raw, country) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "0123",  # 4 digits starting with 0: 00123 is no PLZ
        "00123",  # no PLZ starts with 00
        "ABCDE",  # not numeric
        "701730",  # six digits
        "",  # empty for a required code
    ],
)
def test_bad_german_postal_codes(raw: str) -> None:
    with pytest.raises(ValueError, match="is not a German postal code") as info:
        parse_postal_code(raw, "DE")
    assert repr(raw) in str(info.value)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("DE", "DE"),  # alpha-2
        ("de", "DE"),  # lower case
        ("DEU", "DE"),  # DSFinV-K alpha-3
        ("AUT", "AT"),  # alpha-3
        ("Deutschland", "DE"),  # German name
    ],
)
def test_country_codes(raw: str, expected: str) -> None:
    assert normalize_country(raw) == expected


def test_unknown_country_code() -> None:
    with pytest.raises(ValueError, match="'XYZW' is not a known country code"):
        normalize_country("XYZW")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Dorfstr. 3a", ("Dorfstraße", "3a")),  # abbreviated, glued suffix
        ("Hauptstraße 5", ("Hauptstraße", "5")),  # plain
        ("Am Großen Garten 7", ("Am Großen Garten", "7")),  # no street type
        ("Billstr. 120", ("Billstraße", "120")),  # three-digit number
        ("Hauptstr. 12-14", ("Hauptstraße", "12-14")),  # number range
        ("Dorfstraße 3 a", ("Dorfstraße", "3a")),  # blank before the suffix
        ("Berliner Strasse 12 - 14", ("Berliner Straße", "12-14")),  # ss spelling, spaced range
        ("Karl-Marx-Str. 7B", ("Karl-Marx-Straße", "7b")),  # hyphenated, upper suffix
        ("Dorfstr.3a", ("Dorfstraße", "3a")),  # no blank at all
        ("Straße des 17. Juni 12", ("Straße des 17. Juni", "12")),  # digits inside the name
        ("Hauptstr.", ("Hauptstraße", None)),  # no number
        ("Hauptstraße 5 Hinterhaus", ("Hauptstraße 5 Hinterhaus", None)),  # not a clean split
        ("5", (None, "5")),  # number only
        ("", (None, None)),  # empty
    ],
)
def test_split_street(raw: str, expected: tuple[str | None, str | None]) -> None:
    assert split_street(raw) == expected


@pytest.mark.parametrize(
    ("street", "number", "expected"),
    [
        ("Hauptstr.", "5", ("Hauptstraße", "5")),  # postcard: two fields
        ("Dorfstraße", "3 a", ("Dorfstraße", "3a")),  # blank in the number
        ("Hauptstr. 5", None, ("Hauptstraße", "5")),  # number typed into the street field
        (None, "7", (None, "7")),  # number only
    ],
)
def test_join_street(
    street: str | None, number: str | None, expected: tuple[str | None, str | None]
) -> None:
    assert join_street(street, number) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Hauptstr.", "Hauptstraße"),  # …str.
        ("Berliner Str.", "Berliner Straße"),  # Str. as a word
        ("Hauptstrasse", "Hauptstraße"),  # ss spelling
        ("Hauptstr", "Hauptstraße"),  # no dot
        ("Straßburger Platz", "Straßburger Platz"),  # Straß… is not a street type
        ("Strandweg", "Strandweg"),  # Str… inside a word untouched
    ],
)
def test_normalize_street(raw: str, expected: str) -> None:
    assert normalize_street(raw) == expected


def test_normalize_house_number() -> None:
    assert normalize_house_number("12 – 14 A") == "12-14a"  # en dash, blanks, case


_street_text = st.text(alphabet="abcdefghijklmnopqrsStrß .-,/0123456789", max_size=30)


@given(_street_text)
def test_normalize_street_is_idempotent(raw: str) -> None:
    once = normalize_street(raw)
    assert normalize_street(once) == once


@given(_street_text)
def test_split_street_is_idempotent(raw: str) -> None:
    parts = split_street(raw)
    rejoined = " ".join(p for p in parts if p)
    assert split_street(rejoined) == parts


def test_street_address_is_a_tuple() -> None:
    assert StreetAddress("Hauptstraße", "5").street == "Hauptstraße"
