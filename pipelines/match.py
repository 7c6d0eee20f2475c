"""Match the identity-bearing records and publish the partition as golden customers.

A full match fits m, u and the prior on all records and re-clusters everything; an
incremental one re-scores around the records changed since the last match with the
stored parameters (`matching.incremental`). `plan_matching` picks one and says why; each
match is recorded in `match_run` with its parameters.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from matching.arrays import distinct_sorted
from matching.features import build_features, feature_fingerprint, refreshed_features
from matching.incremental import relink
from matching.linker import ChunkMapper, link_records
from matching.person_values import held_by_both
from matching.scoring import ModelParameters
from matching.settings import MatchSettings, default_settings
from warehouse.decisions import Constraints, load_constraints
from warehouse.feature_store import MAX_PARTS, ReadAhead, store_features, stored_features
from warehouse.golden import SurvivorshipPolicy
from warehouse.identity import previous_links
from warehouse.match_runs import (
    changed_since,
    latest_match_run,
    record_match_run,
)
from warehouse.publish import (
    LinkEvidence,
    PublishSummary,
    ReviewPair,
    identity_frame,
    identity_index,
    publish_partition,
)


@dataclass(frozen=True)
class MatchPlan:
    """Full or incremental, why, and for an incremental match what it builds on."""

    mode: str  # full / incremental
    reason: str
    changed: tuple[int, ...] = ()
    parameters: ModelParameters | None = None
    fitted_records: int = 0


def plan_matching(
    session: Session,
    records: pd.DataFrame,
    settings: MatchSettings,
    *,
    allow_incremental: bool,
    linked: Collection[int],
) -> MatchPlan:
    """Incremental when the stored parameters still fit the warehouse, else full.
    `records`: every identity record's id and `last_run_id` (`identity_index`);
    `linked`: the record ids linked to a customer (`previous_links`)."""
    policy = settings.incremental
    last = latest_match_run(session)
    if not allow_incremental:
        return MatchPlan("full", "a full match was asked for")
    if last is None:
        return MatchPlan("full", "first match")
    if last.settings_fingerprint != settings.fingerprint():
        return MatchPlan("full", "the match settings changed since the last match")
    if len(records) < policy.min_records:
        return MatchPlan("full", f"fewer than {policy.min_records} records")
    if len(records) > last.fitted_records * (1 + policy.max_growth):
        return MatchPlan(
            "full", f"grown by more than {policy.max_growth:.0%} since the parameters were fitted"
        )
    parameters = ModelParameters.from_dict(last.parameters)
    if settings.scoring.estimate_m and not parameters.estimated:
        return MatchPlan("full", "the stored model holds only priors (EM had too little data)")
    changed = tuple(changed_since(records, linked, last.run_id))
    if len(changed) > policy.max_changed_share * len(records):
        return MatchPlan("full", f"more than {policy.max_changed_share:.0%} of records changed")
    return MatchPlan(
        "incremental",
        f"{len(changed)} records changed since run {last.run_id}",
        changed,
        parameters,
        last.fitted_records,
    )


def match_and_publish(
    session: Session,
    run_id: int,
    settings: MatchSettings | None = None,
    policy: SurvivorshipPolicy | None = None,
    *,
    rebuild_golden: bool = False,
    map_chunks: ChunkMapper | None = None,
    allow_incremental: bool = True,
    ahead: ReadAhead | None = None,
) -> tuple[PublishSummary, dict[str, int]]:
    """Match the warehouse's records and write customers, links, reviews and the match run.

    People's standing decisions (merge, unmerge, review verdicts) constrain the clustering.
    `map_chunks` compares the candidate pairs in partitions on a cluster (Dask).
    `rebuild_golden` (new survivorship or match rules) always matches in full. `ahead`:
    the stored features, read while the run staged (used by an incremental match).
    """
    settings = settings or default_settings()
    started = time.perf_counter()
    index = identity_index(session)
    linked = previous_links(session)
    constraints = load_constraints(session)
    plan = plan_matching(
        session,
        index,
        settings,
        allow_incremental=allow_incremental and not rebuild_golden,
        linked=linked.keys(),
    )
    prepared = {"prepare": time.perf_counter() - started}  # reading ids, decisions, plan
    if ahead is not None and (plan.mode != "incremental" or index.empty):
        ahead.discard()  # before a full match's peak
        ahead = None
    if index.empty:
        records = identity_frame(session)
        summary = publish_partition(session, run_id, records, {}, {}, [], policy, previous=linked)
        return replace(summary, matching=plan.mode), {}
    if plan.mode == "incremental":
        assert plan.parameters is not None
        summary, per_rule, region = _incremental(
            session, run_id, index, linked, plan, settings, policy, constraints, prepared, ahead
        )
        parameters, fitted = plan.parameters, plan.fitted_records
    else:
        reading = time.perf_counter()
        records = identity_frame(session)
        prepared["prepare"] += time.perf_counter() - reading
        features = _all_features(session, run_id, records, settings, prepared)
        result = link_records(
            records,
            settings,
            must_link=constraints.must_link,
            cannot_link=constraints.cannot_link,
            map_chunks=map_chunks,
            verdicts=constraints.reviewed,
            features=features,
        )
        clusters = _as_dict(result.clusters)
        evidence_started = time.perf_counter()
        links, reviews = _link_evidence(records, result.pairs, clusters, constraints, result.kinds)
        prepared["evidence"] = time.perf_counter() - evidence_started
        summary = publish_partition(
            session,
            run_id,
            records,
            clusters,
            links,
            reviews,
            policy,
            rebuild_golden=rebuild_golden,
            previous=linked,
        )
        summary = replace(summary, timings=_seconds(result.timings, summary.timings, prepared))
        per_rule, region = dict(result.pairs_per_rule), len(records)
        assert result.parameters is not None
        parameters, fitted = result.parameters, len(records)
    record_match_run(
        session,
        run_id,
        mode=plan.mode,
        reason=plan.reason,
        settings_fingerprint=settings.fingerprint(),
        records=len(index),
        fitted_records=fitted,
        changed_records=len(plan.changed) if plan.mode == "incremental" else len(index),
        region_records=region,
        parameters=parameters.to_dict(),
        seconds=round(time.perf_counter() - started, 3),
    )
    return replace(summary, matching=plan.mode, relinked=region), per_rule


def _all_features(
    session: Session,
    run_id: int,
    records: pd.DataFrame,
    settings: MatchSettings,
    prepared: dict[str, float],
    fingerprint: str | None = None,
) -> pd.DataFrame:
    """`build_features` of all records, kept for the next incremental match
    (`warehouse.feature_store`) under `fingerprint` (`feature_fingerprint`, computed if
    not given). Adds its seconds to `prepared`."""
    started = time.perf_counter()
    features = build_features(records, settings.nickname_files)
    fingerprint = fingerprint or feature_fingerprint(settings.nickname_files)
    store_features(session, run_id, fingerprint, features, replace=True)
    prepared["features"] = prepared.get("features", 0.0) + time.perf_counter() - started
    return features


def _refreshed_features(
    session: Session,
    run_id: int,
    index: pd.DataFrame,
    settings: MatchSettings,
    prepared: dict[str, float],
    ahead: ReadAhead | None = None,
) -> pd.DataFrame:
    """`build_features` of all records from those kept by earlier matches (read ahead,
    if `ahead`) and the records written since (read and recomputed); stores the rows that
    changed as a new part. Without usable stored columns, all records are read and
    recomputed."""
    started = time.perf_counter()
    fingerprint = feature_fingerprint(settings.nickname_files)
    stored = stored_features(session, fingerprint, ahead)
    if stored is None:
        records = identity_frame(session)
        prepared["prepare"] += time.perf_counter() - started
        return _all_features(session, run_id, records, settings, prepared, fingerprint)
    present = index.index
    written = index["last_run_id"].to_numpy() > stored.run_id
    unknown = ~present.isin(stored.record_ids)
    changed = present[written | unknown]
    fresh = identity_frame(session, changed.tolist())
    reading = time.perf_counter()
    prepared["prepare"] += reading - started
    features, rewritten = refreshed_features(stored, fresh, present, settings.nickname_files)
    compact = stored.parts >= MAX_PARTS
    del stored  # its Arrow columns go back to the system when the part is stored
    part = features if compact else features[rewritten]
    store_features(session, run_id, fingerprint, part, replace=compact)
    prepared["features"] = prepared.get("features", 0.0) + time.perf_counter() - reading
    return features


def _incremental(
    session: Session,
    run_id: int,
    index: pd.DataFrame,
    linked: dict[int, str],
    plan: MatchPlan,
    settings: MatchSettings,
    policy: SurvivorshipPolicy | None,
    constraints: Constraints,
    prepared: dict[str, float],
    ahead: ReadAhead | None = None,
) -> tuple[PublishSummary, dict[str, int], int]:
    """Re-cluster the region around the changed records; everyone else keeps their customer
    (`linked`: record id -> customer id as stored). Only the region's records are read
    whole (`index`: every identity record's id). Adds its preparation to `prepared`."""
    assert plan.parameters is not None
    started = time.perf_counter()
    # Each customer's label is its rank among the linked customer IDs, sorted as fixed-width
    # text in C (the same order as Python's; factorize(sort=True) compares objects: 2x).
    linked_records = np.fromiter(linked.keys(), dtype=np.int64, count=len(linked))
    codes, customer_ids = pd.factorize(
        np.fromiter(linked.values(), dtype=object, count=len(linked))
    )
    rank = np.empty(len(customer_ids), dtype=np.int64)
    rank[np.argsort(customer_ids.astype(str), kind="stable")] = np.arange(len(customer_ids))
    labels = rank[codes]
    present = np.isin(linked_records, index.index.to_numpy())
    current = pd.Series(labels[present], index=linked_records[present], dtype="int64")
    stale = distinct_sorted(labels[~present]).tolist()  # customers that lost a record
    prepared["prepare"] += time.perf_counter() - started
    features = _refreshed_features(session, run_id, index, settings, prepared, ahead)
    result = relink(
        None,
        plan.changed,
        current,
        plan.parameters,
        settings,
        stale=stale,
        must_link=constraints.must_link,
        cannot_link=constraints.cannot_link,
        features=features,
    )
    clusters = _as_dict(current)
    offset = len(customer_ids)
    clusters.update({record: offset + label for record, label in _as_dict(result.clusters).items()})
    region = set(result.clusters.index.tolist())
    started = time.perf_counter()
    # The region's records whole: their golden records are rebuilt and their links cite
    # their partners; people's must-links may name records anywhere.
    decided = {record for pair in constraints.must_link for record in pair}
    records = identity_frame(session, region | (decided & set(index.index.tolist())))
    prepared["prepare"] += time.perf_counter() - started
    started = time.perf_counter()
    links, reviews = _link_evidence(records, result.pairs, clusters, constraints, result.kinds)
    prepared["evidence"] = time.perf_counter() - started
    summary = publish_partition(
        session, run_id, records, clusters, links, reviews, policy, relinked=region, previous=linked
    )
    summary = replace(summary, timings=_seconds(result.timings, summary.timings, prepared))
    return summary, result.pairs_per_rule, len(region)


def _seconds(*parts: dict[str, float]) -> dict[str, float]:
    """Seconds per stage of a match: matching's, publishing's and the steps around them."""
    total: Counter[str] = Counter()
    for part in parts:
        total.update(part)
    return {stage: round(value, 3) for stage, value in total.items()}


def _as_dict(labels: pd.Series) -> dict[int, int]:
    return dict(
        zip(
            labels.index.to_numpy(dtype="int64").tolist(),
            labels.to_numpy(dtype="int64").tolist(),
            strict=True,
        )
    )


def _link_evidence(
    records: pd.DataFrame,
    pairs: pd.DataFrame,
    clusters: dict[int, int],
    constraints: Constraints,
    kinds: pd.Series | None = None,
) -> tuple[dict[int, LinkEvidence], list[ReviewPair]]:
    """Each clustered record's strongest pair inside its cluster, and the review-band pairs
    with the kinds of one-person value both their customers hold (`kinds`: record id ->
    kind bits, see `matching.person_values`).

    A record held in its cluster only by a person's decision is linked as `manual`.
    """
    review = (pairs["decision"] == "review").to_numpy()
    best = _strongest_pairs(pairs[~review], clusters)
    partners = [*best["partner"].tolist(), *(r for pair in constraints.must_link for r in pair)]
    keys = _source_keys(records, partners)
    manual: dict[int, LinkEvidence] = {}
    for left, right in constraints.must_link:
        if left in clusters and clusters.get(left) == clusters.get(right):
            for record, partner in ((left, right), (right, left)):
                manual.setdefault(record, LinkEvidence("manual", None, {"partner": keys[partner]}))
    links = {
        record: LinkEvidence(
            "auto", round(score, 6), {"partner": keys[partner], "fields": dict(evidence)}
        )
        for record, partner, score, evidence in best.itertuples(index=False)
    }
    rejected = _kept_apart(clusters, constraints.cannot_link)
    reviews = [
        ReviewPair(int(left), int(right), float(score), dict(evidence))
        for left, right, score, evidence in pairs.loc[
            review, ["left", "right", "score", "evidence"]
        ].itertuples(index=False)
        if _cluster_pair(clusters, left, right) not in rejected
    ]
    if kinds is not None and reviews:
        both = held_by_both(clusters, kinds, [(r.left, r.right) for r in reviews])
        reviews = [r._replace(apart=tuple(k)) for r, k in zip(reviews, both, strict=True)]
    return {**manual, **links}, reviews


def _strongest_pairs(auto: pd.DataFrame, clusters: dict[int, int]) -> pd.DataFrame:
    """Per record of an automatic pair inside its cluster (the clustering refuses some:
    anti-chaining), its highest-scoring such pair, the earlier one on a tie: columns
    `record`, `partner`, `score`, `evidence`."""
    left = auto["left"].to_numpy(dtype=np.int64)
    right = auto["right"].to_numpy(dtype=np.int64)
    # The labels of the pairs' records only (an incremental match's region, not everyone's).
    records = distinct_sorted(np.concatenate([left, right]))
    label = np.fromiter(
        (clusters.get(record, -1) for record in records.tolist()),
        dtype=np.int64,
        count=len(records),
    )
    inside = label[np.searchsorted(records, left)] == label[np.searchsorted(records, right)]
    rows = np.flatnonzero(inside)
    score = np.repeat(auto["score"].to_numpy(dtype=np.float64)[rows], 2)
    # Both sides of each pair, in the order the pairs come: the first strongest one wins.
    record = np.column_stack([left[rows], right[rows]]).ravel()
    partner = np.column_stack([right[rows], left[rows]]).ravel()
    order = np.lexsort((np.arange(len(record)), -score))
    first = order[~pd.Series(record[order]).duplicated().to_numpy()]
    return pd.DataFrame(
        {
            "record": record[first].tolist(),
            "partner": partner[first].tolist(),
            "score": score[first].tolist(),
            "evidence": auto["evidence"].to_numpy()[np.repeat(rows, 2)[first]],
        }
    )


def _source_keys(records: pd.DataFrame, ids: list[int]) -> dict[int, str]:
    """`source:source_key` of those of the records `ids` still present (a person's decision
    may name an erased record), the partner named in a link's evidence."""
    present = records.index.intersection(pd.Index(np.asarray(ids, dtype=np.int64)))
    wanted = records.loc[present, ["source", "source_key"]]
    return {int(i): f"{s}:{k}" for i, s, k in wanted.itertuples()}


def _cluster_pair(clusters: dict[int, int], left: int, right: int) -> tuple[int, int] | None:
    first, second = clusters.get(left), clusters.get(right)
    if first is None or second is None:
        return None
    return (min(first, second), max(first, second))


def _kept_apart(
    clusters: dict[int, int], cannot_link: list[tuple[int, int]]
) -> set[tuple[int, int]]:
    """Cluster pairs a person has called two people (a cannot-link between them): their
    other record pairs are settled by that verdict and leave the review queue."""
    return {
        pair
        for left, right in cannot_link
        if (pair := _cluster_pair(clusters, left, right)) is not None and pair[0] != pair[1]
    }
