"""The hard cases the demo set exists for: households, namesakes, movers, duplicates,
the quirks of each export; and the encodings and containers the sources really use."""

from __future__ import annotations

import csv
import io
import random
import zipfile
from collections import Counter, defaultdict
from datetime import date

from pipelines.demo import START
from pipelines.demo.corrupt import DIFFICULTIES
from pipelines.demo.people import Person, synthesize_people
from tests.pipelines.demo.conftest import Demo
from tests.pipelines.demo.helpers import (
    dict_rows,
    members,
    newsletter_lists,
    pos_transactions,
    read_truth,
)


def _person_of(demo: Demo) -> dict[tuple[str, str], str]:
    return {(r["source"], r["source_key"]): r["person_id"] for r in read_truth(demo.truth)}


def _shop_rows(demo: Demo, day: date) -> list[dict[str, str]]:
    return dict_rows((demo.landing / f"shop_customers_{day.isoformat()}.csv").read_bytes())


def _postcards(demo: Demo) -> list[dict[str, str]]:
    rows = []
    for path in sorted(demo.landing.glob("promo_postcards_*.csv")):
        rows += dict_rows(path.read_bytes(), encoding="cp1252", delimiter=";")
    return rows


def test_households_share_address_and_landline_but_not_identity() -> None:
    people = synthesize_people(3000, random.Random(1), START, 3)
    homes = defaultdict(list)
    for person in people:
        homes[person.household.hid].append(person)
    shared = [members for members in homes.values() if len(members) > 1]
    assert len(shared) > 300
    for members_ in shared:
        assert len({p.person_id for p in members_}) == len(members_)
        assert len({(p.first, p.birth) for p in members_}) == len(members_)
        assert len({p.household.address for p in members_}) == 1
        assert len({p.landline for p in members_}) == 1
        # The same first name twice only for father and son, told apart by jun./sen.
        firsts = [p.first for p in members_]
        if len(set(firsts)) < len(firsts):
            assert {p.suffix for p in members_ if firsts.count(p.first) > 1} == {"jun.", "sen."}
    assert sum(1 for m in shared if len({p.last for p in m}) == 1) > 0.7 * len(shared)


def test_households_appear_as_different_persons_at_one_address(large_demo: Demo) -> None:
    person = _person_of(large_demo)
    at_address = defaultdict(set)
    for row in _shop_rows(large_demo, START):
        key = ("shop_customer", row["Customer ID"].removeprefix("'"))
        if key in person:
            address = (row["Default Address Address1"], row["Default Address Zip"].lstrip("'"))
            at_address[address].add(person[key])
    assert sum(1 for persons in at_address.values() if len(persons) > 1) > 20


def test_namesakes_live_in_different_places(large_demo: Demo) -> None:
    person = _person_of(large_demo)
    cities = defaultdict(set)
    for row in _shop_rows(large_demo, START):
        key = ("shop_customer", row["Customer ID"].removeprefix("'"))
        if (row["First Name"], row["Last Name"]) == ("Thomas", "Müller") and key in person:
            cities[person[key]].add(row["Default Address City"])
    assert len(cities) >= 5  # several different Thomas Müller
    assert len(set().union(*cities.values())) >= 3


def test_same_person_has_two_shop_accounts(large_demo: Demo) -> None:
    per_person = defaultdict(set)
    for (source, key), pid in _person_of(large_demo).items():
        if source == "shop_customer":
            per_person[pid].add(key)
    assert sum(1 for keys in per_person.values() if len(keys) > 1) > 50


def test_movers_change_address_between_snapshots(large_demo: Demo) -> None:
    first = {r["Customer ID"]: r["Default Address Address1"] for r in _shop_rows(large_demo, START)}
    last_day = date.fromordinal(START.toordinal() + large_demo.summary.days - 1)
    last = {
        r["Customer ID"]: r["Default Address Address1"] for r in _shop_rows(large_demo, last_day)
    }
    moved = [cid for cid, street in first.items() if cid in last and last[cid] != street]
    assert len(moved) > 20
    assert len(last) > len(first)  # accounts opened during the export days


