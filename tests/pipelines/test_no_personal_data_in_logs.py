from __future__ import annotations

import asyncio
import logging
import re
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from sqlalchemy import select

from pipelines.demo.generator import generate_landing
from pipelines.flow import consolidate
from warehouse.engine import engine_for, session_factory
from warehouse.models import SourceRecord


def _personal_values(url: str) -> set[str]:
    """Names, emails and phones the run loaded: none of them may show up in logs."""
    with session_factory(engine_for(url))() as session:
        rows = session.execute(
            select(
                SourceRecord.first_name,
                SourceRecord.last_name,
                SourceRecord.email,
                SourceRecord.phone,
            )
        ).all()
    values = {str(v) for row in rows for v in row if v}
    return {v for v in values if len(v) >= 4}  # "Ute" would match inside other words


async def _artifact_texts() -> list[str]:
    async with get_client() as client:
        return [str(a.data) for a in await client.read_artifacts()]


def test_a_full_run_logs_and_publishes_counts_not_people(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    landing = tmp_path / "landing"
    generate_landing(landing, tmp_path / "truth.csv", people=150, days=3, seed=3)
    url = f"sqlite:///{tmp_path / 'w.db'}"
    with caplog.at_level(logging.DEBUG):
        summary = consolidate(landing=landing, warehouse_url=url)
    assert summary["rows"]["loaded"] > 0 and caplog.records
    values = _personal_values(url)
    assert len(values) > 100
    pattern = re.compile("|".join(re.escape(v) for v in sorted(values, key=len, reverse=True)))
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert pattern.findall(logged) == []
    published = "\n".join(asyncio.run(_artifact_texts()))
    assert pattern.findall(published) == []
    report = Path(summary["report"]).read_text(encoding="utf-8")
    assert pattern.findall(report) == []
