"""Umlaut folding and the small text helpers."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.text import (
    clean_text,
    fold_ascii,
    fold_german,
    normalize_card,
    normalize_coupon,
    strip_apostrophe,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Müller", "mueller"),  # DIN 5007-2: ü -> ue
        ("Mueller", "mueller"),  # already transliterated: unchanged apart from case
        ("Weiß", "weiss"),  # ß -> ss
        ("WEISS", "weiss"),  # shouting
        ("Öztürk", "oeztuerk"),  # ö, ü
        ("Änne", "aenne"),  # capital umlaut
        ("José", "jose"),  # other accents stripped
        ("Yıldız", "yıldız"),  # dotless ı has no decomposition: kept
        ("ẞ", "ss"),  # capital sharp s
        ("", ""),  # empty stays empty
    ],
)
def test_fold_german(raw: str, expected: str) -> None:
    assert fold_german(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Müller", "muller"),  # ü -> u
        ("Konig", "konig"),  # ASCII input
        ("König", "konig"),  # so Koenig/König/Konig can all meet
        ("Groß", "gross"),  # ß -> ss in both foldings
        ("Lüdenscheidt-Ärger", "ludenscheidt-arger"),  # hyphen kept
        ("Çelik", "celik"),  # cedilla stripped
    ],
)
def test_fold_ascii(raw: str, expected: str) -> None:
    assert fold_ascii(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Jürgen  ", "Jürgen"),  # stripped
        ("Am  Großen\tGarten", "Am Großen Garten"),  # inner blanks collapsed
        ("", None),  # empty -> None
        ("   ", None),  # blank -> None
        (None, None),  # JSON null -> None
        (1500123456701, "1500123456701"),  # JSON number -> text
    ],
)
def test_clean_text(raw: object, expected: str | None) -> None:
    assert clean_text(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("SOMMER15-7Q2X", "SOMMER15-7Q2X"),  # as printed
        ("sommer15-7q2x ", "SOMMER15-7Q2X"),  # typed in lower case
        ("SOMMER15 - 7Q2X", "SOMMER15-7Q2X"),  # stray blanks
    ],
)
def test_normalize_coupon(raw: str, expected: str) -> None:
    assert normalize_coupon(raw) == expected


def test_card_numbers_keep_leading_zeros() -> None:
    assert normalize_card(" 000123 ") == "000123"  # only trimmed


def test_blank_codes_are_errors() -> None:
    with pytest.raises(ValueError, match="'  ' is not a coupon code"):
        normalize_coupon("  ")
    with pytest.raises(ValueError, match="'' is not a card number"):
        normalize_card("")


def test_strip_apostrophe_strips_one() -> None:
    assert strip_apostrophe("'01067") == "01067"
    assert strip_apostrophe("''x") == "'x"  # only the one the spreadsheet added


@given(st.text())
def test_fold_german_is_idempotent(text: str) -> None:
    once = fold_german(text)
    assert fold_german(once) == once


@given(st.text())
def test_fold_ascii_is_idempotent(text: str) -> None:
    once = fold_ascii(text)
    assert fold_ascii(once) == once


@given(st.text(alphabet="aouAOUäöüÄÖÜß"))
def test_german_spellings_fold_together(text: str) -> None:
    transliterated = (
        text.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    )
    transliterated = transliterated.replace("Ä", "Ae").replace("Ö", "Oe").replace("Ü", "Ue")
    assert fold_german(text) == fold_german(transliterated)
