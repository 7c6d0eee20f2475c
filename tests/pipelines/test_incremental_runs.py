"""Incremental matching over many runs: only the region around the changes moves, the
result stays that of one full match, decisions and re-runs behave as with full matches."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from pipelines.config import CONFIG_ENV
from pipelines.flow import consolidate
from tests.pipelines.conftest import deliver_day
from tests.pipelines.warehouse_state import partition, warehouse_state
from warehouse.engine import engine_for

INCREMENTAL = """
[matching.incremental]
min_records = 0
max_changed_share = 1.0
max_growth = 100.0
"""


FULL_DAYS = 4  # fitted on most of the data, as a warehouse at scale would be


@pytest.fixture
def always_incremental(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Set the config file; write INCREMENTAL to it and every later run after a first
    match is incremental, however small the warehouse."""
    config = tmp_path / "kundenstamm.toml"
    config.write_text("", encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    yield config


def _pairs(groups: set[frozenset[tuple[str, str]]]) -> set[frozenset[tuple[str, str]]]:
    return {frozenset(p) for group in groups for p in combinations(sorted(group), 2)}


def _rows(url: str, sql: str) -> list[tuple[Any, ...]]:
    with engine_for(url).connect() as connection:
        return [tuple(row) for row in connection.execute(text(sql))]


def test_day_by_day_incremental_agrees_with_one_full_match(
    generated: tuple[Path, list[str]], tmp_path: Path, always_incremental: Path
) -> None:
    everything, days = generated
    once = f"sqlite:///{tmp_path / 'once.db'}"
    consolidate(landing=everything, warehouse_url=once)
    daily, landing = f"sqlite:///{tmp_path / 'daily.db'}", tmp_path / "landing"
    for day in days[:FULL_DAYS]:
        deliver_day(everything, landing, day)
        consolidate(landing=landing, warehouse_url=daily)
    first = {tuple(row[:2]): row[2] for row in warehouse_state(daily)["customer_link"]}
    untouched_before = set(_rows(daily, "SELECT id, updated_run_id FROM customer"))

    always_incremental.write_text(INCREMENTAL, encoding="utf-8")
    reports = []
    for day in days[FULL_DAYS:]:
        deliver_day(everything, landing, day)
        reports.append(consolidate(landing=landing, warehouse_url=daily))

    modes = _rows(daily, "SELECT mode, reason, records, region_records FROM match_run ORDER BY id")
    # the first days' candidate pairs were too few for EM: the next run fits in full once
    assert [mode for mode, *_ in modes] == ["full"] * (FULL_DAYS + 1) + ["incremental"] * (
        len(reports) - 1
    )
    assert "only priors" in modes[FULL_DAYS][1]
    assert all(region < records for *_, records, region in modes[FULL_DAYS + 1 :])
    assert [r["matching"]["mode"] for r in reports[1:]] == ["incremental"] * (len(reports) - 1)
    # matching's stored columns: all records at the full match, then each incremental
    # match's recomputed records and those whose values' sharing was judged again
    parts = _rows(
        daily,
        "SELECT m.mode, p.records, m.records, m.changed_records FROM match_feature_part p "
        "JOIN match_run m ON m.run_id = p.run_id ORDER BY p.id",
    )
    assert [mode for mode, *_ in parts] == ["full"] + ["incremental"] * (len(reports) - 1)
    assert parts[0][1] == parts[0][2]
    assert all(0 < changed <= stored < records for _, stored, records, changed in parts[1:])
    # the same persons as one full match over all days: pairwise, nearly all agree
    daily_pairs, once_pairs = _pairs(partition(daily)), _pairs(partition(once))
    agreement = len(daily_pairs & once_pairs) / len(daily_pairs | once_pairs)
    assert agreement > 0.97, agreement
    # IDs: a customer keeps its ID or an identity event says where it went
    state = warehouse_state(daily)
    final = {tuple(row[:2]): row[2] for row in state["customer_link"]}
    moved = {old for kind, old, _, _ in state["identity_event"] if kind in ("merged", "split")}
    assert all(final[key] == c or c in moved for key, c in first.items())
    # customers outside every region were not rewritten
    untouched_after = set(_rows(daily, "SELECT id, updated_run_id FROM customer"))
    assert untouched_before & untouched_after


@pytest.mark.usefixtures("always_incremental")
def test_a_rerun_of_every_day_changes_nothing(
    generated: tuple[Path, list[str]], tmp_path: Path
) -> None:
    everything, days = generated
    url, landing = f"sqlite:///{tmp_path / 'w.db'}", tmp_path / "landing"
    for day in days[:3]:
        deliver_day(everything, landing, day)
        consolidate(landing=landing, warehouse_url=url)
    business = ("customer_link", "customer", "identity_event")
    before = warehouse_state(url, tables=business)

    report = consolidate(landing=landing, warehouse_url=url, reprocess=True)

    assert report["matching"]["mode"] == "none"
    assert warehouse_state(url, tables=business) == before
