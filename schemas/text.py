"""Text helpers every normalizer shares: whitespace cleanup, umlaut folding, ids and codes.

`fold_german` / `fold_ascii` are used by matching on every comparison, so they are plain
`str.translate` calls with an ASCII fast path and no regular expressions.
"""

from __future__ import annotations

import unicodedata
from typing import Generic, NamedTuple, TypeVar

T = TypeVar("T")

# DIN 5007-2 ("Telefonbuch"): Müller = Mueller. Lower case first, so only lower-case keys.
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
# ASCII folding for the other spelling habit: Müller = Muller, Groß = Gross.
_ASCII = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss", "ẞ": "ss"})


class Normalized(NamedTuple, Generic[T]):
    """A normalized value and the quality flags of the safe repairs that produced it."""

    value: T
    flags: tuple[str, ...] = ()


def clean_text(value: object) -> str | None:
    """Strip and collapse inner whitespace; empty (or None) becomes None.

    Sources deliver `""` for empty, JSON may deliver null or numbers; all land here.
    """
    if value is None:
        return None
    text = value if isinstance(value, str) else str(value)
    return " ".join(text.split()) or None


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _fold(text: str, table: dict[int, str]) -> str:
    if text.isascii():
        return text.lower()
    folded = text.lower().translate(table)
    if not folded.isascii():
        # Other accents (é, ł is kept, ı is kept): decompose and drop the combining marks.
        folded = _strip_marks(folded).lower().translate(table)
    return folded


def fold_german(text: str) -> str:
    """Lower-case DIN 5007-2 folding: `Müller` and `Mueller` both become `mueller`."""
    return _fold(text, _GERMAN)


def fold_ascii(text: str) -> str:
    """Lower-case ASCII folding: `Müller` and `Muller` both become `muller`, `Groß` `gross`."""
    return _fold(text, _ASCII)


def normalize_coupon(code: str) -> str:
    """Coupon codes compare case-insensitively and without stray blanks: upper case, no spaces."""
    cleaned = "".join(code.split()).upper()
    if not cleaned:
        raise ValueError(f"{code!r} is not a coupon code")
    return cleaned


def normalize_card(number: str) -> str:
    """Card / customer numbers are kept as delivered (leading zeros matter), only trimmed."""
    cleaned = number.strip()
    if not cleaned:
        raise ValueError(f"{number!r} is not a card number")
    return cleaned


def strip_apostrophe(value: str) -> str:
    """Drop the one leading `'` spreadsheets (and Shopify) put before ids, zips and phones."""
    return value[1:] if value.startswith("'") else value
