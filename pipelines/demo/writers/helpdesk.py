"""Helpdesk: Zendesk users, one JSON object per line (SOURCES.md §2a).

The first export holds every user; later exports hold the users created or updated that
day (Zendesk's `updated_at` cursor), so a user reappears with the same `id`. Agents type
the one `name` field: transliterated, "Last, First", a company in brackets. Agents and
admins of the support team are in the export too and must be skipped.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from pipelines.demo.corrupt import (
    NORMAL,
    Difficulty,
    email_text,
    invalid_email,
    person_name,
    phone_text,
)
from pipelines.demo.draw import Weighted
from pipelines.demo.files import text_file
from pipelines.demo.formats import BERLIN, ExportDay, iso_utc
from pipelines.demo.ledger import Ledger
from pipelines.demo.people import Person

USER_SHARE = 0.09  # persons who ever contacted the helpdesk
SECOND_USER = 0.03  # of those, persons an agent created twice
NEW_USERS = 0.06  # users created during the export days
UPDATED_PER_DAY = 0.07  # existing users touched on a later day
_AGENTS = (
    (360000000101, "Anja Meier", "anja.meier@beispiel-kaffee.de", "agent"),
    (360000000102, "Kemal Yıldız", "kemal.yildiz@beispiel-kaffee.de", "agent"),
    (360000000103, "Sandra Vogt", "sandra.vogt@beispiel-kaffee.de", "agent"),
    (360000000104, "Thomas Brandt", "thomas.brandt@beispiel-kaffee.de", "admin"),
    (360000000105, "Service Team", "service@beispiel-kaffee.de", "agent"),
)
_TAGS = ("hotline", "reklamation", "retoure", "lieferung", "rechnung", "abo", "vip")
_PHONE_STYLES = Weighted(
    ("spaced", "e164", "intl", "intl0", "slash", "national", "paren", "double0"),
    (25, 20, 15, 10, 10, 10, 5, 5),
)


@dataclass(slots=True, eq=False)
class User:
    uid: int
    person: Person
    created: datetime
    created_day: int  # -1: before the first export day
    reported: bool = False


class Helpdesk:
    """The Zendesk account's end-users and the daily user exports."""

    def __init__(
        self,
        people: list[Person],
        start: date,
        days: int,
        seed: int,
        difficulty: Difficulty = NORMAL,
    ) -> None:
        self.noise = difficulty.noise("helpdesk_user")
        self.seed = seed
        self.rng = random.Random(f"{seed}:helpdesk")
        rng = self.rng
        self.users: list[User] = []
        uid = 1500123456700
        for person in people:
            if rng.random() >= USER_SHARE:
                continue
            for _ in range(2 if rng.random() < SECOND_USER else 1):
                uid += rng.randint(1, 30)
                day = rng.randrange(days) if rng.random() < NEW_USERS else -1
                if day < 0:
                    moment = datetime(start.year, start.month, start.day, tzinfo=BERLIN)
                    moment -= timedelta(seconds=rng.randrange(4 * 365 * 86400))
                else:
                    moment = ExportDay(day, start + timedelta(days=day), False).at(rng)
                self.users.append(User(uid, person, moment, day))
        self.callers = [user.person for user in self.users]  # the hotline's regulars

    def write_day(self, landing: Path, day: ExportDay, ledger: Ledger) -> None:
        rng = self.rng
        with text_file(landing / f"helpdesk_users_{day.stamp}.ndjson") as handle:
            agents = _AGENTS if day.index == 0 else (rng.choice(_AGENTS),)
            for agent_id, name, email, role in agents:
                handle.write(
                    json.dumps(_agent(agent_id, name, email, role, day), ensure_ascii=False)
                )
                handle.write("\n")
                ledger.row("helpdesk_user", str(agent_id), None)
            for user in self.users:
                if user.created_day > day.index:
                    continue
                fresh = user.created_day == day.index or (day.index == 0 and user.created_day < 0)
                if not fresh and rng.random() >= UPDATED_PER_DAY:
                    continue
                updated = day.at(rng) if user.created_day != day.index else user.created
                record, invalid = self._record(user, updated)
                handle.write(json.dumps(record, ensure_ascii=False))
                handle.write("\n")
                ledger.row(
                    "helpdesk_user",
                    str(user.uid),
                    user.person,
                    invalid=invalid,
                    first=not user.reported,
                )
                user.reported = True
        ledger.file("helpdesk_users")

    def _record(self, user: User, updated: datetime) -> tuple[dict[str, Any], bool]:
        """The user object; its identity fields come from a per-user seed, so an update
        changes `updated_at`, not the agent's spelling."""
        person, noise = user.person, self.noise
        rng = random.Random(self.seed * 1_000_003 + user.uid)
        invalid = rng.random() < noise.invalid
        first, last = person_name(person.first, person.last, rng, noise)
        if person.title and rng.random() < 0.3:
            first = f"{person.title} {first}"
        name = f"{last}, {first}" if rng.random() < 0.15 else f"{first} {last}"
        if person.suffix and rng.random() < 0.3:
            name = f"{name} {person.suffix}"
        if person.company and rng.random() < 0.6:
            name = f"{name} ({person.company})"
        email = person.email if person.email and rng.random() >= noise.missing else None
        if email:
            email = email_text(email, rng, noise)
        number = person.phone(rng)
        phone = None
        if number and (email is None or rng.random() < 0.5):
            phone = phone_text(person.gave(number), _PHONE_STYLES.pick(rng))
            if rng.random() < 0.03:
                name = phone  # a phone-only caller: the agent typed the number as the name
        card = person.card if person.card and rng.random() < 0.4 else None
        birth = person.birth.isoformat() if rng.random() < 0.2 else None
        if invalid:
            if email and rng.random() < 0.5:
                email = invalid_email(person.email or email, rng)
            else:  # a date that does not exist
                birth = f"{person.birth.year}-02-{rng.choice((30, 31))}"
        tags = sorted(set(rng.sample(_TAGS, rng.randint(0, 2))))
        if person.company:
            tags.append("b2b")
        record = _user(
            user.uid,
            name,
            email,
            created=iso_utc(user.created),
            updated=iso_utc(updated),
            phone=phone,
            shared_phone_number=phone is not None and number == person.landline,
            organization_id=360001234000 + person.pid if person.company else None,
            verified=email is not None and rng.random() < 0.7,
            external_id=card,
            tags=tags,
            last_login_at=iso_utc(updated) if email and rng.random() < 0.3 else None,
            details="Ansprechpartner Einkauf" if person.company else "",
            notes="Ruft meist vormittags an." if rng.random() < 0.03 else "",
            ticket_restriction="organization" if person.company else "requested",
            user_fields={
                "kundennummer": card if rng.random() < 0.6 else None,
                "geburtsdatum": birth,
            },
        )
        return record, invalid


