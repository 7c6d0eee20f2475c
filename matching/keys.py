"""German-aware match keys for single values: folding, Kölner Phonetik, nicknames, streets.

Sources spell one name three ways (Müller / Mueller / Muller), so equality is decided on a
*name key* that maps all three to `muller`; similarity measures run on the DIN 5007-2 folding.
These functions take one value; `features` applies them once per distinct value.
The `schemas` layer has its own folding; matching keeps these few lines to stay independent.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import cologne_phonetics
import phonenumbers
from phonenumbers import geocoder

# DIN 5007-2 ("Telefonbuch"): Müller = Mueller. Applied after lower-casing.
_DIN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
# ASCII folding for the other habit: Müller = Muller, Groß = Gross.
_ASCII = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss"})
# Letters other scripts' folding leaves as base letters without a combining mark.
_EXTRA = str.maketrans({"ø": "o", "ł": "l", "đ": "d", "æ": "ae", "œ": "oe", "ı": "i"})
# German fixed-network numbers are shared by a household; 015x/016x/017x are mobiles.
_DE_MOBILE_PREFIXES = ("+4915", "+4916", "+4917")
_NON_LETTERS = re.compile("[^a-z]+")
_FAMILY_MAILBOX = re.compile(r"(familie|family|fam[._-])", re.IGNORECASE)


def _fold(text: str, table: dict[int, str]) -> str:
    folded = text.lower().translate(table)
    if folded.isascii():
        return folded
    decomposed = unicodedata.normalize("NFKD", folded.translate(_EXTRA))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).translate(table)


def fold_din(text: str) -> str:
    """Lower case, DIN 5007-2 umlauts (ä → ae, ß → ss), other accents stripped (é → e)."""
    return _fold(text, _DIN)


def fold_ascii(text: str) -> str:
    """Lower case, umlauts to their base letter (ü → u, ß → ss), other accents stripped."""
    return _fold(text, _ASCII)


def tokens(text: str) -> tuple[str, ...]:
    """DIN-folded words of a name: hyphens, dots and apostrophes separate words."""
    folded = fold_din(text)
    cleaned = "".join(c if c.isalpha() else " " for c in folded)
    return tuple(cleaned.split())


def _collapse(word: str) -> str:
    return word.replace("ae", "a").replace("oe", "o").replace("ue", "u")


@lru_cache(maxsize=65_536)
def name_key(text: str) -> str:
    """Equality key of a name: `Müller`, `Mueller`, `Muller` and `MÜLLER` all give `muller`.

    DIN folding first, then ae/oe/ue collapse to a/o/u so the ASCII spelling meets the DIN
    spelling; separators vanish (`Müller-Lüdenscheidt` = `Müller Lüdenscheidt`). Names that
    collapse alike by accident (Michael / Michal) are rare and similar anyway.
    """
    lowered = text.lower()
    if lowered.isascii():  # most values: the same key without per-character folding
        return _collapse(_NON_LETTERS.sub(" ", lowered)).replace(" ", "")
    return "".join(_collapse(word) for word in tokens(text))


@lru_cache(maxsize=65_536)
def token_keys(text: str) -> tuple[str, ...]:
    """Name keys of each word, for compound names and swapped order."""
    return tuple(_collapse(word) for word in tokens(text))


@lru_cache(maxsize=65_536)
def cologne(text: str) -> str:
    """Kölner Phonetik of each word, space separated: `Müller-Lüdenscheidt` → `657 52682`."""
    words = tokens(text)
    if not words:
        return ""
    codes = (code for _, code in cologne_phonetics.encode(" ".join(words)))
    return " ".join(code for code in codes if code)


def is_initials(text: str) -> bool:
    """`M.`, `M`, `H.-P.`: the name is only initials, which agree with many full names."""
    words = tokens(text)
    return bool(words) and all(len(word) == 1 for word in words)


def street_key(street: str) -> str:
    """`Hauptstraße` / `Hauptstrasse` / `Hauptstr.` → `hauptstr`; blanks and dots dropped."""
    folded = fold_din(street).replace("strasse", "str")
    return "".join(c for c in folded if c.isalnum())


def house_number_key(number: str) -> str:
    """`12 a` / `12A` → `12a`."""
    return "".join(number.lower().split())


def email_local(email: str) -> str:
    """The mailbox name: `j.weiss+shop@web.de` → `j.weiss` (the `+tag` is the same mailbox)."""
    local = email.rsplit("@", 1)[0]
    return local.split("+", 1)[0]


def name_spellings(first: str, last: str) -> frozenset[str]:
    """Mailbox names built from a person's name keys: `christinaschmidt`, `schmidtc`, …"""
    if not last:
        return frozenset({first}) if first else frozenset()
    spellings = {last, last + first, first + last, first[:1] + last, last + first[:1]}
    if first:
        spellings.update({first, first + last[:1]})
    return frozenset(spellings)


