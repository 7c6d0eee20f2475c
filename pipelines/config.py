"""The project config file (`kundenstamm.toml`): survivorship, retention, matching overrides,
generic sources.

Optional: without a file the shipped defaults apply. Found at --config, then
KUNDENSTAMM_CONFIG, then ./kundenstamm.toml. Checked completely when it loads, so a typo
fails the command at once with every problem listed, never half-way through a run.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails

from connectors.landing import GenericSources
from matching.settings import MatchSettings, default_settings
from schemas.errors import ConfigError
from warehouse.golden import SurvivorshipPolicy

CONFIG_ENV = "KUNDENSTAMM_CONFIG"
DEFAULT_CONFIG = Path("kundenstamm.toml")


class RetentionPolicy(BaseModel):
    """How long personal data is kept beyond its use (GDPR Art. 5(1)(e)); None keeps it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    quarantine_raw_days: int | None = Field(default=180, ge=1)
    superseded_versions_days: int | None = Field(default=730, ge=1)


class ProjectConfig(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    survivorship: SurvivorshipPolicy = SurvivorshipPolicy()
    retention: RetentionPolicy = RetentionPolicy()
    matching: dict[str, Any] = Field(default_factory=dict)  # top-level MatchSettings fields
    # Other touchpoints loaded by a column mapping (connectors/generic_config.py).
    generic_sources: GenericSources = ()

    def match_settings(self) -> MatchSettings:
        return default_settings().replace(**self.matching) if self.matching else default_settings()


def config_path(option: Path | None) -> tuple[Path, bool]:
    """The config file to read and whether the user named it (then it must exist)."""
    if option is not None:
        return option, True
    if os.environ.get(CONFIG_ENV):
        return Path(os.environ[CONFIG_ENV]), True
    return DEFAULT_CONFIG, False


def load_config(option: Path | None = None) -> ProjectConfig:
    path, named = config_path(option)
    if not path.is_file():
        if named:
            raise ConfigError(f"config file {path} does not exist")
        return ProjectConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    try:
        config = ProjectConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(
            [_problem(path, e, data) for e in exc.errors(include_url=False)]
        ) from None
    try:
        config.match_settings()
    except ConfigError as exc:
        raise ConfigError([f"{path}: matching: {problem}" for problem in exc.problems]) from None
    return config


def _problem(path: Path, error: ErrorDetails, data: dict[str, Any]) -> str:
    """One line per problem; a generic source is named, not only numbered."""
    loc = [part for part in error["loc"] if part != "[key]"]
    where = ".".join(str(part) for part in loc)
    if loc[:1] == ["generic_sources"] and len(loc) > 1 and isinstance(loc[1], int):
        sources = data.get("generic_sources")
        item = sources[loc[1]] if isinstance(sources, list) and loc[1] < len(sources) else {}
        name = item.get("name") if isinstance(item, dict) else None
        where = ".".join(
            [f"generic_sources[{loc[1]}]" + (f" ({name})" if isinstance(name, str) else "")]
            + [str(part) for part in loc[2:]]
        )
    value = error["input"]
    got = "" if value is None or isinstance(value, dict) else f" (got {value!r})"
    return f"{path}: {where}: {error['msg'].removeprefix('Value error, ')}{got}"
