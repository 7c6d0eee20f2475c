"""Identity over many runs: day by day equals all at once, decisions last, crashes heal."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.decide import apply_decision
from pipelines.flow import consolidate
from tests.pipelines.conftest import deliver_day
from tests.pipelines.warehouse_state import partition, warehouse_state
from warehouse.decisions import unmerge_record
from warehouse.engine import dispose_engines
from warehouse.staging import FileStager


def test_day_by_day_gives_the_customers_of_one_run_over_all_days(
    generated: tuple[Path, list[str]], tmp_path: Path
) -> None:
    everything, days = generated
    all_at_once = f"sqlite:///{tmp_path / 'once.db'}"
    consolidate(landing=everything, warehouse_url=all_at_once)

    daily, landing = f"sqlite:///{tmp_path / 'daily.db'}", tmp_path / "landing"
    deliver_day(everything, landing, days[0])
    consolidate(landing=landing, warehouse_url=daily)
    after_day_one = {
        (source, key): customer
        for source, key, customer, _ in warehouse_state(daily, tables=("customer_link",))[
            "customer_link"
        ]
    }
    for day in days[1:]:
        deliver_day(everything, landing, day)
        consolidate(landing=landing, warehouse_url=daily)
    assert partition(daily) == partition(all_at_once)

    state = warehouse_state(daily)
    final = {tuple(row[:2]): row[2] for row in state["customer_link"]}
    events = state["identity_event"]
    moved = {old for kind, old, _, _ in events if kind in ("merged", "split")}
    for key, customer in after_day_one.items():
        # a customer of day one keeps its ID, or identity_event tells where it went
        assert final[key] == customer or customer in moved, key
    # re-running every day changes nothing (the manifest only notes the re-processing)
    business = tuple(t for t in state if t != "ingested_file")
    consolidate(landing=landing, warehouse_url=daily, reprocess=True)
    assert warehouse_state(daily, tables=business) == {t: state[t] for t in business}


def test_an_unmerge_survives_the_next_five_runs(
    generated: tuple[Path, list[str]], tmp_path: Path
) -> None:
    everything, days = generated
    url, landing = f"sqlite:///{tmp_path / 'w.db'}", tmp_path / "landing"
    for day in days[:2]:
        deliver_day(everything, landing, day)
    consolidate(landing=landing, warehouse_url=url)
    groups = sorted(partition(url), key=lambda g: (-len(g), sorted(g)))
    record, other = sorted(groups[0])[:2]  # two records of the largest customer
    links = {tuple(r[:2]): r[2] for r in warehouse_state(url)["customer_link"]}
    customer = links[record]
    apply_decision(url, "unmerge", lambda s: unmerge_record(s, customer, *record, "not him"))
    for day in days[2 : 2 + 5]:
        deliver_day(everything, landing, day)
        summary = consolidate(landing=landing, warehouse_url=url)
        assert summary["rows"]["loaded"] > 0
        links = {tuple(r[:2]): r[2] for r in warehouse_state(url)["customer_link"]}
        assert links[record] != links[other], f"the unmerge was undone on {day}"


def test_a_run_killed_mid_load_reruns_to_the_uninterrupted_result(
    generated: tuple[Path, list[str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything, _ = generated
    clean = f"sqlite:///{tmp_path / 'clean.db'}"
    consolidate(landing=everything, warehouse_url=clean)

    crashed = f"sqlite:///{tmp_path / 'crashed.db'}"
    flushes = {"n": 0}
    real_flush = FileStager.flush

    def dying_flush(self: FileStager) -> None:
        flushes["n"] += 1
        if flushes["n"] == 12:
            raise KeyboardInterrupt("killed mid-load")  # like Ctrl-C or a lost worker
        real_flush(self)

    monkeypatch.setattr(FileStager, "flush", dying_flush)
    with pytest.raises(BaseException, match="killed mid-load"):
        consolidate(landing=everything, warehouse_url=crashed)
    monkeypatch.setattr(FileStager, "flush", real_flush)
    dispose_engines()
    consolidate(landing=everything, warehouse_url=crashed)

    assert warehouse_state(crashed) == warehouse_state(clean)
