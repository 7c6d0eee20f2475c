"""Where the pipeline reads from and writes to: options first, then environment, then defaults."""

from __future__ import annotations

import os
from pathlib import Path

from warehouse.engine import DEFAULT_WAREHOUSE_URL

LANDING_ENV = "KUNDENSTAMM_LANDING"
WAREHOUSE_ENV = "KUNDENSTAMM_WAREHOUSE_URL"
DEFAULT_LANDING = Path("landing")


def resolve_landing(option: Path | None) -> Path:
    if option is not None:
        return option
    return Path(os.environ.get(LANDING_ENV) or DEFAULT_LANDING)


def resolve_warehouse(option: str | None) -> str:
    return option or os.environ.get(WAREHOUSE_ENV) or DEFAULT_WAREHOUSE_URL
