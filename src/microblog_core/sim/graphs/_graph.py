"""The follower graph value: :class:`FollowGraph`, directed, on the nodes ``0 .. n - 1``.

The public names are re-exported by :mod:`microblog_core.sim.graphs`.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from itertools import accumulate, chain, islice, repeat
from operator import mod, sub

import attrs

from microblog_core import _checks
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.sim.graphs._degree_fit import DegreeDistribution, _summarise

Edge = tuple[int, int]

_INT32_MAX = 2**31 - 1


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


def _check_n(value: object) -> int:
    return _checks.integer(value, "n", minimum=1, hint="a graph has at least one node")


def _typecode(n: int) -> str:
    """The array type that holds the nodes ``0 .. n - 1``: 32-bit while they fit."""
    return "i" if n <= _INT32_MAX else "q"


def _degrees(offsets: array[int]) -> Iterator[int]:
    return map(sub, islice(offsets, 1, None), offsets)


@attrs.frozen(init=False, eq=False, repr=False)
class FollowGraph:
    """A directed follower graph on the nodes 0 to n - 1.

    An edge ``(a, b)`` means *a follows b*. ``edges`` is sorted (by follower,
    then followee), holds no self-loop and no duplicate, and two graphs are
    equal exactly when they have the same ``n`` and the same edge set.

    The graph is held column-wise, as compressed sparse rows (see
    :meth:`csr`): an ``array`` of row offsets and one of followees, about
    4 bytes per follow, so ten million follows take 40 MB rather than the
    gigabyte a tuple of pairs takes. ``edges`` builds that tuple on each
    access; large graphs read :meth:`edge_columns` or :meth:`csr` instead.
    The follower side (:meth:`followers_of`, ``in_degrees``) is built on
    first use and cached.

    The constructor sorts and checks the edges it is given; the generators in
    this module build already-clean graphs without that extra pass.

    Attributes:
        n: The number of nodes.

    Args:
        n: The number of nodes.
        edges: ``(follower, followee)`` pairs, in any order.

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

    n: int
    _offsets: array[int]
    _targets: array[int]
    _in_offsets: array[int] | None
    _sources: array[int] | None

    def __init__(self, n: int, edges: Iterable[Sequence[int]]) -> None:
        n = _check_n(n)
        pairs = _canonical_edges(edges)
        previous: Edge | None = None
        for edge in pairs:
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
        degrees = [0] * n
        for follower, _ in pairs:
            degrees[follower] += 1
        targets = array(_typecode(n), [followee for _, followee in pairs])
        self._set(n, array("q", accumulate(degrees, initial=0)), targets)

    def _set(self, n: int, offsets: array[int], targets: array[int]) -> None:
        object.__setattr__(self, "n", n)
        object.__setattr__(self, "_offsets", offsets)
        object.__setattr__(self, "_targets", targets)
        object.__setattr__(self, "_in_offsets", None)
        object.__setattr__(self, "_sources", None)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not FollowGraph:
            return NotImplemented
        assert isinstance(other, FollowGraph)  # for mypy  # noqa: S101
        return (
            self.n == other.n
            and self._offsets == other._offsets
            and self._targets == other._targets
        )

    def __hash__(self) -> int:
        return hash((self.n, self._offsets.tobytes(), self._targets.tobytes()))

    def __repr__(self) -> str:
        return f"FollowGraph(n={self.n}, edges=<{self.edge_count} edges>)"

    # ------------------------------------------------------------------ accessors

    @property
    def edge_count(self) -> int:
        """The number of follows."""
        return len(self._targets)

    @property
    def edges(self) -> tuple[Edge, ...]:
        """The ``(follower, followee)`` pairs, sorted; a new tuple on each access.

        A tuple of pairs costs about 100 bytes a follow: for large graphs,
        iterate :meth:`edge_columns` instead.
        """
        followers, followees = self.edge_columns()
        return tuple(zip(followers, followees, strict=True))

    def edge_columns(self) -> tuple[array[int], array[int]]:
        """Return the edges as two parallel columns: followers and followees.

        The same order as :attr:`edges` (by follower, then followee), as new
        ``array`` values (``numpy.frombuffer`` reads them without a copy).

        Example:
            >>> from microblog_core.sim.graphs import FollowGraph
            >>> followers, followees = FollowGraph(n=3, edges=[(2, 0), (0, 1)]).edge_columns()
            >>> followers.tolist(), followees.tolist()
            ([0, 2], [1, 0])
        """
        code = self._targets.typecode
        rows = map(repeat, range(self.n), _degrees(self._offsets))
        followers = array(code, chain.from_iterable(rows))
        return followers, array(code, self._targets)

    def csr(self) -> tuple[array[int], array[int]]:
        """Return the graph as compressed sparse rows: ``(offsets, followees)``.

        Node ``v`` follows ``followees[offsets[v]:offsets[v + 1]]``, ascending;
        ``offsets`` has ``n + 1`` entries. Both are copies (``array`` values).

        Example:
            >>> from microblog_core.sim.graphs import FollowGraph
            >>> offsets, followees = FollowGraph(n=3, edges=[(2, 0), (0, 1)]).csr()
            >>> offsets.tolist(), followees.tolist()
            ([0, 1, 1, 2], [1, 0])
        """
        return array("q", self._offsets), array(self._targets.typecode, self._targets)

    def _follower_rows(self) -> tuple[array[int], array[int]]:
        """The follower side as compressed sparse rows, built once (a counting sort)."""
        sources = self._sources
        in_offsets = self._in_offsets
        if sources is None or in_offsets is None:
            n = self.n
            counts = [0] * (n + 1)
            for followee in self._targets:
                counts[followee + 1] += 1
            in_offsets = array("q", accumulate(counts))
            slots = in_offsets.tolist()
            targets = self._targets
            sources = array(targets.typecode, bytes(len(targets) * targets.itemsize))
            followers, followees = self.edge_columns()
            for follower, followee in zip(followers, followees, strict=True):
                # Edges come by follower: each followee's followers come out ascending.
                sources[slots[followee]] = follower
                slots[followee] += 1
            object.__setattr__(self, "_in_offsets", in_offsets)
            object.__setattr__(self, "_sources", sources)
        return in_offsets, sources

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
        offsets = self._offsets
        return tuple(self._targets[offsets[node] : offsets[node + 1]])

    def followers_of(self, node: int) -> tuple[int, ...]:
        """Return the nodes that follow ``node``, ascending.

        Raises:
            NotFoundError: ``node`` is not in ``0 .. n - 1``.
        """
        self._check_node(node)
        offsets, sources = self._follower_rows()
        return tuple(sources[offsets[node] : offsets[node + 1]])

    def follows(self, follower: int, followee: int) -> bool:
        """Return whether ``follower`` follows ``followee`` (a binary search).

        Raises:
            NotFoundError: either node is not in ``0 .. n - 1``.
        """
        self._check_node(followee)
        self._check_node(follower)
        targets, offsets = self._targets, self._offsets
        end = offsets[follower + 1]
        index = bisect_left(targets, followee, offsets[follower], end)
        return index < end and targets[index] == followee

    @property
    def out_degrees(self) -> tuple[int, ...]:
        """The number of accounts each node follows, indexed by node."""
        return tuple(_degrees(self._offsets))

    @property
    def in_degrees(self) -> tuple[int, ...]:
        """The number of followers of each node, indexed by node."""
        return tuple(_degrees(self._follower_rows()[0]))

    def reciprocity(self) -> float:
        """Return the share of follows that are followed back (0.0 for no edges).

        This is the usual directed-network reciprocity: the fraction of edges
        ``(a, b)`` for which ``(b, a)`` is also an edge.
        """
        if not self._targets:
            return 0.0
        targets, offsets = self._targets, self._offsets
        mutual = 0
        for follower, followee in zip(*self.edge_columns(), strict=True):
            end = offsets[followee + 1]
            index = bisect_left(targets, follower, offsets[followee], end)
            if index < end and targets[index] == follower:
                mutual += 1
        return mutual / len(targets)

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
    graph = object.__new__(FollowGraph)
    graph._set(
        n,
        array("q", accumulate(map(len, following), initial=0)),
        array(_typecode(n), chain.from_iterable(following)),
    )
    return graph


