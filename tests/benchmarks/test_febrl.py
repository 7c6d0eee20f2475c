"""The FEBRL benchmark's own code path on a slice, so the script cannot rot (not timed)."""

from __future__ import annotations

import importlib.util

import pytest

from benchmarks.febrl import (
    FEBRL4_B_OFFSET,
    Name,
    cross_source_metrics,
    load,
    rows,
    run_kundenstamm,
    run_splink,
)

ENTITIES = 150  # people: FEBRL3 about 500 records, FEBRL4 300


@pytest.mark.parametrize("name", ["FEBRL3", "FEBRL4"])
def test_records_and_truth(name: Name) -> None:
    data = load(name, ENTITIES)
    assert len(set(data.truth.values())) == ENTITIES
    assert data.records.index.is_unique and set(data.truth) == set(data.records.index)
    assert all(ids and ids[0].startswith("soc_sec_id:") for ids in data.records["identifiers"])
    if name == "FEBRL4":  # each person once in each file, B's ids after the offset
        assert len(data.records) == 2 * ENTITIES
        assert (data.raw[1].index >= FEBRL4_B_OFFSET).all()


def test_cross_source_metrics_count_only_pairs_across_files() -> None:
    file_b = {101, 102}
    truth = {1: "x", 101: "x", 2: "y", 102: "y"}
    predicted = {1: 0, 2: 0, 101: 0, 102: 1}  # 1-2 within A is not counted
    metrics = cross_source_metrics(predicted, truth, file_b)
    assert (metrics.true_positives, metrics.false_positives, metrics.false_negatives) == (1, 1, 1)


@pytest.mark.parametrize("name", ["FEBRL3", "FEBRL4"])
def test_kundenstamm_finds_the_duplicates(name: Name) -> None:
    data = load(name, ENTITIES)
    ((label, _, metrics),) = rows(data, run_kundenstamm(name, ENTITIES), None)
    assert label.startswith("kundenstamm")
    assert metrics.f1 > 0.9


@pytest.mark.skipif(importlib.util.find_spec("splink") is None, reason="splink not installed")
@pytest.mark.parametrize("name", ["FEBRL3", "FEBRL4"])
def test_splink_runs_its_febrl_example(name: Name) -> None:
    data = load(name, ENTITIES)
    theirs = run_splink(name, ENTITIES)
    _, headline, best = rows(data, run_kundenstamm(name, ENTITIES), theirs)
    assert headline[2].f1 > 0.9 and best[2].f1 >= headline[2].f1
