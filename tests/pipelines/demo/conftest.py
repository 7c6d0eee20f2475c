"""A demo landing folder generated once per session, shared by the read-only tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from pipelines.demo import GenerationSummary, generate_landing

PEOPLE, DAYS, SEED = 2000, 3, 11
# Enough rows that even the rare errors (a 3% typo on the few postcards) show up.
LARGE_PEOPLE, LARGE_DAYS = 20_000, 3


@dataclass(frozen=True)
class Demo:
    landing: Path
    truth: Path
    summary: GenerationSummary


@pytest.fixture(scope="session", autouse=True)
def prefect_harness() -> Iterator[None]:
    """The generator runs no flow: no temporary Prefect server for these tests."""
    yield


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("demo")
    landing, truth = root / "landing", root / "truth.csv"
    summary = generate_landing(landing, truth, people=PEOPLE, days=DAYS, seed=SEED)
    return Demo(landing, truth, summary)


@pytest.fixture(scope="session")
def large_demo(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    root = tmp_path_factory.mktemp("large-demo")
    landing, truth = root / "landing", root / "truth.csv"
    summary = generate_landing(landing, truth, people=LARGE_PEOPLE, days=LARGE_DAYS, seed=SEED)
    return Demo(landing, truth, summary)
