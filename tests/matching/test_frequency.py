from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pytest

from matching import frequency
from matching.comparisons import compare_pairs
from matching.frequency import (
    adjust_weights,
    alike_first_name_share,
    full_name_codes,
    identity_labels,
    namesake_shares,
    told_apart_share,
    value_frequencies,
)
from matching.keys import load_nicknames
from matching.linker import LinkResult, link_records
from matching.scoring import level_weights, prior_parameters
from schemas.errors import ConfigError
from tests.matching.helpers import features, frame, rec, settings

# Frequencies from any frame size (the default waits for 1,000 records).
SMALL = {"scoring": {"min_records_for_tf": 2}}


def _evidence(result: LinkResult, left: int, right: int) -> dict[str, Any]:
    row = result.pairs[(result.pairs["left"] == left) & (result.pairs["right"] == right)]
    assert len(row) == 1, result.pairs[["left", "right", "decision"]]
    evidence: dict[str, Any] = row["evidence"].iloc[0]
    return evidence


def test_frequencies_count_people_not_records() -> None:
    out = features(
        rec(last_name="Wójcik", email="jw@web.de"),
        rec(last_name="Wójcik", email="jw@web.de"),  # the same customer again
        rec(last_name="Wójcik", email="jw@web.de"),
        rec(last_name="Müller", email="a@web.de"),
        rec(last_name="Müller", email="b@web.de"),
        rec(last_name=None, email="c@web.de"),  # no value: not counted
    )
    identities = identity_labels(out)
    assert len(set(identities[:3].tolist())) == 1 and len(set(identities.tolist())) == 4
    shares = value_frequencies(out["last_name_key"], identities)
    assert shares[:3] == pytest.approx([1 / 3] * 3)  # one of three people, not 3 of 5 records
    assert shares[3:5] == pytest.approx([2 / 3] * 2)
    assert np.isnan(shares[5])


def test_frequencies_are_the_share_of_identities_carrying_each_value() -> None:
    """Against counting by hand: per value the identities carrying it, over the identities
    carrying any value; a column without values gives NaN everywhere."""
    rng = np.random.default_rng(5)
    values = pd.Series(rng.choice(["Weber", "Wójcik", "Öztürk", None], size=400), dtype=object)
    identities = rng.integers(0, 150, size=400)
    carriers: dict[str, set[int]] = {}
    for value, who in zip(values, identities.tolist(), strict=True):
        if value is not None:
            carriers.setdefault(value, set()).add(who)
    anyone = len(set().union(*carriers.values()))
    expected = [np.nan if v is None else len(carriers[v]) / anyone for v in values]
    np.testing.assert_array_equal(value_frequencies(values, identities), expected)
    empty = value_frequencies(pd.Series([None, None], dtype=object), np.array([0, 1]))
    assert np.isnan(empty).all()


def test_a_common_surname_counts_less_than_a_rare_one() -> None:
    others = [rec(first_name=n, last_name="Müller") for n in ("Anna", "Jörg", "Uwe", "Eva")]
    result = link_records(
        frame(
            rec(first_name="Manfred", last_name="Müller", postal_code="10115"),
            rec(first_name="Manni", last_name="Müller", postal_code="10115"),
            rec(first_name="Manfred", last_name="Wójcik", postal_code="10115"),
            rec(first_name="Manni", last_name="Wójcik", postal_code="10115"),
            *others,
        ),
        settings(review_threshold=1e-9, **SMALL),
    )
    common, rare = _evidence(result, 1, 2), _evidence(result, 3, 4)
    assert common["first_name"]["level"] == rare["first_name"]["level"] == "nickname"
    assert common["last_name"]["level"] == rare["last_name"]["level"] == "exact"
    # m = 0.85: Müller is carried by 6 of 8 people, Wójcik by 2 of 8.
    assert common["last_name"]["weight"] == pytest.approx(np.log2(0.85 / (6 / 8)), abs=1e-3)
    assert rare["last_name"]["weight"] == pytest.approx(np.log2(0.85 / (2 / 8)), abs=1e-3)


