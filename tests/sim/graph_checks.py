"""Checks shared by the follower-graph tests."""

from hypothesis import strategies as st

from microblog_core.sim.graphs import FollowGraph

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def check_clean(graph: FollowGraph) -> None:
    """The invariants every result must have: sorted, in range, no loops, no duplicates."""
    edges = graph.edges
    assert list(edges) == sorted(set(edges))
    assert all(a != b for a, b in edges)
    assert all(0 <= a < graph.n and 0 <= b < graph.n for a, b in edges)
    # The trusted fast path builds the same value the checking constructor does.
    assert FollowGraph(n=graph.n, edges=edges) == graph
    assert graph.out_degrees == tuple(len(graph.following_of(v)) for v in range(graph.n))
    assert sum(graph.in_degrees) == sum(graph.out_degrees) == graph.edge_count


def triangles(graph: FollowGraph) -> int:
    """Triangles of the undirected version, counted by brute force."""
    neighbours: list[set[int]] = [set() for _ in range(graph.n)]
    for a, b in graph.edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    count = 0
    for a in range(graph.n):
        for b in neighbours[a]:
            if b > a:
                count += sum(1 for c in neighbours[a] & neighbours[b] if c > b)
    return count
