"""`link_records`: block, compare, score and cluster one frame of customer records.

Pairs and clusters refer to the input's record ids. Scores are match probabilities:
at or above `link_threshold` a pair is an automatic link, at or above `review_threshold`
it waits for a person, below it is not returned. Only automatic links form clusters.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from matching import calibration, estimation
from matching.arrays import distinct_sorted
from matching.blocking import candidate_pairs
from matching.clustering import Pairs, Veto, cluster
from matching.comparisons import compare_pairs
from matching.features import build_features
from matching.frequency import adjust_weights
from matching.keys import Nicknames, load_nicknames
from matching.person_values import kinds_by_record
from matching.scoring import (
    ModelParameters,
    evidence,
    level_weights,
    match_probability,
    prior_parameters,
)
from matching.settings import MatchSettings, default_settings
from schemas.errors import KundenstammError

logger = logging.getLogger(__name__)

PAIR_COLUMNS = ("left", "right", "score", "weight", "decision", "evidence")


class MatchInputError(KundenstammError, ValueError):
    """The records frame cannot be matched (duplicate or non-integer record ids)."""


@dataclass(frozen=True)
class LinkResult:
    """Scored pairs (auto and review), record id -> cluster label, pairs per blocking rule."""

    pairs: pd.DataFrame
    clusters: pd.Series
    pairs_per_rule: dict[str, int]
    parameters: ModelParameters | None = None  # the fitted m/u/prior, for reports and tuning
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    kinds: pd.Series | None = None  # record id -> its one-person kinds (`person_values`)


def _check(records: pd.DataFrame) -> None:
    if not records.index.is_unique:
        raise MatchInputError("record ids (the frame's index) must be unique")
    if len(records) and not pd.api.types.is_integer_dtype(records.index.dtype):
        raise MatchInputError(f"record ids must be integers, got {records.index.dtype}")


def _veto(features: pd.DataFrame, settings: MatchSettings, nicknames: Nicknames) -> Veto | None:
    """Level codes -> veto mask for arbitrary pairs (the clustering's anti-chaining test)."""
    wanted = [v.partition(".") for v in settings.clustering.veto_levels]
    comparisons = [c for c in settings.comparisons if any(c.name == w[0] for w in wanted)]
    if not comparisons:
        return None

    def run(pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
        codes = compare_pairs(features, pairs, comparisons, nicknames)
        hit = np.zeros(len(pairs), dtype=bool)
        for column, comparison in enumerate(comparisons):
            for name, _, level in wanted:
                if name == comparison.name:
                    hit |= codes[:, column] == comparison.code(level)
        return hit

    return run


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in PAIR_COLUMNS}).astype(
        {"left": "int64", "right": "int64", "score": "float64", "weight": "float64"}
    )


# Runs a comparison function over partitions of pairs, in order, e.g. on a Dask cluster.
ChunkMapper = Callable[
    [Callable[[Pairs], npt.NDArray[np.int8]], list[Pairs]], list[npt.NDArray[np.int8]]
]


def _positions(ids: npt.NDArray[np.int64], pairs: Sequence[tuple[int, int]]) -> Pairs:
    """Record-id pairs -> position pairs (`ids` sorted); pairs naming a record not in
    `ids` are dropped."""
    where, present = _located(ids, pairs)
    result: Pairs = where[present]
    return result


def _located(
    ids: npt.NDArray[np.int64], pairs: Sequence[tuple[int, int]]
) -> tuple[Pairs, npt.NDArray[np.bool_]]:
    """Each pair's positions in the sorted `ids`, and whether both records are there."""
    if not pairs or len(ids) == 0:
        return np.empty((0, 2), dtype=np.int64), np.zeros(len(pairs), dtype=bool)
    wanted = np.asarray(pairs, dtype=np.int64)
    where = np.minimum(np.searchsorted(ids, wanted), len(ids) - 1)
    return where, (ids[where] == wanted).all(axis=1)


