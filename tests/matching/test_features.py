from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from matching.catalog import PERSON_NAMESPACES
from matching.features import (
    SHARING_COLUMNS,
    build_features,
    feature_fingerprint,
    refreshed_features,
)
from tests.matching.helpers import features, frame, rec
from tests.matching.synthetic import synthetic_records


def test_sorted_by_record_id_with_derived_keys() -> None:
    records = frame(
        rec(first_name="Manni", last_name="Müller", email="M.Mueller@Web.de",
            street="Hauptstraße", house_number="12 a", birth_date=date(1980, 2, 1)),
        rec(first_name="M.", last_name="Koenig", birth_month_day="07-08"),
        ids=[9, 3],
    )  # fmt: skip
    out = build_features(records)
    assert out["record_id"].tolist() == [3, 9]
    koenig, mueller = out.iloc[0], out.iloc[1]
    assert mueller["first_name_nick"] == "manfred"
    assert mueller["last_name_key"] == "muller" and mueller["last_name_phonetic"] == "657"
    assert mueller["email"] == "m.mueller@web.de" and mueller["email_local"] == "m.mueller"
    assert mueller["street_key"] == "hauptstr" and mueller["house_number_key"] == "12a"
    assert (mueller["birth_year"], mueller["birth_month_day"]) == (1980, "02-01")
    assert koenig["first_is_initial"] and koenig["first_initial"] == "m"
    assert koenig["first_name_nick"] is None  # initials never block on a first name
    assert koenig["birth_year"] == -1 and koenig["birth_month_day"] == "07-08"


def test_missing_values_and_columns_are_tolerated() -> None:
    records = pd.DataFrame(
        {
            "first_name": ["  ", np.nan],
            "last_name": [None, "Groß"],
            "identifiers": [None, ()],
            "birth_date": [pd.NaT, "1980-02-01"],  # ISO text after a JSON round trip
        },
        index=[1, 2],
    )
    out = build_features(records)
    assert out["birth_date_key"].tolist() == [None, "1980-02-01"]
    assert out["first_name_key"].isna().all()
    assert out["name_tokens"].tolist() == [None, "gross"]
    assert out["identifiers"].tolist() == [(), ()]
    assert out["salutation"].isna().all()  # absent column


def _shared(out: pd.DataFrame, column: str) -> list[bool]:
    return out[column].tolist()


def test_family_mailbox_is_shared_a_personal_one_is_not() -> None:
    out = features(
        rec(first_name="Hans", last_name="Müller", email="familie@web.de"),
        rec(first_name="Helga", last_name="Mueller", email="familie@web.de"),
        rec(first_name="Manni", last_name="Baumann", email="mb@web.de"),
        rec(first_name="Manfred", last_name="Baumann", email="mb@web.de"),  # nickname
        rec(first_name="Baumann", last_name="Manfred", email="mb@web.de"),  # swapped
        rec(email="mb@web.de"),  # nameless: proves nothing
    )
    assert _shared(out, "email_shared") == [True, True, False, False, False, False]


def test_identifier_carried_by_one_name_is_unique() -> None:
    out = features(
        rec(first_name="M.", last_name="Koenig", identifiers=("card:K-004711",)),
        rec(first_name="Marlene", last_name="König", identifiers=("card:K-004711",)),
        rec(identifiers=("card:K-004711", "coupon:WILLKOMMEN10")),  # a receipt without name
        rec(first_name="Jürgen", last_name="Weiß", identifiers=("coupon:WILLKOMMEN10",)),
        rec(first_name="Björn", last_name="Groß", identifiers=("coupon:WILLKOMMEN10",)),
    )
    assert out["identifiers_unique"].tolist() == [
        ("card:K-004711",), ("card:K-004711",), ("card:K-004711",), (), (),
    ]  # fmt: skip
    assert out["identifiers_common"].tolist()[2:] == [("coupon:WILLKOMMEN10",)] * 3


def test_a_one_name_carrier_contradicting_the_full_name_shares_the_value() -> None:
    out = features(
        rec(first_name="Hans", last_name="Müller", phone_alt="+49711234567"),
        rec(last_name="Schmidt", phone="+49711234567"),  # another surname, no first name
        rec(first_name="Erika", last_name="Muster", phone="+4915112345678"),
        rec(last_name="Mustermann", phone="+4915112345678"),
        rec(first_name="Eva", last_name="Roth", phone="+4916012345678"),
        rec(first_name="Eva", phone="+4916012345678"),  # consistent with Eva Roth
    )
    assert _shared(out, "phone_alt_shared")[0] is True
    assert _shared(out, "phone_shared") == [False, True, True, True, False, False]


def test_a_familie_mailbox_is_shared_even_with_one_name() -> None:
    out = features(
        rec(first_name="Jonas", last_name="Beck", email="familie.beck@yahoo.de"),
        rec(email="familie.beck@yahoo.de"),  # the newsletter: no name at all
        rec(first_name="Jonas", last_name="Beck", email="family-beck@web.de"),
        rec(first_name="Fam", last_name="Ous", email="famous@web.de"),  # not "fam."
    )
    assert _shared(out, "email_shared") == [True, True, True, False]


