from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pipelines.cli import app
from pipelines.config import CONFIG_ENV, load_config
from schemas.errors import ConfigError
from warehouse.golden import build_golden

runner = CliRunner()


def test_no_file_means_the_shipped_defaults(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    config = load_config()
    assert config.retention.quarantine_raw_days == 180
    assert config.match_settings().link_threshold > config.match_settings().review_threshold


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "kundenstamm.toml"
    path.write_text(
        "[retention]\nquarantine_raw_days = 0\n"
        "[survivorship.groups.shoe_size]\nrules = ['trusted']\n"
        "[survivorship.groups.email]\nrules = ['loudest']\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as error:
        load_config(path)
    text = str(error.value)
    assert "quarantine_raw_days" in text and "loudest" in text
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "missing.toml")
    path.write_text("[matching]\nlink_threshold = 2\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="matching: link_threshold"):
        load_config(path)


def test_survivorship_rules_decide_the_golden_email(tmp_path: Path) -> None:
    records = [
        {"id": 1, "source": "shop_customer", "email": "old@web.de", "last_name": "Weiß",
         "updated_at": datetime(2024, 1, 1)},
        {"id": 2, "source": "newsletter_member", "email": "new@web.de", "last_name": "Weiß",
         "updated_at": datetime(2024, 5, 1)},
    ]  # fmt: skip
    assert build_golden(records).values["email"] == "old@web.de"  # the shop is trusted most
    path = tmp_path / "kundenstamm.toml"
    path.write_text(
        "[survivorship.groups.email]\nrules = ['recent', 'trusted']\n", encoding="utf-8"
    )
    policy = load_config(path).survivorship
    golden = build_golden(records, policy)
    assert golden.values["email"] == "new@web.de" and golden.provenance["email"] == 2


def test_a_bad_config_fails_any_command_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONFIG_ENV, "")  # --config sets it; restored after the test
    path = tmp_path / "kundenstamm.toml"
    path.write_text("[retention\n", encoding="utf-8")
    result = runner.invoke(app, ["--config", str(path), "status"])
    assert result.exit_code == 1
    assert "not valid TOML" in result.output and "Traceback" not in result.output


def test_the_example_config_in_the_repository_loads() -> None:
    example = Path(__file__).resolve().parents[2] / "kundenstamm.example.toml"
    config = load_config(example)
    assert config.survivorship.groups["address"].rules[0] == "validated"
