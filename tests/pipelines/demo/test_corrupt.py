"""The error models produce what the normalizers must cope with, and only that."""

from __future__ import annotations

import random

import pytest
from rapidfuzz.distance import OSA

from matching.keys import load_nicknames, name_key
from pipelines.demo.corrupt import (
    PHONE_STYLES,
    fold_umlauts,
    invalid_email,
    nickname,
    phone_text,
    truncated_phone,
    typo,
)
from pipelines.demo.draw import Weighted
from schemas.email import REPAIRED, parse_email
from schemas.phone import parse_phone


@pytest.mark.parametrize(
    "national",
    [
        "15112345678",  # mobile, 015x
        "1761234567",  # mobile, 017x with 7 digits after the prefix
        "3514711230",  # Dresden, three-digit area code
        "301234567",  # Berlin, two-digit area code
        "36411234567",  # Jena, four-digit area code
    ],
)
@pytest.mark.parametrize("style", PHONE_STYLES)
def test_every_phone_style_means_the_same_number(national: str, style: str) -> None:
    written = phone_text(national, style)
    assert parse_phone(written).value == f"+49{national}", written


def test_a_truncated_number_is_refused() -> None:
    with pytest.raises(ValueError, match="wrong number of digits"):
        parse_phone(truncated_phone("15112345678"))


def test_typo_is_one_edit() -> None:
    rng = random.Random(1)
    for name in ("Müller", "Schneider", "Katharina", "Weiß", "Groß"):
        for _ in range(50):
            assert OSA.distance(typo(name, rng), name) <= 1
    assert typo("Li", rng) == "Li"  # too short to recognise after an edit


@pytest.mark.parametrize(
    ("name", "variants"),
    [
        ("Müller", {"Mueller", "Muller"}),
        ("Weiß", {"Weiss"}),
        ("Groß", {"Gross"}),
        ("Paul", {"Paul"}),
    ],
)
def test_umlaut_variants(name: str, variants: set[str]) -> None:
    rng = random.Random(2)
    assert {fold_umlauts(name, rng) for _ in range(40)} == variants


def test_nicknames_come_from_the_matchers_groups() -> None:
    rng = random.Random(3)
    nicknames = load_nicknames()
    for full in ("Johannes", "Elisabeth", "Manfred", "Katharina"):
        short = nickname(full, rng)
        assert short != full
        assert nicknames.same_person_name(name_key(short), name_key(full))
    assert nickname("Björn", rng) == "Björn"  # no group: unchanged


def test_invalid_emails_are_rejected_and_the_comma_is_repaired() -> None:
    rng = random.Random(4)
    for _ in range(50):
        with pytest.raises(ValueError):
            parse_email(invalid_email("j.weiss@web.de", rng))
    assert parse_email("j.weiss@web,de") == ("j.weiss@web.de", (REPAIRED,))


def test_weighted_draws_follow_the_weights() -> None:
    rng = random.Random(5)
    choice = Weighted(("a", "b", "c"), (1, 0, 3))
    drawn = [choice.pick(rng) for _ in range(4000)]
    assert "b" not in drawn
    assert 0.7 < drawn.count("c") / len(drawn) < 0.8
    with pytest.raises(ValueError):
        Weighted((), ())
