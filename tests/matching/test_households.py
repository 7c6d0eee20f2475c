"""People under one roof stay apart; one person's spelling variants do not.

A household shares surname, address and landline (sometimes a mailbox), which is most of
what a record holds: a different first name or birth date must outweigh all of it, and a
record that fits two members must not chain them into one person. Hand-made records,
scored with the shipped priors (too few records to estimate anything).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
import pytest

from matching.linker import link_records
from tests.matching.helpers import frame, rec

HOME: dict[str, Any] = {
    "last_name": "Weber", "street": "Lindenstraße", "house_number": "12",
    "postal_code": "70173", "city": "Stuttgart", "phone_alt": "+49711234567",
}  # fmt: skip


def _member(first: str, birth: date | None, **fields: Any) -> list[dict[str, Any]]:
    """A member's shop account and a postcard with the same data, as two sources hold it."""
    person = {**HOME, "first_name": first, "birth_date": birth, **fields}
    return [
        rec(**person, source="shop_customer", source_key=f"{first}{birth}"),
        rec(**person, source="postcard", source_key=f"card-{first}{birth}"),
    ]


def _persons(*members: list[dict[str, Any]]) -> tuple[pd.Series, list[list[int]]]:
    """Clusters by record id, and each member's record ids."""
    records, ids = [], []
    for member in members:
        ids.append(list(range(len(records) + 1, len(records) + len(member) + 1)))
        records.extend(member)
    return link_records(frame(*records)).clusters, ids


def _apart(clusters: pd.Series, ids: list[list[int]]) -> None:
    for member in ids:  # each member is one person …
        assert clusters[member].nunique() == 1, (member, clusters.to_dict())
    labels = [clusters[member[0]] for member in ids]  # … and no two members are one
    assert len(set(labels)) == len(labels), clusters.to_dict()


def test_a_household_stays_separate_persons() -> None:
    clusters, ids = _persons(
        _member("Anna", date(1968, 3, 2), salutation="Frau"),
        _member("Bernd", date(1966, 7, 11), salutation="Herr"),
        _member("Jonas", date(1995, 1, 30), salutation="Herr"),
    )
    _apart(clusters, ids)


def test_a_household_sharing_a_family_mailbox_stays_separate() -> None:
    mailbox = {"email": "familie.weber@web.de"}
    clusters, ids = _persons(
        _member("Anna", date(1968, 3, 2), **mailbox),
        _member("Bernd", date(1966, 7, 11), **mailbox),
    )
    _apart(clusters, ids)


def test_twins_stay_separate() -> None:
    """Same surname, birth date, address and landline: only the first name differs."""
    born = date(2001, 5, 5)
    clusters, ids = _persons(_member("Lena", born), _member("Laura", born))
    _apart(clusters, ids)


def test_father_and_son_of_one_name_stay_separate() -> None:
    """No jun./sen. anywhere: the birth dates alone tell Thomas Weber from Thomas Weber."""
    clusters, ids = _persons(
        _member("Thomas", date(1961, 9, 14)), _member("Thomas", date(1989, 2, 3))
    )
    _apart(clusters, ids)


def test_a_record_fitting_father_and_son_does_not_chain_them() -> None:
    """A call from the landline as `Weber Thomas`, no birth date: it may join either, never
    both (a different birth date vetoes the merge)."""
    call = [rec(**HOME, first_name="Thomas", source="hotline_call", source_key="c1")]
    clusters, ids = _persons(
        _member("Thomas", date(1961, 9, 14)), _member("Thomas", date(1989, 2, 3)), call
    )
    _apart(clusters, ids[:2])


@pytest.mark.parametrize(
    ("first", "last"),
    [
        ("Bernd", "Webre"),  # a typo in the surname
        ("Bernt", "Weber"),  # a typo in the first name
        ("Hans", "Weber"),  # Johannes' nickname
        ("Weber", "Johannes"),  # first and last name swapped
    ],
)
def test_one_person_written_differently_is_one_person(first: str, last: str) -> None:
    given = "Bernd" if first in ("Bernd", "Bernt") else "Johannes"
    born = date(1966, 7, 11)
    clusters, ids = _persons(
        _member(given, born),
        [
            rec(
                **{**HOME, "first_name": first, "last_name": last, "birth_date": born},
                source="helpdesk_user",
                source_key="h1",
            )
        ],  # fmt: skip
        _member("Anna", date(1968, 3, 2)),
    )
    assert clusters[ids[0][0]] == clusters[ids[1][0]], clusters.to_dict()
    _apart(clusters, [ids[0] + ids[1], ids[2]])


def test_a_transliterated_surname_is_one_person() -> None:
    """Müller / Mueller / Muller: keyboards and agents without umlauts."""
    home = {k: v for k, v in HOME.items() if k != "last_name"}
    born = date(1975, 4, 20)
    spellings = ("Müller", "Mueller", "Muller")
    records = [
        rec(**home, first_name="Jürgen", last_name=last, birth_date=born, source_key=last)
        for last in spellings
    ]
    records.append(
        rec(**home, first_name="Jürgen", last_name="Müller", birth_date=date(2003, 4, 1))
    )
    clusters = link_records(frame(*records)).clusters
    assert clusters[1] == clusters[2] == clusters[3]
    assert clusters[4] != clusters[1]  # the son of the same name