def test_source_quirks_are_all_there(large_demo: Demo) -> None:
    landing = large_demo.landing
    utf8 = [p for p in sorted(landing.glob("*.*")) if p.suffix in (".csv", ".ndjson")]
    text = "".join(p.read_text(encoding="utf-8") for p in utf8 if not p.name.startswith("promo_"))
    for quirk in ("Mueller", "Müller", "Strasse", "str.", "'0", "+49 (0)", "0049", "(0", "/ ",
                  "@Web.de", "Dr. ", "von ", "zu Guttenberg"):  # fmt: skip
        assert quirk in text, quirk
    names = [r["KUNDE_NAME"] for p in sorted(landing.glob("pos_dsfinvk_*"))
             for r in pos_transactions(landing, p.name)]  # fmt: skip
    assert any(", " in n for n in names)  # "Nachname, Vorname"
    assert sum(1 for n in names if not n) > len(names) / 2  # most receipts are anonymous


def test_postcards_are_typed_in_excel_on_windows(large_demo: Demo) -> None:
    for path in sorted(large_demo.landing.glob("promo_postcards_*.csv")):
        data = path.read_bytes()
        assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("cp1252")
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            continue
        raise AssertionError(f"{path.name} decodes as UTF-8 too")
    cards = _postcards(large_demo)
    assert any(len(c["PLZ"]) == 4 for c in cards)  # Excel ate the leading zero
    assert any(c["Geburtsdatum"].count(".") == 2 and len(c["Geburtsdatum"].split(".")[2]) == 2
               for c in cards)  # fmt: skip
    assert {"x", "ja", "Ja"} <= {c["Einwilligung Newsletter"] for c in cards}
    assert any(
        ",de" in c["E-Mail"] or ",com" in c["E-Mail"] or ",net" in c["E-Mail"] for c in cards
    )


def test_export_zip_holds_the_three_mailchimp_lists(demo: Demo) -> None:
    last_day = date.fromordinal(START.toordinal() + demo.summary.days - 1)
    zipped = demo.landing / f"newsletter_export_{last_day.isoformat()}.zip"
    with zipfile.ZipFile(zipped) as archive:
        names = archive.namelist()
        assert all(info.date_time[:3] == last_day.timetuple()[:3] for info in archive.infolist())
    assert sorted(names) == sorted(
        f"{status}_members_export_15d17415eb.csv"
        for status in ("subscribed", "unsubscribed", "cleaned")
    )
    headers = [
        next(csv.reader(io.StringIO(data.decode())))
        for data in members(demo.landing, zipped.name).values()
    ]
    assert all(h[0] == "Email Address" and h[19] == "LEID" for h in headers)
    assert "UNSUB_TIME" in headers[1] and "CLEAN_TIME" in headers[2]


def test_imported_members_have_no_double_opt_in(large_demo: Demo) -> None:
    name = f"newsletter_subscribed_{START}.csv"
    rows = [row for rows in newsletter_lists(large_demo.landing, name) for row in rows]
    imported = [r for r in rows if not r["OPTIN_TIME"]]
    assert imported and all(r["CONFIRM_TIME"] and not r["CONFIRM_IP"] for r in imported)
    assert any(r["OPTIN_TIME"] and r["CONFIRM_TIME"] for r in rows)


def test_hard_people_hold_more_of_the_hard_cases() -> None:
    """`hard` has twins, more fathers and sons of one name, more shared family mailboxes
    and mobiles than `normal`, from the same seed."""

    def cases(difficulty: str) -> Counter[str]:
        people = synthesize_people(3000, random.Random(1), START, 7, DIFFICULTIES[difficulty])
        homes: defaultdict[int, list[Person]] = defaultdict(list)
        for person in people:
            homes[person.household.hid].append(person)
        found: Counter[str] = Counter()
        for members_ in homes.values():
            births = [p.birth for p in members_[2:]]
            found["twins"] += len(births) != len(set(births))
            found["same name"] += any(p.suffix == "jun." for p in members_)
            found["family mailbox"] += members_[0].household.family_email is not None
            mobiles = [p.mobile for p in members_ if p.mobile]
            found["shared mobile"] += len(mobiles) != len(set(mobiles))
            found["movers"] += members_[0].household.moved_day is not None
        return found

    normal, hard = cases("normal"), cases("hard")
    assert normal["twins"] == normal["shared mobile"] == 0
    assert hard["twins"] > 0 and hard["shared mobile"] > 0
    for case in ("same name", "family mailbox", "movers"):
        assert hard[case] > normal[case], case
