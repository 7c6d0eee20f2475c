"""The end-to-end benchmark at a small size on each backend, so the script cannot rot.

It checks what the script prints (every stage, a positive F1, the incremental day), not how
fast it was: CI machines are shared and timings there mean nothing.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import OperationalError

from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES

SCRIPT = Path(__file__).parents[2] / "benchmarks" / "end_to_end.py"
PEOPLE = 5_000  # about 20,000 delivered rows over the seven days
STAGES = (
    "discover", "read", "validate", "stage", "prepare", "features", "blocking", "comparisons",
    "estimation", "scoring", "clustering", "evidence", "golden", "load", "report",
)  # fmt: skip


def _postgres_or_skip() -> None:
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as exc:
        if REQUIRE_POSTGRES:
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc.orig}")
    finally:
        admin.dispose()


@pytest.mark.parametrize(
    "backend", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
)
def test_benchmark_prints_every_figure(backend: str, tmp_path: Path) -> None:
    if backend == "postgresql":
        _postgres_or_skip()
    env = {**os.environ, "PREFECT_HOME": str(tmp_path / "prefect")}  # not the user's server
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--people", str(PEOPLE), "--backends", backend,
         "--postgres-url", POSTGRES_URL, "--workdir", str(tmp_path / "bench")],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    out = done.stdout

    assert 15_000 < _figure(r"== \w+: full load of ([\d,]+) rows ==", out) < 30_000
    for stage in (*STAGES, "total"):  # every stage with its seconds and rate
        assert re.search(rf"^{stage} +\d+\.\d +[\d,-]+", out, re.MULTILINE), stage
    assert _figure(r"F1 (\d\.\d+)", out) > 0
    assert _figure(r"peak RSS ([\d,]+) MiB \(full load\)", out) > 0
    assert _figure(r"([\d,]+) MiB \(incremental day\)", out) > 0
    worker = re.search(r"its chart worker's ([\d,]+) MiB and ([\d,]+) MiB", out)
    assert worker is not None, out  # the run's second process, measured while it lives
    assert all(float(peak.replace(",", "")) > 50 for peak in worker.groups())
    assert _figure(r"incremental day: ([\d,]+) rows read \([\d,]+ new", out) > 0
    runs = re.search(
        r"median of 3 runs on the loaded warehouse: ([\d.]+), ([\d.]+), ([\d.]+) s", out
    )
    assert runs is not None, out  # the day ran three times, each on the full load's warehouse
    assert [float(x) for x in runs.groups()] == sorted(float(x) for x in runs.groups())
    assert re.search(r"^other +-?\d+\.\d", out, re.MULTILINE)  # what no stage booked
    assert re.search(r"API server started in \d+\.\d s", out)
    assert re.search(r"report \d+\.\d, other -?\d+\.\d$", out, re.MULTILINE)


def _figure(pattern: str, out: str) -> float:
    found = re.search(pattern, out)
    assert found is not None, f"no {pattern!r} in:\n{out}"
    return float(found[1].replace(",", ""))