def test_namesakes_are_counted_by_identity() -> None:
    """Four José Garcías at four addresses; one Eike Vogt with a shop account, an order
    and a call from a number nobody else has (no evidence of a second Eike Vogt)."""
    garcias = [
        rec(first_name="José", last_name="García", street=street, house_number="1",
            postal_code="10115")
        for street in ("Ring", "Weg", "Allee", "Markt")
    ]  # fmt: skip
    out = features(
        *garcias,
        rec(first_name="José", last_name="García", phone="+4917011111111"),  # a lone call
        rec(first_name="Eike", last_name="Vogt", email="ev@web.de", street="Ring",
            house_number="2", postal_code="10115"),
        rec(first_name="Eike", last_name="Vogt", email="ev@web.de"),
        rec(first_name="Eike", last_name="Vogt", phone="+4917022222222"),
        rec(first_name="Eike", last_name=None),
    )  # fmt: skip
    shares = namesake_shares(out, identity_labels(out), unseen=0.1)
    identities = 7  # four Garcías, the lone call, Eike Vogt's account and order, the call
    assert shares[:5] == pytest.approx([(4 - 1 + 0.1) / identities] * 5)
    assert shares[5:8] == pytest.approx([0.1 / identities] * 3)
    assert np.isnan(shares[8])


def test_namesakes_are_the_people_the_identities_must_be() -> None:
    """Identities under one name that both hold a one-person value of one kind are two
    people; one without such a value could be either and adds nobody."""
    out = features(
        rec(first_name="Petra", last_name="Jung", email="pj@web.de", street="Ring",
            house_number="1", postal_code="10115"),
        rec(first_name="Petra", last_name="Jung", identifiers=("card:K-1",)),  # two receipts
        rec(first_name="Petra", last_name="Jung", identifiers=("card:K-1",)),
        rec(first_name="Nils", last_name="Ahrens", email="na@web.de"),
        rec(first_name="Nils", last_name="Ahrens", email="nils.ahrens@gmx.de"),
        rec(first_name="Nils", last_name="Ahrens", identifiers=("card:K-2",)),
        rec(first_name="Nils", last_name="Ahrens", identifiers=("card:K-3",)),
        rec(first_name="Ute", last_name="Brand", birth_date=date(1970, 1, 2)),
        rec(first_name="Ute", last_name="Brand", birth_date=date(1981, 5, 6)),
    )  # fmt: skip
    shares = namesake_shares(out, identity_labels(out), unseen=0.1)
    identities = 8  # Petra's account, her card; Nils: two mailboxes, two cards; two Utes
    assert shares[:3] == pytest.approx([0.1 / identities] * 3)  # a card beside an account
    # Two mailboxes are two people, two cards too; each card could be either mailbox.
    assert shares[3:7] == pytest.approx([(2 - 1 + 0.1) / identities] * 4)
    assert shares[7:] == pytest.approx([(2 - 1 + 0.1) / identities] * 2)  # two birth dates


def test_predicted_namesakes_count_the_bearers_seen() -> None:
    """Six identities named Jan, six named Kahl, one Jan Kahl among 36: independence
    predicts 36 * 6/36 * 6/36 = 1 Jan Kahl, and the frame shows one. Given that one, the
    other bearers are E[N | N >= 1] - 1 = 1 / (1 - e^-1) - 1 = 0.58 (a Poisson count N),
    not the whole prediction of 1 (`told_apart` 0: a frame that could tell nobody apart)."""
    out = _jan_kahl(lambda i: {"email": f"x{i}@web.de"})
    shares = namesake_shares(out, identity_labels(out), unseen=0.1, expected=True, told_apart=0)
    others = 1 / (1 - np.exp(-1)) - 1
    assert shares[0] == pytest.approx(others / 36)


def _jan_kahl(values: Any) -> pd.DataFrame:
    """One Jan Kahl (with a mailbox), five other Jans, five other Kahls, 25 others; the
    36 identities hold `values(i)` each."""
    jans = [rec(first_name="Jan", last_name=f"Name{i}", **values(i)) for i in range(5)]
    kahls = [rec(first_name=f"Vor{i}", last_name="Kahl", **values(i + 5)) for i in range(5)]
    rest = [rec(first_name=f"Vor{i}", last_name=f"Name{i}", **values(i + 10))
            for i in range(5, 30)]  # fmt: skip
    return features(
        rec(first_name="Jan", last_name="Kahl", email="jk@web.de"), *jans, *kahls, *rest
    )


