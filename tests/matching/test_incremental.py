"""An incremental re-match clusters exactly as a full match with the same parameters.

Exactly, when nothing depends on how common a value is: with term frequencies and block
caps, new records shift every value's frequency a little, so old pairs a full match would
re-score move a little too (why `IncrementalSettings.max_growth` asks for a full match
once the warehouse has grown).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from matching.incremental import relink
from matching.linker import link_records
from matching.settings import MatchSettings, default_settings
from tests.matching.helpers import frame, rec
from tests.matching.synthetic import synthetic_records


def _without_frequency_effects(settings: MatchSettings) -> MatchSettings:
    plain = settings.to_dict()
    return settings.replace(
        scoring={**plain["scoring"], "min_records_for_tf": 10**9},
        blocking=[{**rule, "max_block_size": 10**9} for rule in plain["blocking"]],
    )


def _partition(clusters: pd.Series) -> set[frozenset[int]]:
    return {frozenset(group.index.tolist()) for _, group in clusters.groupby(clusters)}


def _combined(before: pd.Series, relinked: pd.Series) -> pd.Series:
    """The clusters after an incremental run: untouched records keep their label."""
    kept = before.drop(relinked.index, errors="ignore")
    return pd.concat([kept, relinked + int(before.max()) + 1])


@pytest.mark.parametrize("seed", [3, 11])
def test_new_and_changed_records_cluster_as_in_a_full_match(seed: int) -> None:
    records, _ = synthetic_records(people=600, seed=seed)
    settings = _without_frequency_effects(default_settings())
    full = link_records(records, settings)
    assert full.parameters is not None
    rng = np.random.default_rng(seed)
    ids = records.index.to_numpy()
    new = rng.choice(ids, size=len(ids) // 20, replace=False)
    changed = rng.choice(np.setdiff1d(ids, new), size=10, replace=False)
    before_records = records.drop(index=new)
    edited = records.copy()
    edited.loc[changed, "email"] = None  # changed since: a shared key is gone
    before = link_records(before_records, settings, parameters=full.parameters).clusters

    after = relink(edited, [*new.tolist(), *changed.tolist()], before, full.parameters, settings)
    expected = link_records(edited, settings, parameters=full.parameters)

    assert after.changed == len(new) + len(changed)
    assert len(after.clusters) < len(records)  # the region, not everything
    assert _partition(_combined(before, after.clusters)) == _partition(expected.clusters)
    wanted = expected.pairs.set_index(["left", "right"])["score"]
    got = after.pairs.set_index(["left", "right"])["score"]
    touching = wanted[
        wanted.index.get_level_values(0).isin(after.clusters.index)
        | wanted.index.get_level_values(1).isin(after.clusters.index)
    ]
    pd.testing.assert_series_equal(got.sort_index(), touching.sort_index())


def test_a_new_record_bridging_two_customers_merges_them() -> None:
    anna = rec(first_name="Anna", last_name="Schmidt", email="anna@example.org")
    other = rec(first_name="Anna", last_name="Schmidt", phone="+4915112345678")
    bridge = rec(
        first_name="Anna", last_name="Schmidt", email="anna@example.org", phone="+4915112345678"
    )
    stranger = rec(first_name="Paul", last_name="Weber", email="paul@example.org")
    records = frame(anna, other, stranger, bridge, ids=[1, 2, 3, 4])
    settings = default_settings()
    parameters = link_records(records, settings).parameters
    assert parameters is not None
    before = pd.Series([10, 20, 30], index=[1, 2, 3])

    after = relink(records, [4], before, parameters, settings)

    assert sorted(after.clusters.index) == [1, 2, 4]  # the stranger is not touched
    assert after.clusters.nunique() == 1


def test_a_record_that_lost_its_link_leaves_its_customer() -> None:
    anna = rec(first_name="Anna", last_name="Schmidt", email="anna@example.org")
    moved = rec(first_name="Berta", last_name="Klein", email="berta@example.org")
    records = frame(anna, moved, ids=[1, 2])
    settings = default_settings()
    parameters = link_records(records, settings).parameters
    assert parameters is not None
    before = pd.Series([10, 10], index=[1, 2])  # were one customer before record 2 changed

    after = relink(records, [2], before, parameters, settings)

    assert after.clusters.nunique() == 2


def test_a_stale_customer_is_rebuilt_from_its_remaining_records() -> None:
    records = frame(
        rec(first_name="Anna", last_name="Schmidt", email="anna@example.org"),
        rec(first_name="Paul", last_name="Weber", email="paul@example.org"),
        ids=[1, 2],
    )
    settings = default_settings()
    parameters = link_records(records, settings).parameters
    assert parameters is not None
    before = pd.Series([10, 10], index=[1, 2])  # held together by an erased record

    after = relink(records, [], before, parameters, settings, stale=[10])

    assert after.changed == 0
    assert after.clusters.nunique() == 2
