from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from matching.blocking import candidate_pairs
from matching.comparisons import compare_pairs, compile_compare, is_feminine_variant, method_of
from matching.features import build_features
from matching.keys import load_nicknames
from matching.settings import Comparison, Level
from tests.matching.helpers import features, frame, rec, settings
from tests.matching.synthetic import synthetic_records

COMPARISONS = settings().comparisons


def _edits(column: str) -> Comparison:
    names = ("exact", "one_edit", "two_edits", "different")
    return Comparison(
        name=f"{column}_edits",  # not the default comparisons' names
        method="damerau_levenshtein",
        column=column,
        levels=tuple(Level(name=n, m=0.5, u=0.5) for n in names),
    )


EDITS = (_edits("postal_code"), _edits("identifiers"), _edits("birth_date_key"))


def levels(a: dict[str, Any], b: dict[str, Any], *others: dict[str, Any]) -> dict[str, str]:
    """Level of each comparison for the pair (a, b); `others` only shape shared values."""
    out = features(a, b, *others)
    codes = compare_pairs(out, np.array([[0, 1]]), COMPARISONS, load_nicknames())[0]
    return {
        c.name: (c.level_names[code] if code >= 0 else "missing")
        for c, code in zip(COMPARISONS, codes, strict=True)
    }


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"first_name": "Jürgen"}, {"first_name": "Juergen"}, "exact"),
        ({"first_name": "Manni"}, {"first_name": "Manfred"}, "nickname"),
        ({"first_name": "Hans-Peter"}, {"first_name": "Peter"}, "part"),
        ({"first_name": "Marlene"}, {"first_name": "Marlen"}, "phonetic"),
        # Alike in sound, not in spelling: other names (Kölner Phonetik 68 and 4276).
        ({"first_name": "Jens"}, {"first_name": "Jonas"}, "jw_mid"),
        ({"first_name": "Katharina"}, {"first_name": "Gudrun"}, "different"),
        ({"first_name": "Wolfgang"}, {"first_name": "Wolfgagn"}, "jw_high"),  # typo
        ({"first_name": "M."}, {"first_name": "Marlene"}, "initial"),
        ({"first_name": "Sabine"}, {"first_name": "Sabrina"}, "jw_mid"),  # similar, not a typo
        # One keyboard slip is a typo however short the name (JW 0.91 and 0.89) ...
        ({"first_name": "Sandra"}, {"first_name": "Samdra"}, "jw_high"),
        ({"first_name": "Klaus"}, {"first_name": "Klsus"}, "jw_high"),
        # ... merely alike names are not, nor is one letter off at the start (JW 0.83).
        ({"first_name": "Jürgen"}, {"first_name": "Jörg"}, "jw_mid"),
        ({"first_name": "Minh"}, {"first_name": "Linh"}, "jw_mid"),
        ({"first_name": "Hans"}, {"first_name": "Hanna"}, "different"),  # listed, other groups
        ({"first_name": "Christian"}, {"first_name": "Christiane"}, "different"),  # a couple
        ({"first_name": "Daniel"}, {"first_name": "Daniela"}, "different"),
        ({"first_name": "Paul"}, {"first_name": "Paula"}, "different"),
        ({"first_name": "Hans"}, {"first_name": "Helga"}, "different"),
        ({"first_name": "M."}, {"first_name": "Helga"}, "different"),
        ({"first_name": "Hans"}, {}, "missing"),
    ],
)
def test_first_name_levels(a: dict[str, Any], b: dict[str, Any], expected: str) -> None:
    assert levels(rec(**a), rec(**b))["first_name"] == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("Müller", "Muller", "exact"),
        ("Meyer", "Maier", "phonetic"),
        ("Schneider", "Schnieder", "phonetic"),  # Kölner Phonetik forgives most typos
        ("Schwarz", "Schwazr", "jw_high"),
        ("Müller-Lüdenscheidt", "Lüdenscheidt", "part"),
        ("Weber", "Wever", "jw_high"),  # b / v: different codes, JW 0.89, one slip
        ("Wagner", "Wafner", "jw_high"),
        ("Horn", "Hotn", "jw_high"),  # JW 0.87
        ("Schulz", "Scholz", "phonetic"),
        ("Berger", "Bergmann", "jw_mid"),  # not one slip
        ("Weber", "Schmidt", "different"),
    ],
)
def test_last_name_levels(a: str, b: str, expected: str) -> None:
    assert levels(rec(last_name=a), rec(last_name=b))["last_name"] == expected


