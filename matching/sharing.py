"""Which emails, phone numbers and identifiers are shared by several people.

A family mailbox, a landline or a generic coupon code (`WILLKOMMEN10`) is carried by
records with different names; a loyalty card or a personal mobile by one name only. The
comparisons give a shared value little weight and a one-person value near-certain weight,
so this is learnt from the data on every run rather than from random pairs (where two
records almost never share an identifier, which made ids look weaker than they are).

Names are compared by Kölner Phonetik after nickname folding (Marlene ≈ Marlen, Manni =
Manfred). A carrier with both names gives an order-free key (swapped first and last name
stay one person); a carrier with only one name, or an initial, contradicts the others
only when that name is not among theirs. Carriers without a name prove nothing, so an
id-only receipt never makes its card number shared. Nor does one carrier's typo: names
that differ only by a slip of the keyboard (Klein / Kkein), by letters an export could
not encode (Yıldız / Y?ld?z) or by a nickname besides (Michi Lage / Michael Lange) are
one carrier's, or a personal coupon or mobile would look generic.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from rapidfuzz.distance import DamerauLevenshtein

from matching import keys
from matching.keys import Nicknames
from matching.values import value_positions

_MAX_SPELLINGS = 4  # more distinct full names on one value are several people anyway


def _alike(a: str, b: str) -> bool:
    """One name spelt twice: one keyboard slip apart (an edit or a transposition), or
    equal where `?` stands for any letter (Windows-1252 lost it). Two names of three
    letters one letter apart are two names (Kim / Tim); a dropped letter is a slip even
    then (Wolf / Wof)."""
    if len(a) == len(b) and all(x == y or "?" in (x, y) for x, y in zip(a, b, strict=True)):
        return True
    return (
        min(len(a), len(b)) >= 3
        and max(len(a), len(b)) >= 4
        and DamerauLevenshtein.distance(a, b, score_cutoff=2) <= 1
    )


Spelling = tuple[str, str]  # a name DIN-folded (keeps `?`) and as its key (Müller = Muller)


def _same(a: Spelling, b: Spelling) -> bool:
    """Alike in either form: `Mluler` is one slip from `Muller`, two from `Mueller`."""
    return _alike(a[0], b[0]) or _alike(a[1], b[1])


def _one_carrier(names: set[tuple[Spelling, str, Spelling]]) -> bool:
    """All (first, first's nickname group, last) spellings are alike pairwise, in either
    order: the first names by spelling or by group (`Michi Lange` / `Michael Lage`)."""
    spellings = sorted(names)
    return all(
        ((_same(f1, f2) or _alike(g1, g2)) and _same(l1, l2)) or (_same(f1, l2) and _same(l1, f2))
        for i, (f1, g1, l1) in enumerate(spellings)
        for f2, g2, l2 in spellings[i + 1 :]
    )


def _typos_only(
    features: pd.DataFrame, long: pd.DataFrame, values: pd.Index, nicknames: Nicknames
) -> set[str]:
    """Those of `values` whose carriers' full names differ by typos (and nicknames) only."""
    rows = long[long["value"].isin(values) & long["full"].notna()]
    where = rows["pos"].to_numpy()
    first_key = features["first_name_key"].to_numpy()[where]
    first = zip(features["first_name_din"].to_numpy()[where], first_key, strict=True)
    group = [nicknames.canonical(k) for k in first_key]
    last = zip(
        features["last_name_din"].to_numpy()[where],
        features["last_name_key"].to_numpy()[where],
        strict=True,
    )
    names: dict[str, set[tuple[Spelling, str, Spelling]]] = {}
    for value, f, g, surname in zip(rows["value"], first, group, last, strict=True):
        names.setdefault(value, set()).add((f, g, surname))
    return {v for v, n in names.items() if len(n) <= _MAX_SPELLINGS and _one_carrier(n)}


def _codes(names: pd.Series, nicknames: Nicknames) -> pd.Series:
    codes, uniques = pd.factorize(names)
    table = np.array([keys.cologne(nicknames.canonical(str(u))) or None for u in uniques] + [None])
    return pd.Series(table[codes], index=names.index, dtype=object)


def shared_values(features: pd.DataFrame, columns: Sequence[str], nicknames: Nicknames) -> set[str]:
    """Values of `columns` (any of them) that records of more than one person carry."""
    long = value_positions(features, columns)
    long = long[long["value"].duplicated(keep=False)]  # one carrier shares with nobody
    if long.empty:
        return set()
    full_first = features["first_name_key"].mask(features["first_is_initial"].astype(bool))
    first = _codes(full_first, nicknames).to_numpy()[long["pos"].to_numpy()]
    last = _codes(features["last_name_key"], nicknames).to_numpy()[long["pos"].to_numpy()]
    has_first, has_last = pd.notna(first), pd.notna(last)
    both = has_first & has_last
    long["full"] = [
        f"{min(a, b)}|{max(a, b)}" if ok else None
        for a, b, ok in zip(first, last, both, strict=True)
    ]
    partial_name = np.where(has_first, first, last).astype(object)
    partial_name[both] = None
    long["partial"] = partial_name
    long["role"] = np.where(has_first, "first", "last")
    groups = long.groupby("value")
    distinct_full = groups["full"].nunique()
    distinct_partial = long.dropna(subset=["partial"]).groupby(["value", "role"])["partial"]
    several = distinct_full.index[distinct_full > 1]
    shared = set(several) - _typos_only(features, long, several, nicknames)
    many = distinct_partial.nunique()
    shared.update(many.index.get_level_values("value")[many.to_numpy() > 1])
    # A one-name carrier contradicts the value's (single) full name when not part of it.
    full_of = groups["full"].first()
    partial = long.dropna(subset=["partial"])
    known = partial["value"].map(full_of)
    for value, name, full in zip(partial["value"], partial["partial"], known, strict=True):
        if isinstance(full, str) and name not in full.split("|"):
            shared.add(value)
    return shared
