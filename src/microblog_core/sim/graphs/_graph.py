"""The follower graph value: :class:`FollowGraph`, directed, on the nodes ``0 .. n - 1``.

The public names are re-exported by :mod:`microblog_core.sim.graphs`.
"""

from bisect import bisect_left
from collections.abc import Iterable, Sequence

import attrs

from microblog_core import _checks
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.sim.graphs._degree_fit import DegreeDistribution, _summarise

Edge = tuple[int, int]


def _canonical_edges(edges: Iterable[Sequence[int]]) -> tuple[Edge, ...]:
    pairs: list[Edge] = []
    for edge in edges:
        if isinstance(edge, str | bytes) or len(edge) != 2:
            raise ValidationError(
                f"each edge must be a (follower, followee) pair, got {_checks.quote(edge)}",
                field="edges",
                value=edge,
            )
        follower, followee = edge
        for node in (follower, followee):
            if isinstance(node, bool) or not isinstance(node, int):
                raise ValidationError(
                    f"edge {_checks.quote(edge)}: nodes must be ints, got {type(node).__name__}",
                    field="edges",
                    value=edge,
                )
        pairs.append((follower, followee))
    pairs.sort()
    return tuple(pairs)


def _check_n(_instance: object, _attribute: "attrs.Attribute[int]", value: int) -> None:
    _checks.integer(value, "n", minimum=1, hint="a graph has at least one node")


