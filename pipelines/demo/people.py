"""The demo's true persons: German households with realistic names, addresses and numbers.

Everything a source later writes (with its own errors) comes from these clean values, and
`Person.person_id` is what the truth file records. Households are built on purpose: the
members share surname, address and landline (sometimes a family mailbox) but differ in
first name and birth date, which is what makes false merges likely.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from matching.keys import fold_din
from pipelines.demo.corrupt import NORMAL, Difficulty
from pipelines.demo.draw import Weighted
from pipelines.demo.names import (
    COMPANY_FORMS,
    DOUBLE_FEMALE,
    DOUBLE_MALE,
    FEMALE,
    FOREIGN,
    LAST,
    MALE,
    NOBLE,
)
from pipelines.demo.places import CITIES, STREETS, City

MOBILE_PREFIXES = (
    "151", "152", "157", "159", "160", "162", "163", "170", "171", "172", "173", "174",
    "175", "176", "177", "178", "179",
)  # fmt: skip
_DOMAINS = (
    ("web.de", 20), ("gmx.de", 18), ("gmail.com", 16), ("t-online.de", 12), ("gmx.net", 6),
    ("outlook.de", 5), ("yahoo.de", 4), ("icloud.com", 3), ("hotmail.de", 3),
    ("freenet.de", 3), ("posteo.de", 2), ("mail.de", 1), ("aol.com", 1),
)  # fmt: skip
# A few full names so common that a demo of 1,000 people already holds several of them,
# each somewhere else: the matcher must not merge them on the name alone. How many
# households they head is `Difficulty.namesakes`.
_VERY_COMMON = (("Thomas", "Müller"), ("Sabine", "Müller"), ("Michael", "Schmidt"))


_MALE, _FEMALE, _LAST = Weighted.zipf(MALE), Weighted.zipf(FEMALE), Weighted.zipf(LAST)
_CITIES = Weighted(CITIES, (city.weight for city in CITIES))
_DOMAIN_NAMES = tuple(name for name, _ in _DOMAINS)
_DOMAIN = Weighted(_DOMAIN_NAMES, (weight for _, weight in _DOMAINS))
_HOUSEHOLD_SIZE = Weighted((1, 2, 3, 4), (45, 33, 12, 10))
# Mailbox names: given name g, family name f, initial i, birth year yy, a number n.
_EMAIL_PATTERN = Weighted(
    ("{g}.{f}", "{g}{f}", "{i}.{f}", "{f}.{g}", "{g}_{f}", "{g}.{f}{yy}", "{g}{yy}", "{f}{n}",
     "{i}{f}"),
    (30, 10, 15, 8, 5, 10, 8, 6, 8),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Address:
    street: str  # full street name, "Hauptstraße"
    number: str  # "5", "3a"
    postcode: str  # 5 digits, may start with 0
    city: City


@dataclass(slots=True, eq=False)
class Household:
    """People under one roof: one address (until they move), one landline."""

    hid: int
    address: Address
    landline: str | None  # national number without the trunk 0, "3514711230"
    moved_day: int | None = None  # export-day index from which `new_address` holds
    new_address: Address | None = None
    family_email: str | None = None


@dataclass(slots=True, eq=False)
class Person:
    """One real customer. Sources copy from here and add their own errors."""

    pid: int
    household: Household
    female: bool
    first: str
    last: str
    birth: date
    title: str = ""  # "Dr.", "Prof. Dr."
    suffix: str = ""  # "jun." / "sen." for father and son of the same name
    email: str | None = None
    mobile: str | None = None  # national number without the trunk 0, "15112345678"
    card: str | None = None  # loyalty card, "K-004711"
    company: str | None = None
    vat_id: str | None = None
    coupon: str | None = None  # the personal code of a postcard, once one was typed in
    coupon_used: bool = False
    # Numbers the person wrote into some source (account, order, ticket, card), in order:
    # what the PBX phonebook and a call-back can know (see `writers.hotline`).
    given_numbers: list[str] = field(default_factory=list)

    @property
    def person_id(self) -> str:
        return f"P{self.pid:07d}"

    def address_on(self, day: int) -> Address:
        """The address on export day `day`: movers have a new one from their moving day."""
        household = self.household
        if household.moved_day is not None and day >= household.moved_day:
            return household.new_address or household.address
        return household.address

    @property
    def landline(self) -> str | None:
        return self.household.landline

    def phone(self, rng: random.Random) -> str | None:
        """A number the person gives: mostly the mobile, else the household landline."""
        if self.mobile and (self.landline is None or rng.random() < 0.7):
            return self.mobile
        return self.landline or self.mobile

    def gave(self, number: str) -> str:
        """Note that a source holds `number` for this person; returns it unchanged."""
        if number not in self.given_numbers:
            self.given_numbers.append(number)
        return number


def ascii_fold(text: str) -> str:
    """`Müller-Lüdenscheidt` -> `mueller-luedenscheidt`, `von Bülow` -> `vonbuelow`: how
    people spell their names in email addresses (the matcher's DIN folding, no blanks)."""
    return fold_din(text).replace(" ", "")


class _Factory:
    """Draws people one household at a time; keeps emails, phone numbers and cards unique,
    so that only households (on purpose) share one."""

    def __init__(self, rng: random.Random, start: date, days: int, difficulty: Difficulty) -> None:
        self.rng = rng
        self.difficulty = difficulty
        self.start = start
        self.days = days
        self.emails: set[str] = set()
        self.numbers: set[str] = set()
        self.card_counter = 4000
        self.next_pid = 1

    # -- places and numbers ------------------------------------------------------------
    def city(self) -> City:
        return _CITIES.pick(self.rng)

    def address(self, city: City | None = None) -> Address:
        rng = self.rng
        city = city or self.city()
        number = str(rng.randint(1, 40) if rng.random() < 0.7 else rng.randint(41, 180))
        if rng.random() < 0.06:
            number += rng.choice("abc")
        return Address(rng.choice(STREETS), number, rng.choice(city.postcodes), city)

    def landline(self, city: City) -> str:
        digits = (10 if self.rng.random() < 0.75 else 11) - len(city.area_code)
        low, high = 2 * 10 ** (digits - 1), 10**digits - 1  # no subscriber number starts 0/1
        return self._new_number(lambda: city.area_code + str(self.rng.randint(low, high)))

    def mobile(self) -> str:
        rng = self.rng
        return self._new_number(
            lambda: rng.choice(MOBILE_PREFIXES) + str(rng.randint(10_000_000, 99_999_999))
        )

    def _new_number(self, draw: Callable[[], str]) -> str:
        number = draw()
        while number in self.numbers:
            number = draw()
        self.numbers.add(number)
        return number

    def email(self, first: str, last: str, birth: date) -> str:
        rng = self.rng
        given, family = ascii_fold(first.split()[0].split("-")[0]), ascii_fold(last.split()[-1])
        yy = f"{birth.year % 100:02d}"
        pattern = _EMAIL_PATTERN.pick(rng)
        local = pattern.format(g=given, f=family, i=given[0], yy=yy, n=rng.randint(1, 99))
        return self.unique(local, _DOMAIN.pick(rng))

    def unique(self, local: str, domain: str) -> str:
        address = f"{local}@{domain}"
        while address in self.emails:
            address = f"{local}{self.rng.randint(1, 999)}@{domain}"
        self.emails.add(address)
        return address

    def card(self) -> str:
        self.card_counter += self.rng.randint(1, 9)
        return f"K-{self.card_counter:06d}"

    # -- names -------------------------------------------------------------------------
    def first_name(self, female: bool, group: int | None) -> str:
        rng = self.rng
        if group is not None:
            return rng.choice(FOREIGN[group][1 if female else 0])
        if rng.random() < 0.04:
            return rng.choice(DOUBLE_FEMALE if female else DOUBLE_MALE)
        return (_FEMALE if female else _MALE).pick(rng)

    def family_name(self, group: int | None) -> str:
        rng = self.rng
        if group is not None:
            return rng.choice(FOREIGN[group][2])
        if rng.random() < 0.006:
            return rng.choice(NOBLE)
        return _LAST.pick(rng)

    # -- people ------------------------------------------------------------------------
    def person(
        self, household: Household, female: bool, first: str, last: str, birth: date
    ) -> Person:
        rng = self.rng
        person = Person(self.next_pid, household, female, first, last, birth)
        self.next_pid += 1
        age = self.start.year - birth.year
        if age > 30 and rng.random() < 0.03:
            person.title = "Prof. Dr." if rng.random() < 0.1 else "Dr."
        if rng.random() < (0.6 if age > 75 else 0.88):
            person.email = self.email(first, last, birth)
        if rng.random() < (0.5 if age > 75 else 0.85):
            person.mobile = self.mobile()
        if rng.random() < 0.22:
            person.card = self.card()
        if age > 28 and rng.random() < 0.015:
            owner = last.split()[-1]
            person.company = rng.choice(COMPANY_FORMS).format(owner)
            person.vat_id = f"DE{rng.randint(100_000_000, 999_999_999)}"
        return person

    def birth(self, earliest: int, latest: int) -> date:
        first, last = date(earliest, 1, 1), date(latest, 12, 31)
        return first + timedelta(days=self.rng.randrange((last - first).days + 1))

    def household(self, hid: int, budget: int) -> list[Person]:
        rng = self.rng
        size = min(budget, _HOUSEHOLD_SIZE.pick(rng))
        group = rng.randrange(len(FOREIGN)) if rng.random() < 0.12 else None
        city = self.city()
        home = Household(hid, self.address(city), None)
        if rng.random() < 0.65:
            home.landline = self.landline(city)
        odds = self.difficulty
        if self.days > 1 and rng.random() < odds.movers:  # moves on a later export day
            home.moved_day = rng.randint(1, self.days - 1)
            home.new_address = self.address(city if rng.random() < 0.7 else None)
        female = rng.random() < 0.5
        surname = self.family_name(group)
        head_birth = self.birth(1939, 1999 if size < 3 else 1970)  # old enough for grown children
        if rng.random() < odds.namesakes:
            first, surname = rng.choice(_VERY_COMMON)
            female = first == "Sabine"
            group = None
        else:
            first = self.first_name(female, group)
        people = [self.person(home, female, first, surname, head_birth)]
        if size >= 2:  # a partner: another first name, a birth date a few years apart
            partner_female = not female if rng.random() < 0.92 else female
            partner_last = surname if rng.random() < 0.85 else self.family_name(group)
            partner_first = self.first_name(partner_female, group)
            while partner_first == first:
                partner_first = self.first_name(partner_female, group)
            year = min(max(head_birth.year + rng.randint(-6, 6), 1935), 2000)
            people.append(
                self.person(
                    home, partner_female, partner_first, partner_last, self.birth(year, year)
                )
            )
        father = next((p for p in people if not p.female), None)
        for index in range(2, size):  # grown-up children, at least 16 at the export start
            child_female = rng.random() < 0.5
            year = min(head_birth.year + rng.randint(22, 38), self.start.year - 16)
            taken = {p.first for p in people}
            child_first = self.first_name(child_female, group)
            # Twins: born on the first child's birth date, under another first name.
            twin = index == 3 and odds.twins and rng.random() < odds.twins
            if index == 2 and father and not child_female and rng.random() < odds.sons_named:
                child_first = father.first  # father and son of the same name
                father.suffix = "sen."
            else:
                while child_first in taken:
                    child_first = self.first_name(child_female, group)
            birth = people[2].birth if twin else self.birth(year, year)
            child = self.person(home, child_female, child_first, surname, birth)
            if child_first == (father.first if father else None):
                child.suffix = "jun."
            people.append(child)
        if size >= 2 and rng.random() < odds.family_mailbox:  # a family mailbox some members use
            home.family_email = self.unique(
                f"familie.{ascii_fold(surname.split()[-1])}", rng.choice(_DOMAIN_NAMES)
            )
            for member in people[1:]:
                if rng.random() < odds.mailbox_users:
                    member.email = home.family_email
        if size >= 2 and odds.borrowed_mobile:  # a parent gives a child's or partner's mobile
            mobiles = [p.mobile for p in people if p.mobile]
            for member in people:
                if mobiles and not member.mobile and rng.random() < odds.borrowed_mobile:
                    member.mobile = rng.choice(mobiles)
        return people


def synthesize_people(
    count: int,
    rng: random.Random,
    start: date,
    days: int,
    difficulty: Difficulty = NORMAL,
) -> list[Person]:
    """`count` persons in households; pids run 1..count in household order."""
    factory = _Factory(rng, start, days, difficulty)
    people: list[Person] = []
    hid = 0
    while len(people) < count:
        hid += 1
        people.extend(factory.household(hid, count - len(people)))
    return people


def alternate_email(person: Person, rng: random.Random) -> str:
    """A second mailbox of the person (a second shop account, a work address); the pid in
    it keeps it unique, so no two persons ever share it by accident."""
    first = ascii_fold(person.first.split()[0].split("-")[0])
    last = ascii_fold(person.last.split()[-1])
    return f"{first[0]}{last}.{person.pid}@{rng.choice(_DOMAIN_NAMES)}"
