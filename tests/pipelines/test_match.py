from __future__ import annotations

import shutil
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select, text

import pipelines.flow as flow_module
import pipelines.match as match_module
from connectors.landing import discover
from matching.features import build_features
from matching.frequency import frame_frequencies
from matching.person_values import KIND_BITS
from pipelines.config import CONFIG_ENV, load_config
from pipelines.demo.generator import generate_landing
from pipelines.flow import consolidate
from pipelines.match import CountedFrequencies, _link_evidence, count_frequencies_apart
from pipelines.stage import stage_delivery
from tests.pipelines.conftest import deliver_day, export_day
from warehouse.decisions import Constraints
from warehouse.engine import dispose_engines, engine_for, session_factory
from warehouse.models import SourceRecord
from warehouse.publish import identity_frame
from warehouse.runs import start_run

# Records 1, 2 are one customer, 3, 4 another, 5 a third.
RECORDS = pd.DataFrame(
    {"source": ["shop_customer"] * 5, "source_key": list("abcde")}, index=[1, 2, 3, 4, 5]
)
CLUSTERS = {1: 0, 2: 0, 3: 1, 4: 1, 5: 2}


def _pairs(*scored: tuple[int, int, float, str]) -> pd.DataFrame:
    """Scored pairs as the matcher gives them: (left, right, score, decision)."""
    left, right, score, decision = zip(*scored, strict=True)
    return pd.DataFrame(
        {
            "left": left,
            "right": right,
            "score": score,
            "weight": [0.0] * len(scored),
            "decision": decision,
            "evidence": [{} for _ in scored],
        }
    )


def test_a_rejected_pair_of_customers_leaves_the_review_queue_whole() -> None:
    """A person said 1 and 3 are two people: the review pair 2-4 between the same
    customers is settled by that; 2-5 is still a question."""
    pairs = _pairs((1, 2, 0.99, "auto"), (2, 4, 0.5, "review"), (2, 5, 0.4, "review"))
    links, reviews = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([], [(1, 3)]))
    assert [(r.left, r.right) for r in reviews] == [(2, 5)]
    assert set(links) == {1, 2}
    _, unconstrained = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([], []))
    assert len(unconstrained) == 2


def test_review_pairs_say_which_kinds_of_one_person_value_both_customers_hold() -> None:
    """Customer 0 (records 1, 2) has an email, customer 1 (3, 4) an email and an address,
    customer 2 (record 5) only an address."""
    pairs = _pairs((2, 4, 0.5, "review"), (2, 5, 0.4, "review"), (4, 5, 0.6, "review"))
    email, address = KIND_BITS["email"], KIND_BITS["address"]
    kinds = pd.Series({1: email, 2: 0, 3: email, 4: address, 5: address})
    _, reviews = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([], []), kinds)
    apart = {(r.left, r.right): r.apart for r in reviews}
    assert apart == {(2, 4): ("email",), (2, 5): (), (4, 5): ("address",)}


def test_each_record_is_linked_by_its_strongest_pair_inside_its_customer() -> None:
    """3-4 links by 0.95, not the earlier 0.90; 4-5 crosses customers (the clustering
    refused it) and links nothing, whatever its score. Once 5 is in 3's customer, 3 has
    two partners at 0.95 and keeps the earlier pair."""
    pairs = _pairs(
        (3, 4, 0.90, "auto"),
        (1, 2, 0.99, "auto"),
        (3, 4, 0.95, "auto"),
        (4, 5, 0.999, "auto"),
        (3, 5, 0.95, "auto"),
    )
    links, _ = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([], []))
    partners = {r: (e.score, e.evidence["partner"][-1]) for r, e in links.items()}
    assert partners == {1: (0.99, "b"), 2: (0.99, "a"), 3: (0.95, "d"), 4: (0.95, "c")}
    links, _ = _link_evidence(RECORDS, pairs, {**CLUSTERS, 5: 1}, Constraints([], []))
    partners = {r: (e.score, e.evidence["partner"][-1]) for r, e in links.items()}
    assert partners[3] == (0.95, "d")
    assert partners[4] == (0.999, "e") and partners[5] == (0.999, "d")


def test_a_decision_naming_an_erased_record_links_the_others() -> None:
    """A must-link from before an erasure names record 9, no longer in the warehouse."""
    pairs = _pairs((1, 2, 0.99, "auto"))
    links, _ = _link_evidence(RECORDS, pairs, CLUSTERS, Constraints([(9, 1)], []))
    assert set(links) == {1, 2}


# Term frequencies counted apart, in the worker process, while the run blocks and compares.

FREQUENT = """
[matching.incremental]
min_records = 0
max_changed_share = 1.0
max_growth = 100.0

[matching.scoring]
min_records_for_tf = 50
min_pairs_for_em = 100
"""


