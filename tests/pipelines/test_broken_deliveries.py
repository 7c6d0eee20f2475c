"""A landing folder of good and broken deliveries: the run finishes, every row is accounted
for, good files load fully, broken ones are quarantined row by row or refused whole."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from tests.conftest import SAMPLES

runner = CliRunner()
OUTCOMES = ("loaded", "quarantined", "duplicate", "skipped", "suppressed")


def _shop_customers() -> list[str]:
    return (SAMPLES / "shop_customers_2024-05-01.csv").read_text(encoding="utf-8").splitlines()


def _write(path: Path, lines: list[str]) -> None:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture
def mixed_landing(tmp_path: Path) -> Path:
    """The reference samples plus one broken delivery of every kind we have seen."""
    landing = tmp_path / "landing"
    shutil.copytree(SAMPLES, landing)
    header, *rows = _shop_customers()
    full = (SAMPLES / "shop_customers_2024-05-01.csv").read_bytes()
    (landing / "shop_customers_2024-05-02.csv").write_bytes(full[: len(full) - 25])  # truncated
    (landing / "shop_orders_2024-05-03.csv").write_bytes(bytes(range(256)) * 40)  # binary junk
    postcards = (SAMPLES / "promo_postcards_2024-05-06.csv").read_bytes().decode("cp1252")
    (landing / "promo_postcards_2024-05-07.csv").write_bytes(postcards.encode("utf-16"))
    _write(landing / "shop_customers_2024-05-04.csv", [header, rows[0] + ',"unbalanced'])
    _write(
        landing / "shop_customers_2024-05-05.csv",
        [header, rows[0] + ",extra,columns", rows[1].rsplit(",", 6)[0]],  # too many, too few
    )
    huge = rows[0].replace("Stammkunde", "x" * 10_000_000)  # a 10 MB field
    _write(landing / "shop_customers_2024-05-06.csv", [header, huge])
    (landing / "shop_customers_2024-05-07.csv").write_bytes(b"")  # empty file
    _write(landing / "shop_customers_2024-05-08.csv", [header])  # header only
    _write(landing / "shop_customers_2024-05-09.csv", [header, rows[0], rows[0], rows[0]])
    broken_zip = landing / "pos_dsfinvk_KASSE-03_2024-05-02_Z0001.zip"
    folder = SAMPLES / "pos_dsfinvk_KASSE-01_2024-05-01_Z0412"
    with zipfile.ZipFile(broken_zip, "w") as archive:  # lines.csv is missing
        for member in ("index.xml", "transactions.csv"):
            archive.write(folder / member, member)
    return landing


def test_a_mixed_landing_folder_runs_to_the_end_and_adds_up(
    mixed_landing: Path, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'w.db'}"
    result = runner.invoke(
        app, ["run", "--landing", str(mixed_landing), "--warehouse", url, "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    deliveries = {d["path"]: d for d in summary["deliveries"]}
    for path, counts in deliveries.items():
        assert counts["read"] == sum(counts[o] for o in OUTCOMES), path
    rejected = {p for p, d in deliveries.items() if d["status"] == "rejected"}
    assert {
        "shop_orders_2024-05-03.csv",  # binary junk
        "promo_postcards_2024-05-07.csv",  # UTF-16
        "shop_customers_2024-05-07.csv",  # empty: no header
        "pos_dsfinvk_KASSE-03_2024-05-02_Z0001.zip",  # a member missing
    } <= rejected
    assert all(deliveries[p]["reason"] for p in rejected)
    # good files load fully: every sample row loads or is skipped by rule, none quarantined
    for sample in SAMPLES.iterdir():
        counts = deliveries[sample.name]
        assert counts["status"] == "loaded" and counts["quarantined"] == 0, sample.name
    assert deliveries["shop_customers_2024-05-08.csv"]["read"] == 0  # header only
    assert deliveries["shop_customers_2024-05-09.csv"]["duplicate"] >= 2
    assert deliveries["shop_customers_2024-05-05.csv"]["quarantined"] == 2
    for path in ("shop_customers_2024-05-02.csv", "shop_customers_2024-05-04.csv",
                 "shop_customers_2024-05-06.csv"):  # fmt: skip
        counts = deliveries[path]
        assert counts["status"] in ("loaded", "rejected"), path
        if counts["status"] == "loaded":
            assert counts["read"] >= 1, path
    totals = summary["rows"]
    assert totals["read"] == sum(totals[o] for o in OUTCOMES)
