"""Core commands: run the flow, generate a demo, export the crosswalk, show status."""

from __future__ import annotations

import csv
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table

from pipelines.cli.common import (
    JsonOption,
    LandingOption,
    WaitOption,
    WarehouseOption,
    app,
    console,
    errors,
    export_app,
)
from pipelines.runners import TaskRunnerName
from pipelines.settings import resolve_landing, resolve_warehouse
from schemas.errors import KundenstammError


def _run_flow(
    landing: Path,
    warehouse_url: str,
    wait_seconds: float,
    *,
    task_runner: TaskRunnerName = "threads",
    dask_address: str | None = None,
    **selection: Any,
) -> dict[str, Any]:
    from pipelines.config import load_config
    from pipelines.runners import consolidate_with
    from pipelines.selection import DeliverySelection

    # Checked here too, so bad input is one clear line instead of a failed flow run.
    if not landing.is_dir():
        raise KundenstammError(f"landing folder {landing} does not exist or is not a folder")
    DeliverySelection.checked(
        selection.get("sources"),
        selection.get("since"),
        selection.get("until"),
        tuple(source.name for source in load_config().generic_sources),
    )
    flow, runner_parameters = consolidate_with(task_runner, dask_address)
    # A spinner on stderr while the flow works (Prefect logs each step); stdout stays clean
    # for --json.
    with errors.status(f"consolidating {landing} …", spinner="dots"):
        summary: dict[str, Any] = flow(
            landing=landing,
            warehouse_url=warehouse_url,
            wait_seconds=wait_seconds,
            **selection,
            **runner_parameters,
        )
    return summary


def _runner(name: str) -> TaskRunnerName:
    if name not in ("threads", "dask"):
        raise KundenstammError(f"--task-runner {name!r}: choose threads or dask")
    return "dask" if name == "dask" else "threads"


def _print_summary(summary: dict[str, Any], as_json: bool) -> None:
    from pipelines.report import print_run_summary

    if as_json:
        console.print_json(json.dumps(summary, default=str))
    else:
        print_run_summary(console, summary)


RunnerOption = Annotated[
    str,
    typer.Option(
        "--task-runner",
        help="threads (this process) or dask (parallel reads and pair comparisons on Dask).",
    ),
]
DaskAddressOption = Annotated[
    str | None,
    typer.Option(
        "--dask-address", help="tcp://host:port of a running Dask scheduler; default: a local one."
    ),
]
RematchOption = Annotated[
    bool,
    typer.Option(
        "--full-rematch",
        help="Match all records even if nothing new arrived (after changing match settings).",
    ),
]
SourceOption = Annotated[
    list[str] | None,
    typer.Option("--source", help="Only this record or file kind (repeatable)."),
]


@app.command()
def run(
    landing: LandingOption = None,
    warehouse: WarehouseOption = None,
    source: SourceOption = None,
    wait: WaitOption = 0.0,
    task_runner: RunnerOption = "threads",
    dask_address: DaskAddressOption = None,
    full_rematch: RematchOption = False,
    as_json: JsonOption = False,
) -> None:
    """Consolidate every new delivery of the landing folder into the warehouse."""
    summary = _run_flow(
        resolve_landing(landing),
        resolve_warehouse(warehouse),
        wait,
        task_runner=_runner(task_runner),
        dask_address=dask_address,
        sources=source,
        full_rematch=full_rematch,
    )
    _print_summary(summary, as_json)


@app.command()
def backfill(
    from_day: Annotated[
        datetime, typer.Option("--from", formats=["%Y-%m-%d"], help="First export day, YYYY-MM-DD.")
    ],
    to_day: Annotated[
        datetime,
        typer.Option("--to", formats=["%Y-%m-%d"], help="Last export day, YYYY-MM-DD (inclusive)."),
    ],
    landing: LandingOption = None,
    warehouse: WarehouseOption = None,
    source: SourceOption = None,
    wait: WaitOption = 0.0,
    task_runner: RunnerOption = "threads",
    dask_address: DaskAddressOption = None,
    full_rematch: RematchOption = False,
    as_json: JsonOption = False,
) -> None:
    """Re-process the deliveries of these export days, even if loaded before.

    Idempotent (unchanged rows count as duplicates) and resumable: each delivery is one
    transaction, so after a crash the same command finishes the job.
    """
    summary = _run_flow(
        resolve_landing(landing),
        resolve_warehouse(warehouse),
        wait,
        task_runner=_runner(task_runner),
        dask_address=dask_address,
        sources=source,
        since=from_day.date(),
        until=to_day.date(),
        reprocess=True,
        full_rematch=full_rematch,
    )
    _print_summary(summary, as_json)


