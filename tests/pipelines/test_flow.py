from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prefect.client.orchestration import get_client
from sqlalchemy import func, select

from pipelines.flow import consolidate
from warehouse.engine import engine_for, session_factory
from warehouse.models import Customer, CustomerLink, IdentityEvent, SourceRecord
from warehouse.queries import crosswalk

JUERGEN = {
    ("shop_customer", "7012345678901"),  # Shopify account
    ("helpdesk_user", "1500123456701"),  # Zendesk "Juergen Weiss", card K-004711
    # card K-004711 and coupon SOMMER15-7Q2X
    ("pos_receipt", "KASSE-01:7f3c2a10-0d1e-4b6a-9a51-2f0c6e8b1a02"),
    ("coupon_redemption", "r_0bc92f81a6801f9b01"),  # card K-004711, SOMMER15-7Q2X
    ("postcard", "Sommerfest Königstraße 2024:000123"),  # SOMMER15-7Q2X, "Weiss"
}
AENNE = {
    ("shop_order", "5823456789013"),  # order #1002 with SOMMER15-K8PD
    ("coupon_redemption", "r_0bc92f81a6801f9b02"),  # SOMMER15-K8PD, order #1002
    ("postcard", "Sommerfest Königstraße 2024:000124"),  # SOMMER15-K8PD
}


def _links(url: str) -> dict[tuple[str, str], str]:
    with session_factory(engine_for(url))() as session:
        return {(s, k): c for s, k, c in crosswalk(session)}


def _counts(url: str) -> tuple[int, ...]:
    with session_factory(engine_for(url))() as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (SourceRecord, Customer, CustomerLink, IdentityEvent)
        )


def test_samples_consolidate_and_rerun_changes_nothing(
    sample_landing: Path, warehouse_url: str
) -> None:
    summary = consolidate(landing=sample_landing, warehouse_url=warehouse_url)
    rows = summary["rows"]
    assert rows["read"] > 0
    accounted = sum(
        rows[k] for k in ("loaded", "quarantined", "duplicate", "skipped", "suppressed")
    )
    assert rows["read"] == accounted
    assert summary["files"]["rejected"] == 0 and summary["files"]["unrecognized"] == 0
    assert set(summary["per_source"]) == {
        "shop_customer",
        "shop_order",
        "helpdesk_user",
        "hotline_call",
        "newsletter_member",
        "pos_receipt",
        "coupon_redemption",
        "postcard",
    }
    links = _links(warehouse_url)
    assert len({links[key] for key in JUERGEN}) == 1, "Jürgen's records are one customer"
    assert len({links[key] for key in AENNE}) == 1, "Änne's coupon and order are one customer"
    assert links[next(iter(JUERGEN))] != links[next(iter(AENNE))]
    before = _counts(warehouse_url)

    again = consolidate(landing=sample_landing, warehouse_url=warehouse_url)
    assert again["files"]["unchanged"] == summary["files"]["loaded"]
    assert again["rows"]["read"] == 0
    assert _links(warehouse_url) == links  # same customers, same IDs
    assert _counts(warehouse_url) == before  # no new rows anywhere


async def _latest_artifacts() -> dict[str, Any]:
    async with get_client() as client:
        artifacts = await client.read_artifacts()
    latest: dict[str, Any] = {}
    for artifact in sorted(artifacts, key=lambda a: a.created or 0):
        if artifact.key:
            latest[artifact.key] = artifact.data
    return latest


def test_flow_publishes_its_counts_as_artifacts(sample_landing: Path, tmp_path: Path) -> None:
    import asyncio

    summary = consolidate(landing=sample_landing, warehouse_url=f"sqlite:///{tmp_path / 'w.db'}")
    artifacts = asyncio.run(_latest_artifacts())
    rows = _table(artifacts["consolidate-rows"])
    assert {row["source"]: row["read"] for row in rows} == {
        kind: counts["read"] for kind, counts in summary["per_source"].items()
    }
    assert sum(row["quarantined"] for row in rows) == summary["rows"]["quarantined"]
    (customers,) = _table(artifacts["consolidate-customers"])
    assert customers["customers"] == summary["customers"] > 0
    assert customers["created"] == summary["customers_created"]
    assert customers["review_items"] == summary["reviews_pending"]
    markdown = artifacts["consolidate-quality"]
    assert f"{summary['customers']} active customers" in markdown


def _table(data: Any) -> list[dict[str, Any]]:
    """Table artifacts come back as JSON text."""
    return json.loads(data) if isinstance(data, str) else list(data)
