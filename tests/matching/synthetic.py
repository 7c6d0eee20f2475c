"""A synthetic German multi-source record frame with ground truth, for sanity checks and
timings (the real demo set with its generator lives in `pipelines.demo`).

People live in households (spouses and children share surname, address, landline and
sometimes a mailbox); each person leaves 1-4 records across the five sources, written
with umlaut transliterations, nicknames, typos, initials and swapped names.
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pandas as pd

LAST = (
    "Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schulz Hoffmann Schäfer Koch "
    "Bauer Richter Klein Wolf Schröder Neumann Schwarz Zimmermann Braun Krüger Hofmann "
    "Hartmann Lange Schmitt Werner Schmitz Krause Meier Lehmann Köhler Herrmann König Walter "
    "Huber Kaiser Fuchs Peters Scholz Möller Weiß Jung Hahn Schubert Vogel Keller Günther "
    "Berger Winkler Lorenz Baumann Albrecht Böhm Winter Krämer Jäger Sommer Groß Seidel"
).split()
PREFIX = "Hagen Linden Stein Berg Wald Brun Eich Feld Rosen Stern Kirch Mühl Dorn Tann Wies".split()
SUFFIX = "meier mann bauer huber berger müller hofer reiter schmid thaler".split()
MALE = (
    "Johannes Manfred Wolfgang Alexander Christian Michael Thomas Stefan Andreas Friedrich "
    "Heinrich Josef Wilhelm Ulrich Peter Jürgen Klaus Dieter Uwe Frank Jörg Daniel Jan Lukas"
).split()
FEMALE = (
    "Elisabeth Katharina Franziska Margarete Barbara Gabriele Susanne Christiane Daniela "
    "Sabine Petra Monika Ursula Renate Andrea Birgit Claudia Anja Julia Lena Marlene Helga"
).split()
NICK = {
    "Johannes": "Hans", "Manfred": "Manni", "Wolfgang": "Wolle", "Alexander": "Alex",
    "Christian": "Chris", "Michael": "Micha", "Thomas": "Tom", "Andreas": "Andi",
    "Friedrich": "Fritz", "Heinrich": "Heinz", "Josef": "Sepp", "Wilhelm": "Willi",
    "Ulrich": "Uli", "Elisabeth": "Lisa", "Katharina": "Kathrin", "Franziska": "Franzi",
    "Margarete": "Grete", "Barbara": "Babsi", "Gabriele": "Gabi", "Susanne": "Susi",
}  # fmt: skip
STREETS = "Haupt Bahnhof Schul Garten Kirch Dorf Berg Wald Linden Ring Mühlen Rosen".split()
DOMAINS = ("web.de", "gmx.de", "t-online.de", "gmail.com")
SOURCES = (
    "shop_customer", "shop_order", "helpdesk_user", "hotline_call", "newsletter_member",
    "pos_receipt", "coupon_redemption", "postcard",
)  # fmt: skip


@dataclass
class Person:
    pid: int
    first: str
    last: str
    birth: date
    street: str
    number: str
    plz: str
    city: str
    landline: str
    mobile: str | None
    email: str
    card: str | None
    ids: list[str] = field(default_factory=list)


def _translit(name: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.2:
        return name.replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    if roll < 0.3:
        return name.replace("ä", "a").replace("ö", "o").replace("ü", "u").replace("ß", "ss")
    return name


def _typo(name: str, rng: random.Random) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]


def _household(pid: int, rng: random.Random, plz: str, city: str) -> list[Person]:
    last = rng.choice(LAST) if rng.random() < 0.6 else rng.choice(PREFIX) + rng.choice(SUFFIX)
    street = f"{rng.choice(STREETS)}straße"
    number, landline = (
        str(rng.randint(1, 120)),
        f"+49{rng.randint(30, 9999)}{rng.randint(10**5, 10**6)}",
    )
    family_mail = f"familie.{last.lower()}{rng.randint(1, 99)}@{rng.choice(DOMAINS)}"
    size = rng.choices((1, 2, 3), weights=(0.55, 0.3, 0.15))[0]
    people = []
    for k in range(size):
        female = k == 1 or (k != 0 and rng.random() < 0.5) or (k == 0 and rng.random() < 0.4)
        first = rng.choice(FEMALE if female else MALE)
        year = rng.randint(1940, 1985) if k < 2 else rng.randint(1990, 2005)
        personal = f"{first.lower()}.{last.lower()}{rng.randint(1, 999)}@{rng.choice(DOMAINS)}"
        people.append(
            Person(
                pid=pid + k, first=first, last=last,
                birth=date(year, rng.randint(1, 12), rng.randint(1, 28)),
                street=street, number=number, plz=plz, city=city, landline=landline,
                mobile=f"+491{rng.choice('567')}{rng.randint(10**8, 10**9)}"
                if rng.random() < 0.7 else None,
                email=family_mail if size > 1 and rng.random() < 0.3 else personal,
                card=f"card:K-{pid + k:07d}" if rng.random() < 0.4 else None,
            )
        )  # fmt: skip
    return people


def _record(p: Person, source: str, rng: random.Random) -> dict[str, Any]:
    first = NICK.get(p.first, p.first) if rng.random() < 0.15 else p.first
    first = _typo(first, rng) if rng.random() < 0.05 else first
    last = _typo(p.last, rng) if rng.random() < 0.04 else p.last
    first, last = _translit(first, rng), _translit(last, rng)
    if rng.random() < 0.03:
        first, last = last, first
    rec: dict[str, Any] = {"source": source, "source_key": "", "identifiers": ()}
    ids: list[str] = []
    if source in ("shop_customer", "shop_order", "helpdesk_user", "postcard"):
        rec.update(first_name=first, last_name=last)
    if source in ("shop_customer", "shop_order", "postcard") or rng.random() < 0.3:
        rec.update(street=p.street, house_number=p.number, postal_code=p.plz, city=p.city)
    if source in ("shop_customer", "shop_order", "helpdesk_user", "newsletter_member",
                  "coupon_redemption"):  # fmt: skip
        rec["email"] = p.email
    if source == "newsletter_member":
        rec["first_name"] = first
        if rng.random() < 0.4:
            rec["birth_month_day"] = f"{p.birth.month:02d}-{p.birth.day:02d}"
    if source in ("shop_customer", "helpdesk_user", "hotline_call"):
        rec["phone"] = p.mobile or (p.landline if source == "hotline_call" else None)
        rec["phone_alt"] = p.landline if rng.random() < 0.5 else None
    if source == "hotline_call" and rng.random() < 0.5:
        rec.update(first_name=first, last_name=last)
    if source in ("postcard", "helpdesk_user") and rng.random() < 0.6:
        rec["birth_date"] = p.birth
    if source in ("pos_receipt", "helpdesk_user") and p.card:
        ids.append(p.card)
    if source == "pos_receipt" and rng.random() < 0.5:
        rec.update(first_name=f"{first[0]}.", last_name=last)
    if source in ("coupon_redemption", "postcard", "shop_order"):
        ids.append("coupon:WILLKOMMEN10" if rng.random() < 0.3 else f"coupon:S15-{p.pid:06d}")
    if source == "shop_customer":
        ids.append(f"shop_customer:{p.pid}")
    rec["identifiers"] = tuple(ids)
    return rec


def synthetic_records(people: int, seed: int = 7) -> tuple[pd.DataFrame, dict[int, int]]:
    """About 2.5 records per person; returns (records indexed by record id, id -> person)."""
    rng = random.Random(seed)
    places = [(f"{rng.randint(1000, 99999):05d}", f"Ort{i}") for i in range(max(people // 20, 5))]
    persons: list[Person] = []
    while len(persons) < people:
        persons.extend(_household(len(persons), rng, *rng.choice(places)))
    rows: list[dict[str, Any]] = []
    truth: dict[int, int] = {}
    for person in persons:
        for _ in range(rng.choices((1, 2, 3, 4), weights=(0.3, 0.35, 0.2, 0.15))[0]):
            rec = _record(person, rng.choice(SOURCES), rng)
            rec["source_key"] = "".join(rng.choices(string.hexdigits, k=12))
            truth[len(rows) + 1] = person.pid
            rows.append(rec)
    return pd.DataFrame(rows, index=pd.Index(range(1, len(rows) + 1), name="id")), truth
