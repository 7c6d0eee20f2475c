"""The engine writes JSON columns with `json_text`, and they read back as written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Text, cast, select

from warehouse.engine import engine_for, json_text, session_factory
from warehouse.models import Base
from warehouse.runs import start_run

RUNS = Base.metadata.tables["pipeline_run"]


@pytest.mark.parametrize(
    "value",
    [
        {"Vorname": "Jürgen", "Straße": "Hauptstraße 5a"},  # umlauts and ß
        {"fields": {"email": {"level": "exact", "weight": 7.25}}, "partner": "shop:17"},
        [1, None, True, "x", 2.5],
        2**70,  # beyond 64 bits: orjson refuses, json.dumps writes it
    ],
)
def test_json_text_reads_back_as_the_value(value: Any) -> None:
    assert json.loads(json_text(value)) == value


def test_json_text_of_keys_that_are_not_text_is_json_dumps() -> None:
    assert json_text({1: "a"}) == json.dumps({1: "a"})  # orjson refuses int keys


def test_json_columns_store_json_text_and_read_back(warehouse_url: str) -> None:
    counts = {"source": "shop_customer", "name": "Jürgen Weiß", "rows": [1, 2]}
    with session_factory(engine_for(warehouse_url)).begin() as session:
        run_id = start_run(session, "landing")
        session.execute(RUNS.update().where(RUNS.c.id == run_id).values(counts=counts))
        stored = session.execute(select(RUNS.c.counts).where(RUNS.c.id == run_id)).scalar()
        text = session.execute(select(cast(RUNS.c.counts, Text))).scalar()
    assert stored == counts
    assert text is not None and "Jürgen Weiß" in text  # SQLite: as json_text wrote it, unescaped