def test_predicted_namesakes_hide_only_where_the_frame_cannot_tell_people_apart() -> None:
    """Where every identity holds a mailbox of its own, a second Jan Kahl would hold one
    too and be counted as a second person: none of the predicted bearers can hide behind
    the one seen. Where most hold only a card number of their own (or nothing), a second
    Jan Kahl would mostly conflict with nothing and could hide: the prediction stays."""
    mailboxes = _jan_kahl(lambda i: {"email": f"x{i}@web.de"})
    identities = identity_labels(mailboxes)
    named = full_name_codes(mailboxes) >= 0
    assert told_apart_share(mailboxes, identities, named) == pytest.approx(1.0)
    shares = namesake_shares(mailboxes, identities, unseen=0.1, expected=True)
    assert shares[0] == pytest.approx(0.1 / 36)
    cards = _jan_kahl(lambda i: {"identifiers": (f"card:K-{i}",)} if i % 2 else {})
    identities = identity_labels(cards)
    apart = told_apart_share(cards, identities, full_name_codes(cards) >= 0)
    # Jan Kahl's mailbox, 18 cards, 17 with nothing: only two card holders conflict.
    assert apart == pytest.approx(18 * 17 / (36 * 35))
    shares = namesake_shares(cards, identities, unseen=0.1, expected=True)
    others = 1 / (1 - np.exp(-1)) - 1
    assert shares[0] == pytest.approx((1 - apart) * others / 36)


def test_one_address_does_not_make_two_namesakes_one_person() -> None:
    """A father and a son of one name at one address, each with a mailbox of his own,
    are two people; a receipt at that address conflicts with neither."""
    home = {"street": "Ring", "house_number": "1", "postal_code": "10115"}
    out = features(
        rec(first_name="Dieter", last_name="Pohl", email="d.pohl@web.de", **home),
        rec(first_name="Dieter", last_name="Pohl", email="dieter.pohl@gmx.de", **home),
        rec(first_name="Dieter", last_name="Pohl", identifiers=("card:K-1",), **home),
        rec(first_name="Anke", last_name="Rohr", email="ar@web.de", **home),
    )  # fmt: skip
    shares = namesake_shares(out, identity_labels(out), unseen=0.1)
    identities = 4
    assert shares[:3] == pytest.approx([(2 - 1 + 0.1) / identities] * 3)


def test_a_name_at_seventy_addresses_or_birth_dates_is_seventy_people() -> None:
    """Addresses and birth dates are sets per identity, held as bits of their rank among
    the name's values: seventy of them need more than one machine word."""
    homes = [
        rec(first_name="Anna", last_name="Schulz", street=f"Weg {i}", house_number="1",
            postal_code="10115")
        for i in range(70)
    ]  # fmt: skip
    dates = [
        rec(first_name="Olaf", last_name="Kern", birth_date=date(1950 + i, 1, 2)) for i in range(70)
    ]
    again = rec(first_name="Anna", last_name="Schulz", street="Weg 69", house_number="1",
                postal_code="10115", birth_date=date(1990, 3, 4))  # fmt: skip
    out = features(*homes, *dates, again)
    shares = namesake_shares(out, identity_labels(out), unseen=0.1)
    identities = 141
    assert shares[:70] == pytest.approx([(70 - 1 + 0.1) / identities] * 70)
    assert shares[70:140] == pytest.approx([(70 - 1 + 0.1) / identities] * 70)
    assert shares[140] == pytest.approx((70 - 1 + 0.1) / identities)  # the 70th address's


def test_a_full_name_in_swapped_order_is_a_bearer_of_that_name() -> None:
    """`Schmidt Lea` (a form filled in the wrong order) is one more bearer of `Lea
    Schmidt`, not the only bearer of another name: two Lea Schmidts with a mailbox each
    are two people, and the receipt could be either of them."""
    out = features(
        rec(first_name="Lea", last_name="Schmidt", email="lea@web.de"),
        rec(first_name="Lea", last_name="Schmidt", email="schmidt@gmx.de"),
        rec(first_name="Schmidt", last_name="Lea", identifiers=("card:K-1",)),
    )
    assert len(set(full_name_codes(out).tolist())) == 1
    shares = namesake_shares(out, identity_labels(out), unseen=0.1)
    assert shares == pytest.approx([(2 - 1 + 0.1) / 3] * 3)


