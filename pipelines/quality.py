"""Write the data-quality report of a warehouse (HTML) and its markdown summary."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

from matching.settings import MatchSettings, default_settings
from pipelines.dq_report import staging_charts, write_report
from warehouse.engine import engine_for, session_factory
from warehouse.quality import QualityFigures, quality_figures, staging_figures


def figures_of(warehouse_url: str, staged: QualityFigures) -> QualityFigures:
    with session_factory(engine_for(warehouse_url))() as session:
        return quality_figures(session, staged)


def staged_figures_of(warehouse_url: str) -> QualityFigures:
    """The figures only staging changes (`staging_figures`), read in a session of their own:
    a run reads them on a second thread while it matches."""
    with session_factory(engine_for(warehouse_url))() as session:
        return staging_figures(session)


def write_quality_report(
    warehouse_url: str,
    out: Path,
    settings: MatchSettings | None = None,
    staged: QualityFigures | None = None,
) -> QualityFigures:
    """Render the report for the warehouse as it is now; returns the figures it shows.
    The score chart marks the thresholds of `settings` (the project's match settings:
    a configured link threshold is the one links were made with); `staged` are the
    staging figures if already read (`staged_figures_of`).

    The database counts the match's figures on a second thread while the staging charts
    are drawn (it works off the interpreter lock, matplotlib on it)."""
    settings = settings or default_settings()
    staged = staged if staged is not None else staged_figures_of(warehouse_url)
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="report-figures") as pool:
        reading = pool.submit(figures_of, warehouse_url, staged)
        drawn = staging_charts(staged)
        figures = reading.result()
    write_report(
        figures,
        out,
        review_threshold=settings.review_threshold,
        link_threshold=settings.link_threshold,
        generated=datetime.now(UTC),
        drawn=drawn,
    )
    return figures


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
