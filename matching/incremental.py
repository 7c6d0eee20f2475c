"""Re-match only what changed: the pairs of new and changed records, then the clusters
they can reach, scored with the stored parameters of an earlier full match.

Clustering is decided per connected component of automatic links (and people's
must-links): merges go strongest first and vetoes only look inside a component. So the
*region* re-clustered here is grown from the changed records until it is closed: it holds
every record of the current customers that a changed record belonged to or links to,
every record those link to, and so on. Inside a closed region the clusters come out as a
full match with the same parameters would make them; outside it nothing can have changed.
Review-band pairs with a record outside the region are reported, never clustered.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching.blocking import BlockingMemo, candidate_pairs
from matching.comparisons import compare_pairs
from matching.features import build_features
from matching.keys import load_nicknames
from matching.linker import (
    ScoredPairs,
    _check,
    _positions,
    _stopwatch,
    cluster_positions,
    score_pairs,
)
from matching.person_values import kinds_by_record
from matching.scoring import ModelParameters
from matching.settings import MatchSettings
from matching.values import value_positions

logger = logging.getLogger(__name__)

Mask = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class RelinkResult:
    """Scored pairs touching the region (auto and review, record ids), the region's record
    ids with their new cluster labels, and pairs per blocking rule."""

    pairs: pd.DataFrame
    clusters: pd.Series
    pairs_per_rule: dict[str, int]
    changed: int
    timings: dict[str, float] = field(default_factory=dict)
    kinds: pd.Series | None = None  # record id -> its one-person kinds (`person_values`)


def relink(
    records: pd.DataFrame | None,
    changed: Sequence[int],
    current: pd.Series,
    parameters: ModelParameters,
    settings: MatchSettings,
    *,
    stale: Sequence[int] = (),
    must_link: Sequence[tuple[int, int]] = (),
    cannot_link: Sequence[tuple[int, int]] = (),
    features: pd.DataFrame | None = None,
) -> RelinkResult:
    """Re-match around the `changed` record ids of `records` (all identity records), or of
    their `features` (`build_features`) when given instead.

    `current` maps record id -> current cluster (customer) label for records already
    clustered; `stale` are labels whose customers lost a record (erased, no identity left)
    and are re-clustered too. Term frequencies still come from all records.
    """
    timings: dict[str, float] = {}
    lap = _stopwatch(timings)
    nicknames = load_nicknames(settings.nickname_files)
    if features is None:
        assert records is not None, "relink needs the records or their features"
        _check(records)
        features = build_features(records, settings.nickname_files)
    ids = features["record_id"].to_numpy()
    n = len(features)
    labels = _current_labels(ids, current)
    must = _position_pairs(ids, must_link)
    lap("features")

    region = np.isin(ids, np.asarray(changed, dtype=np.int64))
    changed_count = int(region.sum())
    region |= _fellow_carriers(features, region)
    region |= np.isin(labels, labels[region]) | np.isin(labels, np.asarray(stale, np.int64))
    compare = partial(
        compare_pairs, features, comparisons=settings.comparisons, nicknames=nicknames
    )
    memo: dict[str, npt.NDArray[Any]] = {}
    prepared: BlockingMemo = {}
    done = np.zeros(n, dtype=bool)
    found: list[ScoredPairs] = []
    per_rule: dict[str, int] = {}
    frontier = region.copy()
    while frontier.any():
        pairs, rule_counts = candidate_pairs(features, settings.blocking, frontier, prepared)
        pairs = pairs[~done[pairs[:, 0]] & ~done[pairs[:, 1]]]  # not scored in a prior round
        for name, count in rule_counts.items():
            per_rule[name] = per_rule.get(name, 0) + count
        lap("blocking")
        codes = compare(pairs)
        lap("comparisons")
        scored = score_pairs(features, pairs, codes, settings, parameters, memo)
        found.append(scored.subset(scored.score >= settings.review_threshold))
        lap("scoring")
        done |= frontier
        linked = pairs[scored.score >= settings.link_threshold]
        reached = _closure(region, linked, must, labels)
        frontier = reached & ~region
        region |= reached

    everything = ScoredPairs.concat(found, parameters)
    members = np.flatnonzero(region)
    local = cluster_positions(
        features, members, everything, settings, nicknames, must_link, cannot_link
    )
    lap("clustering")
    logger.info(
        "re-matched %d changed records: region of %d records, %d pairs scored",
        changed_count, len(members), len(everything.pairs),
    )  # fmt: skip
    scored_pairs = everything.frame(ids, settings)
    lap("evidence")
    return RelinkResult(
        pairs=scored_pairs,
        clusters=pd.Series(local, index=pd.Index(ids[members], name="record_id"), name="cluster"),
        pairs_per_rule=per_rule,
        changed=changed_count,
        timings=timings,
        kinds=kinds_by_record(features),
    )


SHARED_VALUE_COLUMNS = ("email", "phone", "phone_alt", "identifiers")
MAX_CARRIERS = 100  # a value carried more often is shared already, one carrier more or less


def _fellow_carriers(features: pd.DataFrame, changed: Mask) -> Mask:
    """Records carrying an email, phone or identifier of a changed record: whether a value
    is shared by several people (`matching.sharing`) can flip with one carrier more or
    less, and with it the weight of their own pairs."""
    long = value_positions(features, SHARED_VALUE_COLUMNS, distinct=False)
    wanted = long["value"][changed[long["pos"].to_numpy()]].unique()
    near = long[long["value"].isin(wanted)].drop_duplicates()  # all carriers of those values
    counts = near["value"].map(near["value"].value_counts())
    near = near[(counts <= MAX_CARRIERS).to_numpy()]
    carriers = np.zeros(len(features), dtype=bool)
    carriers[near["pos"].to_numpy(dtype=np.int64)] = True
    return carriers


def _current_labels(ids: npt.NDArray[np.int64], current: pd.Series) -> npt.NDArray[np.int64]:
    """Each position's current cluster label; a record not clustered yet gets its own."""
    labels = current.reindex(ids).to_numpy(dtype=np.float64)
    unknown = np.isnan(labels)
    highest = np.nanmax(labels) if (~unknown).any() else -1.0
    labels[unknown] = highest + 1 + np.arange(int(unknown.sum()))
    return labels.astype(np.int64)


def _position_pairs(
    ids: npt.NDArray[np.int64], pairs: Sequence[tuple[int, int]]
) -> npt.NDArray[np.int64]:
    """Record-id pairs -> position pairs (`ids` in input order, possibly unsorted)."""
    order = np.argsort(ids)
    return order[_positions(ids[order], pairs)]


def _closure(
    region: Mask,
    linked: npt.NDArray[np.int64],
    must: npt.NDArray[np.int64],
    labels: npt.NDArray[np.int64],
) -> Mask:
    """Positions joined to the region by a link or must-link, with all of their current
    customers' records (a customer is re-clustered whole or not at all)."""
    reached = np.zeros(len(region), dtype=bool)
    for pairs in (linked, must):
        if len(pairs):
            touching = region[pairs[:, 0]] | region[pairs[:, 1]]
            reached[pairs[touching].ravel()] = True
    if not reached.any():
        return reached
    return reached | np.isin(labels, labels[reached])