@pytest.fixture
def two_days_matched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path, str]:
    """A warehouse that matched all export days but the last (every later match
    incremental, term frequencies on at this size); the last day's deliveries; the
    warehouse's path."""
    config = tmp_path / "kundenstamm.toml"
    config.write_text(FREQUENT, encoding="utf-8")
    monkeypatch.setenv(CONFIG_ENV, str(config))
    everything, landing = tmp_path / "all", tmp_path / "landing"
    generate_landing(everything, tmp_path / "truth.csv", people=250, days=5, seed=13)
    days = sorted({export_day(p.name) for p in everything.iterdir()})
    database = tmp_path / "w.db"
    for day in days[:-1]:
        deliver_day(everything, landing, day)
        consolidate(landing=landing, warehouse_url=f"sqlite:///{database}")
    last = tmp_path / "last"
    deliver_day(everything, last, days[-1])
    dispose_engines()  # the copies below start from a quiet file
    return last, database, days[-1]


def test_frequencies_counted_apart_are_those_of_all_records_computed_again(
    two_days_matched: tuple[Path, Path, str],
) -> None:
    """The worker refreshes the stored features with the records staged since: its
    frequencies equal those of every record's features computed from scratch."""
    third, database, _ = two_days_matched
    url = f"sqlite:///{database}"
    with session_factory(engine_for(url)).begin() as session:
        run_id = start_run(session, str(third))
        for file in discover(third).files:
            stage_delivery(session, run_id, third, file)
    settings = load_config().match_settings()
    apart = count_frequencies_apart(url, settings)
    with session_factory(engine_for(url))() as session:
        records = identity_frame(session)
        written = session.scalar(select(func.count()).where(SourceRecord.last_run_id == run_id))
    assert written, "the third day must bring new or changed records"
    features = build_features(records, settings.nickname_files)
    expected = frame_frequencies(features, settings)
    assert apart is not None
    np.testing.assert_array_equal(apart.record_ids, features["record_id"].to_numpy())
    assert apart.counted.keys() == expected.keys()
    for name, values in expected.items():
        np.testing.assert_array_equal(apart.counted[name], values, err_msg=name)


def test_a_day_matched_with_frequencies_counted_apart_is_the_day_counted_here(
    two_days_matched: tuple[Path, Path, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    third, database, _ = two_days_matched
    apart_db, here_db = tmp_path / "apart.db", tmp_path / "here.db"
    shutil.copy(database, apart_db)
    shutil.copy(database, here_db)
    used: list[bool] = []
    counted_for = match_module._counted_for

    def spied(*args: Any) -> dict[str, Any] | None:
        counted = counted_for(*args)
        used.append(counted is not None)
        return counted

    monkeypatch.setattr(match_module, "_counted_for", spied)
    apart = consolidate(landing=third, warehouse_url=f"sqlite:///{apart_db}")
    monkeypatch.setattr(flow_module, "begin_counting", lambda *args, **kwargs: None)
    here = consolidate(landing=third, warehouse_url=f"sqlite:///{here_db}")
    assert used == [True, False]  # the worker's frequencies were taken, then none offered
    assert apart["matching"]["mode"] == here["matching"]["mode"] == "incremental"
    # The same links with the same scores and evidence, the same review items.
    for query in (
        "SELECT source_record_id, customer_id, method, score, evidence FROM customer_link",
        "SELECT left_record_id, right_record_id, score, evidence, status FROM match_review",
        "SELECT id, status, record_count FROM customer",
    ):
        ordered = f"{query} ORDER BY 1, 2"
        apart_rows, here_rows = (_rows(db, ordered) for db in (apart_db, here_db))
        assert apart_rows == here_rows, query
    assert _rows(apart_db, "SELECT count(*) FROM customer_link")[0][0] > 0


def _rows(database: Path, query: str) -> list[tuple[Any, ...]]:
    with engine_for(f"sqlite:///{database}").connect() as connection:
        return [tuple(row) for row in connection.execute(text(query))]


def test_frequencies_counted_on_other_records_are_not_used() -> None:
    features = pd.DataFrame({"record_id": np.array([1, 2, 3], dtype=np.int64)})
    counted = {"identities": np.array([0, 1, 2])}
    same: Future[CountedFrequencies | None] = Future()
    same.set_result(CountedFrequencies(np.array([1, 2, 3], dtype=np.int64), counted))
    other: Future[CountedFrequencies | None] = Future()
    other.set_result(CountedFrequencies(np.array([1, 2, 4], dtype=np.int64), counted))
    failed: Future[CountedFrequencies | None] = Future()
    failed.set_exception(RuntimeError("database is locked"))
    assert match_module._counted_for(same, features) is counted
    assert match_module._counted_for(other, features) is None
    assert match_module._counted_for(failed, features) is None
    assert match_module._counted_for(None, features) is None
