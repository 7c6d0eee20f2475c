"""Where the pipeline reads from and writes to: options first, then environment, then defaults."""

from __future__ import annotations

import os
from pathlib import Path

from warehouse.engine import DEFAULT_WAREHOUSE_URL

LANDING_ENV = "KUNDENSTAMM_LANDING"
WAREHOUSE_ENV = "KUNDENSTAMM_WAREHOUSE_URL"
REPORT_DIR_ENV = "KUNDENSTAMM_REPORT_DIR"
DEFAULT_LANDING = Path("landing")
DEFAULT_REPORT_DIR = Path("reports")


def resolve_landing(option: Path | None) -> Path:
    if option is not None:
        return option
    return Path(os.environ.get(LANDING_ENV) or DEFAULT_LANDING)


def resolve_warehouse(option: str | None) -> str:
    return option or os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE_URL


def resolve_report_dir(option: Path | None) -> Path:
    if option is not None:
        return option
    return Path(os.environ.get(REPORT_DIR_ENV) or DEFAULT_REPORT_DIR)
