from __future__ import annotations

import networkx as nx
import numpy as np
import numpy.typing as npt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matching.clustering import Pairs, Veto, canonical_labels, cluster, components


def _links(edges: list[tuple[int, int]]) -> Pairs:
    if not edges:
        return np.empty((0, 2), dtype=np.int64)
    return np.array([(min(a, b), max(a, b)) for a, b in edges], dtype=np.int64)


def _partition(labels: npt.NDArray[np.int64]) -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for position, label in enumerate(labels.tolist()):
        groups.setdefault(label, set()).add(position)
    return {frozenset(g) for g in groups.values()}


def _veto_of(pairs: set[tuple[int, int]]) -> Veto:
    def veto(candidates: Pairs) -> npt.NDArray[np.bool_]:
        return np.array([(int(a), int(b)) in pairs for a, b in candidates], dtype=bool)

    return veto


@pytest.mark.parametrize("seed", range(20))
def test_components_match_networkx_on_random_graphs(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 300))
    m = int(rng.integers(0, 2 * n))
    edges = [(int(a), int(b)) for a, b in rng.integers(0, n, size=(m, 2)) if a != b]
    graph = nx.Graph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(edges)
    expected = {frozenset(c) for c in nx.connected_components(graph)}
    assert _partition(cluster(n, _links(edges))) == expected


@settings(max_examples=50, deadline=None)
@given(st.integers(1, 40).flatmap(
    lambda n: st.tuples(st.just(n), st.lists(st.tuples(st.integers(0, n - 1),
                                                        st.integers(0, n - 1)), max_size=60))
))  # fmt: skip
def test_clusters_partition_the_input_deterministically(case: tuple[int, list[tuple[int, int]]]):
    n, edges = case
    links = _links([(a, b) for a, b in edges if a != b])
    labels = cluster(n, links)
    assert len(labels) == n  # every record, singletons included
    assert (labels == cluster(n, links)).all()  # re-runs give the same labels
    # Labels 0, 1, … in order of each cluster's smallest position.
    firsts = [int(np.flatnonzero(labels == label)[0]) for label in range(labels.max() + 1)]
    assert firsts == sorted(firsts)


def test_singletons_keep_their_own_label() -> None:
    labels = cluster(5, _links([(3, 1)]))
    assert labels.tolist() == [0, 1, 2, 1, 3]


def test_components_label_by_smallest_member() -> None:
    assert components(4, _links([(2, 3), (1, 2)])).tolist() == [0, 1, 1, 1]
    assert canonical_labels(np.array([7, 7, 3, 9])).tolist() == [0, 0, 1, 2]


def test_anti_chaining_refuses_a_merge_across_a_veto_pair() -> None:
    # Marlene (0) — M. (1) — Manfred (2): both links are plausible, 0 and 2 contradict.
    links = _links([(0, 1), (1, 2)])  # strongest first
    labels = cluster(3, links, _veto_of({(0, 2)}))
    assert _partition(labels) == {frozenset({0, 1}), frozenset({2})}
    reversed_order = cluster(3, links[::-1].copy(), _veto_of({(0, 2)}))
    assert _partition(reversed_order) == {frozenset({1, 2}), frozenset({0})}


def test_a_direct_link_overrules_its_own_veto_evidence() -> None:
    # The scorer already weighed the pair's evidence; only chains are guarded.
    assert _partition(cluster(2, _links([(0, 1)]), _veto_of({(0, 1)}))) == {frozenset({0, 1})}
    labels = cluster(3, _links([(0, 1), (1, 2)]), _veto_of({(0, 1)}))
    assert _partition(labels) == {frozenset({0, 1, 2})}


def test_clusters_without_veto_pairs_are_left_alone() -> None:
    links = _links([(0, 1), (1, 2), (3, 4)])
    assert (cluster(5, links, _veto_of(set())) == cluster(5, links)).all()
