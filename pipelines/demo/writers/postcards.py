"""Street-promotion postcards typed into Excel (SOURCES.md §5b): `;`, Windows-1252, CRLF.

Temp staff type handwriting: `Weiss` for `Weiß`, the `web,de` comma, two-digit years,
x/ja/Ja ticks; Excel eats the leading zero of postcodes (`1067`) and phone numbers, and
letters Windows-1252 lacks (`ı` in Yıldız) become `?`. Each card hands out a personal
coupon code that the person may later redeem in the shop or a store.
"""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from pipelines.demo.corrupt import (
    NORMAL,
    Difficulty,
    email_text,
    invalid_email,
    person_name,
    phone_text,
    street_name,
)
from pipelines.demo.draw import Weighted
from pipelines.demo.files import LineRenderer, text_file
from pipelines.demo.formats import ExportDay, german_date
from pipelines.demo.ledger import Ledger
from pipelines.demo.people import Person
from pipelines.demo.writers.coupons import CAMPAIGNS, Campaign, Coupons

HEADER = (
    "Aktion;Standort;Erfassungsdatum;Karten-Nr.;Anrede;Titel;Vorname;Nachname;Straße;"
    "Hausnummer;PLZ;Ort;Telefon;E-Mail;Geburtsdatum;Einwilligung Newsletter;"
    "Einwilligung Telefon;Gutscheincode;Erfasst von;Bemerkung"
).split(";")
CARDS_PER_PERSON_DAY = 0.002
SECOND_CARD = 0.03  # a person who filled in a card before fills in another
WITH_CODE = 0.85  # cards that carry a personal coupon code
LOCALS = 0.8  # cards filled in by people living in the campaign's town
_TICKS_NEWSLETTER = ("x", "x", "ja", "Ja", "", "", "nein")
_TICKS_PHONE = ("", "", "", "x", "ja", "nein")
_PHONE_STYLES = Weighted(
    ("slash", "spaced", "slash_pairs", "lost0", "national", "paren"), (25, 20, 10, 30, 10, 5)
)
_REMARKS = ("E-Mail schlecht lesbar", "Unterschrift fehlt", "Telefonnummer unvollständig?")


class Postcards:
    """Cards collected at the campaigns' stands and typed in on the export days."""

    def __init__(
        self, people: list[Person], coupons: Coupons, seed: int, difficulty: Difficulty = NORMAL
    ) -> None:
        self.noise = difficulty.noise("postcard")
        self.people = people
        self.coupons = coupons
        self.rng = random.Random(f"{seed}:postcards")
        self.numbers = dict.fromkeys((c.name for c in CAMPAIGNS), 122)
        self.respondents: list[Person] = []
        self.locals: dict[str, list[Person]] = {c.city: [] for c in CAMPAIGNS}
        for person in people:
            self.locals.get(person.household.address.city.name, []).append(person)

    def write_day(self, landing: Path, day: ExportDay, people: int, ledger: Ledger) -> None:
        rng = self.rng
        renderer = LineRenderer(delimiter=";", lineterminator="\r\n")
        with text_file(landing / f"promo_postcards_{day.stamp}.csv", encoding="cp1252") as handle:
            handle.write(renderer.render(HEADER))
            for _ in range(max(2, round(people * CARDS_PER_PERSON_DAY))):
                campaign = rng.choice(CAMPAIGNS)
                neighbours = self.locals[campaign.city]
                if self.respondents and rng.random() < SECOND_CARD:
                    person = rng.choice(self.respondents)
                else:  # mostly people from the campaign's town, some visitors
                    pool = neighbours if neighbours and rng.random() < LOCALS else self.people
                    person = rng.choice(pool)
                    self.respondents.append(person)
                row, invalid = self._card(person, campaign, day)
                handle.write(renderer.render(row))
                ledger.row("postcard", f"{row[0]}:{row[3]}", person, invalid=invalid)
        ledger.file("promo_postcards")

    def _card(self, person: Person, campaign: Campaign, day: ExportDay) -> tuple[list[str], bool]:
        rng, noise = self.rng, self.noise
        self.numbers[campaign.name] += 1
        collected = day.day - timedelta(days=rng.randint(0, 5))
        invalid = rng.random() < noise.invalid
        first, last = person_name(person.first, person.last, rng, noise)
        if person.suffix and rng.random() < 0.3:
            last = f"{last} {person.suffix}"
        place = person.address_on(day.index)
        number = place.number
        if number[-1].isalpha() and rng.random() < 0.5:
            number = f"{number[:-1]} {number[-1]}"  # "3 a"
        postcode = place.postcode
        if postcode.startswith("0") and rng.random() < 0.85:
            postcode = postcode[1:]  # Excel took it for a number
        phone = ""
        if (national := person.phone(rng)) and rng.random() < 0.7:
            phone = phone_text(person.gave(national), _PHONE_STYLES.pick(rng))
        email = ""
        if person.email and rng.random() < 0.6:
            email = email_text(person.email, rng, noise)
        birth = ""
        if rng.random() < 0.5:
            birth = german_date(person.birth, short=rng.random() < 0.35)
        if invalid:
            if email and rng.random() < 0.4:
                email = invalid_email(person.email or email, rng)
            else:  # a day that does not exist, however the year was written
                year = str(person.birth.year)[2:] if rng.random() < 0.35 else str(person.birth.year)
                birth = f"{rng.choice(('30', '31'))}.02.{year}"
        code = self.coupons.issue(campaign, person, rng) if rng.random() < WITH_CODE else ""
        row = [
            campaign.name,
            campaign.location,
            german_date(collected),
            f"{self.numbers[campaign.name]:06d}",
            "" if rng.random() < 0.08 else ("Frau" if person.female else "Herr"),
            person.title if rng.random() < 0.7 else "",
            first,
            last,
            street_name(place.street, rng, noise.street),
            number,
            postcode,
            place.city.name,
            phone,
            email,
            birth,
            rng.choice(_TICKS_NEWSLETTER),
            rng.choice(_TICKS_PHONE),
            code,
            f"Aushilfe {rng.randint(1, 4)}",
            rng.choice(_REMARKS) if rng.random() < 0.03 else "",
        ]
        return row, invalid
