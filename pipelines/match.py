"""Match every identity-bearing record and publish the partition as golden customers."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from matching.linker import ChunkMapper, LinkResult, link_records
from matching.settings import MatchSettings
from warehouse.decisions import Constraints, load_constraints
from warehouse.golden import SurvivorshipPolicy
from warehouse.publish import LinkEvidence, PublishSummary, identity_frame, publish_partition


def match_and_publish(
    session: Session,
    run_id: int,
    settings: MatchSettings | None = None,
    policy: SurvivorshipPolicy | None = None,
    *,
    rebuild_golden: bool = False,
    map_chunks: ChunkMapper | None = None,
) -> tuple[PublishSummary, dict[str, int]]:
    """Re-match the warehouse's records and write customers, links and reviews.

    People's standing decisions (merge, unmerge, review verdicts) constrain the clustering.
    `map_chunks` compares the candidate pairs in partitions on a cluster (Dask).
    """
    records = identity_frame(session)
    constraints = load_constraints(session)
    if records.empty:
        clusters: dict[int, int] = {}
        result = None
    else:
        result = link_records(
            records,
            settings,
            must_link=constraints.must_link,
            cannot_link=constraints.cannot_link,
            map_chunks=map_chunks,
        )
        clusters = dict(
            zip(
                result.clusters.index.to_numpy(dtype="int64").tolist(),
                result.clusters.to_numpy(dtype="int64").tolist(),
                strict=True,
            )
        )
    links, reviews = _link_evidence(records, result, clusters, constraints)
    summary = publish_partition(
        session, run_id, records, clusters, links, reviews, policy, rebuild_golden=rebuild_golden
    )
    if result is not None:
        summary = replace(summary, timings={**result.timings, **summary.timings})
    return summary, dict(result.pairs_per_rule) if result is not None else {}


def _link_evidence(
    records: pd.DataFrame,
    result: LinkResult | None,
    clusters: dict[int, int],
    constraints: Constraints,
) -> tuple[dict[int, LinkEvidence], list[tuple[int, int, float, dict[str, Any]]]]:
    """Each clustered record's strongest pair inside its cluster, and the review-band pairs.

    A record held in its cluster only by a person's decision is linked as `manual`.
    """
    if result is None:
        return {}, []
    keys = {int(i): f"{s}:{k}" for i, s, k in records[["source", "source_key"]].itertuples()}
    manual: dict[int, LinkEvidence] = {}
    for left, right in constraints.must_link:
        if left in clusters and clusters.get(left) == clusters.get(right):
            for record, partner in ((left, right), (right, left)):
                manual.setdefault(record, LinkEvidence("manual", None, {"partner": keys[partner]}))
    pairs = result.pairs
    best: dict[int, tuple[float, int, dict[str, Any]]] = {}
    reviews: list[tuple[int, int, float, dict[str, Any]]] = []
    for left, right, score, decision, evidence in pairs[
        ["left", "right", "score", "decision", "evidence"]
    ].itertuples(index=False):
        left, right, score = int(left), int(right), float(score)
        if decision == "review":
            reviews.append((left, right, score, dict(evidence)))
            continue
        if clusters.get(left) != clusters.get(right):
            continue  # an auto pair the clustering refused (anti-chaining)
        for record, partner in ((left, right), (right, left)):
            if record not in best or score > best[record][0]:
                best[record] = (score, partner, dict(evidence))
    links = {
        record: LinkEvidence(
            "auto", round(score, 6), {"partner": keys[partner], "fields": evidence}
        )
        for record, (score, partner, evidence) in best.items()
    }
    return {**manual, **links}, reviews
