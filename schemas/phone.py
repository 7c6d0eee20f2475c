"""Phone numbers to E.164 with phonenumbers, default region DE.

German numbers written with the usual separators (`0351 / 47 11 23`, `+49 (0)40 123456-0`,
`004940123456000`) take a fast path: the digits are mapped to country code + national
number by hand and checked against phonenumbers' own metadata, which costs a tenth of
`phonenumbers.parse` + `is_valid_number` (the property tests prove both agree). Anything
else (letters, `ext.`, foreign country codes) goes through `phonenumbers.parse`.
"""

from __future__ import annotations

import re
from functools import lru_cache

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from schemas.text import Normalized, strip_apostrophe

ZERO_RESTORED = "phone_zero_restored"  # Excel ate the leading 0: 1511234567 -> 01511234567
UNVERIFIED = "phone_unverified"  # possible length, but outside the numbering plan

# Caller id placeholders of PBXs and helpdesks: no number, but no error either.
_NO_NUMBER = frozenset(
    {"anonymous", "anonym", "unknown", "unbekannt", "private", "privat", "withheld", "restricted"}
)
# Internal extensions and queues (`101`, `800`, `Ext.102`) are not phone numbers.
_EXTENSION = re.compile(r"(?:ext\.?\s*\d{1,6}|[1-9]\d{0,4})", re.IGNORECASE)
_SEPARATED_DIGITS = re.compile(r"\+?[\d\s/.()\-]+")
_NON_DIGIT = re.compile(r"\D")
_MIN_NATIONAL_DIGITS = {"DE": 6}  # a German number without a 2+ digit area code is not dialable


class _Plan:
    """One region's numbering plan from phonenumbers' metadata, as compiled regexes."""

    __slots__ = ("country_code", "general", "general_lengths", "types")

    def __init__(self, region: str) -> None:
        meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
        general = meta.general_desc if meta is not None else None
        if meta is None or general is None or meta.country_code is None:
            raise ValueError(f"unknown phone region {region!r}")
        self.country_code: int = meta.country_code
        self.general = re.compile(general.national_number_pattern or "")
        self.general_lengths = frozenset(general.possible_length)
        self.types = tuple(
            (frozenset(desc.possible_length or general.possible_length), re.compile(pattern))
            for desc in (
                meta.fixed_line,
                meta.mobile,
                meta.toll_free,
                meta.premium_rate,
                meta.shared_cost,
                meta.voip,
                meta.personal_number,
                meta.pager,
                meta.uan,
                meta.voicemail,
            )
            if desc is not None and (pattern := desc.national_number_pattern) is not None
        )

    def is_valid(self, national: str) -> bool:
        """Same answer as `phonenumbers.is_valid_number` for a number of this region."""
        size = len(national)
        if size not in self.general_lengths or not self.general.fullmatch(national):
            return False
        return any(size in lengths and p.fullmatch(national) for lengths, p in self.types)


@lru_cache(maxsize=8)
def _plan(region: str) -> _Plan:
    return _Plan(region)


def _fast_national(text: str, country_code: int) -> tuple[str, bool] | None:
    """(national number, zero restored) for a number of the default region written with
    separators only; None when the slow path must decide (foreign code, odd shape)."""
    if text.startswith(("+", "00")):
        text = text.replace("(0)", "", 1)  # "+49 (0)40 …": the trunk 0 written in brackets
    digits = _NON_DIGIT.sub("", text)
    cc = str(country_code)
    if text.startswith("+") or digits.startswith("00"):
        international = digits if text.startswith("+") else digits[2:]
        if not international.startswith(cc):
            return None
        national = international[len(cc) :]
        if national.startswith("0"):  # "+49 0151 …": a redundant trunk 0
            national = national[1:]
        restored = False
    elif digits.startswith("0"):
        national, restored = digits[1:], False
    else:
        national, restored = digits, True
    if not national or national.startswith("0"):
        return None
    return national, restored


@lru_cache(maxsize=65_536)
def parse_phone(raw: str, region: str = "DE") -> Normalized[str | None]:
    """E.164 for a written phone number, with repair flags; None for extensions and
    withheld-number placeholders. Raises ValueError (with the value) for garbage."""
    text = strip_apostrophe(raw.strip()).strip()
    if not text or text.lower() in _NO_NUMBER or _EXTENSION.fullmatch(text):
        return Normalized(None)
    plan = _plan(region)
    fast = _fast_national(text, plan.country_code) if _SEPARATED_DIGITS.fullmatch(text) else None
    if fast is None:
        return _parse_slow(raw, text, region, plan)
    national, restored = fast
    # What is_possible_number_with_reason checks for an unknown type: the region's lengths.
    if len(national) < _MIN_NATIONAL_DIGITS.get(region, 4) or (
        len(national) not in plan.general_lengths
    ):
        raise ValueError(f"{raw!r} is not a phone number (wrong number of digits)")
    flags = (ZERO_RESTORED,) if restored else ()
    if not plan.is_valid(national):
        flags = (*flags, UNVERIFIED)
    return Normalized(f"+{plan.country_code}{national}", flags)  # E.164 without a leading 0


def _parse_slow(raw: str, text: str, region: str, plan: _Plan) -> Normalized[str | None]:
    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException as exc:
        detail = str(exc).split(") ", 1)[-1].rstrip(".")  # "(1) The string supplied …."
        detail = detail[:1].lower() + detail[1:]
        raise ValueError(f"{raw!r} is not a phone number ({detail})") from None
    national = str(number.national_number)
    minimum = _MIN_NATIONAL_DIGITS.get(region, 4) if number.country_code == plan.country_code else 4
    reason = phonenumbers.is_possible_number_with_reason(number)
    if len(national) < minimum or reason != phonenumbers.ValidationResult.IS_POSSIBLE:
        raise ValueError(f"{raw!r} is not a phone number (wrong number of digits)")
    valid = phonenumbers.is_valid_number(number)
    if number.italian_leading_zero and not valid:  # "000100000": zeros where no code fits
        raise ValueError(f"{raw!r} is not a phone number (no country code)")
    flags = () if valid else (UNVERIFIED,)
    return Normalized(phonenumbers.format_number(number, PhoneNumberFormat.E164), flags)


def normalize_phone(raw: str, region: str = "DE") -> str | None:
    """E.164 or None (extension, placeholder); the repair flags are dropped."""
    return parse_phone(raw, region).value


def is_mobile(e164: str) -> bool:
    """German mobile numbers (015x, 016x, 017x): preferred as a person's main number."""
    return e164.startswith(("+4915", "+4916", "+4917"))
