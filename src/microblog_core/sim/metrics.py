"""Measures of a simulation (or of real data): cascades, exposure, feeds, engagement.

All functions are pure and run in (near-)linear time, iteratively: a repost
cascade may be a chain 100,000 deep.

* :class:`Cascade` and :func:`cascades_from` -- repost trees from parent
  links: size, depth, max breadth and structural virality.
* :func:`gini` and :func:`exposure_gini` -- how concentrated impressions are.
* :func:`in_network_share` -- the fraction of impressions from followed accounts.
* :func:`feed_diversity` -- distinct authors per feed page.
* :func:`engagement_over_time` -- engagement counts per time bucket and kind.

Example:
    >>> from microblog_core.sim.metrics import cascades_from
    >>> records = [(1, None), (2, 1), (3, 1), (4, 2)]  # (post, reposted from)
    >>> (cascade,) = cascades_from(records)
    >>> cascade.size, cascade.depth, cascade.max_breadth
    (4, 2, 2)
    >>> cascade.structural_virality  # distances 1,1,2,2,1,3 over C(4,2)=6 pairs
    1.6666666666666667
"""

import math
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

import attrs

from microblog_core import _checks
from microblog_core.errors import NaiveDatetimeError, ValidationError
from microblog_core.sim.graphs import FollowGraph
from microblog_core.sim.graphs._edge_lists import _networkx

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Cascade",
    "EngagementSeries",
    "HasInNetwork",
    "cascades_from",
    "engagement_over_time",
    "exposure_gini",
    "feed_diversity",
    "gini",
    "in_network_share",
    "to_networkx",
]

MissingParents = Literal["raise", "as_root"]
T = TypeVar("T")


# --------------------------------------------------------------------------- cascades


def _check_node_id(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{what} must be an int, got {type(value).__name__} {_checks.quote(value)}",
            field="records",
            value=value,
        )
    return value


def _tree_stats(
    root: int, children: dict[int, list[int]]
) -> tuple[tuple[tuple[int, int], ...], tuple[int, ...], int]:
    """Walk a tree breadth first: canonical edges, nodes per depth, Wiener index.

    Children are visited in ascending id order, so the edge order depends only
    on the tree. Iterative: no recursion limit.
    """
    order = [root]
    parent_pos = [-1]  # position in ``order`` of each node's parent
    breadths = [1]
    depth_of = [0]
    edges: list[tuple[int, int]] = []
    position = 0
    while position < len(order):
        node = order[position]
        kids = children.get(node)
        if kids:
            depth = depth_of[position] + 1
            if depth == len(breadths):
                breadths.append(0)
            breadths[depth] += len(kids)
            for child in sorted(kids):
                order.append(child)
                parent_pos.append(position)
                depth_of.append(depth)
                edges.append((node, child))
        position += 1
    # Subtree sizes, leaves first; each edge above a subtree of s nodes lies on
    # s * (n - s) shortest paths, which sum to the Wiener index.
    n = len(order)
    sizes = [1] * n
    wiener = 0
    for index in range(n - 1, 0, -1):
        size = sizes[index]
        wiener += size * (n - size)
        sizes[parent_pos[index]] += size
    return tuple(edges), tuple(breadths), wiener


def _edge_pairs(edges: Iterable[Sequence[int]]) -> tuple[tuple[int, int], ...]:
    pairs: list[tuple[int, int]] = []
    for edge in edges:
        if isinstance(edge, str | bytes) or not isinstance(edge, Sequence) or len(edge) != 2:
            raise ValidationError(
                f"each cascade edge must be a (parent, child) pair, got {_checks.quote(edge)}",
                field="edges",
                value=edge,
            )
        pairs.append(
            (_check_node_id(edge[0], "a parent id"), _check_node_id(edge[1], "a child id"))
        )
    return tuple(pairs)


