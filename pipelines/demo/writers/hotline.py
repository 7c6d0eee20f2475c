"""Hotline: the 3CX call log (CDR), 27 fields, comma-separated, no header (SOURCES.md §2b).

Inbound calls carry the caller's number in `from_no`; outbound call-backs the customer's
number in `to_no`. The PBX phonebook sometimes knows a name ("Last First"), usually not,
so most calls link by phone number alone. Calls between extensions are skipped by the
pipeline, and a withheld number leaves a call with no identity at all.

Customers call about an order, an account or a ticket, from a number they gave the shop
(`Person.given_numbers`): a call-back dials what the company has on file, and a caller
nobody has a number for is a stranger to every system, not a customer. A call the
phonebook shows without a name, from a number several persons use (a household's
landline, a mobile a parent borrows), names no one: nothing in it says who rang, so the
truth credits no member (`GenerationSummary.unattributed_rows`).
"""

from __future__ import annotations

import random
from collections import Counter
from datetime import timedelta
from pathlib import Path

from pipelines.demo.corrupt import NORMAL, Difficulty, person_name, phone_text, truncated_phone
from pipelines.demo.draw import Weighted
from pipelines.demo.files import LineRenderer, text_file
from pipelines.demo.formats import ExportDay, cdr_time, duration
from pipelines.demo.ledger import Ledger
from pipelines.demo.people import Person

CALLS_PER_PERSON_DAY = 0.025
REGULARS = 0.6  # calls from persons the helpdesk knows
OUTBOUND, INTERNAL, WITHHELD = 0.18, 0.05, 0.02
MISSED = 0.12
_EXTENSIONS = (("101", "Meier Anja"), ("102", "Yıldız Kemal"), ("103", "Vogt Sandra"))
_INBOUND_STYLES = Weighted(("e164", "national", "double0"), (60, 30, 10))


class Hotline:
    """The day's calls; `historyid` keeps counting across days."""

    def __init__(
        self,
        people: list[Person],
        regulars: list[Person],
        seed: int,
        difficulty: Difficulty = NORMAL,
    ) -> None:
        self.noise = difficulty.noise("hotline_call")
        # How many persons use each number: a landline counts every member of its household.
        self.users = Counter(n for p in people for n in {p.mobile, p.landline} if n)
        self.people = people
        self.regulars = regulars
        self.rng = random.Random(f"{seed}:hotline")
        self.history = 48210
        self.renderer = LineRenderer(lineterminator="\n")

    def _caller(self) -> tuple[Person, str] | None:
        rng = self.rng
        pool = self.regulars if self.regulars and rng.random() < REGULARS else self.people
        for _ in range(5):
            person = rng.choice(pool)
            if person.given_numbers:
                return person, rng.choice(person.given_numbers)
        return None

    def write_day(self, landing: Path, day: ExportDay, people: int, ledger: Ledger) -> None:
        rng, noise = self.rng, self.noise
        prefix = f"{rng.getrandbits(64):016X}"
        with text_file(landing / f"hotline_calls_{day.stamp}.csv") as handle:
            count = max(3, round(people * CALLS_PER_PERSON_DAY))
            starts = sorted(day.at(rng, 7, 20) for _ in range(count))  # historyid follows time
            for sequence, start in enumerate(starts):
                self.history += 1
                agent, agent_name = rng.choice(_EXTENSIONS)
                roll = rng.random()
                answered = rng.random() >= MISSED
                talk = rng.randint(20, 1500) if answered else 0
                ring = rng.randint(2, 60)
                end = start + timedelta(seconds=ring + talk)
                row = [""] * 27
                row[0] = str(self.history)
                row[1] = f"{prefix}_{1000 + sequence}"
                row[2] = duration(talk)
                row[3] = cdr_time(start)
                row[4] = cdr_time(start + timedelta(seconds=ring)) if answered else ""
                row[5] = cdr_time(end)
                person: Person | None = None
                invalid = False
                attributed = True
                caller = self._caller()
                if roll < INTERNAL or caller is None:  # colleague to colleague
                    other, other_name = rng.choice(_EXTENSIONS)
                    row[6:11] = ["TerminatedBySrc", agent, other, agent, other]
                    row[19] = f"Chain: {agent};{other};"
                    row[20:26] = ["Extension", "Extension", "Extension", agent_name, other_name,
                                  other_name]  # fmt: skip
                else:
                    person, number = caller
                    name = ""
                    if rng.random() >= noise.missing:  # the phonebook knows the caller
                        first, last = person_name(person.first, person.last, rng, noise)
                        name = f"{last} {first}"
                    invalid = rng.random() < noise.invalid
                    attributed = bool(name) or self.users[number] < 2  # one user, or a name
                    if roll < INTERNAL + OUTBOUND:  # a call-back from an extension
                        dialled = phone_text(
                            number, "double0" if rng.random() < 0.4 else "national"
                        )
                        if invalid:
                            dialled = truncated_phone(number)
                        row[6:14] = ["TerminatedByDst", agent, dialled, agent, "10000", dialled,
                                     "", dialled]  # fmt: skip
                        row[14] = "10000"
                        row[19] = f"Chain: {agent};10000;"
                        row[20:26] = ["Extension", "Line", "Line", agent_name, name, name]
                    else:
                        shown = phone_text(number, _INBOUND_STYLES.pick(rng))
                        if invalid:
                            shown = truncated_phone(number)
                        elif roll > 1 - WITHHELD:
                            shown, name, person = "anonymous", "", None
                        row[6:11] = ["TerminatedBySrc", shown, "800", "10000", "800"]
                        if answered:
                            row[12:15] = ["ReplacedDst", agent, agent]
                            row[19] = f"Chain: 10000;800;{agent};"
                            row[20:26] = ["Line", "Queue", "Extension", name, "Hotline", agent_name]
                        else:
                            row[19] = "Chain: 10000;800;"
                            row[20:26] = ["Line", "Queue", "", name, "Hotline", ""]
                            row[26] = ",".join(f"Ext.{e}" for e, _ in _EXTENSIONS[:2])
                        if answered and rng.random() < 0.3:
                            row[26] = f"Ext.{rng.choice(_EXTENSIONS)[0]}"
                handle.write(self.renderer.render(row))
                ledger.row("hotline_call", row[0], person, invalid=invalid, attributed=attributed)
        ledger.file("hotline_calls")
