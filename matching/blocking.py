"""Candidate pairs: the union of named blocking rules, compiled into recordlinkage indexers.

Each rule runs on the feature frame (index 0..n-1), so pairs are positions. A key value
carried by more than the rule's `max_block_size` records is dropped before joining: its
k² pairs would cost memory and time and, being that common, it proves nothing anyway.
The union is deduplicated on one int64 per pair and returned sorted, left < right. An
incremental match, which wants only the pairs with a changed record, takes them from
integer key codes (`_pairs_near`) instead of all pairs among the blocks it reaches.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt
import pandas as pd
from recordlinkage.base import BaseIndexAlgorithm
from recordlinkage.index import Block, SortedNeighbourhood

from matching.arrays import distinct_pairs
from matching.settings import BlockingRule
from matching.values import value_positions

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
        """`value_positions` of the columns with a `code` per value, values carried more
        than `max_block_size` times left out."""
        long = value_positions(frame, self.columns)
        codes = pd.factorize(long["value"].to_numpy())[0]
        long["code"] = codes
        return long[np.bincount(codes)[codes] <= self.max_block_size]

    def _dedup_index(self, df_a: pd.DataFrame) -> pd.MultiIndex:
        pairs = self._link_index(df_a, df_a)
        return pairs[pairs.get_level_values(0) < pairs.get_level_values(1)]

    def _link_index(self, df_a: pd.DataFrame, df_b: pd.DataFrame) -> pd.MultiIndex:
        merged = self._long(df_a).merge(self._long(df_b), on="value")  # codes differ per frame
        return pd.MultiIndex.from_arrays(
            [df_a.index[merged["pos_x"].to_numpy()], df_b.index[merged["pos_y"].to_numpy()]]
        )


def _capped(
    frame: pd.DataFrame, columns: list[str], max_block_size: int, refine: Sequence[str] = ()
) -> tuple[pd.DataFrame, npt.NDArray[np.int64]]:
    """The key columns with over-large blocks refined by `refine` (the refined key holds a
    `|`, so it never meets an unrefined one) and what is still too large set to missing
    (Block skips missing keys), and per row its block's code (`_group_codes`, -1: none)."""
    keys = frame[columns].copy()
    codes = _group_codes(keys, columns)
    sizes = _group_sizes(codes)
    oversized = sizes > max_block_size
    if refine and oversized.any():
        rows = frame.loc[oversized, list(refine)]
        joined = keys.loc[oversized, columns[0]].astype(str)
        known = np.ones(len(rows), dtype=bool)
        for column in refine:
            known &= rows[column].notna().to_numpy()
            joined = joined + "|" + rows[column].astype(str)
        refined = joined.to_numpy(dtype=object)
        refined[~known] = None
        keys.loc[oversized, columns[0]] = refined
        codes = _group_codes(keys, columns)
        sizes = _group_sizes(codes)
    capped = ~(sizes <= max_block_size)
    keys.loc[capped, columns[0]] = None
    codes[capped] = -1
    return keys, codes


def _group_codes(frame: pd.DataFrame, columns: Sequence[str]) -> npt.NDArray[np.int64]:
    """Per row, a code of its combination of `columns` values (-1 where one is missing):
    grouping on one integer instead of several object columns."""
    codes = np.zeros(len(frame), dtype=np.int64)
    for column in columns:
        values, uniques = pd.factorize(frame[column].to_numpy())
        missing = (values < 0) | (codes < 0)
        codes = pd.factorize(codes * max(len(uniques), 1) + values)[0].astype(np.int64)
        codes[missing] = -1
    return codes


