"""Clusters of records (persons) from automatic links: connected components that keep
singletons and resist chaining.

Anti-chaining rule: links are merged strongest first; two clusters are not merged when
the merged cluster would contain a pair of records with *veto evidence* (by default a
different first name — not a nickname, typo or initial —, a different birth date,
jun./sen., or two different numbers of one kind: two mobiles are two people) unless that
very pair is itself an automatic link (its score already weighed the evidence). So
`Marlene König — M. König — Manfred König` does not become one person.

Only components of three or more records can chain, so only they are checked, and only
those holding a veto pair are re-built link by link.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.arrays import distinct_sorted

Pairs = npt.NDArray[np.int64]
Labels = npt.NDArray[np.int64]
# Which of the given position pairs carry veto evidence.
Veto = Callable[[Pairs], npt.NDArray[np.bool_]]


def components(n: int, links: Pairs) -> Labels:
    """Connected-component labels of positions 0..n-1: each is its component's smallest
    position. Min-label hooking with pointer jumping, vectorized (no per-link Python)."""
    labels = np.arange(n, dtype=np.int64)
    if len(links) == 0:
        return labels
    a, b = links[:, 0], links[:, 1]
    while True:
        low = np.minimum(labels[a], labels[b])
        before = labels.copy()
        np.minimum.at(labels, labels[a], low)  # hook each root onto the smaller label
        np.minimum.at(labels, labels[b], low)
        while True:  # pointer jumping: point every node at its root
            jumped = labels[labels]
            if np.array_equal(jumped, labels):
                break
            labels = jumped
        if np.array_equal(labels, before):
            return labels


def canonical_labels(labels: Labels) -> Labels:
    """Relabel so clusters are numbered 0, 1, … in order of their smallest position."""
    _, first, inverse = np.unique(labels, return_index=True, return_inverse=True)
    rank = np.empty(len(first), dtype=np.int64)
    rank[np.argsort(first, kind="stable")] = np.arange(len(first))
    return rank[inverse.ravel()]


def _intra_pairs(labels: Labels, min_size: int) -> Pairs:
    order = np.argsort(labels, kind="stable")
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    blocks = []
    for members in np.split(order, bounds):
        if len(members) >= min_size:
            i, j = np.triu_indices(len(members), k=1)
            a, b = members[i], members[j]
            blocks.append(np.column_stack([np.minimum(a, b), np.maximum(a, b)]))
    return np.concatenate(blocks) if blocks else np.empty((0, 2), dtype=np.int64)


class _Guarded:
    """Union-find whose unions refuse to join two sets across a veto pair."""

    def __init__(self, vetoes: Pairs) -> None:
        self.parent: dict[int, int] = {}
        self.members: dict[int, list[int]] = {}
        self.against: dict[int, set[int]] = {}
        for a, b in vetoes.tolist():
            self.against.setdefault(a, set()).add(b)
            self.against.setdefault(b, set()).add(a)

    def find(self, x: int) -> int:
        self.members.setdefault(x, [x])
        root = self.parent.setdefault(x, x)
        while root != self.parent[root]:
            root = self.parent[root]
        while x != root:  # path compression
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        small, large = sorted((ra, rb), key=lambda r: len(self.members[r]))
        for x in self.members[small]:
            if any(self.find(y) == large for y in self.against.get(x, ())):
                return
        self.parent[small] = large
        self.members[large].extend(self.members.pop(small))


def _veto_pairs(n: int, links: Pairs, labels: Labels, veto: Veto | None) -> Pairs:
    """Pairs inside chained components (3+ records) with veto evidence and no direct link."""
    if veto is None:
        return np.empty((0, 2), dtype=np.int64)
    candidates = _intra_pairs(labels, min_size=3)
    if len(candidates) == 0:
        return candidates
    # pandas' hash table: np.isin sorts both sides (the codes span n² values), 10-20x slower
    direct = pd.Index(candidates[:, 0] * n + candidates[:, 1]).isin(links[:, 0] * n + links[:, 1])
    return candidates[veto(candidates) & ~direct]


def cluster(
    n: int, links: Pairs, veto: Veto | None = None, cannot_link: Pairs | None = None
) -> Labels:
    """Cluster labels for positions 0..n-1; `links` strongest first (the merge order).

    `cannot_link` pairs (a person's decision) never end in one cluster, whatever links
    or chains would join them; they are enforced like veto pairs, direct links included.
    """
    labels = components(n, links)
    if len(links) == 0:
        return canonical_labels(labels)
    vetoes = _veto_pairs(n, links, labels, veto)
    if cannot_link is not None and len(cannot_link):
        together = cannot_link[labels[cannot_link[:, 0]] == labels[cannot_link[:, 1]]]
        vetoes = np.concatenate([vetoes, together.astype(np.int64)])
    if len(vetoes) == 0:
        return canonical_labels(labels)
    conflicted = distinct_sorted(labels[vetoes[:, 0]])
    guarded = _Guarded(vetoes)
    for a, b in links[np.isin(labels[links[:, 0]], conflicted)].tolist():
        guarded.union(a, b)
    result = labels.copy()
    offset = int(labels.max()) + 1
    for position in np.flatnonzero(np.isin(labels, conflicted)).tolist():
        result[position] = offset + guarded.find(position)
    return canonical_labels(result)
