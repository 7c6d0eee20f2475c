"""Write the data-quality report of a warehouse (HTML) and its markdown summary."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

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
    with session_factory(engine_for(warehouse_url))() as session:
        return staging_figures(session)


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

    The chart worker counts the scores and draws their chart while this process counts
    and draws the rest of the partition: each about half the work."""
    settings = settings or default_settings()
    thresholds = (settings.review_threshold, settings.link_threshold)
    worker = shared_worker(warehouse_url)
    scoring = worker.submit("scores", warehouse_url, *thresholds) if worker else None
    report = staged if staged is not None else _staged_here(warehouse_url)
    figures = replace(report.figures)
    with session_factory(engine_for(warehouse_url))() as session:
        partition_figures(session, figures)
    drawn = matching_charts(figures, *thresholds, only=_PARTITION_CHARTS)
    scores: Scores = result_or(scoring, lambda: _scores(warehouse_url, *thresholds, here=True))
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
    warehouse_url: str, review_threshold: float, link_threshold: float, *, here: bool = False
) -> Scores:
    """The chart worker's (or, `here`, the run's own if the worker is gone): the scores
    counted in a session of their own and their chart."""
    figures = QualityFigures()
    engine = engine_for(warehouse_url) if here else make_engine(warehouse_url)
    try:
        with session_factory(engine)() as session:
            score_figures(session, figures)
    finally:
        if not here:  # the worker's engine: one per request, the run's is shared
            engine.dispose()
    (chart,) = matching_charts(figures, review_threshold, link_threshold, only=("chart-scores",))
    return Scores(figures.link_scores, figures.review_scores, chart)


def _staged_here(warehouse_url: str) -> StagedReport:
    return StagedReport(staged_figures_of(warehouse_url))


def _staged_report(warehouse_url: str) -> StagedReport:
    """The chart worker's: the staging figures through an engine of its own (the run's
    process has migrated the warehouse) and their charts."""
    engine = make_engine(warehouse_url)
    try:
        with session_factory(engine)() as session:
            figures = staging_figures(session)
    finally:
        engine.dispose()
    return StagedReport(figures, tuple(staging_charts(figures)))


# What the chart worker can be asked to do.
WORKER_TASKS: dict[str, Callable[..., Any]] = {
    "staged_report": _staged_report,
    "scores": _scores,
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
