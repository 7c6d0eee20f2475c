"""Email addresses: syntax-checked with email-validator (no DNS), lower-cased.

Plain ASCII addresses (nearly all of them) take a regex fast path that accepts only what
email-validator accepts unchanged; the property tests hold the two paths equal. One typo
is repaired because it is unambiguous: a comma typed for the dot before the top-level
domain (`j.weiss@web,de`).
"""

from __future__ import annotations

import re
from functools import lru_cache

from email_validator import EmailNotValidError, validate_email

from schemas.text import Normalized

REPAIRED = "email_repaired"

_FAST = re.compile(
    r"(?P<local>[a-z0-9_+\-]+(?:\.[a-z0-9_+\-]+)*)"
    r"@(?P<domain>(?:[a-z0-9](?:[a-z0-9\-]{0,61}[a-z0-9])?\.)+(?P<tld>[a-z]{2,63}))"
)
_COMMA_TLD = re.compile(r"([^@,\s]+@[^@,\s]+),([a-z]{2,63})")
# email-validator refuses these special-use names even without a DNS check.
_SPECIAL_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})


def _fast_ok(address: str) -> bool:
    match = _FAST.fullmatch(address)
    if match is None or len(address) > 254 or len(match["local"]) > 64:
        return False
    domain = match["domain"]
    # Labels like "ab--cd" are reserved (RFC 5890); leave them to email-validator.
    return "--" not in domain and match["tld"] not in _SPECIAL_TLDS


def _validated(address: str, raw: str) -> str:
    if _fast_ok(address):
        return address
    try:
        result = validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        detail = str(exc).rstrip(".")
        detail = detail[:1].lower() + detail[1:]
        raise ValueError(f"{raw!r} is not a valid email address ({detail})") from None
    return result.normalized.lower()


@lru_cache(maxsize=65_536)
def parse_email(raw: str) -> Normalized[str]:
    """The normalized address and `email_repaired` if the comma typo was fixed.

    Raises ValueError (with the value) for anything else that is not an address.
    """
    address = raw.strip().lower()
    comma = _COMMA_TLD.fullmatch(address)  # a comma is never valid after the @
    if comma is not None:
        try:
            return Normalized(_validated(f"{comma[1]}.{comma[2]}", raw), (REPAIRED,))
        except ValueError:
            pass  # not repairable: report the address as delivered
    return Normalized(_validated(address, raw))


def normalize_email(raw: str) -> str:
    """The normalized address; the repair flag is dropped."""
    return parse_email(raw).value
