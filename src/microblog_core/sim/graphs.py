"""Seeded follower graphs for simulations, in pure Python.

Every generator takes its size and parameters plus a keyword-only
``rng: random.Random``. Nothing reads global random state and nothing has a
seed-less default, so the same seed gives the same graph, byte for byte.

Nodes are the ints ``0 .. n - 1``. A graph is **directed**: the edge
``(a, b)`` means *a follows b*, so a node's in-degree is its follower count
and its out-degree the number of accounts it follows. Results never contain a
self-loop (nobody follows themselves) or a duplicate edge.

Generators:

* :func:`barabasi_albert` -- preferential attachment (Barabási & Albert 1999).
* :func:`holme_kim` -- preferential attachment with triad formation
  (Holme & Kim 2002): the same degree tail, plus clustering.
* :func:`directed_scale_free` -- the directed model of Bollobás, Borgs,
  Chayes & Riordan (2003), with separate in- and out-degree tails.
* :func:`configuration_model` -- a random graph with given in- and
  out-degree sequences (erased configuration model).
* :func:`from_edge_pairs` and :func:`read_edge_list` -- load real data.

Example:
    >>> import random
    >>> from microblog_core.sim.graphs import barabasi_albert
    >>> graph = barabasi_albert(6, 2, rng=random.Random(7))
    >>> graph.n, graph.edge_count
    (6, 8)
    >>> graph.following_of(5)  # node 5 joined last and followed two older nodes
    (0, 3)
    >>> all(a > b for a, b in graph.edges)  # newcomers follow older accounts
    True
"""

import math
import os
import random
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TextIO

import attrs

from microblog_core.errors import NotFoundError, ValidationError

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "DegreeDistribution",
    "DegreeSummary",
    "FollowGraph",
    "LoadedGraph",
    "PowerLawFit",
    "barabasi_albert",
    "configuration_model",
    "directed_scale_free",
    "fit_power_law",
    "from_edge_pairs",
    "holme_kim",
    "read_edge_list",
    "to_networkx",
]

Edge = tuple[int, int]
OnInvalid = Literal["drop", "raise"]


# --------------------------------------------------------------------------- validation


