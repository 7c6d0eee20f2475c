from __future__ import annotations

from dataclasses import replace

import pytest
from sqlalchemy import text

from tests.warehouse.helpers import delivery, lineage, parsed, record
from warehouse.engine import engine_for, session_factory
from warehouse.publish import LinkEvidence, identity_frame, publish_partition
from warehouse.quality import completeness_query, quality_figures, staging_figures
from warehouse.runs import start_run
from warehouse.staging import FileStager


def _consolidate(url: str, scores: dict[str, float] | None = None) -> None:
    """Shop customers 1-3 and newsletter members 1-2: customer A holds shop 1 and member 1,
    customer B shop 2, shop 3 and member 2. `scores`: the automatic links' scores by
    record (default shop 2 at 0.97)."""
    shop = delivery()
    newsletter = replace(
        delivery("newsletter_2024-05-01.csv", "b" * 64),
        file_kind="newsletter",
        record_kind="newsletter_member",
    )
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, "landing")
        for kind, keys in ((shop, "123"), (newsletter, "12")):
            stager = FileStager(session, run_id, kind)
            for line, key in enumerate(keys, start=2):
                rec = record(kind.record_kind, key, last_name="Weiß", email=f"{key}@web.de")
                stager.loaded(parsed(rec), lineage(line, id=key))
            stager.finish()
        frame = identity_frame(session)
        ids = {f"{s}:{k}": int(i) for i, s, k in frame[["source", "source_key"]].itertuples()}
        customer_of = {
            "shop_customer:1": 0, "newsletter_member:1": 0,
            "shop_customer:2": 1, "shop_customer:3": 1, "newsletter_member:2": 1,
        }  # fmt: skip
        clusters = {ids[key]: label for key, label in customer_of.items()}
        scores = scores or {"shop_customer:2": 0.97}
        links = {ids[key]: LinkEvidence("auto", score, {}) for key, score in scores.items()}
        reviews = [(ids["shop_customer:1"], ids["shop_customer:2"], 0.5, {})]
        publish_partition(session, run_id, frame, clusters, links, reviews)


def test_figures_count_customers_per_source_and_per_pair_of_sources(warehouse_url: str) -> None:
    _consolidate(warehouse_url)
    with session_factory(engine_for(warehouse_url))() as session:
        figures = quality_figures(session)
    assert figures.customers == 2 and figures.cluster_sizes == {2: 1, 3: 1}
    assert figures.customers_per_source == {"newsletter_member": 2, "shop_customer": 2}
    assert figures.overlap == {("newsletter_member", "shop_customer"): 2}
    assert figures.link_scores.values.tolist() == [0.97]
    assert figures.link_scores.counts.tolist() == [1]
    assert figures.review_scores.values.tolist() == [0.5] and figures.review_scores.total == 1
    assert figures.completeness["shop_customer"]["last_name"] == 1.0
    assert figures.completeness["shop_customer"]["birth_date"] == 0.0


def test_staging_figures_read_apart_complete_to_the_same_figures(warehouse_url: str) -> None:
    """A run reads the staging figures while it matches and the rest after publishing."""
    _consolidate(warehouse_url)
    with session_factory(engine_for(warehouse_url))() as session:
        staged = staging_figures(session)
        assert staged.rows_per_source and staged.completeness
        assert staged.customers == 0 and staged.link_scores.total == 0  # the match's are not
        whole = quality_figures(session)
        assert repr(quality_figures(session, staged)) == repr(whole)
        assert staged.customers == 0, "completing must not change the staged figures"


def test_link_scores_come_back_counted_per_thousandth(warehouse_url: str) -> None:
    scores = {
        "shop_customer:1": 0.8004, "newsletter_member:1": 0.7996, "shop_customer:2": 0.8006,
        "shop_customer:3": 1.0, "newsletter_member:2": 0.97,
    }  # fmt: skip
    _consolidate(warehouse_url, scores)
    with session_factory(engine_for(warehouse_url))() as session:
        figures = quality_figures(session)
    counted = dict(zip(figures.link_scores.values, figures.link_scores.counts, strict=True))
    assert counted == {0.8: 2, 0.801: 1, 0.97: 1, 1.0: 1}


def test_an_empty_warehouse_has_empty_figures(warehouse_url: str) -> None:
    with session_factory(engine_for(warehouse_url))() as session:
        figures = quality_figures(session)
    assert figures.customers == 0 and figures.overlap == {} and figures.customers_per_source == {}
    assert figures.link_scores.total == 0 and figures.review_scores.values.size == 0


@pytest.mark.parametrize("warehouse_url", ["sqlite"], indirect=True)
def test_completeness_scans_the_records_once_in_table_order(warehouse_url: str) -> None:
    """Grouping by the source column lets SQLite walk the (source, content hash) index
    and fetch every record at random; the report reads them in one sequential scan."""
    _consolidate(warehouse_url)
    with session_factory(engine_for(warehouse_url))() as session:
        statement = completeness_query().compile(
            dialect=session.get_bind().dialect, compile_kwargs={"literal_binds": True}
        )
        plan = [row[-1] for row in session.execute(text(f"EXPLAIN QUERY PLAN {statement}"))]
    assert any(step.startswith("SCAN source_record") for step in plan), plan
    assert not any("INDEX" in step for step in plan), plan
