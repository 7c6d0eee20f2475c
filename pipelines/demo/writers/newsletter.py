"""Newsletter: Mailchimp audience exports, one CSV per list status (SOURCES.md §3).

The first export holds the whole audience; later ones the members changed that day (new
sign-ups, unsubscribes, bounces, a mover's new address), keyed by the same `LEID`. The
three files land flat on most days and inside `newsletter_export_<day>.zip`, under
Mailchimp's own member names, on the last day. Imported members have no OPTIN_TIME and
CONFIRM_TIME = the import time, which is no double opt-in.
"""

from __future__ import annotations

import random
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TextIO

from pipelines.demo.corrupt import (
    NORMAL,
    Difficulty,
    email_text,
    person_name,
    phone_text,
    street_name,
)
from pipelines.demo.draw import Weighted
from pipelines.demo.files import Bundle, LineRenderer, text_file
from pipelines.demo.formats import BERLIN, ExportDay, naive_utc
from pipelines.demo.ledger import Ledger
from pipelines.demo.people import Person, alternate_email

SUBSCRIBED_HEADER = (
    "Email Address,First Name,Last Name,Address,Phone Number,Birthday,MEMBER_RATING,"
    "OPTIN_TIME,OPTIN_IP,CONFIRM_TIME,CONFIRM_IP,LATITUDE,LONGITUDE,GMTOFF,DSTOFF,TIMEZONE,"
    "CC,REGION,LAST_CHANGED,LEID,EUID,NOTES,TAGS"
).split(",")
UNSUBSCRIBED_HEADER = SUBSCRIBED_HEADER + (
    "UNSUB_TIME,UNSUB_CAMPAIGN_TITLE,UNSUB_CAMPAIGN_ID,UNSUB_REASON,UNSUB_REASON_OTHER"
).split(",")
CLEANED_HEADER = SUBSCRIBED_HEADER + "CLEAN_TIME,CLEAN_CAMPAIGN_TITLE,CLEAN_CAMPAIGN_ID".split(",")
STATUSES = ("subscribed", "unsubscribed", "cleaned")
_HEADERS = dict(
    zip(STATUSES, (SUBSCRIBED_HEADER, UNSUBSCRIBED_HEADER, CLEANED_HEADER), strict=True)
)

_INITIAL_STATUS = Weighted(STATUSES, (85, 12, 3))
MEMBER_SHARE = 0.25  # of persons with an email
SECOND_MEMBER = 0.02  # persons subscribed twice (a work address)
IMPORTED = 0.2  # members added by import: no double opt-in evidence
JOINS, LEAVES, BOUNCES, EDITS = 0.0012, 0.0005, 0.0001, 0.0005  # per person and day
LIST_ID = "15d17415eb"
_CAMPAIGNS = (("Muttertag 2024", "9f8e7d6c5b"), ("Frühjahrsputz Angebote", "8e7d6c5b4a"))
_REASONS = ("Ich erhalte zu viele E-Mails", "Die Inhalte sind nicht relevant", "", "")
_TAGS = ('"Online-Shop"', '"Gewinnspiel"', '"Filiale"', '"Import Messe 2023"')
_PHONE_STYLES = ("intl", "slash", "spaced", "intl0", "e164")


@dataclass(slots=True, eq=False)
class Member:
    leid: int
    euid: str
    person: Person
    email: str
    status: str
    joined: datetime
    imported: bool
    changed: datetime
    left: datetime | None = None
    reported: bool = False


