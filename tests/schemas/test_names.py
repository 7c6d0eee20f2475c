"""Names in one field or two: order, titles, particles, suffixes, companies."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schemas.names import (
    ENCODING_LOST,
    PARTICLES,
    NameOrder,
    NameParts,
    display_name,
    is_company_name,
    normalize_salutation,
    split_name,
    split_name_parts,
)


@pytest.mark.parametrize(
    ("raw", "order", "expected"),
    [
        # (title, first, last, suffix, company)
        ("Weiß, Jürgen", "first_last", (None, "Jürgen", "Weiß", None, None)),  # Nachname, Vorname
        ("Juergen Weiss", "first_last", (None, "Juergen", "Weiss", None, None)),  # helpdesk
        ("Weiss Juergen", "last_first", (None, "Juergen", "Weiss", None, None)),  # 3CX order
        ("Weiß, Jürgen", "last_first", (None, "Jürgen", "Weiß", None, None)),  # comma wins
        (
            "Groß, Björn (Groß & Söhne)",  # Zendesk: company in brackets
            "first_last",
            (None, "Björn", "Groß", None, "Groß & Söhne"),
        ),
        (
            "Dr. Änne Müller-Lüdenscheidt",
            "first_last",
            ("Dr.", "Änne", "Müller-Lüdenscheidt", None, None),
        ),  # noqa: E501
        (
            "Prof. Dr. Hans Meier",
            "first_last",
            ("Prof. Dr.", "Hans", "Meier", None, None),
        ),  # two titles
        ("Prof.Dr.Hans Meier", "first_last", ("Prof. Dr.", "Hans", "Meier", None, None)),  # glued
        ("Dr. med. Eva Roth", "first_last", ("Dr. med.", "Eva", "Roth", None, None)),  # title tail
        (
            "Richard von Weizsäcker",
            "first_last",
            (None, "Richard", "von Weizsäcker", None, None),
        ),  # particle
        (
            "Ursula von der Leyen",
            "first_last",
            (None, "Ursula", "von der Leyen", None, None),
        ),  # two
        ("Weizsäcker, Richard von", "first_last", (None, "Richard", "von Weizsäcker", None, None)),  # noqa: E501
        ("von Weizsäcker Richard", "last_first", (None, "Richard", "von Weizsäcker", None, None)),  # noqa: E501
        ("Karl zu Guttenberg", "first_last", (None, "Karl", "zu Guttenberg", None, None)),  # zu
        ("Rudi van Dijk", "first_last", (None, "Rudi", "van Dijk", None, None)),  # van
        ("Hans Müller jun.", "first_last", (None, "Hans", "Müller", "jun.", None)),  # suffix
        (
            "Müller sen., Hans",
            "first_last",
            (None, "Hans", "Müller", "sen.", None),
        ),  # suffix, comma
        ("Müller, jun.", "first_last", (None, None, "Müller", "jun.", None)),  # comma before suffix
        ("Jun Li", "first_last", (None, "Jun", "Li", None, None)),  # Jun without dot: a name
        ("Hans Peter Müller", "first_last", (None, "Hans Peter", "Müller", None, None)),  # 2 given
        ("Koenig, M.", "first_last", (None, "M.", "Koenig", None, None)),  # initial
        ("JÜRGEN WEISS", "first_last", (None, "Jürgen", "Weiss", None, None)),  # shouting fixed
        ("Meier", "first_last", (None, None, "Meier", None, None)),  # one word: family name
        ("Groß & Söhne GmbH", "first_last", (None, None, None, None, "Groß & Söhne GmbH")),  # firm
        ("Groß & Söhne", "last_first", (None, None, None, None, "Groß & Söhne")),  # 3CX firm
        ("Beispiel AG", "first_last", (None, None, None, None, "Beispiel AG")),  # AG
        ("Müller e.K.", "first_last", (None, None, None, None, "Müller e.K.")),  # e.K.
        ("Meier KG", "first_last", (None, None, None, None, "Meier KG")),  # KG
        ("Start UG (haftungsbeschränkt)", "first_last", (None, None, None, None, "Start UG")),  # UG
        ("Schmidt GbR", "first_last", (None, None, None, None, "Schmidt GbR")),  # GbR
    ],
)
def test_split_name(
    raw: str,
    order: NameOrder,
    expected: tuple[str | None, str | None, str | None, str | None, str | None],
) -> None:
    parts = split_name(raw, order)
    assert (parts.title, parts.first_name, parts.last_name, parts.name_suffix, parts.company) == (
        expected
    )


def test_salutation_in_name() -> None:
    assert split_name("Herr Dr. Hans Meier").salutation == "Herr"


@pytest.mark.parametrize(
    "raw",
    [
        "j.weiss@web.de",  # Zendesk names an unknown user by the email
        "+49 151 12345678",  # or by the number
        "",  # empty
    ],
)
def test_no_name(raw: str) -> None:
    assert split_name(raw) == NameParts()


def test_cp1252_question_marks_are_flagged() -> None:
    parts = split_name("Y?ld?z, Kemal")
    assert (parts.first_name, parts.last_name, parts.flags) == ("Kemal", "Y?ld?z", (ENCODING_LOST,))


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        # (title, first, last, suffix, company)
        ("Jürgen", "Weiß", (None, "Jürgen", "Weiß", None, None)),  # clean
        ("Dr. Änne", "Müller-Lüdenscheidt", ("Dr.", "Änne", "Müller-Lüdenscheidt", None, None)),
        ("Richard von", "Weizsäcker", (None, "Richard", "von Weizsäcker", None, None)),  # particle
        ("Hans", "Müller jun.", (None, "Hans", "Müller", "jun.", None)),  # suffix in last name
        ("Hans Müller", None, (None, "Hans", "Müller", None, None)),  # all in the first field
        (None, "MÜLLER", (None, None, "Müller", None, None)),  # last name only, shouting
        ("Björn", "Groß & Söhne GmbH", (None, "Björn", None, None, "Groß & Söhne GmbH")),  # firm
        ("Groß & Söhne", "GmbH", (None, None, None, None, "Groß & Söhne GmbH")),  # split firm
        ("Bäckerei", "Fernández", (None, None, None, None, "Bäckerei Fernández")),  # a shop
    ],
)
def test_split_name_parts(
    first: str | None,
    last: str | None,
    expected: tuple[str | None, str | None, str | None, str | None, str | None],
) -> None:
    parts = split_name_parts(first, last)
    assert (parts.title, parts.first_name, parts.last_name, parts.name_suffix, parts.company) == (
        expected
    )


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Herr", "Herr"),  # German
        ("frau", "Frau"),  # lower case
        ("mr", "Herr"),  # Shopware key
        ("mrs", "Frau"),  # Shopware key
        ("not_specified", None),  # Shopware: unknown, not an error
        ("Divers", None),  # no salutation to store
    ],
)
def test_normalize_salutation(raw: str, expected: str | None) -> None:
    assert normalize_salutation(raw) == expected


@pytest.mark.parametrize(
    ("raw", "company"),
    [
        ("Lager Groß & Söhne", True),  # & Söhne
        ("Müller & Co. KG", True),  # & Co
        ("Hans & Erika Müller", False),  # a couple is no firm
        ("Agnes Kugler", False),  # "ag", "ug" inside words
        ("Anna Ug", False),  # legal forms only in capitals
        ("Bäckerei Fernández", True),  # a trade and its owner: a sole proprietor's shop
        ("WEINGUT Keller", True),
        ("Baeckerei Schmidt", True),
        ("Bäckerei", False),  # the trade alone names nobody
        ("Hotel", False),
    ],
)
def test_is_company_name(raw: str, company: bool) -> None:
    assert is_company_name(raw) is company


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("MÜLLER-LÜDENSCHEIDT", "Müller-Lüdenscheidt"),  # shouting, hyphenated
        ("jürgen", "Jürgen"),  # lower case
        ("McDonald", "McDonald"),  # mixed case is kept
        ("Von Der Leyen", "von der Leyen"),  # particles lower case
        ("  Änne  ", "Änne"),  # blanks
    ],
)
def test_display_name(raw: str, expected: str) -> None:
    assert display_name(raw) == expected


@given(st.text(alphabet="abcxyzABCXYZäöüÄÖÜß -.", max_size=30))
def test_display_name_is_idempotent(raw: str) -> None:
    once = display_name(raw)
    if once is not None:
        assert display_name(once) == once


_word = st.from_regex(r"[A-ZÄÖÜ][a-zäöüß]{1,10}", fullmatch=True).filter(
    # plain name words only: not a particle ("Da Silva Ana"), company form ("Inc"),
    # salutation ("Mr"), title ("Dr") or suffix ("Junior")
    lambda w: w.lower() not in PARTICLES and split_name(w).last_name == w
)


@given(first=_word, last=_word)
def test_name_orders_agree(first: str, last: str) -> None:
    """`First Last`, `Last First` (with its hint) and `Last, First` give the same person."""
    expected = split_name(f"{first} {last}", "first_last")
    assert split_name(f"{last} {first}", "last_first") == expected
    assert split_name(f"{last}, {first}", "first_last") == expected


def test_legal_form_alone_in_last_name_joins_the_first() -> None:
    assert split_name_parts("Beispiel", "AG").company == "Beispiel AG"  # not first name "Beispiel"
