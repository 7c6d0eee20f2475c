"""Candidate pairs: the union of named blocking rules, compiled into recordlinkage indexers.

Each rule runs on the feature frame (index 0..n-1), so pairs are positions. A key value
carried by more than the rule's `max_block_size` records is dropped before joining: its
k² pairs would cost memory and time and, being that common, it proves nothing anyway.
The union is deduplicated on one int64 per pair and returned sorted, left < right.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pandas as pd
from recordlinkage.base import BaseIndexAlgorithm
from recordlinkage.index import Block, SortedNeighbourhood

from matching.catalog import TUPLE_COLUMNS
from matching.settings import BlockingRule

logger = logging.getLogger(__name__)

Pairs = npt.NDArray[np.int64]  # shape (n, 2): left and right positions, left < right
Mask = npt.NDArray[np.bool_]  # one flag per position


class AnyOfBlock(BaseIndexAlgorithm):
    """Pairs of records sharing any value across `columns` (tuple columns are exploded):
    phone = phone_alt of the other record, any common identifier."""

    def __init__(self, columns: Sequence[str], max_block_size: int) -> None:
        super().__init__(verify_integrity=False)
        self.columns = tuple(columns)
        self.max_block_size = max_block_size

    def _long(self, frame: pd.DataFrame) -> pd.DataFrame:
        parts = []
        for column in self.columns:
            values = frame[column].reset_index(drop=True)
            if column in TUPLE_COLUMNS:
                values = values.explode()
            parts.append(pd.DataFrame({"value": values, "pos": values.index}))
        long = pd.concat(parts).dropna().drop_duplicates()
        sizes = long.groupby("value")["pos"].transform("size")
        return long[sizes <= self.max_block_size]

    def _dedup_index(self, df_a: pd.DataFrame) -> pd.MultiIndex:
        pairs = self._link_index(df_a, df_a)
        return pairs[pairs.get_level_values(0) < pairs.get_level_values(1)]

    def _link_index(self, df_a: pd.DataFrame, df_b: pd.DataFrame) -> pd.MultiIndex:
        merged = self._long(df_a).merge(self._long(df_b), on="value")
        return pd.MultiIndex.from_arrays(
            [df_a.index[merged["pos_x"].to_numpy()], df_b.index[merged["pos_y"].to_numpy()]]
        )


def _capped(frame: pd.DataFrame, columns: list[str], max_block_size: int) -> pd.DataFrame:
    """The key columns with over-large blocks set to missing (Block skips missing keys)."""
    keys = frame[columns].copy()
    sizes = keys.groupby(columns, dropna=True)[columns[0]].transform("size")
    keys.loc[~(sizes <= max_block_size), columns[0]] = None
    return keys


def compile_rule(rule: BlockingRule) -> BaseIndexAlgorithm:
    """The recordlinkage indexer of one rule (applied to `_capped` keys, see `rule_pairs`)."""
    columns = list(rule.columns)
    if rule.method == "any_of":
        return AnyOfBlock(columns, rule.max_block_size)
    if rule.method == "sorted_neighbourhood":
        return SortedNeighbourhood(left_on=columns[0], window=rule.window)
    return Block(left_on=columns)


def _as_pairs(index: pd.MultiIndex) -> Pairs:
    left = index.get_level_values(0).to_numpy(dtype=np.int64)
    right = index.get_level_values(1).to_numpy(dtype=np.int64)
    pairs: Pairs = np.column_stack([np.minimum(left, right), np.maximum(left, right)])
    distinct: Pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return distinct


def _unique(pairs: Pairs, n: int) -> Pairs:
    codes = np.unique(pairs[:, 0] * n + pairs[:, 1])
    unique: Pairs = np.column_stack([codes // n, codes % n]).astype(np.int64)
    return unique


def rule_pairs(features: pd.DataFrame, rule: BlockingRule, touching: Mask | None = None) -> Pairs:
    """The distinct pairs one rule yields, left < right; with `touching`, only the pairs
    with at least one touching record, exactly as they are among all pairs."""
    indexer = compile_rule(rule)
    columns = list(rule.columns)
    frame = features if rule.method == "any_of" else _capped(features, columns, rule.max_block_size)
    if frame[columns].dropna(how="all" if rule.method == "any_of" else "any").empty:
        return np.empty((0, 2), dtype=np.int64)
    if touching is None:
        return _unique(_as_pairs(indexer.index(frame)), max(len(features), 1))
    if isinstance(indexer, AnyOfBlock):  # values capped by their count among all records
        long = indexer._long(frame)
        long = long[long["value"].isin(long["value"][touching[long["pos"].to_numpy()]])]
        merged = long.merge(long, on="value")
        pairs = _as_pairs(pd.MultiIndex.from_arrays([merged["pos_x"], merged["pos_y"]]))
    else:
        if isinstance(indexer, SortedNeighbourhood):  # ranks among all keys, not the subset's
            indexer.sorting_key_values = np.unique(frame[columns[0]].dropna().to_numpy())
        rows = _reachable(frame, rule, touching)
        if len(rows) < 2:
            return np.empty((0, 2), dtype=np.int64)
        pairs = _as_pairs(indexer.index(frame.iloc[rows]))
    pairs = pairs[touching[pairs[:, 0]] | touching[pairs[:, 1]]]
    return _unique(pairs, max(len(features), 1))


def _reachable(frame: pd.DataFrame, rule: BlockingRule, touching: Mask) -> npt.NDArray[np.intp]:
    """Positions that share a key with a touching record (within the window for sorted
    neighbourhood): every pair the rule can make with a touching record lies among them.
    Keys were capped on the whole frame, so block sizes are those of all records."""
    columns = list(rule.columns)
    if rule.method == "sorted_neighbourhood":
        sort_keys = frame[columns[0]]
        present = sort_keys.notna().to_numpy()
        ranks = np.full(len(frame), -1, dtype=np.int64)
        values = sort_keys[present].to_numpy()
        ranks[present] = np.searchsorted(np.unique(values), values)
        near = np.zeros(int(ranks.max()) + 1, dtype=bool)
        half = (rule.window - 1) // 2
        for rank in np.unique(ranks[touching & present]):
            near[max(rank - half, 0) : rank + half + 1] = True
        return np.flatnonzero(present & near[np.maximum(ranks, 0)])
    keys = frame[columns]
    complete = keys.notna().all(axis=1).to_numpy()
    index = pd.MultiIndex.from_frame(keys)
    wanted = index[touching & complete]
    return np.flatnonzero(complete & index.isin(wanted))


def candidate_pairs(
    features: pd.DataFrame, rules: Sequence[BlockingRule], touching: Mask | None = None
) -> tuple[Pairs, dict[str, int]]:
    """The union of all rules' pairs (sorted, left < right) and each rule's pair count;
    with `touching`, only pairs with at least one touching record (an incremental match)."""
    per_rule: dict[str, int] = {}
    found: list[Pairs] = []
    for rule in rules:
        pairs = rule_pairs(features, rule, touching)
        per_rule[rule.name] = len(pairs)
        found.append(pairs)
        logger.info("blocking rule %s: %d pairs", rule.name, len(pairs))
    if not found or sum(len(p) for p in found) == 0:
        return np.empty((0, 2), dtype=np.int64), per_rule
    return _unique(np.concatenate(found), len(features)), per_rule
