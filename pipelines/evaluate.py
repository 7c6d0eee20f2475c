"""Compare the warehouse's partition with a ground-truth file (demo data, labelled samples)."""

from __future__ import annotations

import csv
from pathlib import Path

from matching.evaluation import PairMetrics, pairwise_metrics
from warehouse.engine import engine_for, session_factory
from warehouse.queries import crosswalk


def read_truth(path: Path) -> dict[tuple[str, str], str]:
    """`source,source_key,person_id` rows as a mapping of record key to person."""
    with path.open(newline="", encoding="utf-8") as handle:
        return {
            (row["source"], row["source_key"]): row["person_id"] for row in csv.DictReader(handle)
        }


def evaluate_warehouse(warehouse_url: str, truth_path: Path) -> PairMetrics:
    """Pairwise precision, recall and F1 of the linked customers against the truth."""
    with session_factory(engine_for(warehouse_url))() as session:
        predicted = {(source, key): customer for source, key, customer in crosswalk(session)}
    return pairwise_metrics(predicted, read_truth(truth_path))