def test_names_in_swapped_order_weigh_as_the_full_name_does() -> None:
    """A call from `Schmidt Lea` is as likely another Lea Schmidt's as a call from `Lea
    Schmidt`: the order says how a form was filled in, not who filled it in."""
    records = frame(
        rec(first_name="Lea", last_name="Schmidt", email="lea@web.de", street="Ring",
            house_number="1", postal_code="10115"),
        rec(first_name="Lea", last_name="Schmidt", email="schmidt@gmx.de", street="Weg",
            house_number="2", postal_code="80331"),
        rec(source="hotline_call", first_name="Lea", last_name="Schmidt"),
        rec(source="hotline_call", first_name="Schmidt", last_name="Lea"),
        *[rec(first_name=f"Kunde{i}", last_name=f"Name{i}") for i in range(20)],
    )  # fmt: skip
    result = link_records(records, settings(review_threshold=1e-9, **SMALL))
    exact, swapped = _evidence(result, 1, 3), _evidence(result, 1, 4)
    assert (swapped["first_name"]["level"], swapped["last_name"]["level"]) == ("exact", "swapped")
    names = ("first_name", "last_name")
    assert sum(swapped[n]["weight"] for n in names) == pytest.approx(
        sum(exact[n]["weight"] for n in names), abs=1e-3
    )


def test_namesakes_of_some_names_are_those_of_the_whole_frame() -> None:
    """An incremental match counts only the names of its pairs: the same shares."""
    out = features(
        rec(first_name="Nils", last_name="Ahrens", email="na@web.de"),
        rec(first_name="Nils", last_name="Ahrens", email="nils.ahrens@gmx.de"),
        rec(first_name="Nils", last_name="Ahrens", identifiers=("card:K-2",)),
        rec(first_name="Ute", last_name="Brand", birth_date=date(1970, 1, 2)),
        rec(first_name="Ute", last_name="Brand", birth_date=date(1981, 5, 6)),
        rec(first_name="Ute", last_name="Ahrens", email="ua@web.de"),
        rec(first_name="Nils", last_name=None),
    )
    identities = identity_labels(out)
    whole = namesake_shares(out, identities, unseen=0.1, expected=True)
    wanted = np.zeros(len(out), dtype=bool)
    wanted[[1, 6]] = True  # a Nils Ahrens and a record without a full name
    some = namesake_shares(out, identities, unseen=0.1, expected=True, wanted=wanted)
    assert some[:3] == pytest.approx(whole[:3])
    assert np.isnan(some[3:]).all()


def test_a_name_of_one_identity_links_a_name_of_many_does_not() -> None:
    garcias = [
        rec(first_name="José", last_name="García", street=street, house_number="1",
            postal_code="10115", email=f"{street}@web.de")
        for street in ("Ring", "Weg", "Allee", "Markt")
    ]  # fmt: skip
    result = link_records(
        frame(
            *garcias,
            rec(source="hotline_call", first_name="José", last_name="García"),
            rec(first_name="Swantje", last_name="Größlich", email="sg@web.de", street="Ring",
                house_number="3", postal_code="10115"),
            rec(source="hotline_call", first_name="Swantje", last_name="Größlich"),
            *[rec(first_name=f"Kunde{i}", last_name=f"Name{i}") for i in range(20)],
        ),
        # The prior a fit finds when about one pair per person matches (1 in 27 people).
        settings(scoring={"min_records_for_tf": 2, "prior_match_probability": 0.04}),
    )  # fmt: skip
    clusters = result.clusters
    assert clusters[6] == clusters[7]  # the only Swantje Größlich
    assert all(clusters[5] != clusters[i] for i in range(1, 5))  # which José?


def test_small_frames_keep_the_levels_u() -> None:
    records = frame(
        rec(first_name="Manfred", last_name="Müller"),
        rec(first_name="Manni", last_name="Müller"),
        rec(first_name="Anna", last_name="Müller"),
    )
    plain = link_records(records, settings(review_threshold=1e-9))
    last = settings().comparison("last_name").ordered_levels()[0]
    weight = _evidence(plain, 1, 2)["last_name"]["weight"]
    assert weight == pytest.approx(np.log2(last.m / last.u), abs=1e-3)


def test_only_adjustable_levels_take_term_frequencies() -> None:
    data = settings().to_dict()
    data["comparisons"][0]["term_frequency"] = ["exact", "different"]
    with pytest.raises(ConfigError, match=r"term_frequency levels \['different'\]"):
        settings(comparisons=data["comparisons"])