class Newsletter:
    """The audience and its daily exports."""

    def __init__(
        self, people: list[Person], start: date, seed: int, difficulty: Difficulty = NORMAL
    ) -> None:
        self.noise = difficulty.noise("newsletter_member")
        self.seed = seed
        self.rng = random.Random(f"{seed}:newsletter")
        self.people = people
        self.leid = 123456700
        self.members: list[Member] = []
        midnight = datetime(start.year, start.month, start.day, tzinfo=BERLIN)
        for person in people:
            if not person.email or self.rng.random() >= MEMBER_SHARE:
                continue
            emails = [person.email]
            if self.rng.random() < SECOND_MEMBER:
                emails.append(alternate_email(person, self.rng))
            for email in emails:
                joined = midnight - timedelta(seconds=self.rng.randrange(5 * 365 * 86400))
                status = _INITIAL_STATUS.pick(self.rng)
                member = self._member(person, email, joined, status)
                if status != "subscribed":
                    span = int((midnight - joined).total_seconds())
                    member.left = joined + timedelta(seconds=self.rng.randrange(max(span, 1)))
                    member.changed = member.left
                self.members.append(member)
        self._subscribed_emails = {m.email for m in self.members}

    def _member(self, person: Person, email: str, joined: datetime, status: str) -> Member:
        self.leid += self.rng.randint(1, 9)
        euid = f"{self.rng.getrandbits(40):010x}"
        imported = self.rng.random() < IMPORTED
        return Member(self.leid, euid, person, email, status, joined, imported, joined)

    def _changes(self, day: ExportDay, people: int) -> list[Member]:
        """Members whose LAST_CHANGED falls on this day (everyone on the first day)."""
        if day.index == 0:
            return self.members
        rng = self.rng
        changed: dict[int, Member] = {}
        for _ in range(round(people * JOINS)):
            person = rng.choice(self.people)
            if person.email and person.email not in self._subscribed_emails:
                self._subscribed_emails.add(person.email)
                member = self._member(person, person.email, day.at(rng), "subscribed")
                member.imported = False
                self.members.append(member)
                changed[member.leid] = member
        subscribed = [m for m in self.members if m.status == "subscribed"]
        for status, rate in (("unsubscribed", LEAVES), ("cleaned", BOUNCES)):
            for _ in range(round(people * rate)):
                member = rng.choice(subscribed)
                if member.leid not in changed:
                    member.status, member.left = status, day.at(rng)
                    member.changed = member.left
                    changed[member.leid] = member
        movers = [m for m in self.members if m.person.household.moved_day == day.index]
        for member in movers + [rng.choice(self.members) for _ in range(round(people * EDITS))]:
            if member.leid not in changed:
                member.changed = day.at(rng)
                changed[member.leid] = member
        return sorted(changed.values(), key=lambda m: m.leid)

    def write_day(self, landing: Path, day: ExportDay, people: int, ledger: Ledger) -> None:
        members = self._changes(day, people)
        renderer = LineRenderer(lineterminator="\n")
        with ExitStack() as stack:
            bundle = None
            if day.last:  # one zip, under Mailchimp's own member names
                stamp = datetime(day.day.year, day.day.month, day.day.day, 6, 0, 0)
                path = landing / f"newsletter_export_{day.stamp}"
                bundle = stack.enter_context(Bundle(path, zipped=True, stamp=stamp))
            for status in STATUSES:  # one file after the other: a zip takes one writer
                if bundle is not None:
                    target = bundle.member(f"{status}_members_export_{LIST_ID}.csv")
                else:
                    target = text_file(landing / f"newsletter_{status}_{day.stamp}.csv")
                    ledger.file(f"newsletter_{status}")
                with target as handle:
                    handle.write(renderer.render(_HEADERS[status]))
                    for member in members:
                        if member.status == status:
                            self._write(handle, renderer, member, day.index, ledger)
        if day.last:
            ledger.file("newsletter_export")

    def _write(
        self, handle: TextIO, renderer: LineRenderer, member: Member, day: int, ledger: Ledger
    ) -> None:
        row, invalid = self._row(member, day)
        handle.write(renderer.render(row))
        # A family mailbox with no name, phone or birthday is the family's subscription:
        # nothing in it names a member, so the truth credits none of them.
        family = member.email == member.person.household.family_email
        ledger.row(
            "newsletter_member",
            str(member.leid),
            member.person,
            invalid=invalid,
            first=not member.reported,
            attributed=not family or any(row[1:3]) or any(row[4:6]),
        )
        member.reported = True

    def _row(self, member: Member, day: int) -> tuple[list[str], bool]:
        person, noise = member.person, self.noise
        rng = random.Random(self.seed * 1_000_003 + member.leid)
        invalid = rng.random() < noise.invalid
        email = email_text(member.email, rng, noise)
        first, last = person_name(person.first, person.last, rng, noise)
        if rng.random() < noise.missing:
            first = last = ""
        elif rng.random() < 0.1:
            last = ""
        phone = ""
        if (number := person.phone(rng)) and rng.random() < 0.15:
            phone = phone_text(person.gave(number), rng.choice(_PHONE_STYLES))
        birthday = f"{person.birth.month:02d}/{person.birth.day:02d}" if rng.random() < 0.2 else ""
        if invalid:  # a day no calendar has
            birthday = rng.choice(("02/30", "02/31", "13/01", "04/31"))
        address = ""  # drawn after the fields above: a move must not change them
        place = person.address_on(day)
        if rng.random() < 0.25:
            street = f"{street_name(place.street, rng, noise.street)} {place.number}"
            gap = "    " if rng.random() < 0.5 else "  "  # an empty addr2 leaves four blanks
            city = place.city
            address = f"{street}{gap}{city.name}  {city.region}  {place.postcode}  DE"
        ip = ".".join(str(rng.randint(low, 254)) for low in (2, 0, 0, 1))
        optin = confirm = confirm_ip = optin_ip = ""
        latitude = longitude = gmtoff = dstoff = timezone = region = ""
        if member.imported:
            confirm = naive_utc(member.joined)
            notes, tags = "Import Messeliste 2023", '"Import Messe 2023"'
        else:
            optin, optin_ip = naive_utc(member.joined), ip
            confirm = naive_utc(member.joined + timedelta(seconds=rng.randint(30, 7200)))
            confirm_ip = ip
            notes = ""
            tags = ",".join(sorted(set(rng.sample(_TAGS[:3], rng.randint(0, 2)))))
            if rng.random() < 0.6:
                city = place.city
                latitude = f"{city.latitude + rng.uniform(-0.05, 0.05):.7f}"
                longitude = f"{city.longitude + rng.uniform(-0.05, 0.05):.7f}"
                gmtoff, dstoff, timezone, region = "1", "2", "Europe/Berlin", city.region
        row = [
            email, first, last, address, phone, birthday,
            str(rng.randint(1, 5)), optin, optin_ip, confirm, confirm_ip, latitude, longitude,
            gmtoff, dstoff, timezone, "DE", region, naive_utc(member.changed), str(member.leid),
            member.euid, notes, tags,
        ]  # fmt: skip
        if member.status == "unsubscribed":
            title, campaign = rng.choice(_CAMPAIGNS)
            row += [naive_utc(member.left or member.changed), title, campaign,
                    rng.choice(_REASONS), ""]  # fmt: skip
        elif member.status == "cleaned":
            title, campaign = rng.choice(_CAMPAIGNS)
            row += [naive_utc(member.left or member.changed), title, campaign]
        return row, invalid
