from __future__ import annotations

import csv
import json
from pathlib import Path

from typer.testing import CliRunner

from pipelines.cli import app

runner = CliRunner()


def test_run_export_and_status(sample_landing: Path, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    result = runner.invoke(app, ["run", "--landing", str(sample_landing), "--warehouse", url])
    assert result.exit_code == 0, result.output
    assert "customers:" in result.output and "total" in result.output

    out = tmp_path / "links.csv"
    result = runner.invoke(app, ["export", "links", "--out", str(out), "--warehouse", url])
    assert result.exit_code == 0, result.output
    with out.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == ["source", "source_key", "customer_id"]
    assert ("shop_customer", "7012345678901") in {(r[0], r[1]) for r in rows[1:]}

    result = runner.invoke(app, ["status", "--json", "--warehouse", url])
    assert result.exit_code == 0, result.output
    runs = json.loads(result.output)
    assert runs[0]["status"] == "succeeded" and runs[0]["rows"]["read"] > 0


def test_missing_landing_folder_is_one_clear_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    result = runner.invoke(
        app, ["run", "--landing", str(missing), "--warehouse", f"sqlite:///{tmp_path / 'w.db'}"]
    )
    assert result.exit_code == 1
    assert f"landing folder {missing} does not exist" in result.output
    assert "Traceback" not in result.output


def test_unreachable_warehouse_is_one_clear_error(sample_landing: Path) -> None:
    url = "postgresql://postgres@127.0.0.1:1/nothing"
    result = runner.invoke(app, ["run", "--landing", str(sample_landing), "--warehouse", url])
    assert result.exit_code == 1
    assert "cannot connect to warehouse postgresql://postgres@127.0.0.1:1/nothing" in result.output


def test_demo_generates_runs_and_scores(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["demo", "--people", "60", "--days", "2", "--workdir", str(tmp_path / "demo")]
    )
    assert result.exit_code == 0, result.output
    assert "pairwise precision" in result.output and "F1" in result.output
    assert (tmp_path / "demo" / "truth.csv").exists()