@attrs.frozen(repr=False)
class FollowGraph:
    """A directed follower graph on the nodes 0 to n - 1.

    An edge ``(a, b)`` means *a follows b*. ``edges`` is sorted (by follower,
    then followee), holds no self-loop and no duplicate, and two graphs are
    equal exactly when they have the same ``n`` and the same edge set.
    Adjacency and degree sequences are built on first use and cached.

    The constructor sorts and checks the edges it is given; the generators in
    this module build already-clean graphs without that extra pass.

    Attributes:
        n: The number of nodes.
        edges: ``(follower, followee)`` pairs, sorted.

    Raises:
        ValidationError: ``n < 1``, an edge is not a pair of ints in
            ``[0, n)``, or there is a self-loop or a duplicate edge.

    Example:
        >>> from microblog_core.sim.graphs import FollowGraph
        >>> graph = FollowGraph(n=3, edges=[(2, 0), (0, 1), (1, 0)])
        >>> graph.edges
        ((0, 1), (1, 0), (2, 0))
        >>> graph.followers_of(0), graph.in_degrees, graph.follows(2, 0)
        ((1, 2), (2, 1, 0), True)
    """

    n: int = attrs.field(validator=_check_n)
    edges: tuple[Edge, ...] = attrs.field(converter=_canonical_edges)
    _following: tuple[tuple[int, ...], ...] | None = attrs.field(
        default=None, init=False, eq=False, hash=False
    )
    _followers: tuple[tuple[int, ...], ...] | None = attrs.field(
        default=None, init=False, eq=False, hash=False
    )

    def __attrs_post_init__(self) -> None:
        n = self.n
        previous: Edge | None = None
        for edge in self.edges:
            follower, followee = edge
            for node in edge:
                if not 0 <= node < n:
                    raise ValidationError(
                        f"edge {_checks.quote(edge)}: nodes must be ints in [0, {n}) for n={n}",
                        field="edges",
                        value=edge,
                    )
            if follower == followee:
                raise ValidationError(
                    f"edge {_checks.quote(edge)} is a self-loop; nobody follows themselves",
                    field="edges",
                    value=edge,
                )
            if edge == previous:
                raise ValidationError(
                    f"edge {_checks.quote(edge)} appears twice; a follow is made at most once",
                    field="edges",
                    value=edge,
                )
            previous = edge

    def __repr__(self) -> str:
        return f"FollowGraph(n={self.n}, edges=<{len(self.edges)} edges>)"

    # ------------------------------------------------------------------ accessors

    @property
    def edge_count(self) -> int:
        """The number of follows."""
        return len(self.edges)

    def _following_lists(self) -> tuple[tuple[int, ...], ...]:
        cached = self._following
        if cached is None:
            lists: list[list[int]] = [[] for _ in range(self.n)]
            for follower, followee in self.edges:
                lists[follower].append(followee)
            cached = tuple(map(tuple, lists))
            object.__setattr__(self, "_following", cached)
        return cached

    def _follower_lists(self) -> tuple[tuple[int, ...], ...]:
        cached = self._followers
        if cached is None:
            lists: list[list[int]] = [[] for _ in range(self.n)]
            for follower, followee in self.edges:  # sorted by follower: lists come out sorted
                lists[followee].append(follower)
            cached = tuple(map(tuple, lists))
            object.__setattr__(self, "_followers", cached)
        return cached

    def _check_node(self, node: int) -> None:
        if isinstance(node, bool) or not isinstance(node, int) or not 0 <= node < self.n:
            raise NotFoundError(
                "node",
                node,
                f"no node {_checks.quote(node)} in a graph of n={self.n} "
                f"(nodes are 0..{self.n - 1})",
            )

    def following_of(self, node: int) -> tuple[int, ...]:
        """Return the nodes ``node`` follows, ascending.

        Raises:
            NotFoundError: ``node`` is not in ``0 .. n - 1``.
        """
        self._check_node(node)
        return self._following_lists()[node]

    def followers_of(self, node: int) -> tuple[int, ...]:
        """Return the nodes that follow ``node``, ascending.

        Raises:
            NotFoundError: ``node`` is not in ``0 .. n - 1``.
        """
        self._check_node(node)
        return self._follower_lists()[node]

    def follows(self, follower: int, followee: int) -> bool:
        """Return whether ``follower`` follows ``followee`` (a binary search).

        Raises:
            NotFoundError: either node is not in ``0 .. n - 1``.
        """
        self._check_node(followee)
        row = self.following_of(follower)
        index = bisect_left(row, followee)
        return index < len(row) and row[index] == followee

    @property
    def out_degrees(self) -> tuple[int, ...]:
        """The number of accounts each node follows, indexed by node."""
        return tuple(map(len, self._following_lists()))

    @property
    def in_degrees(self) -> tuple[int, ...]:
        """The number of followers of each node, indexed by node."""
        return tuple(map(len, self._follower_lists()))

    def reciprocity(self) -> float:
        """Return the share of follows that are followed back (0.0 for no edges).

        This is the usual directed-network reciprocity: the fraction of edges
        ``(a, b)`` for which ``(b, a)`` is also an edge.
        """
        if not self.edges:
            return 0.0
        following = self._following_lists()
        mutual = 0
        for follower, followee in self.edges:
            row = following[followee]
            index = bisect_left(row, follower)
            if index < len(row) and row[index] == follower:
                mutual += 1
        return mutual / len(self.edges)

    def degree_distribution(self, *, k_min: int = 1) -> DegreeDistribution:
        """Return in- and out-degree histograms with mean, max and a power-law fit.

        Args:
            k_min: Lower cut-off for the power-law fit (see :func:`fit_power_law`).

        Returns:
            The two distributions.

        Raises:
            ValidationError: ``k_min < 1``.
        """
        _checks.integer(k_min, "k_min", minimum=1)
        return DegreeDistribution(
            in_degree=_summarise(self.in_degrees, k_min),
            out_degree=_summarise(self.out_degrees, k_min),
        )


def _trusted(n: int, following: list[list[int]]) -> FollowGraph:
    """Build a graph from per-node sorted, duplicate- and loop-free follow lists.

    Skips the constructor's sort-and-check pass, which the generators make
    unnecessary; the test suite checks that the result equals a constructed one.
    """
    rows = tuple(map(tuple, following))
    edges = tuple([(follower, followee) for follower, row in enumerate(rows) for followee in row])
    graph = object.__new__(FollowGraph)
    object.__setattr__(graph, "n", n)
    object.__setattr__(graph, "edges", edges)
    object.__setattr__(graph, "_following", rows)
    object.__setattr__(graph, "_followers", None)
    return graph


def _from_codes(n: int, codes: Iterable[int]) -> FollowGraph:
    """Build a graph from distinct edge codes ``follower * n + followee`` (no loops)."""
    following: list[list[int]] = [[] for _ in range(n)]
    for code in sorted(codes):
        follower, followee = divmod(code, n)
        following[follower].append(followee)
    return _trusted(n, following)