def _user(
    uid: int, name: str, email: str | None, *, created: str, updated: str, **fields: Any
) -> dict[str, Any]:
    """A Zendesk user object with every documented field, in the documented order."""
    record: dict[str, Any] = {
        "id": uid,
        "url": f"https://beispiel.zendesk.com/api/v2/users/{uid}.json",
        "name": name,
        "email": email,
        "created_at": created,
        "updated_at": updated,
        "time_zone": "Berlin",
        "iana_time_zone": "Europe/Berlin",
        "phone": None,
        "shared_phone_number": False,
        "photo": None,
        "locale_id": 8,
        "locale": "de",
        "organization_id": None,
        "role": "end-user",
        "verified": False,
        "external_id": None,
        "tags": [],
        "alias": "",
        "active": True,
        "shared": False,
        "shared_agent": False,
        "last_login_at": None,
        "two_factor_auth_enabled": None,
        "signature": None,
        "details": "",
        "notes": "",
        "role_type": None,
        "custom_role_id": None,
        "moderator": False,
        "ticket_restriction": "requested",
        "only_private_comments": False,
        "restricted_agent": True,
        "suspended": False,
        "default_group_id": None,
        "report_csv": False,
        "user_fields": {"kundennummer": None, "geburtsdatum": None},
    }
    record.update(fields)
    return record


def _agent(agent_id: int, name: str, email: str, role: str, day: ExportDay) -> dict[str, Any]:
    return _user(
        agent_id,
        name,
        email,
        created="2021-03-01T08:00:00Z",
        updated=f"{day.stamp}T06:00:00Z",
        role=role,
        role_type=0 if role == "agent" else None,
        verified=True,
        moderator=True,
        ticket_restriction=None,
        restricted_agent=False,
        signature=f"Viele Grüße\n{name}",
    )