def test_swapped_names_compare_crossed() -> None:
    got = levels(
        rec(first_name="Manfred", last_name="Baumann"), rec(first_name="Baumann", last_name="Manni")
    )
    assert (got["first_name"], got["last_name"]) == ("nickname", "swapped")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # Swapped with a typo in either crossing: the first names are compared crossed.
        (("Schneider", "Frnak"), ("Frank", "Schneider"), ("phonetic", "swapped")),
        (("Schnieder", "Frank"), ("Frank", "Schneider"), ("phonetic", "swapped")),
        (("Wolfgagn", "Krause"), ("Krause", "Wolfgang"), ("jw_high", "swapped")),
        # A name agreeing in place is not a swap, however close the crossing is.
        (("Walter", "Walter"), ("Walter", "Walters"), ("exact", "jw_high")),
        # Neither crossing agrees outright: two different people.
        (("Peter", "Hermann"), ("Herrmann", "Peters"), ("different", "different")),
    ],
)
def test_swapped_names_forgive_one_typo(
    a: tuple[str, str], b: tuple[str, str], expected: tuple[str, str]
) -> None:
    got = levels(rec(first_name=a[0], last_name=a[1]), rec(first_name=b[0], last_name=b[1]))
    assert (got["first_name"], got["last_name"]) == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"birth_date": date(1980, 2, 1)}, {"birth_date": date(1980, 2, 1)}, "exact"),
        ({"birth_date": date(1980, 2, 1)}, {"birth_month_day": "02-01"}, "month_day"),
        ({"birth_date": date(1980, 2, 1)}, {"birth_date": date(1980, 1, 2)}, "transposed"),
        ({"birth_date": date(1980, 2, 1)}, {"birth_date": date(1980, 2, 11)}, "year_month"),
        ({"birth_date": date(1980, 2, 1)}, {"birth_date": date(1982, 7, 9)}, "different"),
        ({"birth_month_day": "02-01"}, {"birth_month_day": "03-01"}, "different"),
        ({"birth_date": date(1980, 2, 1)}, {}, "missing"),
    ],
)
def test_birth_date_levels(a: dict[str, Any], b: dict[str, Any], expected: str) -> None:
    assert levels(rec(**a), rec(**b))["birth_date"] == expected


def test_contact_levels() -> None:
    mobile, landline = "+4915112345678", "+49711234567"
    assert levels(rec(email="a@web.de"), rec(email="a@web.de"))["email"] == "exact"
    assert levels(rec(email="a@web.de"), rec(email="a@gmx.de"))["email"] == "local_part"
    assert levels(rec(email="a@web.de"), rec(email="b@web.de"))["email"] == "different"
    # Namesakes pick the same name-spelled mailbox at other providers: no extra evidence.
    namesakes = {"first_name": "Christina", "last_name": "Schmidt"}
    web = rec(**namesakes, email="christina.schmidt@web.de")
    yahoo = rec(**namesakes, email="christina.schmidt@yahoo.de")
    assert levels(web, yahoo)["email"] == "different"
    family = levels(
        rec(first_name="Hans", email="f@web.de"), rec(first_name="Helga", email="f@web.de")
    )
    assert family["email"] == "shared"
    assert levels(rec(phone=mobile), rec(phone_alt=mobile))["phone"] == "landline"
    assert levels(rec(phone=mobile), rec(phone=mobile))["phone"] == "mobile"
    assert levels(rec(phone=landline), rec(phone=landline))["phone"] == "landline"
    # A mobile against a landline is one person's two phones as often as two people's.
    assert levels(rec(phone=mobile), rec(phone=landline))["phone"] == "missing"
    assert levels(rec(phone=mobile), rec(phone="+4917099999999"))["phone"] == "different"
    assert levels(rec(phone=landline), rec(phone_alt="+4930123456"))["phone"] == "different"
    spouses = levels(
        rec(first_name="Hans", last_name="Müller", phone_alt=landline),
        rec(first_name="Helga", last_name="Müller", phone_alt=landline),
    )
    assert spouses["phone"] == "shared"


