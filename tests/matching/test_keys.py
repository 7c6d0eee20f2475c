from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from matching import keys


@pytest.mark.parametrize(
    ("raw", "din", "ascii_"),
    [
        ("Müller", "mueller", "muller"),
        ("GROSS", "gross", "gross"),
        ("Groß", "gross", "gross"),  # ß is ss in both foldings
        ("Jürgen Weiß", "juergen weiss", "jurgen weiss"),
        ("Änne Öztürk", "aenne oeztuerk", "anne ozturk"),
        ("Éléonore", "eleonore", "eleonore"),  # other accents: stripped
        ("Łukasz Ørsted", "lukasz orsted", "lukasz orsted"),  # letters without a combining mark
    ],
)
def test_folding(raw: str, din: str, ascii_: str) -> None:
    assert keys.fold_din(raw) == din
    assert keys.fold_ascii(raw) == ascii_


@pytest.mark.parametrize(
    "spellings",
    [
        ("Müller", "Mueller", "Muller", "MÜLLER"),  # DIN, ASCII, plain, caps: one key
        ("König", "Koenig", "Konig"),
        ("Müller-Lüdenscheidt", "Mueller Luedenscheidt"),  # separators vanish
    ],
)
def test_name_key_joins_transliterations(spellings: tuple[str, ...]) -> None:
    assert len({keys.name_key(s) for s in spellings}) == 1


@pytest.mark.parametrize(
    "text",
    ["O'Brien", "ma.ehler", "MAE EL", "j.weiss_16", "Hans-Peter", "Müller-Lüdenscheidt", "42", ""],
)
def test_name_key_is_the_collapsed_words(text: str) -> None:
    """Plain-ASCII text takes a shortcut; it must give the key of the words themselves
    (`ae` across a separator is two words' letters, not an umlaut)."""
    assert keys.name_key(text) == "".join(keys.token_keys(text))


@pytest.mark.parametrize(
    ("names", "code"),
    [
        (("Müller", "Mueller", "Muller"), "657"),
        (("Meyer", "Maier", "Mayer", "Meier"), "67"),
        (("Schmidt", "Schmitt", "Schmid"), "862"),
        (("König", "Koenig", "Konig"), "464"),
        (("Marlene", "Marlen"), "6756"),  # a dropped final e keeps the code
        (("Müller-Lüdenscheidt",), "657 52682"),  # one code per word
    ],
)
def test_cologne_phonetics(names: tuple[str, ...], code: str) -> None:
    assert {keys.cologne(n) for n in names} == {code}


@pytest.mark.parametrize(
    ("name", "expected"), [("M.", True), ("M", True), ("H.-P.", True), ("Max", False), ("", False)]
)
def test_is_initials(name: str, expected: bool) -> None:
    assert keys.is_initials(name) is expected


def test_street_and_contact_keys() -> None:
    assert {keys.street_key(s) for s in ("Hauptstraße", "Hauptstr.", "Haupt Strasse")} == {
        "hauptstr"
    }
    assert keys.house_number_key("12 A") == "12a"
    assert keys.email_local("j.weiss+shop@web.de") == "j.weiss"
    assert keys.is_mobile("+4915112345678")  # 015x: a mobile, one person's
    assert not keys.is_mobile("+49711234567")  # Stuttgart landline: a household's
    assert keys.is_mobile("+43664123456")  # foreign: no rule, treated as personal


@pytest.mark.parametrize(
    ("phone", "place"),
    [
        ("+496131882184", "mainz"),  # 06131 Mainz
        ("+49711234567", "stuttgart"),
        ("+49345123456", "halle"),  # geocoder: "Halle Saale"
        ("+4930123456", "berlin"),
        ("+4915112345678", None),  # a mobile lies nowhere
        ("+43664123456", None),  # foreign: no rule
    ],
)
def test_landline_place(phone: str, place: str | None) -> None:
    assert keys.landline_place(phone) == place


def test_place_key_joins_the_geocoders_and_the_addresses_spelling() -> None:
    assert keys.place_key("Halle (Saale)") == keys.place_key("Halle Saale") == "halle"
    assert keys.place_key("München") == keys.place_key("Muenchen") == "munchen"
    assert keys.place_key("") is None


def test_nicknames_ship_with_the_package() -> None:
    data = resources.files("matching").joinpath("data", "nicknames.csv")
    assert data.is_file()
    nicknames = keys.load_nicknames()
    assert len(nicknames.groups) >= 60
    assert nicknames.same_person_name("manni", "manfred")
    assert nicknames.canonical("manni") == "manfred"
    assert nicknames.canonical("unbekannt") == "unbekannt"


def test_a_name_in_two_groups_matches_both_but_they_stay_apart() -> None:
    nicknames = keys.load_nicknames()
    assert nicknames.same_person_name("alex", "alexander")
    assert nicknames.same_person_name("alex", "alexandra")
    assert not nicknames.same_person_name("alexander", "alexandra")


def test_extra_nickname_file_extends_the_groups(tmp_path: Path) -> None:
    extra = tmp_path / "nicknames.csv"
    extra.write_text("# company list\nKunigunde,Gundi\n", encoding="utf-8")
    nicknames = keys.load_nicknames((str(extra),))
    assert nicknames.same_person_name("gundi", "kunigunde")
    assert nicknames.same_person_name("manni", "manfred")  # the shipped groups stay