def _children_from_edges(root: int, edges: Iterable[tuple[int, int]]) -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    has_parent: set[int] = set()
    for edge in edges:
        parent, child = edge
        if child == root or child in has_parent:
            raise ValidationError(
                f"node {child} has more than one parent (or is the root {root}); "
                "a cascade is a tree",
                field="edges",
                value=edge,
            )
        has_parent.add(child)
        children.setdefault(parent, []).append(child)
    return children


@attrs.frozen(repr=False)
class Cascade:
    """A repost cascade: a tree of posts rooted at an original, edges parent -> child.

    Build one with :func:`cascades_from` from parent links, or directly from
    its root and edges (any order; they are checked and put in canonical
    breadth-first order, children by ascending id). Everything else is
    derived when the value is made, in time linear in its size.

    Attributes:
        root: The original post's id.
        edges: ``(parent, child)`` pairs, breadth first from the root.
        size: Number of nodes, the root included.
        breadths: Nodes at each depth; ``breadths[0] == 1`` (the root).
        wiener_index: The sum of tree distances over all unordered node pairs.

    ``depth``, ``max_breadth``, ``nodes`` and ``structural_virality`` are
    properties computed from these.

    Raises:
        ValidationError: an id is not an int, a node has two parents or is
            the root's child, or some edge is not connected to the root.
    """

    root: int = attrs.field()
    edges: tuple[tuple[int, int], ...] = attrs.field(default=(), converter=_edge_pairs)
    size: int = attrs.field(init=False, eq=False)
    breadths: tuple[int, ...] = attrs.field(init=False, eq=False)
    wiener_index: int = attrs.field(init=False, eq=False)

    def __attrs_post_init__(self) -> None:
        root = _check_node_id(self.root, "the root id")
        edges = self.edges
        children = _children_from_edges(root, edges)
        canonical, breadths, wiener = _tree_stats(root, children)
        if len(canonical) != len(edges):
            reached = {child for _, child in canonical}
            stray = sorted(child for _, child in edges if child not in reached)
            raise ValidationError(
                f"nodes {stray[:5]} are not connected to the root {root} "
                "(a cycle or a parent outside the cascade)",
                field="edges",
                value=stray[:5],
            )
        object.__setattr__(self, "edges", canonical)
        object.__setattr__(self, "size", len(canonical) + 1)
        object.__setattr__(self, "breadths", breadths)
        object.__setattr__(self, "wiener_index", wiener)

    @property
    def depth(self) -> int:
        """The largest distance from the root (0 for a lone root)."""
        return len(self.breadths) - 1

    @property
    def max_breadth(self) -> int:
        """The most nodes at any one depth (1 for a lone root)."""
        return max(self.breadths)

    @property
    def nodes(self) -> tuple[int, ...]:
        """Every node id, breadth first from the root."""
        return (self.root, *(child for _, child in self.edges))

    @property
    def structural_virality(self) -> float:
        """Mean shortest-path distance between two distinct nodes of the tree.

        Goel, Anderson, Hofman & Watts, "The structural virality of online
        diffusion", Management Science 62(1), 2016:
        ``ν = (1 / (n (n - 1))) Σ_i Σ_j d_ij``, which equals the Wiener index
        over ``C(n, 2)``, computed in O(n) as ``Σ_e s_e (n - s_e) / C(n, 2)``
        where ``s_e`` is the number of nodes below edge ``e``. A star of ``n``
        nodes scores ``2 (n - 1) / n`` (broadcast, below 2), a chain
        ``(n + 1) / 3`` (person to person); every tree lies between the two.
        A lone root scores 0.0.
        """
        n = self.size
        if n < 2:
            return 0.0
        return self.wiener_index / (n * (n - 1) // 2)

    def __repr__(self) -> str:
        return (
            f"Cascade(root={self.root}, size={self.size}, depth={self.depth}, "
            f"max_breadth={self.max_breadth}, "
            f"structural_virality={self.structural_virality:.4f})"
        )


def cascades_from(
    records: Iterable[tuple[int, int | None]], *, missing_parents: MissingParents = "raise"
) -> tuple[Cascade, ...]:
    """Group ``(node_id, parent_id)`` records into cascades, one per root.

    A record with ``parent_id=None`` is a root (an original post); any other
    record says which post the node was reposted from (its ``via``). Records
    may come in any order. A ``parent_id`` that no record defines is a
    *missing parent* (a deleted repost, or data cut at a time window): by
    default that is an error; with ``missing_parents="as_root"`` the orphan
    becomes the root of its own cascade, so every record lands in exactly one
    cascade.

    Args:
        records: ``(node_id, parent_id or None)`` pairs with int ids.
        missing_parents: ``"raise"`` or ``"as_root"``, see above.

    Returns:
        The cascades, largest first, ties by ascending root id.

    Raises:
        ValidationError: a record is not a pair of int ids, a node id occurs
            twice, a node is its own parent, the parent links form a cycle, or a
            parent is missing (with ``missing_parents="raise"``).

    Example:
        >>> from microblog_core.sim.metrics import cascades_from
        >>> records = [(5, 1), (1, None), (9, None), (6, 5)]
        >>> [(c.root, c.size, c.depth) for c in cascades_from(records)]
        [(1, 3, 2), (9, 1, 0)]
    """
    if missing_parents not in {"raise", "as_root"}:
        raise ValidationError(
            f"missing_parents must be 'raise' or 'as_root', got {_checks.quote(missing_parents)}",
            field="missing_parents",
            value=missing_parents,
        )
    parent_of: dict[int, int | None] = {}
    for record in records:
        if isinstance(record, str | bytes) or not isinstance(record, Sequence) or len(record) != 2:
            raise ValidationError(
                f"each record must be a (node_id, parent_id) pair, got {_checks.quote(record)}",
                field="records",
                value=record,
            )
        node = _check_node_id(record[0], "a node id")
        parent = record[1]
        if parent is not None:
            _check_node_id(parent, "a parent id (or None for a root)")
            if parent == node:
                raise ValidationError(
                    f"node {node} names itself as its parent", field="records", value=record
                )
        if node in parent_of:
            raise ValidationError(
                f"node {node} appears in two records; each node has one record",
                field="records",
                value=node,
            )
        parent_of[node] = parent
    roots: list[int] = []
    children: dict[int, list[int]] = {}
    missing: set[int] = set()
    for node, parent in parent_of.items():
        if parent is None:
            roots.append(node)
        elif parent in parent_of:
            children.setdefault(parent, []).append(node)
        elif missing_parents == "raise":
            missing.add(parent)
        else:
            roots.append(node)
    if missing:
        shown = sorted(missing)[:5]
        raise ValidationError(
            f"{len(missing)} parent id(s) have no record, e.g. {shown}; add their records "
            "or pass missing_parents='as_root' to make each orphan a root",
            field="records",
            value=shown,
        )
    cascades: list[Cascade] = []
    covered = 0
    for root in roots:
        edges, breadths, wiener = _tree_stats(root, children)
        cascade = object.__new__(Cascade)  # the walk above already checked the tree
        object.__setattr__(cascade, "root", root)
        object.__setattr__(cascade, "edges", edges)
        object.__setattr__(cascade, "size", len(edges) + 1)
        object.__setattr__(cascade, "breadths", breadths)
        object.__setattr__(cascade, "wiener_index", wiener)
        cascades.append(cascade)
        covered += len(edges) + 1
    if covered != len(parent_of):
        reached = {node for cascade in cascades for node in cascade.nodes}
        stray = sorted(node for node in parent_of if node not in reached)
        raise ValidationError(
            f"the parent links of nodes {stray[:5]} form a cycle that reaches no root",
            field="records",
            value=stray[:5],
        )
    cascades.sort(key=lambda cascade: (-cascade.size, cascade.root))
    return tuple(cascades)


def to_networkx(cascade: Cascade) -> "nx.DiGraph":
    """Export a cascade as a ``networkx.DiGraph`` with edges parent -> child.

    Args:
        cascade: The cascade.

    Returns:
        A new ``networkx.DiGraph``; a lone root is a single node.

    Raises:
        ImportError: networkx is not installed.
    """
    digraph = _networkx().DiGraph()
    digraph.add_node(cascade.root)
    digraph.add_edges_from(cascade.edges)
    return digraph


# --------------------------------------------------------------------------- exposure


def gini(values: Iterable[float]) -> float:
    """Return the Gini coefficient of non-negative amounts (0 = equal, near 1 = one has all).

    Sorted-values formula (e.g. Damgaard & Weiner, Ecology 81(4), 2000): with
    ``x_1 <= ... <= x_n``,
    ``G = 2 Σ_i i·x_i / (n Σ_i x_i) - (n + 1) / n``, in O(n log n).
    All-equal amounts give 0; one holder of everything gives ``(n - 1) / n``.
    Empty input and all-zero input give 0.0. Int inputs are summed exactly.

    Args:
        values: Non-negative amounts, such as impressions per author or per post.

    Returns:
        The coefficient, in ``[0, (n - 1) / n]``.

    Raises:
        ValidationError: a value is negative, not finite or not a number.

    Example:
        >>> from microblog_core.sim.metrics import gini
        >>> gini([5, 5, 5]), gini([0, 0, 0, 12])
        (0.0, 0.75)
    """
    amounts: list[float] = []
    exact = True
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(
                f"gini() takes numbers, got {type(value).__name__} {_checks.quote(value)}",
                field="values",
                value=value,
            )
        if not (value >= 0 and math.isfinite(value)):
            raise ValidationError(
                f"gini() takes finite non-negative amounts, got {_checks.quote(value)}",
                field="values",
                value=value,
            )
        exact = exact and isinstance(value, int)
        amounts.append(value)
    n = len(amounts)
    amounts.sort()
    if exact:
        total_int = sum(amounts)
        if total_int == 0:
            return 0.0
        ranked_int = sum(rank * amount for rank, amount in enumerate(amounts, start=1))
        # One exact division: (2·Σ i·x_i - (n + 1)·Σ x_i) / (n·Σ x_i).
        return (2 * ranked_int - (n + 1) * total_int) / (n * total_int)
    total = math.fsum(amounts)
    if total == 0.0:
        return 0.0
    ranked = math.fsum(rank * amount for rank, amount in enumerate(amounts, start=1))
    value = (2.0 * ranked - (n + 1) * total) / (n * total)
    return min(max(value, 0.0), (n - 1) / n)


def exposure_gini(keys: Iterable[Hashable], *, population: Iterable[Hashable] = ()) -> float:
    """Return the Gini coefficient of how often each key occurs.

    Pass one key per impression -- its author for concentration across
    authors, its post id for concentration across posts. Keys in
    ``population`` that never occur count as zero impressions (without them,
    only keys seen at least once are compared).

    Args:
        keys: One key per impression.
        population: Every key that could have been seen.

    Returns:
        The coefficient (see :func:`gini`).

    Example:
        >>> from microblog_core.sim.metrics import exposure_gini
        >>> exposure_gini(["a", "a", "a", "b"], population=["a", "b", "c", "d"])
        0.625
    """
    counts = Counter(keys)
    for key in population:
        counts.setdefault(key, 0)
    return gini(counts.values())


class HasInNetwork(Protocol):
    """An impression record that knows whether it came from a followed account."""

    @property
    def in_network(self) -> bool:
        """True when the viewer follows the author (or is the author)."""
        ...


def in_network_share(
    impressions: Iterable[T],
    *,
    key: Callable[[T], bool] | None = None,
    graph: FollowGraph | None = None,
) -> float:
    """Return the fraction of impressions that came from inside the viewer's network.

    Three ways to tell, by argument:

    * ``graph`` given: each impression is a ``(viewer, author)`` pair of
      nodes, in-network when ``graph.follows(viewer, author)`` or the viewer is
      the author (own posts count as in-network, as on a home timeline);
      the simulation engine flags each impression by this same rule, with
      the follows of the moment, and the run report calls this function on
      those flags (for a repost, the author is the reposter: the account
      the reader follows);
    * ``key`` given: ``key(impression)`` returns the flag;
    * neither: each impression is a ``bool`` or has an ``in_network``
      attribute (see :class:`HasInNetwork`).

    Args:
        impressions: The impressions.
        key: Optional flag function.
        graph: Optional follower graph for ``(viewer, author)`` pairs.

    Returns:
        The in-network fraction, 0.0 when there are no impressions.

    Raises:
        ValidationError: both ``key`` and ``graph`` are given, or an
            impression has no flag of the expected form.
        NotFoundError: with ``graph``, a node is not in the graph.

    Example:
        >>> from microblog_core.sim.metrics import in_network_share
        >>> in_network_share([True, False, True, True])
        0.75
    """
    if key is not None and graph is not None:
        raise ValidationError("pass key or graph, not both", field="key", value=(key, graph))
    total = 0
    inside = 0
    for impression in impressions:
        total += 1
        if graph is not None:
            if (
                isinstance(impression, str | bytes)
                or not isinstance(impression, Sequence)
                or len(impression) != 2
            ):
                raise ValidationError(
                    f"with graph=, each impression must be a (viewer, author) pair, "
                    f"got {_checks.quote(impression)}",
                    field="impressions",
                    value=impression,
                )
            viewer, author = impression
            flag = viewer == author or graph.follows(viewer, author)
        elif key is not None:
            flag = key(impression)
        elif isinstance(impression, bool):
            flag = impression
        else:
            flag = getattr(impression, "in_network", None)
        if not isinstance(flag, bool):
            raise ValidationError(
                "each impression must be a bool or have a bool in_network attribute "
                f"(or pass key= or graph=); got {_checks.quote(impression)}",
                field="impressions",
                value=impression,
            )
        inside += flag
    return inside / total if total else 0.0


# --------------------------------------------------------------------------- feeds


def feed_diversity(pages: Iterable[Iterable[Hashable]]) -> float:
    """Return the mean number of distinct authors per feed page shown.

    This is the one definition of "authors per page"; the run report
    (:func:`microblog_core.sim.report.summarise`) calls it on the pages of
    the impression log. An empty page (a session whose feed had nothing to
    show) is not a page shown and is left out: counting it as 0 authors
    would mix how varied the feed is with how often it is empty, which
    depends on activity, not on the ranker. For a repost, the author is the
    original post's author (whose voice the reader hears).

    Args:
        pages: Each page as the author ids of its items, in any order.

    Returns:
        The mean over non-empty pages, 0.0 when there are none.

    Example:
        >>> from microblog_core.sim.metrics import feed_diversity
        >>> feed_diversity([["a", "a", "b"], ["c", "c", "c"], []])
        1.5
    """
    count = 0
    distinct = 0
    for page in pages:
        if isinstance(page, str | bytes) or not isinstance(page, Iterable):
            raise ValidationError(
                f"each page must be a sequence of author ids, not {type(page).__name__}",
                field="pages",
                value=page,
            )
        authors = len(set(page))
        if authors:
            count += 1
            distinct += authors
    return distinct / count if count else 0.0


# --------------------------------------------------------------------------- engagement


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@attrs.frozen(repr=False)
class EngagementSeries:
    """Engagement counts per time bucket and kind.

    Attributes:
        bucket: The bucket width.
        kinds: The kinds seen, sorted.
        starts: Each bucket's start (UTC), consecutive, from the first event's
            bucket to the last one's, empty buckets included.
        counts: ``counts[i][j]`` events of ``kinds[j]`` in bucket ``i``.
    """

    bucket: timedelta
    kinds: tuple[str, ...]
    starts: tuple[datetime, ...]
    counts: tuple[tuple[int, ...], ...]

    def series(self, kind: str) -> tuple[int, ...]:
        """Return the counts of ``kind`` per bucket (all zeros for a kind never seen)."""
        if kind not in self.kinds:
            return (0,) * len(self.starts)
        column = self.kinds.index(kind)
        return tuple(row[column] for row in self.counts)

    def totals(self) -> dict[str, int]:
        """Return the total count of each kind."""
        return {kind: sum(self.series(kind)) for kind in self.kinds}

    def __repr__(self) -> str:
        return (
            f"EngagementSeries(bucket={self.bucket!r}, kinds={self.kinds!r}, "
            f"buckets={len(self.starts)})"
        )


def engagement_over_time(
    events: Iterable[tuple[datetime, str]],
    *,
    bucket: timedelta,
    origin: datetime = _EPOCH,
) -> EngagementSeries:
    """Count ``(timestamp, kind)`` events per time bucket and kind.

    Buckets are ``[origin + i·bucket, origin + (i + 1)·bucket)``; with the
    default origin (the Unix epoch) hourly buckets start on the hour. Every
    bucket from the first event's to the last event's is present, empty ones
    with zero counts, so the series plots without gaps. Arithmetic is exact
    (integer microseconds).

    Args:
        events: ``(timestamp, kind)`` pairs in any order; timestamps must be
            timezone-aware.
        bucket: The bucket width, positive.
        origin: Where bucket boundaries are anchored (aware).

    Returns:
        The series; no events give an empty series.

    Raises:
        ValidationError: ``bucket`` is not a positive timedelta, an event is
            not a ``(datetime, str)`` pair.
        NaiveDatetimeError: a timestamp or the origin has no time zone.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> from microblog_core.sim.metrics import engagement_over_time
        >>> t0 = datetime(2026, 1, 1, 9, 10, tzinfo=timezone.utc)
        >>> events = [(t0, "like"), (t0 + timedelta(hours=2), "repost"), (t0, "like")]
        >>> series = engagement_over_time(events, bucket=timedelta(hours=1))
        >>> series.kinds, series.series("like"), series.series("repost")
        (('like', 'repost'), (2, 0, 0), (0, 0, 1))
        >>> series.starts[0].isoformat()
        '2026-01-01T09:00:00+00:00'
    """
    if not isinstance(bucket, timedelta) or bucket <= timedelta(0):
        raise ValidationError(
            "bucket must be a positive timedelta, e.g. timedelta(hours=1); got "
            f"{_checks.quote(bucket)}",
            field="bucket",
            value=bucket,
        )
    if not isinstance(origin, datetime) or origin.utcoffset() is None:
        raise NaiveDatetimeError(field="origin", value=origin)
    tallies: Counter[tuple[int, str]] = Counter()
    for event in events:
        if isinstance(event, str | bytes) or not isinstance(event, Sequence) or len(event) != 2:
            raise ValidationError(
                f"each event must be a (timestamp, kind) pair, got {_checks.quote(event)}",
                field="events",
                value=event,
            )
        timestamp, kind = event
        if not isinstance(timestamp, datetime):
            raise ValidationError(
                f"event timestamps must be datetimes, got {_checks.quote(timestamp)}",
                field="events",
                value=event,
            )
        if timestamp.utcoffset() is None:
            raise NaiveDatetimeError(field="timestamp", value=timestamp)
        if not isinstance(kind, str):
            raise ValidationError(
                f"event kinds must be strings, got {_checks.quote(kind)}",
                field="events",
                value=event,
            )
        tallies[(timestamp - origin) // bucket, kind] += 1
    if not tallies:
        return EngagementSeries(bucket=bucket, kinds=(), starts=(), counts=())
    kinds = tuple(sorted({kind for _, kind in tallies}))
    first = min(index for index, _ in tallies)
    last = max(index for index, _ in tallies)
    base = origin.astimezone(UTC)
    starts = tuple(base + index * bucket for index in range(first, last + 1))
    counts = tuple(
        tuple(tallies.get((index, kind), 0) for kind in kinds) for index in range(first, last + 1)
    )
    return EngagementSeries(bucket=bucket, kinds=kinds, starts=starts, counts=counts)
