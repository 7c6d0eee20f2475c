"""Kinds of one-person value a record carries: a personal email, a personal phone, an
address, an identifier of a person namespace (a loyalty card, a shop account, ...).

Two identities (or customers) that both hold a value of one kind, none of it shared,
are most often two people: an identity is the set of records tied by such values, so
two of them holding one kind hold different ones. `features.build_features` keeps each
record's kinds as `person_kinds`, which namesake counting (`frequency`) and the review
queue's order (`held_by_both`) read. A kind is one bit; a record's kinds are their union.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.catalog import PERSON_NAMESPACES

KINDS: tuple[str, ...] = ("email", "phone", "address", *PERSON_NAMESPACES)
KIND_BITS: dict[str, int] = {kind: 1 << bit for bit, kind in enumerate(KINDS)}

Bits = npt.NDArray[np.int64]


def one_person_kinds(features: pd.DataFrame) -> Bits:
    """Per record of a feature frame, the `KIND_BITS` of the one-person values it carries
    (emails and phones that several people share do not count)."""
    flags = {
        "email": features["email"].notna() & ~features["email_shared"].astype(bool),
        "phone": (features["phone"].notna() & ~features["phone_shared"].astype(bool))
        | (features["phone_alt"].notna() & ~features["phone_alt_shared"].astype(bool)),
        "address": features["street_key"].notna() & features["postal_code"].notna(),
    }
    bits = np.zeros(len(features), dtype=np.int64)
    for kind, flag in flags.items():
        bits |= np.where(flag.to_numpy(dtype=bool), KIND_BITS[kind], 0)
    namespaces = [
        sum({KIND_BITS.get(i.partition(":")[0], 0) for i in ids}) if ids else 0
        for ids in features["identifiers_unique"].tolist()
    ]  # distinct bits: their sum is their union
    return bits | np.asarray(namespaces, dtype=np.int64)


def kinds_by_record(features: pd.DataFrame) -> pd.Series:
    """A feature frame's `person_kinds`, indexed by record id (what a match hands on)."""
    ids = pd.Index(features["record_id"].to_numpy(), name="record_id")
    return pd.Series(features["person_kinds"].to_numpy(), index=ids)


def kind_names(bits: int) -> list[str]:
    """The kinds set in `bits`, in `KINDS` order."""
    return [kind for kind in KINDS if bits & KIND_BITS[kind]]


def held_by_both(
    clusters: dict[int, int], kinds: pd.Series, pairs: list[tuple[int, int]]
) -> list[list[str]]:
    """Per record pair, the kinds that both records' clusters hold (record id -> cluster
    label, `kinds`: record id -> kind bits): two people, more often than not. Only the
    clusters of the pairs' records are read."""
    wanted = {clusters[record] for pair in pairs for record in pair if record in clusters}
    records = np.fromiter(clusters.keys(), dtype=np.int64, count=len(clusters))
    labels = np.fromiter(clusters.values(), dtype=np.int64, count=len(clusters))
    inside = np.isin(labels, np.fromiter(wanted, dtype=np.int64, count=len(wanted)))
    bits = kinds.reindex(records[inside], fill_value=0).to_numpy(dtype=np.int64)
    held: dict[int, int] = {}
    for label, kind in zip(labels[inside].tolist(), bits.tolist(), strict=True):
        held[label] = held.get(label, 0) | kind
    return [
        kind_names(held.get(clusters.get(left, -1), 0) & held.get(clusters.get(right, -2), 0))
        for left, right in pairs
    ]
