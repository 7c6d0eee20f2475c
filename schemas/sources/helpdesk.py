"""Helpdesk: Zendesk users, one JSON object per line (SOURCES.md §2a).

Only end-users are customers; agents and admins are skipped with a reason. A helpdesk
contact is no marketing consent, so there are none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from schemas.errors import RowSkipped
from schemas.records import ParsedRow, Touchpoint
from schemas.sources.builder import RecordBuilder, details

_SHARED_PHONE = "phone_shared"  # Zendesk says the number is shared (office, family line)
_BIRTH_FIELDS = ("geburtsdatum", "birth_date", "birthday", "geburtstag")


def parse_helpdesk_user(data: Mapping[str, Any]) -> ParsedRow:
    """A Zendesk user: one free-text name, email, phone, customer number in two places."""
    role = data.get("role")
    if role is not None and role != "end-user":
        raise RowSkipped("helpdesk agent/admin")
    b = RecordBuilder(data)
    user_id = b.text("id")
    key = b.key(user_id, label="'id'")
    b.identifier("card", b.text("external_id"))
    custom = data.get("user_fields")
    if isinstance(custom, Mapping):  # per-account fields; these names are the usual ones
        b.identifier("card", b.text_in(custom, "kundennummer"))
        b.birth(b.text_in(custom, *_BIRTH_FIELDS))
    b.name(b.text("name"), "first_last")
    b.email(b.text("email"))
    b.phones(("phone", b.text("phone")))
    if data.get("shared_phone_number") is True and b.fields.get("phone"):
        b.flags.add(_SHARED_PHONE)
    created = b.when("created_at", b.text("created_at"))
    tags = data.get("tags")
    contact = Touchpoint(
        kind="helpdesk_contact",
        occurred_at=created,
        reference=user_id,
        channel="helpdesk",
        details=details(
            verified=data.get("verified"),
            tags=",".join(str(t) for t in tags) if isinstance(tags, list) and tags else None,
        ),
    )
    return b.build(
        "helpdesk_user",
        key,
        touchpoints=(contact,),
        updated_at=b.when("updated_at", b.text("updated_at")),
    )
