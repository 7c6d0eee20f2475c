from __future__ import annotations

from pathlib import Path

import pytest

from pipelines.demo.generator import generate_landing
from pipelines.runners import consolidate_with
from warehouse.engine import engine_for, session_factory
from warehouse.queries import crosswalk


def _links(url: str) -> dict[tuple[str, str], str]:
    with session_factory(engine_for(url))() as session:
        return {(s, k): c for s, k, c in crosswalk(session)}


def test_dask_runner_gives_the_same_customers_as_the_default(
    warehouse_url: str, tmp_path: Path
) -> None:
    if not warehouse_url.startswith("postgresql"):
        pytest.skip("the Dask runner is for a PostgreSQL warehouse; SQLite has one writer")
    landing = tmp_path / "landing"
    generate_landing(landing, tmp_path / "truth.csv", people=200, days=3, seed=5)
    baseline_url = f"sqlite:///{tmp_path / 'threads.db'}"
    threads, parameters = consolidate_with("threads")
    expected = threads(landing=landing, warehouse_url=baseline_url, **parameters)

    dask, parameters = consolidate_with("dask", dask_workers=2)
    assert parameters == {"parallel_reads": True}
    summary = dask(landing=landing, warehouse_url=warehouse_url, **parameters)

    assert summary["rows"] == expected["rows"]
    assert summary["customers"] == expected["customers"]
    assert _links(warehouse_url) == _links(baseline_url)
