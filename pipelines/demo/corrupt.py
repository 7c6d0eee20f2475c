"""Error models: how a clean value turns into what a source really holds.

Every probability lives here: `NOISE`, one row per record kind, is the error mix of the
demo set, and a `Difficulty` (`DIFFICULTIES`) scales it and sets the population's hard
cases (namesakes, movers, shared mailboxes and phones, twins). The functions take the
caller's `random.Random`; they never touch global state, so a seed fixes every error.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, replace
from functools import cache

from matching.keys import load_nicknames, name_key
from pipelines.demo.places import CITIES


@dataclass(frozen=True)
class Noise:
    """Per-record probabilities of each error kind for one source."""

    nickname: float = 0.0  # Johannes -> Hans (groups of matching/data/nicknames.csv)
    umlaut: float = 0.0  # Müller -> Mueller / Muller, Weiß -> Weiss
    typo: float = 0.0  # one-character edit in first or last name
    swap: float = 0.0  # first and last name exchanged
    case: float = 0.0  # name typed in ALL CAPS or all lower case
    email_case: float = 0.0  # J.Weiss@Web.de
    email_comma: float = 0.0  # j.weiss@web,de
    street: float = 0.0  # Straße written Str. / Strasse / str.
    # An identity field the source often lacks left empty: the order's phone, the helpdesk
    # user's email, the 3CX phonebook name, the Mailchimp names.
    missing: float = 0.0
    invalid: float = 0.0  # a value no validator accepts: the row belongs in quarantine


NOISE: dict[str, Noise] = {
    # Customers type their own account data: few errors, but lazy umlauts and nicknames.
    "shop_customer": Noise(nickname=0.05, umlaut=0.07, typo=0.015, swap=0.005, case=0.03,
                           email_case=0.06, street=0.25, invalid=0.008),
    "shop_order": Noise(nickname=0.03, umlaut=0.05, typo=0.01, case=0.02, street=0.2,
                        missing=0.1, invalid=0.005),
    # Agents type what they hear: transliterations, "Last, First", nicknames.
    "helpdesk_user": Noise(nickname=0.06, umlaut=0.3, typo=0.03, swap=0.02, case=0.02,
                           email_case=0.1, missing=0.3, invalid=0.01),
    "hotline_call": Noise(umlaut=0.5, typo=0.02, missing=0.55, invalid=0.005),
    "newsletter_member": Noise(nickname=0.05, umlaut=0.05, typo=0.01, case=0.03,
                               email_case=0.08, street=0.2, missing=0.3, invalid=0.006),
    "pos_receipt": Noise(umlaut=0.1, typo=0.02, street=0.5, invalid=0.01),
    "coupon_redemption": Noise(umlaut=0.1, typo=0.01, email_case=0.05, invalid=0.008),
    # Temp staff typing handwriting: the worst of all.
    "postcard": Noise(nickname=0.03, umlaut=0.15, typo=0.05, swap=0.01, case=0.05,
                      email_case=0.1, email_comma=0.03, street=0.6, invalid=0.02),
}  # fmt: skip

_SCALED = ("nickname", "umlaut", "typo", "swap", "case", "email_case", "email_comma", "street")


@dataclass(frozen=True)
class Difficulty:
    """How hard the demo set is to match. `normal` is the historical mix (its files stay
    byte-identical); `hard` has what real German customer data has more of, never what it
    lacks: more typing errors, nicknames and transliterations, more namesakes and movers,
    families sharing mailboxes and phones, twins, and fathers and sons of one name.

    A rate of 0 draws no random number, so a zero here leaves the other rates' draws (and
    the files of `normal`) as they were.
    """

    errors: float = 1.0  # scales the name, email and street error rates of `NOISE`
    namesakes: float = 0.012  # households headed by a very common full name (Thomas Müller)
    movers: float = 0.04  # households that move on a later export day
    family_mailbox: float = 0.15  # households of two or more with a `familie.*` mailbox
    mailbox_users: float = 0.6  # members other than the head who use it
    sons_named: float = 0.15  # first sons who carry their father's first name
    twins: float = 0.0  # a second child born on the first child's birth date
    borrowed_mobile: float = 0.0  # members without a mobile who give a relative's

    def noise(self, kind: str) -> Noise:
        """`NOISE[kind]` with its error rates scaled (capped at 0.9: some rows stay clean)."""
        base = NOISE[kind]
        if self.errors == 1.0:
            return base
        scaled = {name: min(0.9, getattr(base, name) * self.errors) for name in _SCALED}
        return replace(base, **scaled)


DIFFICULTIES: dict[str, Difficulty] = {
    "easy": Difficulty(errors=0.5, namesakes=0.004, movers=0.02, family_mailbox=0.08),
    "normal": Difficulty(),
    "hard": Difficulty(errors=2.0, namesakes=0.03, movers=0.1, family_mailbox=0.3,
                       mailbox_users=0.8, sons_named=0.3, twins=0.08,
                       borrowed_mobile=0.3),
}  # fmt: skip
NORMAL = DIFFICULTIES["normal"]


_UMLAUT_DIN = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"}
)
_UMLAUT_PLAIN = str.maketrans(
    {"ä": "a", "ö": "o", "ü": "u", "Ä": "A", "Ö": "O", "Ü": "U", "ß": "ss"}
)
_NEIGHBOURS = {
    "a": "sq", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj",
    "i": "uo", "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o",
    "r": "et", "s": "ad", "t": "rz", "u": "zi", "v": "cb", "w": "qe", "z": "tu",
}  # fmt: skip
_AREA_CODES = frozenset(city.area_code for city in CITIES)


def fold_umlauts(text: str, rng: random.Random) -> str:
    """`Müller` -> `Mueller` (mostly) or `Muller`: keyboards and agents without umlauts."""
    if text.isascii():
        return text
    return text.translate(_UMLAUT_DIN if rng.random() < 0.7 else _UMLAUT_PLAIN)


def typo(text: str, rng: random.Random) -> str:
    """One keyboard slip after the first letter: substitution, deletion, doubling or swap."""
    if len(text) < 4:
        return text
    i = rng.randrange(1, len(text) - 1)
    c = text[i]
    if not c.isalpha():
        return text
    kind = rng.randrange(4)
    if kind == 0:
        near = _NEIGHBOURS.get(c.lower())
        return text[:i] + (rng.choice(near) if near else c) + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i + 1 :]
    if kind == 2:
        return text[:i] + c + text[i:]
    return text[:i] + text[i + 1] + c + text[i + 2 :]


@cache
def _nickname_table() -> dict[str, tuple[str, ...]]:
    """Full-name key -> its short forms, from the matcher's own nickname groups."""
    table: dict[str, tuple[str, ...]] = {}
    for group in load_nicknames().groups:
        table.setdefault(group[0], tuple(n for n in group[1:] if len(n) > 2))
    return table