@app.command()
def demo(
    people: Annotated[int, typer.Option(min=1, help="Number of generated persons.")] = 1000,
    days: Annotated[int, typer.Option(min=1, help="Number of export days.")] = 7,
    seed: Annotated[
        int, typer.Option(help="Random seed; the same seed gives the same files.")
    ] = 42,
    workdir: Annotated[
        Path, typer.Option(help="Folder for the generated landing folder, truth and warehouse.")
    ] = Path("demo"),
    difficulty: Annotated[
        Literal["easy", "normal", "hard"],
        typer.Option(
            help="How many typing errors, namesakes, movers and shared family mailboxes "
            "and phones the data holds."
        ),
    ] = "normal",
) -> None:
    """Generate a German multi-source landing folder, consolidate it, and score the result."""
    from pipelines.demo.generator import generate_landing
    from pipelines.evaluate import evaluate_warehouse

    landing, truth, database = (
        workdir / "landing",
        workdir / "truth.csv",
        workdir / "kundenstamm.db",
    )
    if landing.exists():
        shutil.rmtree(landing)
    for stale in workdir.glob("kundenstamm.db*"):
        stale.unlink()  # the demo always starts from an empty warehouse of its own
    workdir.mkdir(parents=True, exist_ok=True)
    with errors.status(f"generating {people} people over {days} days …", spinner="dots"):
        report = generate_landing(
            landing, truth, people=people, days=days, seed=seed, difficulty=difficulty
        )
    console.print(
        f"generated {landing} for {people} people over {days} days "
        f"(seed {seed}, difficulty {difficulty})"
    )
    del report
    warehouse_url = f"sqlite:///{database}"
    summary = _run_flow(landing, warehouse_url, 0.0, report_dir=workdir / "reports")
    _print_summary(summary, as_json=False)
    metrics = evaluate_warehouse(warehouse_url, truth)
    console.print(
        f"[bold]pairwise precision {metrics.precision:.4f}  recall {metrics.recall:.4f}  "
        f"F1 {metrics.f1:.4f}[/] (TP {metrics.true_positives}, FP {metrics.false_positives}, "
        f"FN {metrics.false_negatives}) against {truth}"
    )
    console.print(f"warehouse: {warehouse_url}")


@export_app.command("links")
def export_links(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")],
    warehouse: WarehouseOption = None,
) -> None:
    """Write the crosswalk `source,source_key,customer_id` (SOURCES.md §8)."""
    from warehouse.engine import engine_for, session_factory
    from warehouse.queries import crosswalk

    count = 0
    with (
        session_factory(engine_for(resolve_warehouse(warehouse)))() as session,
        out.open("w", newline="", encoding="utf-8") as handle,
    ):
        writer = csv.writer(handle)
        writer.writerow(["source", "source_key", "customer_id"])
        for row in crosswalk(session):
            writer.writerow(row)
            count += 1
    console.print(f"wrote {count} links to {out}")


@app.command()
def status(
    warehouse: WarehouseOption = None,
    limit: Annotated[int, typer.Option(min=1, help="How many recent runs.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Recent runs with their counts and duration."""
    from warehouse.engine import engine_for, session_factory
    from warehouse.runs import recent_runs

    with session_factory(engine_for(resolve_warehouse(warehouse)))() as session:
        runs = [
            {
                "run_id": r.id,
                "status": r.status,
                "started_at": r.started_at.isoformat(),
                "seconds": r.counts.get("seconds"),
                "rows": r.counts.get("rows", {}),
                "customers": r.counts.get("customers"),
                "error": r.error,
            }
            for r in recent_runs(session, limit)
        ]
    if as_json:
        console.print_json(json.dumps(runs))
        return
    table = Table(
        "run", "status", "started", "seconds", "read", "loaded", "quarantined", "customers"
    )
    for r in runs:
        rows = r["rows"]
        table.add_row(
            str(r["run_id"]),
            r["status"],
            r["started_at"][:19],
            str(r["seconds"] or ""),
            str(rows.get("read", "")),
            str(rows.get("loaded", "")),
            str(rows.get("quarantined", "")),
            str(r["customers"] or ""),
        )
    console.print(table)


@app.command()
def init(warehouse: WarehouseOption = None) -> None:
    """Create the warehouse schema (runs do this too); existing data is kept."""
    from warehouse.engine import engine_for, safe_url

    url = resolve_warehouse(warehouse)
    engine_for(url)
    console.print(f"warehouse ready: {safe_url(url)}")


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="When to run (cron, in --timezone).")] = "0 2 * * *",
    timezone: Annotated[str, typer.Option(help="Time zone of the cron schedule.")] = (
        "Europe/Berlin"
    ),
    landing: LandingOption = None,
    warehouse: WarehouseOption = None,
) -> None:
    """Run the consolidate flow on a schedule from this process (no work pool needed).

    Needs a Prefect API (`prefect server start`, or Prefect Cloud) like any served flow;
    stop with Ctrl-C.
    """
    from prefect.schedules import Cron

    from pipelines.flow import consolidate

    parameters = {
        "landing": str(resolve_landing(landing)),
        "warehouse_url": resolve_warehouse(warehouse),
        "wait_seconds": 600,
    }
    consolidate.serve(
        name="kundenstamm-served",
        schedules=[Cron(cron, timezone=timezone)],
        parameters=parameters,
        tags=["kundenstamm"],
    )