def _group_sizes(codes: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
    """Per row, how many rows share its code (NaN where it has none)."""
    sizes = np.full(len(codes), np.nan)
    present = codes >= 0
    if present.any():
        sizes[present] = np.bincount(codes[present])[codes[present]]
    return sizes


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


class _Prepared:
    """One rule's keys over all records, built once for the rounds of an incremental match:
    the capped frame and, on first need (only a match restricted to touching records needs
    them), any_of's long table or a key code per row: the group id of a block, the rank
    among all sorted values for sorted neighbourhood; -1 where missing."""

    def __init__(self, features: pd.DataFrame, rule: BlockingRule) -> None:
        self.rule = rule
        columns = list(rule.columns)
        self.blocks: npt.NDArray[np.int64] | None = None  # per row its capped block, -1: none
        if rule.method == "any_of":
            self.frame = features
            self.empty = features[columns].dropna(how="all").empty
        else:
            self.frame, self.blocks = _capped(
                features, columns, rule.max_block_size, rule.refine_with
            )
            self.empty = not (self.blocks >= 0).any()

    @cached_property
    def long(self) -> pd.DataFrame:
        return AnyOfBlock(self.rule.columns, self.rule.max_block_size)._long(self.frame)

    @cached_property
    def keyed(self) -> _KeyOrder:
        return _KeyOrder.of(self.codes)

    @cached_property
    def codes(self) -> npt.NDArray[np.int64]:
        columns = list(self.rule.columns)
        if self.rule.method == "sorted_neighbourhood":  # the rank among the sorted keys
            ranks = pd.factorize(self.frame[columns[0]].to_numpy(), sort=True)[0]
            return ranks.astype(np.int64)
        assert self.blocks is not None, "any_of rules are joined on `long`, not on codes"
        return self.blocks  # capping grouped the blocks already


BlockingMemo = dict[str, _Prepared]  # rule name -> its prepared keys, one frame's


def rule_pairs(
    features: pd.DataFrame,
    rule: BlockingRule,
    touching: Mask | None = None,
    memo: BlockingMemo | None = None,
) -> Pairs:
    """The distinct pairs one rule yields, left < right; with `touching`, only the pairs
    with at least one touching record, exactly as they are among all pairs. Pass one
    `memo` to calls on the same `features` to prepare each rule's keys once."""
    prepared = memo.get(rule.name) if memo is not None else None
    if prepared is None:
        prepared = _Prepared(features, rule)
        if memo is not None:
            memo[rule.name] = prepared
    if prepared.empty:
        return np.empty((0, 2), dtype=np.int64)
    if touching is None:
        indexer = compile_rule(rule)
        return distinct_pairs(_as_pairs(indexer.index(prepared.frame)), max(len(features), 1))
    if rule.method == "any_of":  # values capped by their count among all records
        pairs = _sharing_pairs(prepared.long, touching)
    else:
        pairs = _pairs_near(prepared.keyed, prepared.codes, touching, _half_window(rule))
    pairs = pairs[touching[pairs[:, 0]] | touching[pairs[:, 1]]]
    return distinct_pairs(pairs, max(len(features), 1))


def _half_window(rule: BlockingRule) -> int:
    """How far apart two keys' codes may lie: ranks within the window for sorted
    neighbourhood, the same block (0) otherwise."""
    return (rule.window - 1) // 2 if rule.method == "sorted_neighbourhood" else 0


def _sharing_pairs(long: pd.DataFrame, touching: Mask) -> Pairs:
    """Pairs of positions carrying one value (`AnyOfBlock._long`), a touching one among
    them: joined on the values' integer codes."""
    codes = long["code"].to_numpy()
    positions = long["pos"].to_numpy()
    wanted = np.zeros(int(codes.max(initial=-1)) + 1, dtype=bool)
    wanted[codes[touching[positions]]] = True
    near = pd.DataFrame({"code": codes, "pos": positions})[wanted[codes]]
    merged = near.merge(near, on="code")
    return _as_pairs(pd.MultiIndex.from_arrays([merged["pos_x"], merged["pos_y"]]))


@dataclass(frozen=True)
class _KeyOrder:
    """The keyed positions sorted by code (`order`) and their codes in that order
    (`ranked`): sorted once for the rounds of an incremental match."""

    order: npt.NDArray[np.int64]
    ranked: npt.NDArray[np.int64]

    @classmethod
    def of(cls, codes: npt.NDArray[np.int64]) -> _KeyOrder:
        keyed = np.flatnonzero(codes >= 0)
        order = keyed[np.argsort(codes[keyed], kind="stable")]
        return cls(order, codes[order])


def _pairs_near(keys: _KeyOrder, codes: npt.NDArray[np.int64], touching: Mask, half: int) -> Pairs:
    """Each touching position paired with every position whose code lies within `half`
    of its own (-1: no key), itself excepted: a rule's pairs with a touching record,
    straight from the key codes instead of all pairs among the blocks they reach."""
    left = np.flatnonzero(touching & (codes >= 0))
    start = np.searchsorted(keys.ranked, codes[left] - half, side="left")
    stop = np.searchsorted(keys.ranked, codes[left] + half, side="right")
    counts = stop - start
    total = int(counts.sum())
    first = np.repeat(start - np.concatenate([[0], np.cumsum(counts)[:-1]]), counts)
    right = keys.order[first + np.arange(total)]
    left = np.repeat(left, counts)
    pairs: Pairs = np.column_stack([np.minimum(left, right), np.maximum(left, right)])
    distinct: Pairs = pairs[pairs[:, 0] != pairs[:, 1]]
    return distinct


def candidate_pairs(
    features: pd.DataFrame,
    rules: Sequence[BlockingRule],
    touching: Mask | None = None,
    memo: BlockingMemo | None = None,
) -> tuple[Pairs, dict[str, int]]:
    """The union of all rules' pairs (sorted, left < right) and each rule's pair count;
    with `touching`, only pairs with at least one touching record (an incremental match)."""
    per_rule: dict[str, int] = {}
    found: list[Pairs] = []
    for rule in rules:
        pairs = rule_pairs(features, rule, touching, memo)
        per_rule[rule.name] = len(pairs)
        found.append(pairs)
        logger.info("blocking rule %s: %d pairs", rule.name, len(pairs))
    if not found or sum(len(p) for p in found) == 0:
        return np.empty((0, 2), dtype=np.int64), per_rule
    return distinct_pairs(np.concatenate(found), len(features)), per_rule
