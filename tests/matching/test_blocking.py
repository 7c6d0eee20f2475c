from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from matching.blocking import BlockingMemo, candidate_pairs, rule_pairs
from matching.features import build_features
from matching.settings import BlockingRule
from tests.matching.helpers import features, rec, settings
from tests.matching.synthetic import synthetic_records


def _pairs(out: pd.DataFrame, rule: BlockingRule) -> set[tuple[int, int]]:
    return {(int(a), int(b)) for a, b in rule_pairs(out, rule)}


@pytest.fixture
def out() -> pd.DataFrame:
    return features(
        rec(first_name="Jürgen", last_name="Weiß", email="j@web.de", postal_code="70173",
            phone="+4915112345678", birth_date=date(1970, 1, 2)),  # 0
        rec(first_name="Juergen", last_name="Weiss", email="j@web.de", postal_code="70173",
            birth_date=date(1970, 1, 2)),  # 1
        rec(first_name="Erika", last_name="Muster", phone_alt="+4915112345678",
            identifiers=("card:K-1", "coupon:X")),  # 2
        rec(first_name="Muster", last_name="Erika", identifiers=("card:K-1",)),  # 3
        rec(first_name="Otto", last_name="Normal", identifiers=("coupon:X",)),  # 4
    )  # fmt: skip


def test_each_default_rule_yields_its_pairs(out: pd.DataFrame) -> None:
    rules = {r.name: r for r in settings().blocking}
    assert _pairs(out, rules["email"]) == {(0, 1)}
    assert _pairs(out, rules["phone"]) == {(0, 2)}  # phone of one = phone_alt of the other
    assert _pairs(out, rules["identifier"]) == {(2, 3), (2, 4)}
    assert _pairs(out, rules["postcode_surname"]) == {(0, 1)}  # Weiß / Weiss: same code
    assert _pairs(out, rules["birthdate_firstname"]) == {(0, 1)}
    assert (2, 3) in _pairs(out, rules["sorted_name"])  # swapped names: same sorted tokens


def test_union_is_sorted_deduplicated_and_counted(out: pd.DataFrame) -> None:
    pairs, per_rule = candidate_pairs(out, settings().blocking)
    assert pairs.dtype == np.int64
    assert (pairs[:, 0] < pairs[:, 1]).all()
    as_tuples = [tuple(p) for p in pairs.tolist()]
    assert len(as_tuples) == len(set(as_tuples)) and as_tuples == sorted(as_tuples)
    assert per_rule["email"] == 1 and per_rule["identifier"] == 2
    assert sum(per_rule.values()) > len(pairs)  # (0, 1) came from four rules


def test_oversized_blocks_make_no_pairs() -> None:
    out = features(*[rec(identifiers=("coupon:WILLKOMMEN10",)) for _ in range(4)])
    rule = BlockingRule(name="id", method="any_of", columns=("identifiers",), max_block_size=3)
    assert _pairs(out, rule) == set()
    exact = BlockingRule(name="code", columns=("identifiers",), max_block_size=4)
    assert len(_pairs(out, exact.model_copy(update={"method": "any_of"}))) == 6


def test_exact_rule_caps_blocks_and_skips_missing_keys() -> None:
    out = features(*[rec(postal_code="10115", last_name="Müller") for _ in range(3)], rec())
    rule = BlockingRule(name="plz", columns=("postal_code", "last_name_phonetic"))
    assert _pairs(out, rule) == {(0, 1), (0, 2), (1, 2)}
    capped = rule.model_copy(update={"max_block_size": 2})
    assert _pairs(out, capped) == set()


def test_an_oversized_block_is_split_by_the_refining_columns() -> None:
    out = features(
        rec(postal_code="10115", last_name="Müller", first_name="Anna"),  # 0
        rec(postal_code="10115", last_name="Mueller", first_name="Anne"),  # 1
        rec(postal_code="10115", last_name="Müller", first_name="Bernd"),  # 2
        rec(postal_code="10115", last_name="Müller"),  # 3: no first name, nothing to split by
        rec(postal_code="20095", last_name="Müller", first_name="Carl"),  # 4
        rec(postal_code="20095", last_name="Möller", first_name="Dora"),  # 5: a small block
    )
    rule = BlockingRule(
        name="plz", columns=("postal_code", "last_name_phonetic"), max_block_size=3,
        refine_with=("first_initial",),
    )  # fmt: skip
    assert _pairs(out, rule) == {(0, 1), (4, 5)}
    incremental = rule_pairs(out, rule, touching=np.array([False, True, False, True, False, False]))
    assert {tuple(p) for p in incremental.tolist()} == {(0, 1)}


def test_only_exact_rules_refine() -> None:
    with pytest.raises(ValueError, match="refine_with is for exact rules only"):
        BlockingRule(
            name="names", method="sorted_neighbourhood", columns=("name_tokens",),
            refine_with=("first_initial",),
        )  # fmt: skip
    with pytest.raises(ValueError, match="unknown column 'initial'"):
        BlockingRule(name="plz", columns=("postal_code",), refine_with=("initial",))


def test_no_rules_no_records() -> None:
    out = features(rec())
    pairs, per_rule = candidate_pairs(out, settings().blocking)
    assert pairs.shape == (0, 2) and set(per_rule.values()) == {0}


@pytest.mark.parametrize("share", [0.01, 0.2])
def test_touching_pairs_are_exactly_the_full_pairs_with_a_touching_record(share: float) -> None:
    """An incremental match's pairs come from key codes, the full match's from
    recordlinkage's indexers: the same pairs, rule by rule (sorted neighbourhood windows
    and capped blocks included)."""
    out = build_features(synthetic_records(300, seed=3)[0])
    touching = np.random.default_rng(9).random(len(out)) < share
    memo: BlockingMemo = {}
    for rule in settings().blocking:
        everything = rule_pairs(out, rule)
        expected = everything[touching[everything[:, 0]] | touching[everything[:, 1]]]
        np.testing.assert_array_equal(rule_pairs(out, rule, touching, memo), expected)
