"""Small builders for matching tests: records as keyword arguments, frames by record id."""

from __future__ import annotations

from typing import Any

import pandas as pd

from matching.features import build_features
from matching.settings import MatchSettings, default_settings

COLUMNS = (
    "source", "source_key", "first_name", "last_name", "name_suffix", "salutation", "title",
    "company", "birth_date", "birth_month_day", "email", "phone", "phone_alt", "street",
    "house_number", "postal_code", "city", "country", "identifiers",
)  # fmt: skip


def rec(**fields: Any) -> dict[str, Any]:
    """One record: every `CustomerRecord` column, None unless given."""
    row: dict[str, Any] = dict.fromkeys(COLUMNS)
    row.update(source="shop_customer", source_key="k", identifiers=())
    unknown = set(fields) - set(COLUMNS)
    assert not unknown, f"unknown columns {unknown}"
    row.update(fields)
    return row


def frame(*records: dict[str, Any], ids: list[int] | None = None) -> pd.DataFrame:
    """Records indexed by `ids` (default 1, 2, 3 …)."""
    index = ids if ids is not None else list(range(1, len(records) + 1))
    return pd.DataFrame(list(records), index=pd.Index(index, name="id"))


def features(*records: dict[str, Any]) -> pd.DataFrame:
    return build_features(frame(*records))


def settings(**changes: Any) -> MatchSettings:
    return default_settings().replace(**changes) if changes else default_settings()
