from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from pipelines.demo.generator import generate_landing
from pipelines.settings import REPORT_DIR_ENV
from tests.conftest import SAMPLES
from warehouse.engine import dispose_engines

DAYS = 7


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    """Flows run against a temporary Prefect server and database, not the user's."""
    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(autouse=True)
def _reports_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Flow runs write their quality reports into the test's folder, not the checkout."""
    monkeypatch.setenv(REPORT_DIR_ENV, str(tmp_path / "reports"))


@pytest.fixture
def sample_landing(tmp_path: Path) -> Path:
    """A landing folder holding a copy of every reference sample delivery."""
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES, landing)
    return landing


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[str]]]:
    """Seven export days for 250 people; the days in order."""
    root = tmp_path_factory.mktemp("days")
    generate_landing(root / "all", root / "truth.csv", people=250, days=DAYS, seed=21)
    days = sorted({export_day(p.name) for p in (root / "all").iterdir()})
    yield root / "all", days
    dispose_engines()


def export_day(name: str) -> str:
    return next(p for p in name.replace(".", "_").split("_") if len(p) == 10 and p[4] == "-")


def deliver_day(everything: Path, landing: Path, day: str) -> None:
    landing.mkdir(exist_ok=True)
    for entry in everything.iterdir():
        if export_day(entry.name) == day:
            os.symlink(entry, landing / entry.name)
