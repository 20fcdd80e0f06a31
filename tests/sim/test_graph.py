"""Tests for the follower graph value, FollowGraph (microblog_core.sim.graphs)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.sim.graphs import (
    FollowGraph,
)
from microblog_core.sim.graphs._graph import _from_pairs
from tests.sim.graph_checks import check_clean

# --------------------------------------------------------------------------- FollowGraph


class TestFollowGraph:
    def test_constructor_sorts_edges_and_builds_adjacency(self):
        graph = FollowGraph(n=4, edges=[(2, 0), (0, 1), (1, 0), (3, 0)])
        assert graph.edges == ((0, 1), (1, 0), (2, 0), (3, 0))
        assert graph.following_of(0) == (1,)
        assert graph.followers_of(0) == (1, 2, 3)
        assert graph.followers_of(3) == ()
        assert graph.out_degrees == (1, 1, 1, 1)
        assert graph.in_degrees == (3, 1, 0, 0)
        assert graph.edge_count == 4

    def test_follows_is_directed(self):
        graph = FollowGraph(n=3, edges=[(0, 1), (2, 1)])
        assert graph.follows(0, 1)
        assert not graph.follows(1, 0)
        assert not graph.follows(0, 2)

    def test_equality_is_edge_set_equality(self):
        a = FollowGraph(n=3, edges=[(0, 1), (1, 2)])
        b = FollowGraph(n=3, edges=((1, 2), (0, 1)))
        assert a == b
        assert hash(a) == hash(b)
        assert a != FollowGraph(n=4, edges=[(0, 1), (1, 2)])

    def test_repr_does_not_print_every_edge(self):
        graph = FollowGraph(n=3, edges=[(0, 1), (1, 2)])
        assert repr(graph) == "FollowGraph(n=3, edges=<2 edges>)"

    def test_graph_with_no_edges(self):
        graph = FollowGraph(n=2, edges=())
        assert graph.in_degrees == (0, 0)
        assert graph.reciprocity() == 0.0

    @pytest.mark.parametrize(
        ("n", "edges", "needle"),
        [
            (0, (), "at least 1"),
            (True, (), "must be an int"),
            (3, [(1, 1)], "self-loop"),
            (3, [(0, 1), (0, 1)], "appears twice"),
            (3, [(0, 3)], r"in \[0, 3\)"),
            (3, [(-1, 0)], r"in \[0, 3\)"),
            (3, [(0, "1")], "must be ints"),
            (3, [(0, True)], "must be ints"),
            (3, [(0, 1, 2)], "pair"),
            (3, ["01"], "pair"),
        ],
    )
    def test_constructor_rejects_bad_graphs(self, n, edges, needle):
        with pytest.raises(ValidationError, match=needle):
            FollowGraph(n=n, edges=edges)

    @pytest.mark.parametrize("node", [-1, 3, True, "0"])
    def test_unknown_node_is_not_found(self, node):
        graph = FollowGraph(n=3, edges=[(0, 1)])
        with pytest.raises(NotFoundError, match=r"nodes are 0\.\.2"):
            graph.followers_of(node)
        with pytest.raises(NotFoundError):
            graph.following_of(node)
        with pytest.raises(NotFoundError):
            graph.follows(0, node)

    def test_reciprocity_by_hand(self):
        # (0,1) and (1,0) are mutual, (2,0) is not: 2 of 3 edges reciprocated.
        graph = FollowGraph(n=3, edges=[(0, 1), (1, 0), (2, 0)])
        assert graph.reciprocity() == pytest.approx(2 / 3)

    def test_degree_distribution_by_hand(self):
        # in-degrees: node0 <- 1,2,3 (3); node1 <- 0 (1); node2 <- 3 (1); node3: 0.
        # out-degrees: 0:1, 1:1, 2:1, 3:2.
        graph = FollowGraph(n=4, edges=[(0, 1), (1, 0), (2, 0), (3, 0), (3, 2)])
        dist = graph.degree_distribution()
        assert dist.in_degree.histogram == ((0, 1), (1, 2), (3, 1))
        assert dist.out_degree.histogram == ((1, 3), (2, 1))
        assert dist.in_degree.mean == 5 / 4
        assert dist.in_degree.max == 3
        assert dist.out_degree.max == 2
        assert dist.in_degree.count(1) == 2
        assert dist.in_degree.count(2) == 0
        assert dist.in_degree.count(7) == 0
        # the fit sees in-degrees >= 1: [3, 1, 1]
        assert dist.in_degree.power_law.tail_size == 3
        assert dist.in_degree.power_law.k_min == 1

    def test_degree_distribution_rejects_bad_k_min(self):
        with pytest.raises(ValidationError, match="k_min"):
            FollowGraph(n=2, edges=[(0, 1)]).degree_distribution(k_min=0)


@given(
    n=st.integers(-1, 8),
    edges=st.lists(st.tuples(st.integers(-2, 9), st.integers(-2, 9)), max_size=20),
)
def test_constructor_accepts_exactly_the_clean_graphs(n, edges):
    clean = (
        n >= 1
        and all(0 <= a < n and 0 <= b < n and a != b for a, b in edges)
        and len(set(edges)) == len(edges)
    )
    try:
        graph = FollowGraph(n=n, edges=edges)
    except ValidationError:
        assert not clean
    else:
        assert clean
        check_clean(graph)
        assert set(graph.edges) == set(edges)


# --------------------------------------------------------------------------- column-wise storage

graphs_as_pairs = st.integers(1, 9).flatmap(
    lambda n: st.tuples(
        st.just(n),
        st.sets(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda e: e[0] != e[1])
        ),
    )
)


@given(graphs_as_pairs)
def test_edge_columns_and_csr_hold_the_edges_in_order(case: tuple[int, set[tuple[int, int]]]):
    n, pairs = case
    graph = FollowGraph(n=n, edges=pairs)
    followers, followees = graph.edge_columns()
    assert list(zip(followers, followees, strict=True)) == sorted(pairs) == list(graph.edges)
    offsets, targets = graph.csr()
    assert len(offsets) == n + 1
    for node in range(n):
        assert tuple(targets[offsets[node] : offsets[node + 1]]) == graph.following_of(node)
        assert graph.following_of(node) == tuple(sorted(b for a, b in pairs if a == node))
        assert graph.followers_of(node) == tuple(sorted(a for a, b in pairs if b == node))


@given(graphs_as_pairs)
def test_a_graph_pickles_and_hashes_by_its_edges(case: tuple[int, set[tuple[int, int]]]):
    import pickle

    n, pairs = case
    graph = FollowGraph(n=n, edges=pairs)
    copy = pickle.loads(pickle.dumps(graph))  # noqa: S301 - our own bytes
    assert copy == graph
    assert hash(copy) == hash(graph) == hash(FollowGraph(n=n, edges=sorted(pairs, reverse=True)))


def test_the_columns_are_copies():
    graph = FollowGraph(n=3, edges=[(0, 1), (1, 2)])
    _, followees = graph.edge_columns()
    _, targets = graph.csr()
    followees[0] = 2
    targets[0] = 2
    assert graph.edges == ((0, 1), (1, 2))


def test_a_graph_is_not_equal_to_its_edge_tuple():
    graph = FollowGraph(n=2, edges=[(0, 1)])
    assert graph != ((0, 1),)
    assert graph != FollowGraph(n=3, edges=[(0, 1)])


# --------------------------------------------------------------------------- from raw columns


@given(
    n=st.integers(1, 12),
    pairs=st.lists(st.tuples(st.integers(0, 11), st.integers(0, 11)), max_size=60),
)
def test_from_pairs_drops_loops_and_repeats(n, pairs):
    """Raw follow columns become the graph of their distinct, loop-free pairs."""
    pairs = [(a % n, b % n) for a, b in pairs]
    followers = [a for a, _ in pairs]
    followees = [b for _, b in pairs]
    graph = _from_pairs(n, followers, followees)
    assert graph == FollowGraph(n=n, edges={(a, b) for a, b in pairs if a != b})
    check_clean(graph)


def test_from_pairs_across_blocks_of_rows():
    n = 100_003  # more rows than one block holds
    followers = [n - 1, 0, 70_000, 70_000, 5, n - 1]
    followees = [0, n - 1, 3, 3, 5, 2]
    graph = _from_pairs(n, followers, followees)
    assert graph.edges == ((0, n - 1), (70_000, 3), (n - 1, 0), (n - 1, 2))
