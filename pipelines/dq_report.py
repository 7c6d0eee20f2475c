"""The data-quality report: one self-contained HTML file with inline SVG charts.

Charts are drawn by matplotlib into SVG and embedded, so the file opens offline and can
be mailed around; it shows counts and shares only, no personal data.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from jinja2 import Environment  # noqa: E402
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import LogFormatter  # noqa: E402

from warehouse.quality import COMPLETENESS_FIELDS, ROW_OUTCOMES, QualityFigures  # noqa: E402

_COLOURS = {
    "loaded": "#2b8a3e",
    "quarantined": "#e03131",
    "duplicate": "#868e96",
    "skipped": "#f59f00",
    "suppressed": "#5f3dc4",
}
_EVENT_COLOURS = {
    "created": "#1c7ed6",
    "merged": "#2b8a3e",
    "split": "#e8590c",
    "erased": "#5f3dc4",
}


def _svg(draw: Callable[[Axes], None], *, size: tuple[float, float] = (7.5, 3.6)) -> str:
    figure: Figure = plt.figure(figsize=size)
    axes = figure.add_subplot()
    draw(axes)
    figure.tight_layout()
    buffer = io.StringIO()
    # Text stays text (half the bytes, selectable); a fixed salt names the clip paths by
    # their content, so the same data gives the same bytes.
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "kundenstamm"}):
        figure.savefig(buffer, format="svg", metadata={"Date": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


class _PlainLogFormatter(LogFormatter):
    """Log-axis labels in plain counts (1,000, not 10³): easier to read, no mathtext to
    typeset. Which ticks get a label stays matplotlib's rule (minor ticks too when the
    axis spans less than a decade or two)."""

    def _num_to_string(self, x: float, vmin: float, vmax: float) -> str:
        return f"{x:,.0f}" if x >= 1 else f"{x:g}"


def _log_counts(axes: Axes) -> None:
    axes.set_yscale("log")
    axes.yaxis.set_major_formatter(_PlainLogFormatter())
    axes.yaxis.set_minor_formatter(_PlainLogFormatter(labelOnlyBase=False))


def _no_data(axes: Axes) -> None:
    axes.text(0.5, 0.5, "no data yet", ha="center", va="center", fontsize=14, color="#868e96")
    axes.set_axis_off()


def rows_chart(figures: QualityFigures) -> str:
    def draw(axes: Axes) -> None:
        sources = list(figures.rows_per_source)
        if not sources:
            return _no_data(axes)
        left = np.zeros(len(sources))
        for outcome in ROW_OUTCOMES:
            values = np.array([figures.rows_per_source[s][outcome] for s in sources])
            axes.barh(sources, values, left=left, label=outcome, color=_COLOURS[outcome])
            left += values
        axes.set_xlabel("rows")
        axes.invert_yaxis()
        axes.legend(loc="lower right", fontsize=8)

    return _svg(draw)


def completeness_chart(figures: QualityFigures) -> str:
    def draw(axes: Axes) -> None:
        sources = list(figures.completeness)
        if not sources:
            return _no_data(axes)
        grid = np.array(
            [[figures.completeness[s][f] for f in COMPLETENESS_FIELDS] for s in sources]
        )
        image = axes.imshow(grid, cmap="RdYlGn", vmin=0, vmax=1, aspect="auto")
        axes.set_xticks(
            range(len(COMPLETENESS_FIELDS)), COMPLETENESS_FIELDS, rotation=30, ha="right"
        )
        axes.set_yticks(range(len(sources)), sources)
        for (row, column), share in np.ndenumerate(grid):
            axes.text(column, row, f"{share:.0%}", ha="center", va="center", fontsize=7)
        axes.figure.colorbar(image, ax=axes, fraction=0.03)

    return _svg(draw, size=(7.5, 4.0))


def quarantine_chart(figures: QualityFigures) -> str:
    def draw(axes: Axes) -> None:
        top = figures.quarantine_reasons[:15]
        if not top:
            return _no_data(axes)
        labels = [f"{source}: {reason}" for source, reason, _ in top]
        axes.barh(labels, [n for *_, n in top], color=_COLOURS["quarantined"])
        axes.invert_yaxis()
        axes.tick_params(axis="y", labelsize=7)
        axes.set_xlabel("quarantined rows")

    return _svg(draw)


def score_chart(figures: QualityFigures, review_threshold: float, link_threshold: float) -> str:
    def draw(axes: Axes) -> None:
        links, reviews = figures.link_scores, figures.review_scores
        if not links.total and not reviews.total:
            return _no_data(axes)
        bins = np.linspace(review_threshold, 1.0, 26).tolist()
        axes.hist(
            [links.values, reviews.values],
            bins=bins,
            weights=[links.counts, reviews.counts],
            stacked=True,
            label=["automatic links", "pending review"],
            color=["#2b8a3e", "#f59f00"],
        )
        for threshold, name in ((review_threshold, "review"), (link_threshold, "link")):
            axes.axvline(threshold, color="#212529", linestyle="--", linewidth=1)
            axes.annotate(name, (threshold, 1), xycoords=("data", "axes fraction"), fontsize=8)
        _log_counts(axes)
        axes.set_xlabel("match probability")
        axes.set_ylabel("pairs")
        axes.legend(fontsize=8)

    return _svg(draw)


def cluster_chart(figures: QualityFigures) -> str:
    def draw(axes: Axes) -> None:
        if not figures.cluster_sizes:
            return _no_data(axes)
        sizes = sorted(figures.cluster_sizes)
        axes.bar(
            [str(s) for s in sizes], [figures.cluster_sizes[s] for s in sizes], color="#1c7ed6"
        )
        _log_counts(axes)
        axes.set_xlabel("source records per customer")
        axes.set_ylabel("customers")

    return _svg(draw)


def overlap_chart(figures: QualityFigures) -> str:
    def draw(axes: Axes) -> None:
        sources = list(figures.customers_per_source)
        if not sources:
            return _no_data(axes)
        index = {s: i for i, s in enumerate(sources)}
        grid = np.zeros((len(sources), len(sources)), dtype=int)
        for source, n in figures.customers_per_source.items():
            grid[index[source], index[source]] = n
        for (a, b), n in figures.overlap.items():
            grid[index[a], index[b]] = grid[index[b], index[a]] = n
        axes.imshow(np.log1p(grid), cmap="Blues", aspect="auto")
        axes.set_xticks(range(len(sources)), sources, rotation=30, ha="right", fontsize=7)
        axes.set_yticks(range(len(sources)), sources, fontsize=7)
        for (row, column), n in np.ndenumerate(grid):
            axes.text(column, row, str(n), ha="center", va="center", fontsize=7)

    return _svg(draw, size=(7.5, 4.6))


def events_chart(figures: QualityFigures) -> str:
    def draw(axes: Axes) -> None:
        runs = sorted(figures.identity_events)
        if not runs:
            return _no_data(axes)
        bottom = np.zeros(len(runs))
        kinds = sorted({k for counts in figures.identity_events.values() for k in counts})
        for kind in kinds:
            values = np.array([figures.identity_events[r].get(kind, 0) for r in runs])
            axes.bar([str(r) for r in runs], values, bottom=bottom, label=kind,
                     color=_EVENT_COLOURS.get(kind, "#495057"))  # fmt: skip
            bottom += values
        axes.set_xlabel("run")
        axes.set_ylabel("identity events")
        axes.legend(fontsize=8)

    return _svg(draw)


_TEMPLATE = Path(__file__).with_name("templates") / "dq_report.html.j2"


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    note: str
    svg: str


def staging_charts(figures: QualityFigures) -> list[Chart]:
    """The charts of the figures only staging changes (`warehouse.quality.staging_figures`)."""
    return [
        Chart(
            "chart-rows",
            "Where every row went",
            "read = loaded + quarantined + duplicate + skipped + suppressed",
            rows_chart(figures),
        ),
        Chart(
            "chart-completeness",
            "Field completeness",
            "Share of identity-bearing records with the field filled, per source.",
            completeness_chart(figures),
        ),
        Chart(
            "chart-quarantine",
            "Quarantine reasons",
            "The fields that fail validation most often.",
            quarantine_chart(figures),
        ),
    ]


MATCHING_CHARTS = ("chart-scores", "chart-clusters", "chart-overlap", "chart-events")


def matching_charts(
    figures: QualityFigures,
    review_threshold: float,
    link_threshold: float,
    only: Collection[str] = MATCHING_CHARTS,
) -> list[Chart]:
    """The charts of the published partition: scores, clusters, overlap, identity events
    (`only` those with these ids, in this order: two processes can draw one half each)."""
    charts = {
        "chart-scores": lambda: Chart(
            "chart-scores",
            "Match scores and thresholds",
            f"Automatic links (link threshold {link_threshold:g}) and pending review items "
            f"(review threshold {review_threshold:g}); pairs below the review threshold are "
            "not kept.",
            score_chart(figures, review_threshold, link_threshold),
        ),
        "chart-clusters": lambda: Chart(
            "chart-clusters",
            "Cluster sizes",
            "How many source records each customer has.",
            cluster_chart(figures),
        ),
        "chart-overlap": lambda: Chart(
            "chart-overlap",
            "Cross-source overlap",
            "Customers found in both sources (diagonal: customers per source).",
            overlap_chart(figures),
        ),
        "chart-events": lambda: Chart(
            "chart-events",
            "Identity events per run",
            "Customer IDs created, merged, split or erased.",
            events_chart(figures),
        ),
    }
    return [charts[name]() for name in MATCHING_CHARTS if name in only]


def render_report(
    figures: QualityFigures,
    *,
    review_threshold: float,
    link_threshold: float,
    generated: datetime,
    charts: Sequence[Chart] | None = None,
) -> str:
    """The report's HTML; `charts`: all of them (staging's, then matching's), if drawn
    already."""
    if charts is None:
        charts = [
            *staging_charts(figures),
            *matching_charts(figures, review_threshold, link_threshold),
        ]
    template = Environment(autoescape=True).from_string(_TEMPLATE.read_text(encoding="utf-8"))
    return template.render(
        generated=generated.strftime("%Y-%m-%d %H:%M"),
        customers=figures.customers,
        runs=figures.runs,
        reviews=figures.review_scores.total,
        outcomes=ROW_OUTCOMES,
        rows=figures.rows_per_source,
        charts=charts,
    )


def write_report(
    figures: QualityFigures,
    out: Path,
    *,
    review_threshold: float,
    link_threshold: float,
    generated: datetime,
    charts: Sequence[Chart] | None = None,
) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    html = render_report(
        figures,
        review_threshold=review_threshold,
        link_threshold=link_threshold,
        generated=generated,
        charts=charts,
    )
    out.write_text(html, encoding="utf-8")
    return out