def link_records(
    records: pd.DataFrame,
    settings: MatchSettings | None = None,
    *,
    must_link: Sequence[tuple[int, int]] = (),
    cannot_link: Sequence[tuple[int, int]] = (),
    map_chunks: ChunkMapper | None = None,
    chunk_pairs: int = 500_000,
    parameters: ModelParameters | None = None,
    verdicts: Sequence[tuple[int, int, bool]] = (),
    features: pd.DataFrame | None = None,
) -> LinkResult:
    """Link `records` (index: unique int record ids; columns: `CustomerRecord` fields).

    `must_link` / `cannot_link` are people's decisions (record-id pairs): must-links join
    before any scored link, cannot-links are never joined, not even through a chain.
    `map_chunks` compares the candidate pairs in partitions of `chunk_pairs` on an executor
    (a Dask cluster); the result is the same as comparing them here. Given `parameters`
    (a stored fit), scores use them instead of estimating m, u and the prior again.
    `verdicts` (left, right, one person?) are people's decisions on record pairs: a fit
    made here calibrates its prior on them (`matching.calibration`). `features`: the
    records' `build_features`, if already computed.
    """
    settings = settings or default_settings()
    _check(records)
    timings: dict[str, float] = {}
    lap = _stopwatch(timings)
    nicknames = load_nicknames(settings.nickname_files)
    if features is None:
        features = build_features(records, settings.nickname_files)
    ids = features["record_id"].to_numpy()
    n = len(features)
    lap("features")
    pairs, per_rule = candidate_pairs(features, settings.blocking)
    lap("blocking")
    compare = partial(
        compare_pairs, features, comparisons=settings.comparisons, nicknames=nicknames
    )
    if map_chunks is not None and len(pairs) > 1:  # at least two partitions: use the cluster
        partitions = np.array_split(pairs, max(2, -(-len(pairs) // chunk_pairs)))
        codes = np.concatenate(map_chunks(compare, partitions))
    else:
        codes = compare(pairs)
    lap("comparisons")
    if parameters is None:
        parameters = (
            estimation.fit(settings, n, codes, compare) if n > 1 else prior_parameters(settings)
        )
        parameters = _calibrated(features, verdicts, settings, parameters, compare)
    lap("estimation")
    scored = score_pairs(features, pairs, codes, settings, parameters)
    lap("scoring")
    everyone = np.arange(n, dtype=np.int64)
    labels = cluster_positions(
        features, everyone, scored, settings, nicknames, must_link, cannot_link
    )
    lap("clustering")
    result = scored.frame(ids, settings)
    lap("evidence")
    logger.info(
        "matched %d records: %d candidate pairs, %d auto, %d review, %d clusters",
        n, len(pairs), int((result["decision"] == "auto").sum()),
        int((result["decision"] == "review").sum()), len(distinct_sorted(labels)),
    )  # fmt: skip
    return LinkResult(
        pairs=result,
        clusters=pd.Series(labels, index=pd.Index(ids, name="record_id"), name="cluster"),
        pairs_per_rule=per_rule,
        parameters=parameters,
        timings=timings,
        kinds=kinds_by_record(features),
    )


def _calibrated(
    features: pd.DataFrame,
    verdicts: Sequence[tuple[int, int, bool]],
    settings: MatchSettings,
    parameters: ModelParameters,
    compare: Callable[[Pairs], npt.NDArray[np.int8]],
) -> ModelParameters:
    """The fitted parameters with the prior calibrated on the verdicts among `features`."""
    ids = features["record_id"].to_numpy()
    where, present = _located(ids, [(left, right) for left, right, _ in verdicts])
    if not present.any():
        return parameters
    pairs = where[present]
    matched = np.array([same for _, _, same in verdicts], dtype=bool)[present]
    codes = compare(pairs)
    weights = adjust_weights(
        level_weights(codes, parameters), codes, pairs, features, settings, parameters
    )
    return calibration.calibrate(
        parameters, weights.sum(axis=1, dtype=np.float64), matched, settings.scoring
    )


def _stopwatch(timings: dict[str, float]) -> Callable[[str], None]:
    """`lap(stage)` books the seconds since the previous lap under `stage`."""
    started = time.perf_counter()

    def lap(stage: str) -> None:
        nonlocal started
        now = time.perf_counter()
        timings[stage] = round(timings.get(stage, 0.0) + now - started, 3)
        started = now

    return lap


@dataclass(frozen=True)
class ScoredPairs:
    """Candidate pairs (positions) with their level codes, field weights and scores."""

    pairs: Pairs
    codes: npt.NDArray[np.int8]
    weights: npt.NDArray[np.float32]
    total: npt.NDArray[np.float64]
    score: npt.NDArray[np.float64]
    parameters: ModelParameters

    def subset(self, where: npt.NDArray[np.bool_] | npt.NDArray[np.intp]) -> ScoredPairs:
        return ScoredPairs(
            self.pairs[where], self.codes[where], self.weights[where], self.total[where],
            self.score[where], self.parameters,
        )  # fmt: skip

    @staticmethod
    def concat(parts: Sequence[ScoredPairs], parameters: ModelParameters) -> ScoredPairs:
        if not parts:
            width = len(parameters.comparisons)
            return ScoredPairs(
                np.empty((0, 2), dtype=np.int64), np.empty((0, width), dtype=np.int8),
                np.empty((0, width), dtype=np.float32), np.empty(0), np.empty(0), parameters,
            )  # fmt: skip
        return ScoredPairs(
            np.concatenate([p.pairs for p in parts]), np.concatenate([p.codes for p in parts]),
            np.concatenate([p.weights for p in parts]), np.concatenate([p.total for p in parts]),
            np.concatenate([p.score for p in parts]), parameters,
        )  # fmt: skip

    def frame(self, ids: npt.NDArray[np.int64], settings: MatchSettings) -> pd.DataFrame:
        """The pairs at or above the review threshold, in record ids, with evidence."""
        keep = np.flatnonzero(self.score >= settings.review_threshold)
        if len(keep) == 0:
            return _empty_pairs()
        auto = self.score[keep] >= settings.link_threshold
        return pd.DataFrame(
            {
                "left": ids[self.pairs[keep, 0]].astype(np.int64),
                "right": ids[self.pairs[keep, 1]].astype(np.int64),
                "score": self.score[keep],
                "weight": self.total[keep],
                "decision": np.where(auto, "auto", "review"),
                "evidence": evidence(self.codes[keep], self.weights[keep], self.parameters),
            }
        )


def score_pairs(
    features: pd.DataFrame,
    pairs: Pairs,
    codes: npt.NDArray[np.int8],
    settings: MatchSettings,
    parameters: ModelParameters,
    memo: dict[str, npt.NDArray[Any]] | None = None,
) -> ScoredPairs:
    """Field weights (term-frequency adjusted over all of `features`, counted once per
    `memo`), totals, scores."""
    weights = adjust_weights(
        level_weights(codes, parameters), codes, pairs, features, settings, parameters, memo
    )
    total = weights.sum(axis=1, dtype=np.float64)
    return ScoredPairs(
        pairs, codes, weights, total, match_probability(total, parameters), parameters
    )


def cluster_positions(
    features: pd.DataFrame,
    members: npt.NDArray[np.int64],
    scored: ScoredPairs,
    settings: MatchSettings,
    nicknames: Nicknames,
    must_link: Sequence[tuple[int, int]],
    cannot_link: Sequence[tuple[int, int]],
) -> npt.NDArray[np.int64]:
    """Cluster labels of the positions `members` (sorted) from the automatic links among
    them, strongest first (ties by record ids), under the vetoes and people's decisions."""
    ids = features["record_id"].to_numpy()
    local = np.full(len(features), -1, dtype=np.int64)
    local[members] = np.arange(len(members))
    linked = np.flatnonzero(scored.score >= settings.link_threshold)
    linked = linked[(local[scored.pairs[linked, 0]] >= 0) & (local[scored.pairs[linked, 1]] >= 0)]
    pairs = scored.pairs
    order = linked[
        np.lexsort((ids[pairs[linked, 1]], ids[pairs[linked, 0]], -scored.total[linked]))
    ]
    veto = _veto(features, settings, nicknames)
    local_veto = None if veto is None else (lambda p: veto(members[p]))
    sorted_ids = np.sort(ids)
    position_of = np.argsort(ids)  # features keep the input order; map sorted back to it

    def local_pairs(decided: Sequence[tuple[int, int]]) -> Pairs:
        positions = local[position_of[_positions(sorted_ids, decided)]]
        inside: Pairs = positions[(positions >= 0).all(axis=1)]
        return inside

    links = np.concatenate([local_pairs(must_link), local[pairs[order]]])
    return cluster(len(members), links, local_veto, local_pairs(cannot_link))