def nickname(first: str, rng: random.Random) -> str:
    """`Johannes` -> `Hans`, `Elisabeth` -> `Lisa`; names without a nickname stay."""
    forms = _nickname_table().get(name_key(first))
    return rng.choice(forms).capitalize() if forms else first


def recase(text: str, rng: random.Random) -> str:
    return text.upper() if rng.random() < 0.5 else text.lower()


def person_name(first: str, last: str, rng: random.Random, noise: Noise) -> tuple[str, str]:
    """First and last name as one source holds them, with that source's name errors."""
    if noise.nickname and rng.random() < noise.nickname:
        first = nickname(first, rng)
    if noise.umlaut and rng.random() < noise.umlaut:
        first, last = fold_umlauts(first, rng), fold_umlauts(last, rng)
    if noise.typo and rng.random() < noise.typo:
        if rng.random() < 0.5:
            first = typo(first, rng)
        else:
            last = typo(last, rng)
    if noise.case and rng.random() < noise.case:
        first, last = recase(first, rng), recase(last, rng)
    if noise.swap and rng.random() < noise.swap:
        first, last = last, first
    return first, last


def street_name(street: str, rng: random.Random, probability: float) -> str:
    """`Hauptstraße` -> `Hauptstr.` / `Hauptstrasse` / `Hauptstr` / `Haupt-Str.`."""
    if not probability or rng.random() >= probability:
        return street
    for long in ("straße", "Straße"):
        if street.endswith(long):
            head = street[: -len(long)]
            initial = long[0]
            return head + rng.choice((f"{initial}tr.", f"{initial}trasse", f"{initial}tr."))
    return street.translate(_UMLAUT_DIN) if rng.random() < 0.3 else street


def email_text(email: str, rng: random.Random, noise: Noise) -> str:
    """Case changes (`J.Weiss@Web.de`, all caps) and the `web,de` comma typo."""
    if noise.email_case and rng.random() < noise.email_case:
        local, _, domain = email.partition("@")
        if rng.random() < 0.3:
            email = email.upper()
        else:
            email = f"{local[:1].upper()}{local[1:]}@{domain[:1].upper()}{domain[1:]}"
    if noise.email_comma and rng.random() < noise.email_comma:
        head, dot, tld = email.rpartition(".")
        email = f"{head},{tld}" if dot else email
    return email


def invalid_email(email: str, rng: random.Random, *, keep_at: bool = False) -> str:
    """An address no validator accepts: lost `@`, doubled `@`, no domain dot, blank.

    `keep_at`: only broken forms that still look like an address; a column holding either
    an email or a card number (Voucherify `customer_source_id`) would take one without `@`
    for a valid card number."""
    local, _, domain = email.partition("@")
    forms = (f"{local}@@{domain}", f"{local}@{domain.split('.')[0]}", f"{local} @{domain}",
             f"{local}@{domain}.", f"{local}.{domain}")  # fmt: skip
    return rng.choice(forms[:-1] if keep_at else forms)


def _area_length(national: str) -> int:
    if national.startswith("1"):
        return 3  # mobile prefixes 15x/16x/17x
    for size in (2, 3, 4):
        if national[:size] in _AREA_CODES:
            return size
    return 3


PHONE_STYLES = (
    "e164", "intl", "intl0", "double0", "national", "spaced", "slash", "slash_pairs",
    "paren", "dash", "lost0",
)  # fmt: skip


def phone_text(national: str, style: str) -> str:
    """A German number (national digits without the trunk 0) written in one house style.

    `intl0` is `+49 (0)40 …`, `lost0` what a spreadsheet makes of `0151…`.
    """
    size = _area_length(national)
    area, subscriber = national[:size], national[size:]
    if style == "e164":
        return f"+49{national}"
    if style == "intl":
        return f"+49 {area} {subscriber}"
    if style == "intl0":
        return f"+49 (0){area} {subscriber}"
    if style == "double0":
        return f"0049{national}"
    if style == "national":
        return f"0{national}"
    if style == "slash":
        return f"0{area}/{subscriber}"
    if style == "slash_pairs":
        pairs = " ".join(subscriber[i : i + 2] for i in range(0, len(subscriber), 2))
        return f"0{area} / {pairs}"
    if style == "paren":
        return f"(0{area}) {subscriber[:-2]}-{subscriber[-2:]}"
    if style == "dash":
        return f"0{area}-{subscriber}"
    if style == "lost0":
        return national
    return f"0{area} {subscriber}"  # "spaced"


def truncated_phone(national: str) -> str:
    """A number cut short while typing: too few digits to be any German number."""
    return f"0{national[:4]}"
