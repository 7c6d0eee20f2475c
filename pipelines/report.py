"""Render a run report for people: a rich table on the terminal."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

ROW_COLUMNS = ("read", "loaded", "quarantined", "duplicate", "skipped", "suppressed")


def print_run_summary(console: Console, summary: dict[str, Any]) -> None:
    table = Table(title=f"Run {summary.get('run_id', '?')}: rows per source", title_justify="left")
    table.add_column("source")
    for column in ROW_COLUMNS:
        table.add_column(column, justify="right")
    for kind, counts in summary["per_source"].items():
        table.add_row(kind, *(str(counts[c]) for c in ROW_COLUMNS))
    table.add_row("total", *(str(summary["rows"][c]) for c in ROW_COLUMNS), style="bold")
    console.print(table)
    files = summary["files"]
    console.print(
        f"files: {files['loaded']} loaded, {files['unchanged']} unchanged, "
        f"{files['rejected']} rejected, {files['unrecognized']} unrecognized"
    )
    for path, reason in summary.get("rejected_files", {}).items():
        console.print(f"  [yellow]rejected[/] {path}: {reason}")
    for name in summary.get("unrecognized_files", []):
        console.print(f"  [yellow]unrecognized[/] {name} (left in the landing folder)")
    warehouse = summary["warehouse"]
    console.print(
        f"customers: {summary['customers']} ({summary['customers_created']} new, "
        f"{summary['customers_merged']} merged, {summary['customers_split']} split); "
        f"links: {warehouse['links']}; reviews pending: {summary['reviews_pending']}; "
        f"took {summary.get('seconds', '?')} s"
    )
    if "report" in summary:
        console.print(f"data-quality report: {summary['report']}")
