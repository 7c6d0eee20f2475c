"""Write the data-quality report of a warehouse (HTML) and its markdown summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from matching.settings import MatchSettings, default_settings
from pipelines.chart_worker import result_or, shared_worker
from pipelines.dq_report import (
    MATCHING_CHARTS,
    Chart,
    matching_charts,
    staging_charts,
    write_report,
)
from warehouse.engine import engine_for, make_engine, session_factory
from warehouse.quality import (
    QualityFigures,
    ScoreCounts,
    partition_figures,
    score_figures,
    staging_figures,
)


@dataclass(frozen=True)
class StagedReport:
    """The figures only staging changes and, if drawn already, their charts."""

    figures: QualityFigures
    charts: tuple[Chart, ...] | None = None


def staged_figures_of(warehouse_url: str) -> QualityFigures:
    """The figures only staging changes (`staging_figures`), read in a session of their own."""
    with _reading(warehouse_url) as session:
        return staging_figures(session)


@contextmanager
def _reading(warehouse_url: str, *, apart: bool = False) -> Iterator[Session]:
    """A session on the run's shared engine, or, `apart` (in the chart worker), on an
    engine of its own, disposed after: the run's process has migrated the warehouse."""
    engine = make_engine(warehouse_url) if apart else engine_for(warehouse_url)
    try:
        with session_factory(engine)() as session:
            yield session
    finally:
        if apart:
            engine.dispose()


def begin_staged_report(warehouse_url: str, background: Executor) -> Future[StagedReport]:
    """The staging figures, read while the run matches: with their charts by the chart
    worker (`pipelines.chart_worker`), else read on a thread of `background` (the
    database works off the interpreter lock) and drawn with the report."""
    worker = shared_worker(warehouse_url)
    if worker is not None:
        return worker.submit("staged_report", warehouse_url)
    return background.submit(_staged_here, warehouse_url)


def staged_report(begun: Future[StagedReport], warehouse_url: str) -> StagedReport:
    """What `begin_staged_report` read, or the figures read now if the worker is gone."""
    report: StagedReport = result_or(begun, lambda: _staged_here(warehouse_url))
    return report


def write_quality_report(
    warehouse_url: str,
    out: Path,
    settings: MatchSettings | None = None,
    staged: StagedReport | None = None,
) -> QualityFigures:
    """Render the report for the warehouse as it is now; returns the figures it shows.
    The score chart marks the thresholds of `settings` (the project's match settings:
    a configured link threshold is the one links were made with); `staged`: the staging
    figures, read while the run matched (`begin_staged_report`).

    A chart worker already running (a run's) counts the scores and draws their chart
    while this process counts and draws the rest of the partition: each about half the
    work. None is started for one report: its imports would cost more than it saves."""
    settings = settings or default_settings()
    thresholds = (settings.review_threshold, settings.link_threshold)
    worker = shared_worker(warehouse_url, start=False)
    scoring = worker.submit("scores", warehouse_url, *thresholds) if worker else None
    report = staged if staged is not None else _staged_here(warehouse_url)
    figures = replace(report.figures)
    with _reading(warehouse_url) as session:
        partition_figures(session, figures)
    drawn = matching_charts(figures, *thresholds, only=_PARTITION_CHARTS)
    scores: Scores = result_or(scoring, lambda: _scores(warehouse_url, *thresholds))
    figures.link_scores, figures.review_scores = scores.links, scores.reviews
    staging = report.charts if report.charts is not None else staging_charts(report.figures)
    write_report(
        figures,
        out,
        review_threshold=settings.review_threshold,
        link_threshold=settings.link_threshold,
        generated=datetime.now(UTC),
        charts=[*staging, scores.chart, *drawn],
    )
    return figures


@dataclass(frozen=True)
class Scores:
    """The scores of links and review items (`score_figures`) and their chart."""

    links: ScoreCounts
    reviews: ScoreCounts
    chart: Chart


_PARTITION_CHARTS = tuple(name for name in MATCHING_CHARTS if name != "chart-scores")


def _scores(
    warehouse_url: str, review_threshold: float, link_threshold: float, *, apart: bool = False
) -> Scores:
    """The scores counted in a session of their own and their chart: the chart worker's
    (`apart`), or the run's own when there is no worker."""
    figures = QualityFigures()
    with _reading(warehouse_url, apart=apart) as session:
        score_figures(session, figures)
    (chart,) = matching_charts(figures, review_threshold, link_threshold, only=("chart-scores",))
    return Scores(figures.link_scores, figures.review_scores, chart)


def _staged_here(warehouse_url: str) -> StagedReport:
    return StagedReport(staged_figures_of(warehouse_url))


def _staged_report(warehouse_url: str) -> StagedReport:
    """The chart worker's: the staging figures and their charts."""
    with _reading(warehouse_url, apart=True) as session:
        figures = staging_figures(session)
    return StagedReport(figures, tuple(staging_charts(figures)))


# What the chart worker can be asked to do.
WORKER_TASKS: dict[str, Callable[..., Any]] = {
    "staged_report": _staged_report,
    "scores": partial(_scores, apart=True),
}


def quality_markdown(figures: QualityFigures) -> str:
    """The report's key figures as markdown, for the run's Prefect artifact."""
    lines = [
        "# Data quality",
        "",
        f"{figures.customers} active customers; "
        f"{figures.review_scores.total} review items pending.",
        "",
        "| source | read | loaded | quarantined | duplicate | skipped | suppressed |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for source, c in figures.rows_per_source.items():
        lines.append(
            f"| {source} | {c['read']} | {c['loaded']} | {c['quarantined']} | {c['duplicate']} "
            f"| {c['skipped']} | {c['suppressed']} |"
        )
    if figures.quarantine_reasons:
        lines += ["", "Most frequent quarantine reasons:", ""]
        lines += [f"- {s}: {r} ({n})" for s, r, n in figures.quarantine_reasons[:10]]
    return "\n".join(lines) + "\n"
