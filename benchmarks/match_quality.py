"""Matching quality on demo warehouses: pairwise P/R/F1, blocking recall, pairs per rule.

The documented way to measure (and tune) the matcher without re-running the whole flow:
build one demo warehouse per seed and size once, then run `link_records` on their
identity frames as often as needed.

    cd /tmp && /work/main/.venv/bin/kundenstamm demo --people 1000 --days 7 --seed 42 \
        --workdir /tmp/demo-42          # likewise seeds 7 and 123, and --people 5000
    # the hard set of issue #4: add --difficulty hard (and use other workdirs)
    .venv/bin/python benchmarks/match_quality.py /tmp/demo-42 /tmp/demo-7 /tmp/demo-123
    .venv/bin/python benchmarks/match_quality.py /tmp/demo-42 --curve 0.5 0.8 0.9 0.95 0.99
    .venv/bin/python benchmarks/match_quality.py /tmp/demo-42 --set link_threshold=0.9 --explain 20

A workdir holds `kundenstamm.db` and `truth.csv` as `kundenstamm demo` leaves them.
Blocking recall is the share of true pairs that are candidate pairs; a true pair outside
the candidates can still end in one cluster through a chain. The recall ceiling is the
recall of an oracle that links every true candidate pair with any evidence for it (a
positive weight): records that share nothing with their person's other records (a call
from a number no other source knows) stay apart whatever the scoring. `--explain` lists
the source kinds of lost and wrongly merged pairs, the quickest pointer to what to fix.
Prints figures only; it asserts nothing.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from matching.blocking import candidate_pairs
from matching.clustering import components
from matching.comparisons import compare_pairs
from matching.evaluation import PairMetrics, pairwise_metrics
from matching.features import build_features
from matching.frequency import adjust_weights
from matching.keys import load_nicknames
from matching.linker import LinkResult, link_records
from matching.scoring import level_weights
from matching.settings import MatchSettings, default_settings
from warehouse.engine import engine_for, session_factory
from warehouse.publish import identity_frame


def load(workdir: Path) -> tuple[pd.DataFrame, pd.Series]:
    """The warehouse's identity frame and each record's true person (aligned by record id)."""
    with session_factory(engine_for(f"sqlite:///{workdir / 'kundenstamm.db'}"))() as session:
        records = identity_frame(session)
    with (workdir / "truth.csv").open(newline="", encoding="utf-8") as handle:
        truth = {(r["source"], r["source_key"]): r["person_id"] for r in csv.DictReader(handle)}
    person = pd.Series(
        [truth.get(key) for key in zip(records["source"], records["source_key"], strict=True)],
        index=records.index,
        dtype=object,
    )
    return records, person


def true_pairs(person: pd.Series) -> np.ndarray:
    """Position pairs (left < right, positions in record-id order) of the same person."""
    codes = pd.factorize(person.sort_index())[0]
    order = np.argsort(codes, kind="stable")
    bounds = np.flatnonzero(np.diff(codes[order])) + 1
    blocks = [
        m[np.column_stack(np.triu_indices(len(m), k=1))]
        for m in np.split(order, bounds)
        if len(m) > 1 and codes[m[0]] >= 0  # -1: a record the truth does not know
    ]
    pairs = np.concatenate(blocks) if blocks else np.empty((0, 2), dtype=np.int64)
    return np.sort(pairs, axis=1).astype(np.int64)


def blocking_recall(
    records: pd.DataFrame, person: pd.Series, settings: MatchSettings, result: LinkResult
) -> tuple[float, float, int]:
    """Share of true pairs among the candidates, the recall ceiling (see the module
    docstring) and the number of candidate pairs."""
    features = build_features(records, settings.nickname_files)
    candidates, _ = candidate_pairs(features, settings.blocking)
    truth = true_pairs(person)
    n = len(features)
    found = np.isin(truth[:, 0] * n + truth[:, 1], candidates[:, 0] * n + candidates[:, 1])
    known = person.sort_index().to_numpy()
    same = candidates[known[candidates[:, 0]] == known[candidates[:, 1]]]
    same = same[pd.notna(known[same[:, 0]])]
    codes = compare_pairs(
        features, same, settings.comparisons, load_nicknames(settings.nickname_files)
    )
    assert result.parameters is not None
    weights = level_weights(codes, result.parameters)
    weights = adjust_weights(weights, codes, same, features, settings, result.parameters)
    labels = components(n, same[weights.sum(axis=1) > 0])
    # Records the truth does not know (anonymous, unattributed) are in no true pair.
    truth_of = {i: who for i, who in enumerate(known.tolist()) if pd.notna(who)}
    ceiling = pairwise_metrics(dict(enumerate(labels.tolist())), truth_of).recall
    return float(found.mean()) if len(truth) else 1.0, ceiling, len(candidates)


def metrics(result: LinkResult, person: pd.Series) -> PairMetrics:
    predicted = result.clusters.to_dict()
    return pairwise_metrics(predicted, person.dropna().to_dict())


def explain(records: pd.DataFrame, person: pd.Series, result: LinkResult, top: int) -> str:
    """Source kinds of missed and of wrongly merged pairs (pairs counted as in the metric)."""
    frame = pd.DataFrame(
        {"source": records["source"], "person": person, "cluster": result.clusters}
    ).dropna()
    missed: Counter[str] = Counter()
    merged: Counter[str] = Counter()
    for column, other, counter in (
        ("person", "cluster", missed),
        ("cluster", "person", merged),
    ):
        for _, group in frame.groupby(column):
            if len(group) < 2:
                continue
            sources, others = group["source"].to_numpy(), group[other].to_numpy()
            i, j = np.triu_indices(len(group), k=1)
            apart = others[i] != others[j]
            for a, b in zip(sources[i][apart], sources[j][apart], strict=True):
                counter["|".join(sorted((a, b)))] += 1
    lines = ["  missed pairs by source kinds: " + json.dumps(dict(missed.most_common(top)))]
    lines.append("  merged pairs by source kinds: " + json.dumps(dict(merged.most_common(top))))
    return "\n".join(lines)


def _parse_changes(items: list[str]) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for item in items:
        key, _, value = item.partition("=")
        changes[key] = json.loads(value)
    return changes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workdirs", nargs="+", type=Path, help="folders of `kundenstamm demo`")
    parser.add_argument(
        "--set", nargs="*", default=[], metavar="FIELD=JSON",
        help="top-level settings changes, e.g. link_threshold=0.9",
    )  # fmt: skip
    parser.add_argument(
        "--curve", nargs="*", type=float, default=None, metavar="THRESHOLD",
        help="P/R/F1 at each of these link thresholds (review threshold moves along)",
    )  # fmt: skip
    parser.add_argument("--explain", type=int, default=0, metavar="TOP")
    args = parser.parse_args()
    settings = default_settings()
    if args.set:
        settings = settings.replace(**_parse_changes(args.set))
    out: list[str] = []
    scores: list[PairMetrics] = []
    for workdir in args.workdirs:
        records, person = load(workdir)
        started = time.perf_counter()
        result = link_records(records, settings)
        elapsed = time.perf_counter() - started
        recall, ceiling, candidates = blocking_recall(records, person, settings, result)
        score = metrics(result, person)
        scores.append(score)
        out.append(
            f"{workdir}: records {len(records):,}  P {score.precision:.4f}  "
            f"R {score.recall:.4f}  F1 {score.f1:.4f}  (FP {score.false_positives}, "
            f"FN {score.false_negatives})  link_records {elapsed:.1f} s"
        )
        decisions = result.pairs["decision"].value_counts()
        out.append(
            f"  blocking recall {recall:.4f}  recall ceiling {ceiling:.4f}  candidate pairs "
            f"{candidates:,}  auto pairs {decisions.get('auto', 0):,}  "
            f"review pairs {decisions.get('review', 0):,}"
        )
        out.append(f"  pairs per rule {result.pairs_per_rule}")
        out.append(f"  stages {result.timings}")
        if args.explain:
            out.append(explain(records, person, result, args.explain))
        for threshold in args.curve or ():
            review = min(settings.review_threshold, threshold)
            curve = metrics(
                link_records(
                    records, settings.replace(link_threshold=threshold, review_threshold=review)
                ),
                person,
            )
            out.append(
                f"  link_threshold {threshold:<6}  P {curve.precision:.4f}  "
                f"R {curve.recall:.4f}  F1 {curve.f1:.4f}"
            )
        sys.stdout.write("\n".join(out) + "\n")
        sys.stdout.flush()
        out.clear()
    if len(scores) > 1:
        mean = {k: np.mean([getattr(s, k) for s in scores]) for k in ("precision", "recall", "f1")}
        sys.stdout.write(
            f"mean: P {mean['precision']:.4f}  R {mean['recall']:.4f}  F1 {mean['f1']:.4f}  "
            f"min F1 {min(s.f1 for s in scores):.4f}\n"
        )


if __name__ == "__main__":
    main()