def test_address_and_identifier_levels() -> None:
    home = {
        "street": "Hauptstraße",
        "house_number": "5",
        "postal_code": "70173",
        "city": "Stuttgart",
    }
    assert levels(rec(**home), rec(**{**home, "street": "Hauptstr."}))["address"] == "exact"
    assert levels(rec(**home), rec(**{**home, "house_number": "7"}))["address"] == "street"
    assert levels(rec(**home), rec(**{**home, "street": "Ring"}))["address"] == "postcode"
    moved = {**home, "postal_code": "70174", "street": "Ring"}
    assert levels(rec(**home), rec(**moved))["address"] == "city"
    no_plz = {"street": "Hauptstraße", "house_number": "5", "city": "Stuttgart"}
    assert levels(rec(**home), rec(**no_plz))["address"] == "exact"  # city stands in for PLZ
    card = ("card:K-004711",)
    assert levels(rec(identifiers=card), rec(identifiers=card))["identifiers"] == "unique"
    generic = levels(
        rec(last_name="Weiß", identifiers=("coupon:WILLKOMMEN10",)),
        rec(last_name="Groß", identifiers=("coupon:WILLKOMMEN10",)),
    )
    assert generic["identifiers"] == "shared"
    assert levels(rec(identifiers=card), rec(identifiers=("card:K-1",)))["identifiers"] == (
        "different"
    )
    # An order number against a card, or two orders of one customer, say nothing.
    order, other_order = ("shop_order:#1",), ("shop_order:#2",)
    assert levels(rec(identifiers=card), rec(identifiers=order))["identifiers"] == "missing"
    assert levels(rec(identifiers=order), rec(identifiers=other_order))["identifiers"] == (
        "missing"
    )


def test_place_levels() -> None:
    """A landline's area against the other side's city, only where one side has no address."""
    mainz = {"street": "Kirchweg", "house_number": "35", "postal_code": "55118", "city": "Mainz"}
    caller = {"phone": "+496131882184"}  # 06131: Mainz
    assert levels(rec(**mainz), rec(**caller))["place"] == "same"
    assert levels(rec(**caller), rec(**mainz))["place"] == "same"
    kiel = {**mainz, "postal_code": "24103", "city": "Kiel"}
    assert levels(rec(**kiel), rec(**caller))["place"] == "different"
    # A mobile lies nowhere; two addresses are the address comparison's; a shared number
    # is the phone comparison's (the place would count it twice).
    assert levels(rec(**mainz), rec(phone="+4915112345678"))["place"] == "missing"
    assert levels(rec(**mainz), rec(**kiel, **caller))["place"] == "missing"
    assert levels(rec(**mainz, **caller), rec(**caller))["place"] == "missing"
    assert levels(rec(**caller), rec(phone="+496131999999"))["place"] == "missing"


@pytest.mark.parametrize(
    ("column", "a", "b", "expected"),
    [
        ("postal_code", "70173", "70173", "exact"),
        ("postal_code", "70173", "70137", "one_edit"),  # transposed digits: one edit
        ("postal_code", "70173", "71137", "two_edits"),
        ("postal_code", "70173", "10115", "different"),
        ("postal_code", "70173", None, "missing"),
        ("identifiers", ("card:K-1", "shop_order:#1"), ("card:K-1",), "exact"),  # one shared
        ("identifiers", ("card:K-1234",), ("card:K-1243",), "one_edit"),
        ("identifiers", ("card:1234",), ("ustid:1234",), "different"),  # other namespace
        ("identifiers", ("card:K-1",), (), "missing"),
        ("birth_date", date(1960, 2, 13), date(1960, 1, 13), "one_edit"),
        ("birth_date", date(1960, 2, 13), date(1906, 2, 13), "one_edit"),
    ],
)
def test_damerau_levenshtein_levels(column: str, a: Any, b: Any, expected: str) -> None:
    out = features(rec(**{column: a}), rec(**{column: b}))
    (comparison,) = [c for c in EDITS if c.column.startswith(column)]  # type: ignore[union-attr]
    (code,) = compare_pairs(out, np.array([[0, 1]]), [comparison], load_nicknames())[0]
    assert (comparison.level_names[code] if code >= 0 else "missing") == expected


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("christian", "christiane", False),  # told apart by their nickname groups instead
        ("daniel", "daniela", True),
        ("alexander", "alexandra", True),
        ("andreas", "andrea", True),
        ("marlen", "marlene", False),  # a typo, not a couple
        ("paul", "pauline", True),
        ("anna", "anne", False),
        ("hans", "hanna", False),
    ],
)
def test_feminine_variants(a: str, b: str, expected: bool) -> None:
    assert is_feminine_variant(a, b) is expected
    assert is_feminine_variant(b, a) is expected


FIRST = ["Hans", "Manni", "Manfred", "M.", "Marlene", "Christiane", "Christian", "Jürgen"]
LAST = ["Müller", "Mueller", "Meyer", "Baumann", "Hans", "Müller-Lüdenscheidt", "Koenig"]


