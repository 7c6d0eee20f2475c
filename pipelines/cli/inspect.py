"""Read-only commands for ops: explain a customer, look into the quarantine."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy.orm import Session

from pipelines.cli.common import JsonOption, WarehouseOption, app, console, quarantine_app
from pipelines.settings import resolve_warehouse


def _session(warehouse: str | None) -> Session:
    from warehouse.engine import engine_for, session_factory

    return session_factory(engine_for(resolve_warehouse(warehouse)))()


@app.command()
def explain(
    customer_id: Annotated[str, typer.Argument(help="A customer ID; retired IDs are followed.")],
    warehouse: WarehouseOption = None,
    as_json: JsonOption = False,
) -> None:
    """Why these source records are this customer: golden fields, links, evidence, events."""
    from warehouse.dossier import customer_dossier

    with _session(warehouse) as session:
        dossier = customer_dossier(session, customer_id)
    if as_json:
        console.print_json(json.dumps(dossier))
        return
    for retired in dossier["retired_ids_followed"]:
        console.print(f"{retired} is retired; following it to {dossier['customer_id']}")
    golden = Table("field", "value", "from", title=f"Customer {dossier['customer_id']}")
    for name, value in dossier["golden"].items():
        if value is not None:
            golden.add_row(name, str(value), str(dossier["provenance"].get(name, "")))
    console.print(golden)
    records = Table("record", "method", "score", "strongest partner", title="Linked records")
    for record in dossier["records"]:
        link = record["link"]
        score = "" if link["score"] is None else f"{link['score']:.4f}"
        records.add_row(
            f"{record['source']}:{record['source_key']}",
            link["method"],
            score,
            str(link["evidence"].get("partner", "")),
        )
    console.print(records)
    for event in dossier["identity_events"]:
        console.print(
            f"run {event['run_id']} {event['at'][:19]}: {event['kind']} "
            f"{event['old_customer_id'] or ''} -> {event['new_customer_id'] or ''} "
            f"({event['reason']})"
        )


@quarantine_app.command("list")
def quarantine_list(
    warehouse: WarehouseOption = None,
    source: Annotated[str | None, typer.Option(help="Only this record kind.")] = None,
    run: Annotated[int | None, typer.Option(help="Only rows of this run.")] = None,
    limit: Annotated[int, typer.Option(min=1, help="How many rows, newest first.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Quarantined rows with file, line and reasons; `quarantine show ID` for the payload."""
    from warehouse.queries import quarantine_rows

    with _session(warehouse) as session:
        rows = quarantine_rows(session, source=source, run_id=run, limit=limit)
    if as_json:
        console.print_json(json.dumps(rows))
        return
    table = Table("id", "run", "source", "file", "line", "reasons")
    for row in rows:
        table.add_row(
            str(row["id"]),
            str(row["run_id"]),
            row["source"],
            row["file"] + (f" / {row['member']}" if row["member"] else ""),
            str(row["line"]),
            "; ".join(row["reasons"]),
        )
    console.print(table)


@quarantine_app.command("show")
def quarantine_show(
    quarantine_id: Annotated[int, typer.Argument(help="The row's id (see `quarantine list`).")],
    warehouse: WarehouseOption = None,
) -> None:
    """One quarantined row in full, as delivered, with its reasons (JSON)."""
    from warehouse.queries import quarantine_row

    with _session(warehouse) as session:
        console.print_json(json.dumps(quarantine_row(session, quarantine_id), default=str))


@app.command()
def report(
    out: Annotated[Path, typer.Option("--out", help="HTML file to write.")] = Path("report.html"),
    warehouse: WarehouseOption = None,
) -> None:
    """Write the data-quality report: one self-contained HTML file with charts."""
    from pipelines.config import load_config
    from pipelines.quality import write_quality_report

    settings = load_config().match_settings()
    figures = write_quality_report(resolve_warehouse(warehouse), out, settings)
    console.print(
        f"wrote {out}: {figures.customers} customers, {len(figures.rows_per_source)} sources"
    )