def test_term_frequencies_follow_the_frame_not_its_order() -> None:
    records = frame(
        *[rec(first_name="Anna", last_name=n, email=f"{n}@web.de") for n in ("A", "B", "C")],
        rec(first_name="Anna", last_name="A"),
        ids=[4, 2, 9, 1],
    )
    first = link_records(records, settings(**SMALL))
    again = link_records(records.sample(frac=1, random_state=3), settings(**SMALL))
    pd.testing.assert_frame_equal(first.pairs, again.pairs)


def test_a_household_mailbox_counts_more_under_one_full_name() -> None:
    mailbox = "familie.weber@web.de"
    result = link_records(
        frame(
            rec(first_name="Anna", last_name="Weber", email=mailbox),
            rec(first_name="Anna", last_name="Weber", email=mailbox),
            rec(first_name="Jonas", last_name="Weber", email=mailbox),
            rec(email=mailbox),  # the family's nameless subscription
        ),
        settings(review_threshold=1e-9, **SMALL),
    )
    shared = settings().comparison("email").ordered_levels()[1]
    named, nameless = _evidence(result, 1, 2)["email"], _evidence(result, 1, 4)["email"]
    assert named["level"] == nameless["level"] == "shared"
    # Another Anna Weber in the Webers' household: a member as alike as two of the frame's
    # people (two Annas and a Jonas: 5/9), any member is not.
    alike = (2 / 3) ** 2 + (1 / 3) ** 2
    assert named["weight"] == pytest.approx(np.log2(shared.m / (shared.u * alike)), abs=1e-3)
    assert nameless["weight"] == pytest.approx(np.log2(shared.m / shared.u), abs=1e-3)


def test_a_household_mailbox_names_its_member_by_nickname_or_first_name_alone() -> None:
    mailbox = "familie.jaeger@web.de"
    result = link_records(
        frame(
            rec(first_name="Andreas", last_name="Jäger", email=mailbox),
            rec(first_name="Andy", last_name="Jäger", email=mailbox),  # his nickname
            rec(first_name="Andreas", email=mailbox),  # a signup without the surname
            rec(first_name="Monika", last_name="Jäger", email=mailbox),
            rec(first_name="Andreas", last_name="Jäger-Brandt", email=mailbox),  # a part
        ),
        settings(review_threshold=1e-9, **SMALL),
    )
    shared = settings().comparison("email").ordered_levels()[1]
    # Another Andreas in the Jägers' household: four Andreases (Andy too) and a Monika.
    member = np.log2(shared.m / (shared.u * ((4 / 5) ** 2 + (1 / 5) ** 2)))
    assert _evidence(result, 1, 2)["email"]["weight"] == pytest.approx(member, abs=1e-3)
    assert _evidence(result, 1, 3)["email"]["weight"] == pytest.approx(member, abs=1e-3)
    # A surname part may be another family's Andreas: any member's u.
    anyone = np.log2(shared.m / shared.u)
    assert _evidence(result, 1, 5)["email"]["weight"] == pytest.approx(anyone, abs=1e-3)


def test_alike_first_names_count_people_by_their_nickname_folded_names() -> None:
    out = features(
        rec(first_name="Andreas", email="andreas@web.de"),
        rec(first_name="Andy", email="andreas@web.de"),  # the same customer, by nickname
        rec(first_name="Andreas", email="a.j@web.de"),  # another Andreas
        rec(first_name="Monika", email="monika@web.de"),
        rec(first_name="M.", email="m@web.de"),  # an initial is no name
        rec(last_name="Jäger", email="j@web.de"),  # nor is none
    )
    # Three people: two Andreases and a Monika.
    share = alike_first_name_share(out, identity_labels(out))
    assert share == pytest.approx((2 / 3) ** 2 + (1 / 3) ** 2)
    nameless = features(rec(first_name="M.", email="m@web.de"), rec(last_name="Jäger"))
    assert alike_first_name_share(nameless, identity_labels(nameless)) == 1.0


