"""Timing and pairwise F1 of `link_records` on a synthetic frame (not a test; run it):

    .venv/bin/python -m tests.matching.bench_link_records [people] [extra_pairs]

About 2.16 records per person. `extra_pairs` adds a sorted-neighbourhood rule on the
e-mail local part with a wide window, to push the candidate count towards a target
(e.g. ~1M candidates for 100k records). Wall-clock seconds per stage.
"""

from __future__ import annotations

import resource
import sys
import time

from matching.evaluation import pairwise_metrics
from matching.linker import link_records
from matching.settings import default_settings
from tests.matching.synthetic import synthetic_records


def main() -> None:
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 46_000
    window = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    records, truth = synthetic_records(people)
    settings = default_settings()
    if window:
        rule = {"name": "wide", "method": "sorted_neighbourhood", "columns": ["last_name_key"],
                "window": window, "max_block_size": 10_000}  # fmt: skip
        settings = settings.replace(blocking=[*settings.to_dict()["blocking"], rule])
    started = time.perf_counter()
    result = link_records(records, settings)
    elapsed = time.perf_counter() - started
    predicted = dict(zip(result.clusters.index.tolist(), result.clusters.tolist(), strict=True))
    metrics = pairwise_metrics(predicted, truth)
    candidates = sum(result.pairs_per_rule.values())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    auto = int((result.pairs["decision"] == "auto").sum())
    lines = [
        f"records {len(records):,}  candidate pairs (sum over rules) {candidates:,}",
        f"pairs per rule {result.pairs_per_rule}",
        f"link_records {elapsed:.1f} s  stages {result.timings}  peak RSS {peak:,.0f} MiB",
        f"returned pairs {len(result.pairs):,} (auto {auto:,})  "
        f"clusters {result.clusters.nunique():,}",
        f"pairwise P {metrics.precision:.3f} R {metrics.recall:.3f} F1 {metrics.f1:.3f}",
    ]
    if result.parameters is not None:
        lines.append("model: " + "; ".join(result.parameters.notes))
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