def _check_int(name: str, value: object, *, minimum: int, hint: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(
            f"{name} must be an int, got {type(value).__name__} {value!r}", field=name, value=value
        )
    if value < minimum:
        extra = f" ({hint})" if hint else ""
        raise ValidationError(
            f"{name} must be at least {minimum}, got {value}{extra}", field=name, value=value
        )
    return value


def _check_probability(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"{name} must be a probability (a float in [0, 1]), got {type(value).__name__}",
            field=name,
            value=value,
        )
    if not 0.0 <= value <= 1.0:  # also refuses NaN
        raise ValidationError(
            f"{name} must be a probability in [0, 1], got {value!r}", field=name, value=value
        )
    return float(value)


def _check_nonnegative_float(name: str, value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationError(
            f"{name} must be a non-negative number, got {type(value).__name__}",
            field=name,
            value=value,
        )
    if not (value >= 0.0 and math.isfinite(value)):
        raise ValidationError(
            f"{name} must be a finite number >= 0, got {value!r}", field=name, value=value
        )
    return float(value)


def _check_rng(rng: object) -> random.Random:
    if not isinstance(rng, random.Random):
        raise ValidationError(
            "rng must be a random.Random instance, e.g. rng=random.Random(42); "
            f"got {type(rng).__name__} (graphs never use global random state)",
            field="rng",
            value=rng,
        )
    return rng


def _check_m_below_n(n: object, m: object) -> tuple[int, int]:
    n_ = _check_int("n", n, minimum=1)
    m_ = _check_int("m", m, minimum=1, hint="each new node makes at least one follow")
    if m_ >= n_:
        raise ValidationError(
            f"m must be smaller than n (each newcomer follows m distinct older nodes); "
            f"got m={m_}, n={n_}: use n >= {m_ + 1} or m <= {n_ - 1}",
            field="m",
            value=m_,
        )
    return n_, m_


# --------------------------------------------------------------------------- power law


# Bernoulli numbers B2, B4, ... B12 for the Euler-Maclaurin tail of the zeta sum.
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730)


def _log_hurwitz_zeta(s: float, q: int) -> float:
    """Return ``ln ζ(s, q) = ln Σ_{k>=0} (k + q)^-s`` for ``s > 1`` and ``q >= 1``.

    The first terms are summed directly and the rest by Euler-Maclaurin, all
    scaled by ``q^s`` so that nothing underflows for large ``s``.
    """
    start = q + 10 + 2 * math.ceil(s)  # far enough out for the series to converge fast
    log_q = math.log(q)
    total = 0.0
    for x in range(q, start):
        total += math.exp(s * (log_q - math.log(x)))
    big_x = float(start)
    scale = math.exp(s * (log_q - math.log(big_x)))
    tail = big_x / (s - 1.0) + 0.5
    rising = s  # s (s + 1) ... (s + 2j - 2)
    factorial = 2.0  # (2j)!
    power = 1.0 / big_x  # X^(1 - 2j)
    for j, bernoulli in enumerate(_BERNOULLI, start=1):
        tail += bernoulli / factorial * rising * power
        rising *= (s + 2 * j - 1) * (s + 2 * j)
        factorial *= (2 * j + 1) * (2 * j + 2)
        power /= big_x * big_x
    return -s * log_q + math.log(total + scale * tail)


_ALPHA_FLOOR = 1.0 + 1e-9
_ALPHA_CEILING = 1024.0


@attrs.frozen
class PowerLawFit:
    """A discrete power-law fit ``P(k) = k^-exponent / ζ(exponent, k_min)`` for ``k >= k_min``.

    Attributes:
        k_min: The smallest value included in the fit (values below it are ignored).
        tail_size: How many values were ``>= k_min``.
        exponent: The maximum-likelihood exponent, or ``None`` when it does not
            exist (fewer than two values in the tail, or all of them equal to
            ``k_min``: the likelihood then grows without bound).
        stderr: The exponent's asymptotic standard error
            ``1 / sqrt(tail_size · d²/dα² ln ζ(α, k_min))``, or ``None``.
    """

    k_min: int
    tail_size: int
    exponent: float | None
    stderr: float | None


def fit_power_law(values: Iterable[int], *, k_min: int = 1) -> PowerLawFit:
    """Fit a discrete power law to ``values >= k_min`` by maximum likelihood.

    This is the discrete estimator of Clauset, Shalizi & Newman, "Power-law
    distributions in empirical data", SIAM Review 51(4), 2009, section 3.1:
    the exponent maximises ``L(α) = -n ln ζ(α, k_min) - α Σ ln k_i`` over the ``n``
    values ``k_i >= k_min``, where ``ζ`` is the Hurwitz zeta function. ``L`` is
    concave, so a golden-section search finds the maximum (to about 1e-9).
    The paper's closed-form approximation
    ``1 + n / Σ ln(k_i / (k_min - 1/2))`` agrees within about 1% for
    ``k_min >= 6``. ``k_min`` is given, not chosen: the paper picks it by
    minimising a Kolmogorov-Smirnov distance, which this function does not do.

    Args:
        values: Non-negative integers, such as degrees.
        k_min: The lower cut-off of the tail, at least 1.

    Returns:
        The fit; its ``exponent`` is ``None`` when no finite maximum exists.

    Raises:
        ValidationError: ``k_min < 1`` or a value is not a non-negative int.

    Example:
        >>> from microblog_core.sim.graphs import fit_power_law
        >>> fit = fit_power_law([1, 1, 1, 1, 2, 2, 3, 5, 9], k_min=1)
        >>> round(fit.exponent, 3), fit.tail_size
        (1.874, 9)
    """
    k_min = _check_int("k_min", k_min, minimum=1)
    tail_size = 0
    log_sum = 0.0
    above = False
    for value in values:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValidationError(
                f"power-law values must be non-negative ints, got {value!r}",
                field="values",
                value=value,
            )
        if value >= k_min:
            tail_size += 1
            log_sum += math.log(value)
            above = above or value > k_min
    if tail_size < 2 or not above:
        return PowerLawFit(k_min=k_min, tail_size=tail_size, exponent=None, stderr=None)
    mean_log = log_sum / tail_size

    def log_likelihood(alpha: float) -> float:  # per value
        return -alpha * mean_log - _log_hurwitz_zeta(alpha, k_min)

    low, high = _ALPHA_FLOOR, 2.0
    while log_likelihood(high + 1e-6) > log_likelihood(high):  # still rising: widen
        if high >= _ALPHA_CEILING:
            return PowerLawFit(k_min=k_min, tail_size=tail_size, exponent=None, stderr=None)
        low, high = high, high * 2.0
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    a, b = low, high
    c, d = b - ratio * (b - a), a + ratio * (b - a)
    fc, fd = log_likelihood(c), log_likelihood(d)
    while b - a > 1e-10:
        if fc >= fd:
            b, d, fd = d, c, fc
            c = b - ratio * (b - a)
            fc = log_likelihood(c)
        else:
            a, c, fc = c, d, fd
            d = a + ratio * (b - a)
            fd = log_likelihood(d)
    alpha = (a + b) / 2.0
    step = min(1e-4, (alpha - 1.0) / 2.0)
    curvature = (
        _log_hurwitz_zeta(alpha + step, k_min)
        - 2.0 * _log_hurwitz_zeta(alpha, k_min)
        + _log_hurwitz_zeta(alpha - step, k_min)
    ) / (step * step)
    stderr = 1.0 / math.sqrt(tail_size * curvature) if curvature > 0.0 else None
    return PowerLawFit(k_min=k_min, tail_size=tail_size, exponent=alpha, stderr=stderr)


@attrs.frozen
class DegreeSummary:
    """The distribution of one kind of degree (in or out) over all nodes.

    Attributes:
        histogram: ``(degree, count)`` pairs for every degree that occurs,
            ascending by degree; zero-degree nodes are included.
        mean: Mean degree over all ``n`` nodes (``edge_count / n``).
        max: The largest degree.
        power_law: A discrete power-law fit of the degrees ``>= k_min``
            (see :func:`fit_power_law`).
    """

    histogram: tuple[tuple[int, int], ...]
    mean: float
    max: int
    power_law: PowerLawFit

    def count(self, degree: int) -> int:
        """Return how many nodes have exactly ``degree``."""
        index = bisect_left(self.histogram, (degree, 0))
        if index < len(self.histogram) and self.histogram[index][0] == degree:
            return self.histogram[index][1]
        return 0


@attrs.frozen
class DegreeDistribution:
    """In- and out-degree distributions of a :class:`FollowGraph`.

    Attributes:
        in_degree: Followers per node.
        out_degree: Followees per node.
    """

    in_degree: DegreeSummary
    out_degree: DegreeSummary


def _summarise(degrees: Sequence[int], k_min: int) -> DegreeSummary:
    histogram = tuple(sorted(Counter(degrees).items()))
    n = len(degrees)
    return DegreeSummary(
        histogram=histogram,
        mean=sum(degrees) / n,
        max=max(degrees),
        power_law=fit_power_law(degrees, k_min=k_min),
    )


# --------------------------------------------------------------------------- the graph


def _canonical_edges(edges: Iterable[Sequence[int]]) -> tuple[Edge, ...]:
    pairs: list[Edge] = []
    for edge in edges:
        if isinstance(edge, str | bytes) or len(edge) != 2:
            raise ValidationError(
                f"each edge must be a (follower, followee) pair, got {edge!r}",
                field="edges",
                value=edge,
            )
        follower, followee = edge
        for node in (follower, followee):
            if isinstance(node, bool) or not isinstance(node, int):
                raise ValidationError(
                    f"edge {edge!r}: nodes must be ints, got {type(node).__name__}",
                    field="edges",
                    value=edge,
                )
        pairs.append((follower, followee))
    pairs.sort()
    return tuple(pairs)


def _check_n(_instance: object, _attribute: "attrs.Attribute[int]", value: int) -> None:
    _check_int("n", value, minimum=1, hint="a graph has at least one node")


@attrs.frozen(repr=False)
class FollowGraph:
    """A directed follower graph on the nodes ``0 .. n - 1``.

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
                        f"edge {edge!r}: nodes must be ints in [0, {n}) for n={n}",
                        field="edges",
                        value=edge,
                    )
            if follower == followee:
                raise ValidationError(
                    f"edge {edge!r} is a self-loop; nobody follows themselves",
                    field="edges",
                    value=edge,
                )
            if edge == previous:
                raise ValidationError(
                    f"edge {edge!r} appears twice; a follow is made at most once",
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
                f"no node {node!r} in a graph of n={self.n} (nodes are 0..{self.n - 1})",
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
        _check_int("k_min", k_min, minimum=1)
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


# --------------------------------------------------------------------------- generators


def barabasi_albert(n: int, m: int, *, rng: random.Random, reciprocity: float = 0.0) -> FollowGraph:
    """Grow a Barabási-Albert preferential-attachment follower graph.

    The undirected process (Barabási & Albert, "Emergence of scaling in
    random networks", Science 286, 1999), started as networkx's
    ``barabasi_albert_graph`` starts it: a star of ``m + 1`` nodes (nodes
    ``1 .. m`` joined to node ``0``); then each new node ``v = m + 1 .. n - 1``
    joins ``m`` distinct existing nodes, each drawn with probability
    proportional to its current (undirected) degree.

    Direction: every undirected edge becomes a follow **from the newer node to
    the older one** (star leaves follow the centre), so each newcomer follows
    ``m`` accounts and early accounts gather followers: in-degrees are
    scale-free (exponent about 3), out-degrees are all ``m`` (the centre: 0).
    Then, once the graph has grown, each follow ``(v, u)`` (the seed star's
    too) is followed back, ``u -> v``, with probability ``reciprocity``: one
    draw per follow in edge order, made only when ``reciprocity > 0``, so the
    one-way graph is the same whatever ``reciprocity`` is, and follow-backs
    never change the attachment weights. There are ``m·(n - m)`` follows
    before follow-backs.

    Args:
        n: Number of nodes, more than ``m``.
        m: Follows made by each newcomer, at least 1.
        rng: The source of randomness.
        reciprocity: Probability that a followed node follows back.

    Returns:
        The graph.

    Raises:
        ValidationError: ``n < 1``, ``m < 1``, ``m >= n``, ``reciprocity``
            outside ``[0, 1]`` or ``rng`` not a ``random.Random``.
    """
    n, m = _check_m_below_n(n, m)
    reciprocity = _check_probability("reciprocity", reciprocity)
    rnd = _check_rng(rng).random
    following: list[list[int]] = [[] for _ in range(n)]
    for leaf in range(1, m + 1):
        following[leaf].append(0)
    # Each node appears once per unit of degree: a uniform pick is a preferential one.
    weighted = [0] * m + list(range(1, m + 1))
    for source in range(m + 1, n):
        size = len(weighted)
        chosen: set[int] = set()
        while len(chosen) < m:
            chosen.add(weighted[int(rnd() * size)])
        targets = sorted(chosen)
        following[source] = targets
        weighted.extend(targets)
        weighted.extend([source] * m)
    if reciprocity > 0.0:
        _add_follow_backs(following, reciprocity, rnd)
    return _trusted(n, following)


def _add_follow_backs(
    following: list[list[int]], probability: float, rnd: Callable[[], float]
) -> None:
    """Let each followed node follow back with ``probability``, one draw per follow.

    Every follow here goes from a newer node to an older one, so a row holds
    only smaller ids; follow-backs (larger ids, found in ascending order) are
    appended after them and every row stays sorted. Drawing after growth
    keeps the one-way graph identical to the one ``probability = 0`` gives.
    """
    backs: list[list[int]] = [[] for _ in following]
    for follower, row in enumerate(following):
        for followee in row:
            if rnd() < probability:
                backs[followee].append(follower)
    for node, extra in enumerate(backs):
        if extra:
            following[node].extend(extra)


def holme_kim(
    n: int, m: int, p: float, *, rng: random.Random, reciprocity: float = 0.0
) -> FollowGraph:
    """Grow a Holme-Kim clustered preferential-attachment follower graph.

    Holme & Kim, "Growing scale-free networks with tunable clustering",
    Phys. Rev. E 65, 026107 (2002); networkx calls it
    ``powerlaw_cluster_graph``. Start from ``m`` unconnected nodes. Each new
    node ``v = m .. n - 1`` makes ``m`` distinct links: first a preferential
    attachment (PA) step to a node drawn in proportion to its degree, then
    ``m - 1`` more links, each one, with probability ``p``, a triad-formation
    step (a uniformly drawn neighbour of the node of the last PA step, not yet
    linked to ``v``) and otherwise a PA step. A triad step with no eligible
    neighbour falls back to a PA step. ``p = 0`` gives Barabási-Albert growth
    from an empty seed; larger ``p`` gives more triangles (clustering).

    Direction and follow-backs as in :func:`barabasi_albert`: each link is a
    follow from the newcomer to the older node; after growth, each follow is
    followed back with probability ``reciprocity``. There are ``m·(n - m)``
    follows before follow-backs.

    Args:
        n: Number of nodes, more than ``m``.
        m: Follows made by each newcomer, at least 1.
        p: Probability of a triad-formation step, in ``[0, 1]``.
        rng: The source of randomness.
        reciprocity: Probability that a followed node follows back.

    Returns:
        The graph.

    Raises:
        ValidationError: ``n < 1``, ``m < 1``, ``m >= n``, ``p`` or
            ``reciprocity`` outside ``[0, 1]``, or ``rng`` not a ``random.Random``.
    """
    n, m = _check_m_below_n(n, m)
    p = _check_probability("p", p)
    reciprocity = _check_probability("reciprocity", reciprocity)
    rnd = _check_rng(rng).random
    following: list[list[int]] = [[] for _ in range(n)]
    neighbours: list[list[int]] = [[] for _ in range(n)]
    weighted = list(range(m))  # the seed nodes, once each, as networkx does
    for source in range(m, n):
        size = len(weighted)
        chosen: list[int] = []
        chosen_set: set[int] = set()
        anchor = -1
        while len(chosen) < m:
            node = -1
            if anchor >= 0 and p > 0.0 and rnd() < p:
                node = _triad_partner(neighbours[anchor], chosen_set, rnd)
            if node < 0:  # a preferential step (or a triad step that found nobody)
                node = weighted[int(rnd() * size)]
                while node in chosen_set:
                    node = weighted[int(rnd() * size)]
                anchor = node
            chosen.append(node)
            chosen_set.add(node)
        targets = sorted(chosen)
        following[source] = targets
        neighbours[source] = targets[:]
        for target in targets:
            neighbours[target].append(source)
        weighted.extend(targets)
        weighted.extend([source] * m)
    if reciprocity > 0.0:
        _add_follow_backs(following, reciprocity, rnd)
    return _trusted(n, following)


def _triad_partner(candidates: list[int], taken: set[int], rnd: Callable[[], float]) -> int:
    """Draw a uniform member of ``candidates`` not in ``taken``, or -1 if there is none."""
    size = len(candidates)
    if size == 0:
        return -1
    for _ in range(8):  # hubs have far more neighbours than taken slots: rejection is quick
        node = candidates[int(rnd() * size)]
        if node not in taken:
            return node
    free = [node for node in candidates if node not in taken]
    if not free:
        return -1
    return free[int(rnd() * len(free))]


def directed_scale_free(
    n: int,
    *,
    rng: random.Random,
    alpha: float = 0.41,
    beta: float = 0.54,
    gamma: float = 0.05,
    delta_in: float = 0.2,
    delta_out: float = 0.0,
) -> FollowGraph:
    """Grow a directed scale-free follower graph (Bollobás-Borgs-Chayes-Riordan).

    Bollobás, Borgs, Chayes & Riordan, "Directed scale-free graphs", SODA
    2003, as networkx's ``scale_free_graph`` runs it (same defaults). Start
    from the cycle 0 → 1 → 2 → 0 and repeat until there are ``n`` nodes:

    * with probability ``alpha``, a new node follows an existing node ``w``;
    * with probability ``beta``, an existing node ``v`` follows an existing ``w``;
    * with probability ``gamma``, an existing node ``v`` follows a new node;

    where ``w`` is drawn with probability proportional to
    ``in_degree(w) + delta_in`` and ``v`` proportional to
    ``out_degree(v) + delta_out``. Followers (in-degree) and followees
    (out-degree) get separate power-law tails.

    The raw process makes a multigraph with self-loops (a ``beta`` step may
    pick ``v == w`` or repeat a follow). They are kept while the process runs,
    so the degree weights are exactly the paper's; the result then **drops
    self-loops and collapses duplicates** into one follow (no resampling), so
    it has ``n`` nodes and slightly fewer edges than steps taken, about
    ``(n - 3) / (alpha + gamma)``.

    Args:
        n: Number of nodes, at least 3 (the seed cycle).
        rng: The source of randomness.
        alpha: Probability of a new node following an existing one.
        beta: Probability of a follow between existing nodes.
        gamma: Probability of an existing node following a new one.
        delta_in: In-degree bias, ``>= 0``.
        delta_out: Out-degree bias, ``>= 0``.

    Returns:
        The graph.

    Raises:
        ValidationError: ``n < 3``; ``alpha``, ``beta`` or ``gamma`` outside
            ``[0, 1]``, not summing to 1, or ``alpha + gamma == 0`` (no node
            would ever be added); a negative delta; ``rng`` not a ``random.Random``.
    """
    n = _check_int("n", n, minimum=3, hint="the process starts from a 3-node cycle")
    alpha = _check_probability("alpha", alpha)
    beta = _check_probability("beta", beta)
    gamma = _check_probability("gamma", gamma)
    if abs(alpha + beta + gamma - 1.0) > 1e-9:
        raise ValidationError(
            f"alpha + beta + gamma must equal 1, got {alpha} + {beta} + {gamma} = "
            f"{alpha + beta + gamma}",
            field="alpha",
            value=(alpha, beta, gamma),
        )
    if alpha + gamma <= 0.0:
        raise ValidationError(
            "alpha + gamma must be > 0, or no node is ever added (beta=1 only adds edges)",
            field="alpha",
            value=(alpha, beta, gamma),
        )
    delta_in = _check_nonnegative_float("delta_in", delta_in)
    delta_out = _check_nonnegative_float("delta_out", delta_out)
    rnd = _check_rng(rng).random
    sources = [0, 1, 2]  # each edge's follower: picks weighted by out-degree
    targets = [1, 2, 0]  # each edge's followee: picks weighted by in-degree
    codes = {0 * n + 1, 1 * n + 2, 2 * n + 0}
    nodes = 3
    alpha_beta = alpha + beta

    def pick(weighted: list[int], delta: float) -> int:
        if delta > 0.0:
            bias = nodes * delta
            if rnd() * (bias + len(weighted)) < bias:
                return int(rnd() * nodes)
        return weighted[int(rnd() * len(weighted))]

    while nodes < n:
        draw = rnd()
        if draw < alpha:
            follower, followee = nodes, pick(targets, delta_in)
            nodes += 1
        elif draw < alpha_beta:
            follower, followee = pick(sources, delta_out), pick(targets, delta_in)
        else:
            follower, followee = pick(sources, delta_out), nodes
            nodes += 1
        sources.append(follower)
        targets.append(followee)
        if follower != followee:
            codes.add(follower * n + followee)
    return _from_codes(n, codes)


def _check_degrees(name: str, degrees: object) -> list[int]:
    if isinstance(degrees, str | bytes) or not isinstance(degrees, Iterable):
        raise ValidationError(
            f"{name} must be a sequence of non-negative ints", field=name, value=degrees
        )
    checked: list[int] = []
    for index, degree in enumerate(degrees):
        if isinstance(degree, bool) or not isinstance(degree, int) or degree < 0:
            raise ValidationError(
                f"{name}[{index}] must be a non-negative int, got {degree!r}",
                field=name,
                value=degree,
            )
        checked.append(degree)
    return checked


def configuration_model(
    in_degrees: Sequence[int], out_degrees: Sequence[int], *, rng: random.Random
) -> FollowGraph:
    """Wire a random follower graph with given in- and out-degrees (erased configuration model).

    Node ``v`` gets ``out_degrees[v]`` out-stubs and ``in_degrees[v]`` in-stubs
    (Newman, Strogatz & Watts, Phys. Rev. E 64, 026118, 2001). The in-stubs
    are shuffled with ``rng`` and matched in order with the out-stubs, which is
    a uniformly random matching. Then self-loops are removed and duplicate
    follows collapsed ("erased" model): the result's degrees can therefore be
    slightly **lower** than asked, for nodes that drew a self-loop or a
    repeated partner. For heavy-tailed sequences the loss concentrates on hubs.

    Args:
        in_degrees: Followers wanted per node.
        out_degrees: Followees wanted per node, same length.
        rng: The source of randomness.

    Returns:
        The graph on ``len(in_degrees)`` nodes.

    Raises:
        ValidationError: the sequences are empty, differ in length, hold a
            negative or non-int degree, or have different sums (every follow
            needs one out-stub and one in-stub).
    """
    ins = _check_degrees("in_degrees", in_degrees)
    outs = _check_degrees("out_degrees", out_degrees)
    shuffle = _check_rng(rng).shuffle
    if not ins or len(ins) != len(outs):
        raise ValidationError(
            "in_degrees and out_degrees must be non-empty and of the same length (one entry "
            f"per node); got lengths {len(ins)} and {len(outs)}",
            field="in_degrees",
            value=(len(ins), len(outs)),
        )
    if sum(ins) != sum(outs):
        raise ValidationError(
            f"sum(in_degrees) must equal sum(out_degrees): {sum(ins)} != {sum(outs)}",
            field="in_degrees",
            value=(sum(ins), sum(outs)),
        )
    n = len(ins)
    out_stubs: list[int] = []
    in_stubs: list[int] = []
    for node in range(n):
        out_stubs.extend([node * n] * outs[node])
        in_stubs.extend([node] * ins[node])
    shuffle(in_stubs)
    codes = {
        base + followee
        for base, followee in zip(out_stubs, in_stubs, strict=True)
        if base != followee * n
    }
    return _from_codes(n, codes)


# --------------------------------------------------------------------------- loading


@attrs.frozen(repr=False)
class LoadedGraph:
    """A graph read from labelled edges, with its labels and what was dropped.

    Attributes:
        graph: The graph; node ``i`` is ``labels[i]``.
        labels: The original labels in order of first appearance.
        self_loops_dropped: Edges ``(x, x)`` left out.
        duplicates_dropped: Repeated edges left out (the first one is kept).
    """

    graph: FollowGraph
    labels: tuple[Hashable, ...]
    self_loops_dropped: int = 0
    duplicates_dropped: int = 0
    _index: dict[Hashable, int] | None = attrs.field(default=None, init=False, eq=False, hash=False)

    def node_of(self, label: Hashable) -> int:
        """Return the node number of ``label``.

        Raises:
            NotFoundError: the label did not occur.
        """
        index = self._index
        if index is None:
            index = {name: node for node, name in enumerate(self.labels)}
            object.__setattr__(self, "_index", index)
        try:
            return index[label]
        except KeyError:
            raise NotFoundError("label", label) from None

    def __repr__(self) -> str:
        return (
            f"LoadedGraph(graph={self.graph!r}, labels=<{len(self.labels)} labels>, "
            f"self_loops_dropped={self.self_loops_dropped}, "
            f"duplicates_dropped={self.duplicates_dropped})"
        )


class _EdgeCollector:
    """Maps labels to dense ints and gathers edges, dropping or refusing bad ones."""

    def __init__(self, on_invalid: str) -> None:
        if on_invalid not in {"drop", "raise"}:
            raise ValidationError(
                f"on_invalid must be 'drop' or 'raise', got {on_invalid!r}",
                field="on_invalid",
                value=on_invalid,
            )
        self.raise_on_invalid = on_invalid == "raise"
        self.index: dict[Hashable, int] = {}
        self.edges: list[Edge] = []
        self.seen: set[Edge] = set()
        self.self_loops = 0
        self.duplicates = 0

    def node(self, label: Hashable) -> int:
        index = self.index
        node = index.get(label)
        if node is None:
            node = index[label] = len(index)
        return node

    def add(self, follower: int, followee: int) -> str | None:
        """Record a follow between nodes; return why it was refused, if it was."""
        if follower == followee:
            if self.raise_on_invalid:
                return "self-loop"
            self.self_loops += 1
            return None
        edge = (follower, followee)
        seen = self.seen
        if edge in seen:
            if self.raise_on_invalid:
                return "duplicate edge"
            self.duplicates += 1
            return None
        seen.add(edge)
        self.edges.append(edge)
        return None

    @staticmethod
    def refusal(
        problem: str, where: str, follower: Hashable, followee: Hashable
    ) -> ValidationError:
        why = (
            "nobody follows themselves (pass on_invalid='drop' to skip such edges)"
            if problem == "self-loop"
            else "a follow is made once (pass on_invalid='drop' to keep only the first)"
        )
        return ValidationError(
            f"{where}: {problem} {follower!r} -> {followee!r}; {why}",
            field="edges",
            value=(follower, followee),
        )

    def result(self) -> LoadedGraph:
        n = len(self.index)
        if n == 0:
            raise ValidationError(
                "the edge list is empty: a graph needs at least one node",
                field="edges",
                value=None,
            )
        return LoadedGraph(
            graph=_from_codes(n, [a * n + b for a, b in self.edges]),
            labels=tuple(self.index),
            self_loops_dropped=self.self_loops,
            duplicates_dropped=self.duplicates,
        )


def from_edge_pairs(
    pairs: Iterable[tuple[Hashable, Hashable]], *, on_invalid: OnInvalid = "drop"
) -> LoadedGraph:
    """Build a graph from ``(follower, followee)`` pairs of arbitrary labels.

    Labels (ints, strings, any hashable) become the nodes ``0, 1, 2 ...`` in
    order of first appearance, reading each pair left to right; an int label
    is mapped like any other, so ``[(10, 20)]`` gives nodes 0 and 1 with
    ``labels == (10, 20)``. A label seen only in a dropped self-loop is still
    a node.

    Args:
        pairs: The follows.
        on_invalid: ``"drop"`` self-loops and repeated pairs, counting them,
            or ``"raise"`` on the first one.

    Returns:
        The graph with its labels and drop counts.

    Raises:
        ValidationError: an item is not a pair, there are no pairs, or (with
            ``on_invalid="raise"``) a self-loop or duplicate occurs.

    Example:
        >>> from microblog_core.sim.graphs import from_edge_pairs
        >>> loaded = from_edge_pairs([("ann", "bob"), ("bob", "ann"), ("ann", "bob")])
        >>> loaded.graph.edges, loaded.labels, loaded.duplicates_dropped
        (((0, 1), (1, 0)), ('ann', 'bob'), 1)
    """
    collector = _EdgeCollector(on_invalid)
    index = collector.index
    add = collector.add
    for position, pair in enumerate(pairs):
        if (
            len(pair) != 2
            if type(pair) is tuple
            else isinstance(pair, str | bytes) or not isinstance(pair, Sequence) or len(pair) != 2
        ):
            raise ValidationError(
                f"pair {position}: expected a (follower, followee) pair, got {pair!r}",
                field="pairs",
                value=pair,
            )
        follower, followee = pair
        a = index.get(follower)
        if a is None:
            a = index[follower] = len(index)
        b = index.get(followee)
        if b is None:
            b = index[followee] = len(index)
        problem = add(a, b)
        if problem:
            raise collector.refusal(problem, f"pair {position}", follower, followee)
    return collector.result()


def _label(token: str) -> int | str:
    body = token[1:] if token[:1] in {"-", "+"} else token
    if body.isascii() and body.isdigit():
        return int(token)
    return token


def read_edge_list(
    source: str | os.PathLike[str] | TextIO,
    *,
    on_invalid: OnInvalid = "drop",
    delimiter: str | None = None,
) -> LoadedGraph:
    r"""Read a graph from a text edge list: one ``follower followee`` pair per line.

    ``#`` starts a comment (whole line or trailing); blank lines are skipped.
    Fields are split on whitespace, or on ``delimiter`` (such as ``","``) when
    given, and stripped. A field made of ASCII digits (with an optional sign)
    is the int label it spells (so ``007`` and ``7`` are the same label);
    any other field is a string label. Labels become nodes in order of first
    appearance, as in :func:`from_edge_pairs` (SNAP-style files with ids
    ``0 .. n - 1`` listed in order keep their numbers).

    Args:
        source: A path, or an open text stream (read, not closed).
        on_invalid: ``"drop"`` self-loops and repeated edges, counting them,
            or ``"raise"`` on the first one.
        delimiter: Field separator; ``None`` splits on runs of whitespace.

    Returns:
        The graph with its labels and drop counts.

    Raises:
        ValidationError: a line does not have exactly two fields, the file has
            no edge, or (with ``on_invalid="raise"``) a self-loop or duplicate
            occurs; the message gives the line number.
        OSError: the path cannot be read.

    Example:
        >>> import io
        >>> from microblog_core.sim.graphs import read_edge_list
        >>> text = "# who follows whom\nalice bob\nbob carol  # mutual later\ncarol carol\n"
        >>> loaded = read_edge_list(io.StringIO(text))
        >>> loaded.graph.edges, loaded.self_loops_dropped
        (((0, 1), (1, 2)), 1)
    """
    collector = _EdgeCollector(on_invalid)
    if isinstance(source, str | os.PathLike):
        with Path(source).open(encoding="utf-8") as stream:
            _read_lines(stream, collector, delimiter)
    else:
        _read_lines(source, collector, delimiter)
    return collector.result()


def _read_lines(stream: Iterable[str], collector: _EdgeCollector, delimiter: str | None) -> None:
    nodes: dict[str, int] = {}  # token -> node: each distinct token is parsed once
    add = collector.add
    for number, raw in enumerate(stream, start=1):
        line = raw[: raw.index("#")] if "#" in raw else raw
        fields = line.split(delimiter)
        if delimiter is not None:
            if not line.strip():
                continue
            fields = [field.strip() for field in fields]
        elif not fields:
            continue
        if len(fields) != 2 or not fields[0] or not fields[1]:
            raise ValidationError(
                f"line {number}: expected two labels ('follower followee'), got {raw.rstrip()!r}",
                field="line",
                value=number,
            )
        first, second = fields
        follower = nodes.get(first)
        if follower is None:
            follower = nodes[first] = collector.node(_label(first))
        followee = nodes.get(second)
        if followee is None:
            followee = nodes[second] = collector.node(_label(second))
        problem = add(follower, followee)
        if problem:
            raise collector.refusal(problem, f"line {number}", _label(first), _label(second))


# --------------------------------------------------------------------------- export


def _networkx() -> Any:
    try:
        import networkx as nx
    except ImportError as error:
        raise ImportError(
            "to_networkx() needs the optional networkx package: "
            "pip install 'microblog-core[networkx]'"
        ) from error
    return nx


def to_networkx(graph: FollowGraph) -> "nx.DiGraph":
    """Export a follower graph as a ``networkx.DiGraph`` (edge ``a -> b``: a follows b).

    networkx is an optional dependency, imported only here.

    Args:
        graph: The graph; all ``n`` nodes are added, isolated ones too.

    Returns:
        A new ``networkx.DiGraph``.

    Raises:
        ImportError: networkx is not installed.
    """
    digraph = _networkx().DiGraph()
    digraph.add_nodes_from(range(graph.n))
    digraph.add_edges_from(graph.edges)
    return digraph
