from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from matching import settings as settings_module
from matching.catalog import METHOD_LEVELS
from matching.settings import MatchSettings, default_settings
from schemas.errors import ConfigError


def _defaults() -> dict[str, Any]:
    return default_settings().to_dict()


def test_defaults_load_and_round_trip() -> None:
    settings = default_settings()
    assert settings.review_threshold < settings.link_threshold
    assert MatchSettings.from_dict(settings.to_dict()) == settings
    for comparison in settings.comparisons:
        assert {lv.name for lv in comparison.levels} == set(METHOD_LEVELS[comparison.method])
    assert isinstance(settings.blocking, tuple)


def test_replace_validates() -> None:
    assert default_settings().replace(link_threshold=0.9).link_threshold == 0.9
    with pytest.raises(ConfigError, match="review_threshold 0.3 is above link_threshold 0.25"):
        default_settings().replace(link_threshold=0.25)


def test_toml(tmp_path: Path) -> None:
    path = tmp_path / "match.toml"
    path.write_text(
        """
link_threshold = 0.9
review_threshold = 0.6

[[blocking]]
name = "email"
columns = ["email"]

[[comparisons]]
name = "email"
method = "email"
levels = [
  {name = "exact", m = 0.6, u = 1e-7, fix_u = true},
  {name = "shared", m = 0.05, u = 0.01},
  {name = "local_part", m = 0.05, u = 0.001},
  {name = "different", m = 0.3, u = 0.99},
]

[clustering]
veto_levels = []
""",
        encoding="utf-8",
    )
    settings = MatchSettings.from_toml(path)
    assert settings.blocking[0].method == "exact"
    assert settings.comparison("email").ordered_levels()[0].fix_u


def test_every_problem_is_reported_at_once() -> None:
    data = _defaults()
    data["blocking"][0]["method"] = "fuzzy"  # not a BlockMethod
    data["comparisons"][0]["method"] = "soundex"  # not a ComparisonMethod
    data["comparisons"][1]["levels"][0]["m"] = 1.5  # not a probability
    data["blocking"][2]["columns"] = ["kundennummer"]  # not a feature column
    data["comparisons"][2]["levels"].pop()  # birth_date without "different"
    with pytest.raises(ConfigError) as caught:
        MatchSettings.from_dict(data)
    problems = caught.value.problems
    assert len(problems) == 5, problems
    assert "blocking rule 'identifier': unknown column 'kundennummer'" in problems
    assert any("missing levels ['different'] of method 'birth_date'" in p for p in problems)
    assert any("blocking.0.method" in p and "'fuzzy'" in p for p in problems)
    assert any("comparisons.0.method" in p and "'soundex'" in p for p in problems)
    assert any("comparisons.1.levels.0.m" in p and "1.5" in p for p in problems)


def test_item_problems_are_collected() -> None:
    data = _defaults()
    data["blocking"][0]["columns"] = ["e_mail"]
    data["comparisons"][0]["thresholds"] = [0.8, 0.92]
    data["comparisons"][2]["levels"] = data["comparisons"][2]["levels"][:-1]
    data["blocking"][5]["window"] = 4
    with pytest.raises(ConfigError) as caught:
        MatchSettings.from_dict(data)
    text = str(caught.value)
    assert "unknown column 'e_mail'" in text
    assert "thresholds must fall from 1 towards 0, got [0.8, 0.92]" in text
    assert "missing levels ['different'] of method 'birth_date'" in text
    assert "odd window" in text
    assert len(caught.value.problems) == 4


def test_cross_item_problems_are_collected_once_the_items_are_valid() -> None:
    data = _defaults()
    data["blocking"][1]["name"] = data["blocking"][0]["name"]
    data["clustering"] = {"veto_levels": ["first_name.unknown"]}
    data["review_threshold"] = 0.99
    with pytest.raises(ConfigError) as caught:
        MatchSettings.from_dict(data)
    assert caught.value.problems == [
        "review_threshold 0.99 is above link_threshold 0.8",
        "blocking rule 'email' is defined twice",
        "veto level 'first_name.unknown' names no comparison level",
    ]


def test_exact_method_needs_a_known_column() -> None:
    data = _defaults()
    data["comparisons"][-1]["column"] = "suffix"
    with pytest.raises(ConfigError, match="method 'exact' needs a known column, got 'suffix'"):
        MatchSettings.from_dict(data)


def test_levels_may_come_in_any_order() -> None:
    data = _defaults()
    data["comparisons"][0]["levels"].reverse()
    comparison = MatchSettings.from_dict(data).comparisons[0]
    assert [lv.name for lv in comparison.ordered_levels()] == list(comparison.level_names)


def test_the_fingerprint_covers_the_code_that_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parameters fitted by other comparison or scoring code are not reused: the code's
    text is part of the fingerprint, and every module named there exists."""
    settings = default_settings()
    shipped = settings.fingerprint()
    assert default_settings().fingerprint() == shipped
    for module in settings_module.SCORING_CODE:
        assert (Path(settings_module.__file__).parent / module).is_file(), module
    monkeypatch.setattr(settings_module, "SCORING_CODE", settings_module.SCORING_CODE[1:])
    assert settings.fingerprint() != shipped
