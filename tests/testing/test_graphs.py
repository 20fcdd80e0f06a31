"""``follow_graphs()``: valid follower graphs within their bounds, shrinking small."""

from typing import Any

import pytest
from hypothesis import Phase, find, given, settings
from hypothesis.errors import InvalidArgument

from microblog_core.sim.graphs import FollowGraph
from microblog_core.testing.strategies import follow_graphs

FIND = settings(
    database=None, max_examples=2_000, derandomize=True, phases=[Phase.generate, Phase.shrink]
)
FIND_ANY = settings(database=None, max_examples=2_000, derandomize=True, phases=[Phase.generate])


# --- follow graphs ----------------------------------------------------------------------


@given(follow_graphs())
def test_follow_graphs_are_valid_graphs(graph: FollowGraph) -> None:
    assert 1 <= graph.n <= 12
    assert all(a != b for a, b in graph.edges)
    assert len(set(graph.edges)) == graph.edge_count
    assert FollowGraph(n=graph.n, edges=graph.edges) == graph  # passes the checks again


@given(follow_graphs(n=5, max_edges=3), follow_graphs(min_nodes=3, max_nodes=4))
def test_follow_graphs_respect_their_bounds(fixed: FollowGraph, ranged: FollowGraph) -> None:
    assert fixed.n == 5
    assert fixed.edge_count <= 3
    assert 3 <= ranged.n <= 4


@given(follow_graphs(n=1), follow_graphs(max_edges=0))
def test_follow_graphs_without_room_for_edges_have_none(
    single: FollowGraph, bare: FollowGraph
) -> None:
    assert single.edges == ()
    assert bare.edges == ()


def test_follow_graphs_reach_complete_graphs() -> None:
    find(follow_graphs(n=3), lambda g: g.edge_count == 6, settings=FIND_ANY)


def test_a_failing_graph_shrinks_to_few_nodes_and_edges() -> None:
    # "Fails when someone has three followers": four nodes, three edges.
    shrunk = find(follow_graphs(), lambda g: max(g.in_degrees) >= 3, settings=FIND)
    assert (shrunk.n, shrunk.edge_count) == (4, 3)
    # "Fails on a mutual follow": two nodes following each other.
    mutual = find(follow_graphs(), lambda g: g.reciprocity() > 0, settings=FIND)
    assert (mutual.n, mutual.edges) == (2, ((0, 1), (1, 0)))
    assert find(follow_graphs(), lambda g: True, settings=FIND) == FollowGraph(n=1, edges=())


@pytest.mark.parametrize(
    "options",
    [
        {"n": 0},
        {"n": 2.0},
        {"min_nodes": 0},
        {"min_nodes": 5, "max_nodes": 4},
        {"max_nodes": True},
        {"max_edges": -1},
    ],
)
def test_follow_graphs_refuse_bad_options(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        follow_graphs(**options)
