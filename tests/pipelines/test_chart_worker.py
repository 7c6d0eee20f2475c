from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from pipelines import quality
from pipelines.chart_worker import ChartWorker, WorkerGone, result_or, shared_worker
from pipelines.demo.generator import generate_landing
from pipelines.flow import consolidate
from pipelines.quality import StagedReport, staged_figures_of, write_quality_report

GENERATED = re.compile(r"Generated [0-9: -]+ ·")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> str:
    root = tmp_path_factory.mktemp("chart-worker")
    generate_landing(root / "landing", root / "truth.csv", people=80, days=2, seed=5)
    url = f"sqlite:///{root / 'w.db'}"
    consolidate(landing=root / "landing", warehouse_url=url, report_dir=root / "reports")
    return url


def test_the_worker_reads_and_draws_what_this_process_would(warehouse: str) -> None:
    worker = ChartWorker.start()
    try:
        staged = worker.submit("staged_report", warehouse).result(timeout=60)
        scores = worker.submit("scores", warehouse, 0.5, 0.9).result(timeout=60)
        unknown = worker.submit("no-such-task")
        with pytest.raises(KeyError, match="no-such-task"):
            unknown.result(timeout=60)
        # A failed request leaves the worker serving the next one.
        again = worker.submit("scores", warehouse, 0.5, 0.9).result(timeout=60)
    finally:
        worker.close()
    assert isinstance(staged, StagedReport)
    assert repr(staged.figures) == repr(staged_figures_of(warehouse))
    assert staged.charts is not None and [c.id for c in staged.charts] == [
        "chart-rows", "chart-completeness", "chart-quarantine",
    ]  # fmt: skip
    here = quality._scores(warehouse, 0.5, 0.9)
    assert scores.links.total > 0 and scores.reviews.total >= 0
    assert repr(scores) == repr(here) == repr(again)


def test_a_report_drawn_with_the_worker_equals_one_drawn_here(
    warehouse: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert shared_worker(warehouse) is not None
    write_quality_report(warehouse, tmp_path / "shared.html")
    monkeypatch.setattr(quality, "shared_worker", lambda url, **kwargs: None)
    write_quality_report(warehouse, tmp_path / "here.html")
    shared, here = (
        GENERATED.sub("", (tmp_path / f).read_text()) for f in ("shared.html", "here.html")
    )
    assert shared == here
    assert shared.count("<svg") == 7


def test_a_worker_that_died_is_replaced_and_its_requests_drawn_here(warehouse: str) -> None:
    worker = shared_worker(warehouse)
    assert worker is not None
    worker._process.kill()
    worker._process.wait()
    pending = worker.submit("scores", warehouse, 0.5, 0.9)
    with pytest.raises(WorkerGone):
        pending.result(timeout=60)
    assert result_or(pending, lambda: "drawn here") == "drawn here"
    assert not worker.alive
    fresh = shared_worker(warehouse)
    assert fresh is not None and fresh is not worker and fresh.alive
    assert fresh.submit("scores", warehouse, 0.5, 0.9).result(timeout=60).links.total > 0


@pytest.mark.parametrize(
    "url", ["sqlite://", "sqlite:///:memory:", "sqlite:///file:w?mode=memory&cache=shared&uri=true"]
)
def test_an_in_memory_warehouse_gets_no_worker(url: str) -> None:
    """Another process would open another, empty database."""
    assert shared_worker(url) is None


def test_requests_from_two_threads_each_get_their_own_answer(warehouse: str) -> None:
    worker = ChartWorker.start()
    try:
        with ThreadPoolExecutor(max_workers=2) as pool:
            asked = [
                pool.submit(worker.submit, "scores", warehouse, threshold, 0.9)
                for threshold in (0.3, 0.4, 0.5, 0.6) * 3
            ]
            answers = [future.result().result(timeout=120) for future in asked]
    finally:
        worker.close()
    # The threshold is drawn into the score chart's note: each answer is its request's.
    for answer, threshold in zip(answers, (0.3, 0.4, 0.5, 0.6) * 3, strict=True):
        assert f"review threshold {threshold:g}" in answer.chart.note