@pytest.mark.parametrize(
    ("first", "last", "email", "named"),
    [
        ("Christina", "Schmidt", "christina.schmidt@web.de", True),
        ("Christina", "Schmidt", "cschmidt.16@posteo.de", True),  # digits are no name
        ("Jürgen", "Lange", "juergen60@gmail.com", True),  # first name only, DIN folding
        ("Jürgen", "Lange", "schnecke77@gmail.com", False),  # a chosen nickname
        (None, None, "christina.schmidt@web.de", False),  # no names to spell it from
    ],
)
def test_mailbox_names_spelled_from_the_names(
    first: str | None, last: str | None, email: str, named: bool
) -> None:
    out = features(rec(first_name=first, last_name=last, email=email))
    assert bool(out["email_local_named"].iloc[0]) is named


def test_kinds_of_phone_and_person_identifier() -> None:
    out = features(
        rec(phone="+4915112345678", phone_alt="+49711234567",
            identifiers=("card:K-1", "shop_order:#1", "shop_customer:7")),
        rec(phone="+49711234567", identifiers=("shop_order:#2", "coupon:X")),
        rec(),
    )  # fmt: skip
    assert out["phone_kinds"].tolist() == ["fixed mobile", "fixed", None]
    assert out["identifier_kinds"].tolist() == ["card shop_customer", None, None]


def test_places_of_landlines_and_cities() -> None:
    out = features(
        rec(phone="+4915112345678", phone_alt="+49711234567"),  # the second number is fixed
        rec(phone="+49711999999", city="Halle (Saale)"),  # the city is the record's place
        rec(phone="+4915112345678"),
    )
    assert out["phone_place"].tolist() == ["stuttgart", "stuttgart", None]
    assert out["place_key"].tolist() == ["stuttgart", "halle", None]


def test_person_namespaces_are_the_schemas_ones() -> None:
    from schemas.sources.builder import PERSON_ID_NAMESPACES

    assert set(PERSON_NAMESPACES) == {n.rstrip(":") for n in PERSON_ID_NAMESPACES}


def test_kept_columns_with_the_changed_records_recomputed_are_the_whole_frames() -> None:
    """An incremental match keeps the columns of an earlier match and recomputes only the
    new and changed records: the same frame as computing every record again, sharing too
    (a mobile another name now carries is shared)."""
    before = frame(
        rec(first_name="Anna", last_name="Berg", phone="+4917011111111"),
        rec(first_name="Olaf", last_name="Kern", identifiers=("card:K-1",)),
        rec(first_name="Eva", last_name="Roth", email="eva@web.de"),
        ids=[1, 2, 3],
    )
    stored = build_features(before)
    now = frame(
        rec(first_name="Anna", last_name="Berg", phone="+4917011111111"),
        rec(first_name="Eva", last_name="Roth", email="eva.roth@gmx.de"),  # changed
        rec(first_name="Udo", last_name="Lenz", phone="+4917011111111"),  # new
        ids=[1, 3, 7],
    )  # record 2 is gone
    changed = now.loc[[3, 7]]
    refreshed, rewritten = refreshed_features(stored, changed, now.index)
    pd.testing.assert_frame_equal(refreshed, build_features(now))
    assert refreshed["phone_shared"].tolist() == [True, False, True]
    # Anna's row changed with Udo's mobile: stored again with the recomputed ones
    assert refreshed["record_id"][rewritten].tolist() == [1, 3, 7]


def test_the_fingerprint_follows_the_nickname_lists(tmp_path: Path) -> None:
    extra = tmp_path / "nicknames.csv"
    extra.write_text("Hinnerk,Heinrich\n", encoding="utf-8")
    shipped = feature_fingerprint()
    assert feature_fingerprint() == shipped
    extended = feature_fingerprint((str(extra),))
    assert extended != shipped
    extra.write_text("Hinnerk,Heinrich,Hinni\n", encoding="utf-8")  # edited in place
    assert feature_fingerprint((str(extra),)) not in (shipped, extended)


def test_refreshed_columns_equal_recomputed_ones_after_many_edits() -> None:
    """Synthetic households (shared landlines and family mailboxes, typos): a third of the
    records edited (emails and phones swapped between people, so values become and stop
    being shared), some removed, some added."""
    records, _ = synthetic_records(400, seed=11)
    stored = build_features(records)
    rng = np.random.default_rng(5)
    ids = records.index.to_numpy()
    edited = records.copy()
    chosen = rng.choice(ids, size=len(ids) // 3, replace=False)
    donors = rng.choice(ids, size=len(chosen))
    for column in ("email", "phone", "identifiers"):
        swap = rng.random(len(chosen)) < 0.5
        edited.loc[chosen[swap], column] = records.loc[donors[swap], column].to_numpy()
    removed = rng.choice(np.setdiff1d(ids, chosen), size=20, replace=False)
    added = records.loc[rng.choice(ids, size=30, replace=False)].copy()
    added.index = pd.RangeIndex(ids.max() + 1, ids.max() + 31)
    now = pd.concat([edited.drop(index=removed), added])
    changed = now.loc[np.concatenate([np.setdiff1d(chosen, removed), added.index.to_numpy()])]
    refreshed, rewritten = refreshed_features(stored, changed, now.index)
    expected = build_features(now)
    pd.testing.assert_frame_equal(refreshed, expected)
    sharing = list(SHARING_COLUMNS)
    before = stored.set_index("record_id").reindex(expected["record_id"])[sharing]
    differs = (before.to_numpy() != expected[sharing].to_numpy()).any(axis=1)
    assert differs.sum() > len(changed)  # values became shared or personal beyond the edits
    assert not (differs & ~rewritten).any()  # every changed row is stored again