def _record() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        rec,
        first_name=st.one_of(st.none(), st.sampled_from(FIRST), st.text("abcäöü", max_size=6)),
        last_name=st.one_of(st.none(), st.sampled_from(LAST + FIRST)),
        birth_date=st.one_of(st.none(), st.sampled_from([date(1980, 2, 1), date(1980, 1, 2)])),
        birth_month_day=st.one_of(st.none(), st.just("02-01")),
        email=st.one_of(st.none(), st.sampled_from(["a@web.de", "a@gmx.de", "b@web.de"])),
        phone=st.one_of(st.none(), st.sampled_from(["+4915112345678", "+49711234567"])),
        phone_alt=st.one_of(st.none(), st.sampled_from(["+4915112345678", "+49711234567"])),
        street=st.one_of(st.none(), st.sampled_from(["Hauptstraße", "Ring"])),
        house_number=st.one_of(st.none(), st.sampled_from(["5", "7"])),
        postal_code=st.one_of(st.none(), st.sampled_from(["70173", "10115"])),
        city=st.one_of(st.none(), st.sampled_from(["Stuttgart", "Berlin"])),
        identifiers=st.lists(st.sampled_from(["card:K-1", "coupon:X", "card:K-2"]), max_size=2)
        .map(tuple),
        salutation=st.one_of(st.none(), st.sampled_from(["Herr", "Frau"])),
        name_suffix=st.one_of(st.none(), st.sampled_from(["jun.", "sen."])),
    )  # fmt: skip


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_record(), min_size=2, max_size=6))
def test_comparisons_are_symmetric(records: list[dict[str, Any]]) -> None:
    out = build_features(frame(*records))
    n = len(out)
    pairs = np.array([(i, j) for i in range(n) for j in range(n) if i != j], dtype=np.int64)
    comparisons = (*COMPARISONS, *EDITS)
    codes = compare_pairs(out, pairs, comparisons, load_nicknames())
    flipped = compare_pairs(out, pairs[:, ::-1].copy(), comparisons, load_nicknames())
    assert (codes == flipped).all()


def test_pairs_of_a_few_records_compare_as_among_all() -> None:
    """A few pairs are compared on their own rows only (an incremental match's second
    round), many on all records' columns: the codes are the same either way."""
    records, _ = synthetic_records(people=300, seed=4)
    out = build_features(records)
    chosen = settings()
    pairs, _ = candidate_pairs(out, chosen.blocking)  # alike records: levels of every kind
    together = compare_pairs(out, pairs, chosen.comparisons, load_nicknames())
    assert len(np.unique(pairs)) * 2 > len(out)  # all records' columns
    few = pairs[:: len(pairs) // 20]
    assert len(np.unique(few)) * 2 < len(out)  # only their own rows
    alone = compare_pairs(out, few, chosen.comparisons, load_nicknames())
    chunked = compare_pairs(out, pairs, chosen.comparisons, load_nicknames(), chunk_size=20)
    np.testing.assert_array_equal(alone, together[:: len(pairs) // 20])
    np.testing.assert_array_equal(chunked, together)
    assert (alone == 0).sum() >= 10  # the few pairs agree on fields: something to compare


def test_comparing_by_codes_gives_the_levels_of_the_texts() -> None:
    """`compare_pairs` lets the methods compare texts by their integer codes; recordlinkage
    on the texts alone gives the very same levels."""
    records, _ = synthetic_records(people=300, seed=5)
    out = build_features(records)
    chosen = settings()
    pairs, _ = candidate_pairs(out, chosen.blocking)
    coded = compare_pairs(out, pairs, chosen.comparisons, load_nicknames())
    compared = sorted({c for each in chosen.comparisons for c in method_of(each).columns})
    index = pd.MultiIndex.from_arrays([pairs[:, 0], pairs[:, 1]])
    texts = compile_compare(chosen.comparisons, load_nicknames()).compute(index, out[compared])
    expected = texts[[c.name for c in chosen.comparisons]].to_numpy()
    np.testing.assert_array_equal(coded, expected)
    assert len(np.unique(coded)) > 5  # levels of many kinds
    few = np.arange(0, len(pairs), 40)  # the pairs of a few records: coded per chunk
    assert len(np.unique(pairs[few])) * 2 < len(out)
    np.testing.assert_array_equal(
        compare_pairs(out, pairs[few], chosen.comparisons, load_nicknames()), expected[few]
    )
    identifiers = [c.name for c in chosen.comparisons if c.method == "identifiers"]
    levels = expected[:, [c.name for c in chosen.comparisons].index(identifiers[0])]
    assert {0, 1} <= set(levels.tolist())  # tuples compared: one held by both, a shared one
