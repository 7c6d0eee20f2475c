"""Postal addresses: German PLZ, ISO country codes, street and house number.

German habits handled here: `Str.` / `str.` / `Strasse` all mean `Straße`, the house number
is often typed into the street field (`Dorfstr. 3a`) and sometimes with a blank (`3 a`),
and spreadsheets drop the leading zero of Saxon and Thuringian PLZ (`1067` for `01067`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from schemas.text import Normalized, clean_text, strip_apostrophe

PLZ_ZERO_RESTORED = "plz_zero_restored"

_PLZ = re.compile(r"\d{5}")
_PLZ_LOST_ZERO = re.compile(r"[1-9]\d{3}")  # 0 + this = 01xxx … 09xxx
_PLZ_PREFIX = re.compile(r"(?:D|DE)\s*-\s*", re.IGNORECASE)  # old "D-70173" style

# Street type at the end of a word: Hauptstr. / Hauptstrasse / Berliner Str / Straße.
_STREET_TYPE = re.compile(r"([Ss])(?:tr\.|trasse|traße|tr)(?=$|[\s,\-])")
# "<street> <number>" where the number is 5, 3a, 3 a, 12-14, 12 - 14, 12/14, 7b-7c.
_STREET_NUMBER = re.compile(
    r"(?P<street>.*?(?:[^\W\d_]|[.)]))"  # ends in a letter, "." or ")"
    r"(?:[\s,]+|(?<=[^\W\d_]\.))"  # then a blank, or glued after "str."
    r"(?P<number>\d{1,5}(?:\s*[a-zA-Z](?![a-zA-Z]))?"
    r"(?:\s*[-/–]\s*\d{1,5}(?:\s*[a-zA-Z](?![a-zA-Z]))?)?)\.?"
)
_NUMBER_ONLY = re.compile(
    r"\d{1,5}(?:\s*[a-zA-Z])?(?:\s*[-/–]\s*\d{1,5}(?:\s*[a-zA-Z])?)?", re.IGNORECASE
)
_BLANKS = re.compile(r"\s+")

# ISO 3166-1 alpha-3 (DSFinV-K `KUNDE_LAND`) and country names seen in German exports.
_COUNTRY_ALIASES = {
    "DEU": "DE", "AUT": "AT", "CHE": "CH", "LIE": "LI", "LUX": "LU", "NLD": "NL",
    "BEL": "BE", "FRA": "FR", "ITA": "IT", "ESP": "ES", "PRT": "PT", "POL": "PL",
    "CZE": "CZ", "SVK": "SK", "HUN": "HU", "DNK": "DK", "SWE": "SE", "NOR": "NO",
    "FIN": "FI", "GBR": "GB", "IRL": "IE", "GRC": "GR", "TUR": "TR", "HRV": "HR",
    "SVN": "SI", "ROU": "RO", "BGR": "BG", "USA": "US", "CAN": "CA", "UKR": "UA",
    "RUS": "RU", "SRB": "RS", "BIH": "BA", "EST": "EE", "LVA": "LV", "LTU": "LT",
    "DEUTSCHLAND": "DE", "GERMANY": "DE", "ÖSTERREICH": "AT", "OESTERREICH": "AT",
    "AUSTRIA": "AT", "SCHWEIZ": "CH", "SWITZERLAND": "CH",
}  # fmt: skip
_ALPHA2 = re.compile(r"[A-Z]{2}")


class StreetAddress(NamedTuple):
    """A street line split into its parts; either may be None."""

    street: str | None
    house_number: str | None


def normalize_country(raw: str) -> str:
    """ISO 3166-1 alpha-2 from alpha-2, the common alpha-3 codes or a German/English name."""
    text = raw.strip().upper()
    if _ALPHA2.fullmatch(text):
        return text
    alias = _COUNTRY_ALIASES.get(text)
    if alias is None:
        raise ValueError(f"{raw!r} is not a known country code")
    return alias


@lru_cache(maxsize=16_384)
def parse_postal_code(raw: str, country: str | None = "DE") -> Normalized[str]:
    """A 5-digit PLZ for Germany (country None counts as Germany); other countries' codes
    are kept as delivered, upper-cased. Restores a spreadsheet-eaten leading zero."""
    text = strip_apostrophe(raw.strip()).strip()
    if country not in (None, "DE"):
        if not text:
            raise ValueError(f"{raw!r} is not a postal code")
        return Normalized(text.upper())
    text = _PLZ_PREFIX.sub("", text, count=1)
    if _PLZ.fullmatch(text) and not text.startswith("00"):
        return Normalized(text)
    if _PLZ_LOST_ZERO.fullmatch(text):
        return Normalized("0" + text, (PLZ_ZERO_RESTORED,))
    raise ValueError(f"{raw!r} is not a German postal code (5 digits)")


def normalize_postal_code(raw: str, country: str | None = "DE") -> str:
    """The postal code; the repair flag is dropped."""
    return parse_postal_code(raw, country).value


@lru_cache(maxsize=65_536)
def normalize_street(raw: str) -> str:
    """`Dorfstr.` -> `Dorfstraße`, `Berliner Strasse` -> `Berliner Straße`, blanks collapsed."""
    text = clean_text(raw) or ""
    return _STREET_TYPE.sub(r"\1traße", text)


def normalize_house_number(raw: str) -> str:
    """`3 a` -> `3a`, `12 - 14` -> `12-14`, `7B` -> `7b`."""
    return _BLANKS.sub("", raw).replace("–", "-").lower()


@lru_cache(maxsize=65_536)
def split_street(raw: str) -> StreetAddress:
    """Split `Dorfstr. 3a` into (`Dorfstraße`, `3a`); a line without a trailing number is
    all street (`Postfach`, `Hauptstraße 5, 2. OG` keeps its parts together)."""
    text = clean_text(raw)
    if text is None:
        return StreetAddress(None, None)
    match = _STREET_NUMBER.fullmatch(text)
    if match is None:
        if _NUMBER_ONLY.fullmatch(text):
            return StreetAddress(None, normalize_house_number(text))
        return StreetAddress(normalize_street(text), None)
    return StreetAddress(normalize_street(match["street"]), normalize_house_number(match["number"]))


@lru_cache(maxsize=65_536)
def join_street(street: str | None, house_number: str | None) -> StreetAddress:
    """Street and number from two fields (postcards); a number typed into the street field
    is split off when the number field is empty."""
    if street and not house_number:
        return split_street(street)
    return StreetAddress(
        normalize_street(street) if street else None,
        normalize_house_number(house_number) if house_number else None,
    )
