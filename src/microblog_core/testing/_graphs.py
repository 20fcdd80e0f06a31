"""Follower graphs (:class:`~microblog_core.sim.graphs.FollowGraph`) for property tests.

The public names are re-exported by :mod:`microblog_core.testing.strategies`.
"""

from typing import TYPE_CHECKING

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core.testing._values import _check_size

if TYPE_CHECKING:
    from microblog_core.sim.graphs import FollowGraph


# --- follow graphs ---------------------------------------------------------------------


@st.composite
def _follow_graphs(
    draw: st.DrawFn, min_nodes: int, max_nodes: int, max_edges: int | None
) -> "FollowGraph":
    from microblog_core.sim.graphs import FollowGraph

    n = draw(st.integers(min_value=min_nodes, max_value=max_nodes))
    possible = n * (n - 1)
    most = possible if max_edges is None else min(max_edges, possible)
    if most == 0:
        return FollowGraph(n=n, edges=())
    # Each end shrinks on its own toward node 0; a drawn self-loop (a, a) becomes
    # (a, a + 1 mod n), so every draw is an edge and nothing is rejected.
    edges = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).map(
                lambda pair: pair if pair[0] != pair[1] else (pair[0], (pair[0] + 1) % n)
            ),
            max_size=most,
            unique=True,
        )
    )
    return FollowGraph(n=n, edges=edges)


def follow_graphs(
    *,
    n: int | None = None,
    min_nodes: int = 1,
    max_nodes: int = 12,
    max_edges: int | None = None,
) -> st.SearchStrategy["FollowGraph"]:
    """Generate follower graphs (:class:`~microblog_core.sim.graphs.FollowGraph`).

    A graph has nodes ``0 .. n - 1`` and directed edges ``(a, b)``, "a
    follows b", with no self-follow and no duplicate, so every generated
    graph is one the constructor accepts. The node count is drawn first,
    then the edges as a list of distinct pairs.

    Shrinks toward fewer nodes and fewer edges: a graph that must, say, give
    one node three followers shrinks to four nodes and those three edges.

    Args:
        n: Exactly this many nodes (overrides ``min_nodes`` and ``max_nodes``).
        min_nodes: The fewest nodes (at least 1).
        max_nodes: The most nodes.
        max_edges: The most edges (default: any number up to ``n * (n - 1)``).

    Returns:
        A strategy of :class:`~microblog_core.sim.graphs.FollowGraph`.

    Raises:
        InvalidArgument: A bound is not an int, ``n`` or ``min_nodes`` is below 1,
            ``min_nodes > max_nodes``, or ``max_edges`` is negative.
    """
    if n is not None:
        min_nodes = max_nodes = _check_size(n, "n", minimum=1)
    _check_size(min_nodes, "min_nodes", minimum=1)
    _check_size(max_nodes, "max_nodes", minimum=1)
    if min_nodes > max_nodes:
        raise InvalidArgument(f"min_nodes={min_nodes} is greater than max_nodes={max_nodes}")
    if max_edges is not None:
        _check_size(max_edges, "max_edges")
    return _follow_graphs(min_nodes, max_nodes, max_edges)
