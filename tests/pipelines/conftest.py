from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.testing.utilities import prefect_test_harness

from pipelines.settings import REPORT_DIR_ENV
from tests.conftest import SAMPLES


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
