"""Newsletter: Mailchimp audience members, one of three list files (SOURCES.md §3).

Consent follows the GDPR reading of the export: only a form submission (OPTIN_TIME) plus a
confirmation click (CONFIRM_TIME) is double opt-in. An imported or API-added member has an
empty OPTIN_TIME and CONFIRM_TIME = the import time: granted, method `import_unknown`,
and that time goes to `opted_in_at`, never to `confirmed_at`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from schemas.records import Consent, ParsedRow, Touchpoint
from schemas.sources.builder import RecordBuilder, details

# Merge-field labels are per audience; German audiences rename the default ones.
_EMAIL = ("Email Address", "E-Mail-Adresse", "E-Mail", "Email")
_FIRST = ("First Name", "Vorname")
_LAST = ("Last Name", "Nachname")
_PHONE = ("Phone Number", "Telefon", "Telefonnummer")
_BIRTHDAY = ("Birthday", "Geburtstag")
_ADDRESS = ("Address", "Adresse")
_COMPANY = ("Company", "Firma")


def _address(b: RecordBuilder, data: Mapping[str, Any]) -> None:
    """`addr1  addr2  city  state  zip  country`, joined by double spaces (an empty part
    leaves four); read before whitespace is collapsed."""
    raw = next((v for k in _ADDRESS if isinstance(v := data.get(k), str) and v.strip()), None)
    if raw is None:
        return
    parts = [p.strip() for p in raw.strip().split("  ")]
    if len(parts) < 5:
        b.fail("address", f"{raw!r} does not split into street, city, state, zip, country")
        return
    country = b.country(parts[-1] or None)
    b.address(parts[0] or None, parts[-2] or None, parts[-4] or None, country)


def _consent(
    b: RecordBuilder, status: str | None, leid: str, last_changed: datetime | None
) -> Consent | None:
    optin = b.when("OPTIN_TIME", b.text("OPTIN_TIME"))
    confirm = b.when("CONFIRM_TIME", b.text("CONFIRM_TIME"))
    double = optin is not None and confirm is not None
    evidence = f"mailchimp LEID {leid}"
    if double and (ip := b.text("CONFIRM_IP")):
        evidence += f", confirm IP {ip}"
    elif not double:
        evidence += ", no double opt-in evidence (imported or single opt-in)"
    history: dict[str, Any] = {
        "opted_in_at": optin or confirm,
        "confirmed_at": confirm if double else None,
        "evidence": evidence,
    }
    if status == "subscribed":
        method = "double_opt_in" if double else "import_unknown"
        return Consent(channel="email", status="granted", method=method, **history)
    if status == "unsubscribed":
        revoked = b.when("UNSUB_TIME", b.text("UNSUB_TIME")) or last_changed
        return Consent(
            channel="email", status="revoked", method="unsubscribe", revoked_at=revoked, **history
        )
    if status == "cleaned":
        revoked = b.when("CLEAN_TIME", b.text("CLEAN_TIME")) or last_changed
        return Consent(
            channel="email",
            status="cleaned",
            method="bounce_cleaned",
            revoked_at=revoked,
            **history,
        )
    b.fail("_status", f"{status!r} is not subscribed, unsubscribed or cleaned")
    return None


def parse_newsletter_member(data: Mapping[str, Any]) -> ParsedRow:
    """A list member: identity, the email consent of its list, a subscription touchpoint."""
    b = RecordBuilder(data)
    leid = b.text("LEID")
    key = b.key(leid, label="'LEID'")
    b.email(b.text(*_EMAIL))
    b.set("company", b.text(*_COMPANY))
    b.name_parts(b.text(*_FIRST), b.text(*_LAST))
    b.phones(("phone", b.text(*_PHONE)))
    b.birth(b.text(*_BIRTHDAY))
    _address(b, data)
    status = b.text("_status")
    last_changed = b.when("LAST_CHANGED", b.text("LAST_CHANGED"))
    consent = _consent(b, status, key, last_changed)
    subscription = Touchpoint(
        kind="newsletter_subscription",
        occurred_at=consent.opted_in_at if consent else None,
        reference=leid,
        channel="email",
        details=details(status=status, member_rating=b.text("MEMBER_RATING")),
    )
    return b.build(
        "newsletter_member",
        key,
        touchpoints=(subscription,),
        consents=(consent,) if consent else (),
        updated_at=last_changed,
    )
