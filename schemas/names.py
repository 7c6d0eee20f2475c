"""Person and company names, German style.

Several sources deliver a name in one field, in different orders: `Weiß, Jürgen` (POS),
`Juergen Weiss` (helpdesk), `Weiss Juergen` (PBX display names are "Last First"),
`Groß, Björn (Groß & Söhne)`. Matching needs given and family name apart, titles and
`jun.`/`sen.` out of the way (father and son must not look identical), particles kept with
the family name (`von Weizsäcker`), and company names kept out of person fields.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal, NamedTuple

from schemas.text import clean_text, fold_german

NameOrder = Literal["first_last", "last_first"]
ENCODING_LOST = "name_encoding_lost"  # "Y?ld?z": a cp1252 export could not hold the letter

# Company markers: legal forms and "& Söhne" style words in any case, short legal-form
# abbreviations (AG, KG, UG …) only in capitals and as words ("Agnes", "Anna Ug" are people).
_COMPANY = re.compile(
    r"(?i:\b(?:gmbh|mbh|kgaa|e\.\s?k(?:fr)?\.|e\.\s?v\.|e\.\s?g\.|ltd|llc|inc|plc|"
    r"gesellschaft|genossenschaft|stiftung|verein|holding|haftungsbeschränkt)(?!\w)"
    r"|&\s*(?:co\b|söhne|soehne|sohn|partner|töchter|toechter)"
    r"|\bund\s+(?:söhne|soehne|partner)\b)"
    r"|(?:^|\s)(?:AG|KG|UG|SE|OG|GbR|GBR|OHG|oHG)(?=$|[\s,.(])"
)
_BRACKETS = re.compile(r"\s*\(([^)]*)\)\s*")
_GLUED_TITLE = re.compile(r"\b(Prof|Dr)\.(?=[^\W\d_])", re.IGNORECASE)
_TITLE = re.compile(r"(?:prof|dr)\.?|dipl\.?-\w+\.?|dr\.-\w+\.?|(?:mag|ing)\.", re.IGNORECASE)
_TITLE_CASE = {"dr.": "Dr.", "prof.": "Prof."}
_TITLE_STARTS = frozenset({"pr", "dr", "di", "ma", "in"})  # cheap filter before _TITLE
_TITLE_TAIL = frozenset(
    {"med.", "rer.", "nat.", "phil.", "jur.", "dent.", "vet.", "h.c.", "habil."}
)
_SALUTATIONS = {
    "herr": "Herr", "herrn": "Herr", "hr.": "Herr", "hr": "Herr", "mr": "Herr", "mr.": "Herr",
    "frau": "Frau", "fr.": "Frau", "mrs": "Frau", "mrs.": "Frau", "ms": "Frau", "ms.": "Frau",
}  # fmt: skip
_SUFFIXES = {
    "jun.": "jun.", "jun": "jun.", "junior": "jun.", "jr.": "jun.", "jr": "jun.",
    "sen.": "sen.", "sen": "sen.", "senior": "sen.", "sr.": "sen.", "sr": "sen.",
}  # fmt: skip
# Name particles that belong to the family name (`von der Leyen`); matching may drop them.
PARTICLES = frozenset(
    {"von", "vom", "zu", "zum", "zur", "van", "de", "der", "den", "ten", "ter", "di", "da",
     "del", "della", "du", "dos", "das", "le", "la", "af", "av"}
)  # fmt: skip


class NameParts(NamedTuple):
    """A name split into the canonical fields; all None for an empty name."""

    salutation: str | None = None
    title: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    name_suffix: str | None = None
    company: str | None = None
    flags: tuple[str, ...] = ()


# A trade before the owner's name is a sole proprietor's business without a legal form
# (`Bäckerei Fernández`, `Weingut Keller`): the trade is nobody's first name.
_TRADES = frozenset(
    {"baeckerei", "konditorei", "metzgerei", "fleischerei", "schlachterei", "malerbetrieb",
     "weingut", "weinhandlung", "autohaus", "apotheke", "schreinerei", "tischlerei",
     "zimmerei", "dachdeckerei", "gaertnerei", "blumenhaus", "friseursalon", "gasthaus",
     "gasthof", "landgasthof", "hotel", "restaurant", "kanzlei", "steuerkanzlei",
     "steuerberatung", "ingenieurbuero", "architekturbuero", "reisebuero", "fahrschule",
     "zahnarztpraxis", "arztpraxis", "physiotherapie", "augenoptik", "elektrotechnik",
     "heizungsbau", "bauunternehmen", "bauunternehmung", "hausverwaltung", "autowerkstatt",
     "kfz-werkstatt", "buchhandlung", "schuhhaus", "modehaus", "getraenkehandel",
     "getraenkemarkt", "hofladen", "brauerei", "brennerei", "pflegedienst",
     "gebaeudereinigung", "spedition", "druckerei", "fotostudio", "sanitaer"}
)  # fmt: skip


def is_company_name(text: str) -> bool:
    """True for `Groß & Söhne GmbH`, `Beispiel AG`, `Müller e.K.`, `Lager Groß & Söhne`,
    `Bäckerei Fernández`."""
    if _COMPANY.search(text) is not None:
        return True
    words = text.split()
    return len(words) > 1 and fold_german(words[0]) in _TRADES


def _only_legal_form(text: str) -> bool:
    """`GmbH`, `AG`, `GmbH & Co. KG`: a legal form with no name of its own."""
    rest = _COMPANY.sub(" ", text)
    return rest != text and not any(c.isalpha() for c in rest)


def normalize_salutation(raw: str) -> str | None:
    """`Herr` / `Frau` from German or English forms and Shopware keys (`mr`, `mrs`);
    anything else (`not_specified`, `Divers`) is None, not an error."""
    return _SALUTATIONS.get(raw.strip().lower())


def _display(token: str) -> str:
    """Fix shouting and lower-case typing (`MÜLLER`, `müller-lüdenscheidt`), keep the rest."""
    if len(token) > 1 and (token.isupper() or token.islower()):
        return "-".join(_capitalize(part) for part in token.split("-"))
    return token


def _capitalize(part: str) -> str:
    head = part[:1].upper()
    return (head if len(head) == 1 else part[:1]) + part[1:].lower()  # "ß".upper() is "SS"


def display_name(raw: str) -> str | None:
    """A name part for display: blanks collapsed, ALL CAPS / all lower fixed, particles lower."""
    text = clean_text(raw)
    if text is None:
        return None
    return " ".join(t.lower() if t.lower() in PARTICLES else _display(t) for t in text.split(" "))


class _Tokens:
    """Salutation, titles and suffixes pulled out of a token list, in one pass."""

    __slots__ = ("salutation", "titles", "suffix", "rest")

    def __init__(self, tokens: list[str]) -> None:
        self.salutation: str | None = None
        self.titles: list[str] = []
        self.suffix: str | None = None
        self.rest: list[str] = []
        after_title = False
        for token in tokens:
            lowered = token.lower()
            if lowered in _SALUTATIONS and self.salutation is None and not self.rest:
                self.salutation = _SALUTATIONS[lowered]
            elif (lowered[:2] in _TITLE_STARTS and _TITLE.fullmatch(token)) or (
                after_title and lowered in _TITLE_TAIL
            ):
                title = token if token.endswith(".") else token + "."
                self.titles.append(_TITLE_CASE.get(title.lower(), title))
                after_title = True
                continue
            elif lowered in _SUFFIXES and (token.islower() or "." in token or len(token) > 3):
                self.suffix = _SUFFIXES[lowered]  # "Jun" without a dot may be a given name
            else:
                self.rest.append(token)
            after_title = False


def _split_plain(tokens: list[str], order: NameOrder) -> tuple[list[str], list[str]]:
    """(given, family) token lists of a name without a comma."""
    if len(tokens) < 2:
        return [], tokens
    if order == "last_first":
        end = 0
        while end < len(tokens) - 1 and tokens[end].lower() in PARTICLES:
            end += 1
        return tokens[end + 1 :], tokens[: end + 1]
    for index in range(1, len(tokens) - 1):
        if tokens[index].lower() in PARTICLES:
            return tokens[:index], tokens[index:]
    return tokens[:-1], tokens[-1:]


def _move_particles(given: list[str], family: list[str]) -> tuple[list[str], list[str]]:
    """`Weizsäcker, Richard von`: trailing particles of the given part belong to the family."""
    cut = len(given)
    while cut > 1 and given[cut - 1].lower() in PARTICLES:
        cut -= 1
    return given[:cut], given[cut:] + family


def _join(tokens: list[str]) -> str | None:
    if len(tokens) == 1:  # the common case, without re-splitting
        token = tokens[0]
        return token.lower() if token.lower() in PARTICLES else _display(token)
    return display_name(" ".join(tokens)) if tokens else None


def _parts(
    pieces: tuple[_Tokens, ...],
    given: list[str],
    family: list[str],
    company: str | None,
    flags: tuple[str, ...],
) -> NameParts:
    titles = [title for piece in pieces for title in piece.titles]
    return NameParts(
        salutation=next((p.salutation for p in pieces if p.salutation), None),
        title=" ".join(titles) or None,
        first_name=_join(given),
        last_name=_join(family),
        name_suffix=next((p.suffix for p in pieces if p.suffix), None),
        company=company,
        flags=flags,
    )


@lru_cache(maxsize=65_536)
def split_name(raw: str, order: NameOrder = "first_last") -> NameParts:
    """Split a one-field name into canonical parts.

    `Nachname, Vorname` is recognised by its comma whatever `order` says; `order` decides
    only names without a comma. A company name gives `company` and no person; a company
    in brackets after a person is kept as `company` beside the person.
    """
    text = clean_text(raw)
    if text is None or "@" in text or not any(c.isalpha() for c in text):
        return NameParts()  # helpdesks put the email or the number where no name is known
    flags = (ENCODING_LOST,) if "?" in text else ()
    company: str | None = None
    bracket = _BRACKETS.search(text)
    if bracket is not None:
        inner = clean_text(bracket[1])
        company = inner if inner and is_company_name(inner) else None
        text = clean_text(_BRACKETS.sub(" ", text)) or ""
    if not text or is_company_name(text):
        return NameParts(company=text or company, flags=flags)
    if "." in text:
        text = _GLUED_TITLE.sub(r"\1. ", text)
    if "," in text:
        left, _, right = text.partition(",")
        family_part = _Tokens(left.split())
        given_part = _Tokens(right.replace(",", " ").split())
        pieces: tuple[_Tokens, ...] = (family_part, given_part)
        given, family = _move_particles(given_part.rest, family_part.rest)
        if not given or not family:  # "Müller, jun.", "Dr., Hans Meier": not "Last, First"
            given, family = _split_plain(given + family, order)
    else:
        pieces = (_Tokens(text.split()),)
        given, family = _split_plain(pieces[0].rest, order)
    return _parts(pieces, given, family, company, flags)


@lru_cache(maxsize=65_536)
def split_name_parts(first: str | None, last: str | None) -> NameParts:
    """Clean names delivered in two fields: titles typed into the first name (`Dr. Änne`),
    `jun.` into the last name, particles into the first name (`Richard von`), or a company
    typed into the name fields (`Groß & Söhne GmbH`)."""
    first_text, last_text = clean_text(first), clean_text(last)
    whole = " ".join(t for t in (first_text, last_text) if t)
    if not whole:
        return NameParts()
    flags = (ENCODING_LOST,) if "?" in whole else ()
    company: str | None = None
    if is_company_name(whole):
        if first_text and is_company_name(first_text) or last_text and _only_legal_form(last_text):
            return NameParts(company=whole, flags=flags)  # "Groß & Söhne" / "GmbH"
        if not (last_text and is_company_name(last_text)):
            return NameParts(company=whole, flags=flags)
        company, last_text = last_text, None  # "Björn" / "Groß & Söhne GmbH": a contact
    if first_text and "." in first_text:
        first_text = _GLUED_TITLE.sub(r"\1. ", first_text)
    given_part = _Tokens(first_text.split() if first_text else [])
    family_part = _Tokens(last_text.split() if last_text else [])
    given, family = _move_particles(given_part.rest, family_part.rest)
    if not family and len(given) > 1:  # the whole name typed into the first-name field
        given, family = _split_plain(given, "first_last")
    return _parts((given_part, family_part), given, family, company, flags)