def _from_codes(n: int, codes: Iterable[int]) -> FollowGraph:
    """Build a graph from distinct edge codes ``follower * n + followee`` (no loops)."""
    ordered = sorted(codes)
    graph = object.__new__(FollowGraph)
    # Node v's row starts at the first code >= v * n.
    starts = map(bisect_left, repeat(ordered), range(0, (n + 1) * n, n))
    graph._set(n, array("q", starts), array(_typecode(n), map(mod, ordered, repeat(n))))
    return graph


_ROWS_AT_ONCE = 1 << 15


def _from_pairs(n: int, sources: list[int], targets: list[int]) -> FollowGraph:
    """Build a graph from follower and followee columns, dropping self-loops and repeats.

    The follows are grouped by follower into one list per node (at C speed:
    no Python code runs per follow), then each row is made distinct,
    loop-free and ascending by ``set`` and ``sorted``, a block of rows at a
    time. The columns are lists, so the rows share their int objects. The
    caller should hand over its only references to the columns: they are let
    go once grouped.
    """
    rows: list[list[int]] = [[] for _ in range(n)]
    deque(map(list.append, map(rows.__getitem__, sources), targets), maxlen=0)
    del sources[:], targets[:]
    lengths = array("q")
    followees = array(_typecode(n))
    for low in range(0, n, _ROWS_AT_ONCE):
        high = min(n, low + _ROWS_AT_ONCE)
        distinct = list(map(set, rows[low:high]))
        rows[low:high] = repeat([], high - low)
        deque(map(set.discard, distinct, range(low, high)), maxlen=0)  # self-loops
        ordered = list(map(sorted, distinct))
        lengths.extend(map(len, ordered))
        followees.extend(chain.from_iterable(ordered))
    graph = object.__new__(FollowGraph)
    graph._set(n, array("q", accumulate(lengths, initial=0)), followees)
    return graph
