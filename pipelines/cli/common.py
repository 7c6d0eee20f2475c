"""What every command shares: the app's error handling, consoles and common options."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from typer.core import TyperGroup

from pipelines.config import CONFIG_ENV, load_config
from pipelines.settings import LANDING_ENV, WAREHOUSE_ENV
from schemas.errors import KundenstammError

console = Console()
errors = Console(stderr=True, soft_wrap=True)  # one line per error, never wrapped
state: dict[str, bool] = {"debug": False}


class ClearErrors(TyperGroup):
    """One top-level handler: a KundenstammError becomes one line on stderr and exit code 1."""

    def invoke(self, ctx: Any) -> Any:  # typer.Context; typer vendors its own click
        try:
            return super().invoke(ctx)
        except KundenstammError as exc:
            if state["debug"]:
                raise
            errors.print(f"[red]error:[/] {exc}", highlight=False)
            raise typer.Exit(1) from None


app = typer.Typer(
    cls=ClearErrors,
    help="kundenstamm: one trustworthy customer master from scattered German customer data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
export_app = typer.Typer(help="Export data from the warehouse.", no_args_is_help=True)
review_app = typer.Typer(
    help="Decide the pairs the matcher was unsure about.", no_args_is_help=True
)
quarantine_app = typer.Typer(
    help="Rows that failed validation, with reasons.", no_args_is_help=True
)
app.add_typer(export_app, name="export")
app.add_typer(quarantine_app, name="quarantine")
app.add_typer(review_app, name="review")


@app.callback()
def main(
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config", help=f"Config file (env {CONFIG_ENV}; default ./kundenstamm.toml)."
        ),
    ] = None,
) -> None:
    state["debug"] = debug
    if config is not None:
        os.environ[CONFIG_ENV] = str(config)  # flows and workers read it from there
    load_config()  # a bad config file fails every command up front, with all its problems


LandingOption = Annotated[
    Path | None,
    typer.Option("--landing", help=f"Landing folder (env {LANDING_ENV}; default ./landing)."),
]
WarehouseOption = Annotated[
    str | None,
    typer.Option(
        "--warehouse",
        help=f"Warehouse URL (env {WAREHOUSE_ENV}; default sqlite:///kundenstamm.db).",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]
WaitOption = Annotated[
    float, typer.Option("--wait", help="Seconds to wait for another run's writer lock.")
]
ReasonOption = Annotated[str | None, typer.Option("--reason", help="Why (kept with the decision).")]
