"""Street-promotion postcards typed into Excel (SOURCES.md §5b, a guessed layout).

Typing errors are expected: `web,de`, a PLZ or phone without its leading zero, two-digit
years. A ticked consent box on paper is not double opt-in: it becomes a *pending* consent
whose proof is the card number.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from schemas.address import join_street
from schemas.dates import local_midnight, parse_date
from schemas.names import normalize_salutation
from schemas.records import Consent, ConsentChannel, ParsedRow, Touchpoint
from schemas.sources.builder import RecordBuilder, details

_TICKED = frozenset({"x", "ja", "j", "yes", "1"})
_UNTICKED = frozenset({"nein", "n", "no", "0", "-"})
_CONSENT_COLUMNS: tuple[tuple[str, ConsentChannel], ...] = (
    ("Einwilligung Newsletter", "email"),
    ("Einwilligung Telefon", "phone"),
)


def _consents(b: RecordBuilder, card: str | None, captured: date | None) -> list[Consent]:
    consents = []
    for column, channel in _CONSENT_COLUMNS:
        tick = b.text(column)
        if tick is None or tick.lower() in _UNTICKED:
            continue
        if tick.lower() not in _TICKED:
            b.fail(column, f"{tick!r} is neither a tick (x, ja) nor empty/nein")
            continue
        consents.append(
            Consent(
                channel=channel,
                status="pending",
                method="paper_doi_pending",
                opted_in_at=local_midnight(captured) if captured else None,
                evidence=f"postcard {card}",
            )
        )
    return consents


def parse_postcard(data: Mapping[str, Any]) -> ParsedRow:
    """A typed-in postcard: identity, paper consents, the coupon handed out."""
    b = RecordBuilder(data)
    campaign, card = b.text("Aktion"), b.text("Karten-Nr.")
    key = b.key(campaign, card, label="'Aktion' or 'Karten-Nr.'")
    typed = b.text("Erfassungsdatum")
    captured = b.check("Erfassungsdatum", parse_date, typed) if typed else None
    b.identifier("coupon", b.text("Gutscheincode"))
    salutation = b.text("Anrede")
    b.set("salutation", normalize_salutation(salutation) if salutation else None)
    b.set("title", b.text("Titel"))
    b.name_parts(b.text("Vorname"), b.text("Nachname"))
    street, number = join_street(b.text("Straße", "Strasse"), b.text("Hausnummer"))
    b.set("street", street)
    b.set("house_number", number)
    b.postal_code(b.text("PLZ"), None)  # German cards: German PLZ rules
    b.set("city", b.text("Ort"))
    b.phones(("phone", b.text("Telefon")))
    b.email(b.text("E-Mail"))
    b.birth(b.text("Geburtsdatum"), reference=captured)  # 2-digit years: age at capture
    consents = _consents(b, card, captured)
    postcard = Touchpoint(
        kind="postcard",
        occurred_at=local_midnight(captured) if captured else None,
        reference=card,
        channel="street",
        details=details(campaign=campaign, location=b.text("Standort")),
    )
    return b.build("postcard", key, touchpoints=(postcard,), consents=consents)