def test_a_household_member_of_the_same_name_is_as_rare_as_the_frames_first_names() -> None:
    """The same pair on a family mailbox counts more among customers of many first names
    (another Horst in the household is unlikely) than among customers of few."""
    mailbox = "familie.weber@web.de"
    pair = [rec(first_name="Horst", last_name="Weber", email=mailbox)] * 2

    def weight(first_names: list[str]) -> float:
        others = [
            rec(first_name=name, last_name=f"L{i}", email=f"p{i}@web.de")
            for i, name in enumerate(first_names)
        ]
        result = link_records(frame(*pair, *others), settings(review_threshold=1e-9, **SMALL))
        evidence: float = _evidence(result, 1, 2)["email"]["weight"]
        return evidence

    shared = settings().comparison("email").ordered_levels()[1]
    varied = ["Anna", "Jonas", "Paul", "Lena", "Karl", "Sabine", "Dieter", "Gisela"]
    many = weight(varied)  # ten people, two of them Horst (the pair), eight other names
    few = weight(["Horst"] * 8)  # ten Horsts
    alike = 0.2**2 + 8 * 0.1**2
    assert many == pytest.approx(np.log2(shared.m / (shared.u * alike)), abs=1e-3)
    assert few == pytest.approx(np.log2(shared.m / shared.u), abs=1e-3)  # anyone is a Horst
    assert many > few + 3


def test_a_pinned_household_u_replaces_the_derived_one() -> None:
    mailbox = "familie.weber@web.de"
    pair = [rec(first_name="Horst", last_name="Weber", email=mailbox)] * 2
    pinned = {"scoring": {"min_records_for_tf": 2, "tf_same_name_household_u": 0.003}}
    result = link_records(frame(*pair), settings(review_threshold=1e-9, **pinned))
    shared = settings().comparison("email").ordered_levels()[1]
    assert _evidence(result, 1, 2)["email"]["weight"] == pytest.approx(
        np.log2(shared.m / 0.003), abs=1e-3
    )


def test_full_name_codes_name_the_same_full_names_as_their_texts() -> None:
    """Equal codes exactly where the joined names are equal (either order), -1 where a
    name is missing."""
    out = features(
        rec(first_name="Lea", last_name="Schmidt"),
        rec(first_name="Schmidt", last_name="Lea"),
        rec(first_name="Lea", last_name="Schmitt"),
        rec(first_name="Anna", last_name="Lea"),
        rec(first_name="Lea", last_name="Anna"),
        rec(first_name="Lea"),
        rec(last_name="Schmidt"),
        rec(first_name="Müller", last_name="Mueller"),
    )
    codes = full_name_codes(out)
    keys = zip(out["first_name_key"], out["last_name_key"], strict=True)
    texts = ["|".join(sorted((first, last))) if first and last else None for first, last in keys]
    assert ((codes < 0) == pd.isna(texts)).all()
    named = np.flatnonzero(codes >= 0)
    for left in named:
        for right in named:
            assert (codes[left] == codes[right]) == (texts[left] == texts[right])
    assert codes[0] == codes[1] != codes[2] and codes[3] == codes[4]


def test_a_counted_name_is_counted_for_all_its_bearers(monkeypatch: pytest.MonkeyPatch) -> None:
    """An incremental match scores its pairs in rounds: a later pair of a name counted
    in an earlier round finds every bearer's share in the memo."""
    out = features(
        rec(first_name="Nils", last_name="Ahrens", email="na@web.de"),
        rec(first_name="Nils", last_name="Ahrens", email="nils.ahrens@gmx.de"),
        rec(first_name="Nils", last_name="Ahrens", identifiers=("card:K-2",)),
        rec(first_name="Ute", last_name="Brand", birth_date=date(1970, 1, 2)),
    )
    config = settings(**SMALL)
    parameters = prior_parameters(config)
    nicknames = load_nicknames()

    def adjusted(pairs: npt.NDArray[np.int64], memo: dict[str, Any]) -> npt.NDArray[np.float32]:
        codes = compare_pairs(out, pairs, config.comparisons, nicknames)
        weights = level_weights(codes, parameters)
        return adjust_weights(weights, codes, pairs, out, config, parameters, memo)

    later = np.array([[0, 2]])
    alone = adjusted(later, {})
    memo: dict[str, Any] = {}
    adjusted(np.array([[0, 1]]), memo)
    assert memo["namesakes_counted"].tolist() == [True, True, True, False]
    monkeypatch.setattr(frequency, "namesake_shares", _counted_again)
    np.testing.assert_array_equal(adjusted(later, memo), alone)


def _counted_again(*args: object, **kwargs: object) -> None:
    raise AssertionError("a counted name was counted again")