def is_family_mailbox(local: str) -> bool:
    """`familie.beck@…`, `family-meyer@…`: a household's address, whatever names use it."""
    return _FAMILY_MAILBOX.match(local) is not None


def is_mobile(phone: str) -> bool:
    """E.164 numbers that belong to one person: German mobiles and, lacking a rule, foreign
    numbers. German fixed-network numbers are household landlines."""
    return not phone.startswith("+49") or phone.startswith(_DE_MOBILE_PREFIXES)


def place_key(place: str) -> str | None:
    """Key of a place name's first word: the phone geocoder and addresses name places
    differently (`Halle (Saale)` / `Halle Saale`, `Ulm` / `Ulm Donau`), all give `halle`,
    `ulm`. Two places of one first word (Frankfurt am Main / Frankfurt (Oder)) collide."""
    words = token_keys(place)
    return words[0] if words else None


# "+49" + area code -> its place. German area codes (2 to 5 digits after the trunk 0) are
# prefix-free, so a number's area is the one known prefix it starts with; parsing and
# geocoding (tens of microseconds) then runs once per area, not once per number.
_AREA_PLACES: dict[str, str | None] = {}
_AREA_LENGTHS = range(len("+49") + 2, len("+49") + 6)


def landline_place(phone: str) -> str | None:
    """The place a German fixed-network number's area code belongs to (`+496131…` →
    `mainz`, from phonenumbers' geocoder): a landline lies where its owner lives. Mobiles
    and foreign numbers have none."""
    if not phone.startswith("+49") or is_mobile(phone):
        return None
    for length in _AREA_LENGTHS:
        if (area := phone[:length]) in _AREA_PLACES:
            return _AREA_PLACES[area]
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return None
    if phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.FIXED_LINE:
        return None
    place = place_key(geocoder.description_for_number(number, "de"))
    if area_digits := phonenumbers.length_of_geographical_area_code(number):
        _AREA_PLACES[phone[: len("+49") + area_digits]] = place
    return place


@dataclass(frozen=True)
class Nicknames:
    """Nickname groups: each name key maps to the groups it belongs to."""

    groups: tuple[tuple[str, ...], ...]
    index: Mapping[str, frozenset[int]]

    @classmethod
    def from_rows(cls, rows: Iterable[Iterable[str]]) -> Nicknames:
        groups: list[tuple[str, ...]] = []
        index: dict[str, set[int]] = {}
        for row in rows:
            keys = tuple(dict.fromkeys(k for k in (name_key(n) for n in row) if k))
            if len(keys) < 2:
                continue
            for key in keys:
                index.setdefault(key, set()).add(len(groups))
            groups.append(keys)
        return cls(tuple(groups), {k: frozenset(v) for k, v in index.items()})

    def groups_of(self, key: str) -> frozenset[int]:
        return self.index.get(key, frozenset())

    def canonical(self, key: str) -> str:
        """The full name of the name's first group (`manni` → `manfred`), else the key."""
        found = self.index.get(key)
        return self.groups[min(found)][0] if found else key

    def same_person_name(self, a: str, b: str) -> bool:
        return not self.groups_of(a).isdisjoint(self.groups_of(b))


def _rows(text: str) -> list[list[str]]:
    lines = (line for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO("\n".join(lines)))]


@lru_cache(maxsize=8)
def load_nicknames(extra_files: tuple[str, ...] = ()) -> Nicknames:
    """The shipped groups (`matching/data/nicknames.csv`) plus a company's own files."""
    text = resources.files("matching").joinpath("data", "nicknames.csv").read_text("utf-8")
    rows = _rows(text)
    for path in extra_files:
        rows.extend(_rows(Path(path).read_text(encoding="utf-8")))
    return Nicknames.from_rows(rows)
