"""Street-promotion postcards typed into Excel (SOURCES.md §5b, a guessed layout).

German Excel writes `;`, Windows-1252 and CRLF without a BOM. The encoding is not
assumed: the shared detection tries UTF-8 first (a newer Excel's "CSV UTF-8") and falls
back to Windows-1252, recording which one it used.
"""

from __future__ import annotations

from connectors.base import FileKind
from connectors.csvfile import CsvConnector
from connectors.csvio import Column


class Postcards(CsvConnector):
    """One raw row per typed-in card, the German column names as keys."""

    file_kinds: tuple[FileKind, ...] = ("promo_postcards",)
    delimiter: str = ";"
    # The natural key is `Aktion` + `Karten-Nr.`; without a name a card is no contact.
    required: tuple[Column, ...] = ("Aktion", "Karten-Nr.", "Vorname", "Nachname")
