"""Seeded random follower graphs: Barabási–Albert, Holme–Kim, directed scale-free, configuration.

The public names are re-exported by :mod:`microblog_core.sim.graphs`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from itertools import repeat

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.sim.graphs._graph import (
    FollowGraph,
    _from_codes,
    _from_pairs,
    _trusted,
)


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
    n_ = _checks.integer(n, "n", minimum=1)
    m_ = _checks.integer(m, "m", minimum=1, hint="each new node makes at least one follow")
    if m_ >= n_:
        raise ValidationError(
            f"m must be smaller than n (each newcomer follows m distinct older nodes); "
            f"got m={m_}, n={n_}: use n >= {m_ + 1} or m <= {n_ - 1}",
            field="m",
            value=m_,
        )
    return n_, m_


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
    reciprocity = _checks.probability(reciprocity, "reciprocity")
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
    p = _checks.probability(p, "p")
    reciprocity = _checks.probability(reciprocity, "reciprocity")
    rnd = _check_rng(rng).random
    following: list[list[int]] = [[] for _ in range(n)]
    neighbours: list[list[int]] = [[] for _ in range(n)]
    weighted = list(range(m))  # the seed nodes, once each, as networkx does
    triads = p > 0.0
    picks = range(m)
    for source in range(m, n):
        # The draws are those of one pick at a time with a _triad_partner call per
        # triad step (the tests keep that loop): its first try is made inline here.
        size = len(weighted)
        chosen: list[int] = []
        chosen_set: set[int] = set()
        anchor: list[int] | None = None  # the neighbours of the last preferential pick
        for _ in picks:
            node = -1
            if anchor is not None and triads and rnd() < p:
                count = len(anchor)
                if count:
                    node = anchor[int(rnd() * count)]
                    if node in chosen_set:
                        node = _triad_partner(anchor, chosen_set, rnd, tries=7)
            if node < 0:  # a preferential step (or a triad step that found nobody)
                node = weighted[int(rnd() * size)]
                while node in chosen_set:
                    node = weighted[int(rnd() * size)]
                anchor = neighbours[node]
            chosen.append(node)
            chosen_set.add(node)
        chosen.sort()
        following[source] = chosen
        neighbours[source] = chosen[:]
        for target in chosen:
            neighbours[target].append(source)
        weighted += chosen
        weighted += repeat(source, m)
    if reciprocity > 0.0:
        _add_follow_backs(following, reciprocity, rnd)
    del neighbours, weighted
    return _trusted(n, following)


def _triad_partner(
    candidates: list[int], taken: set[int], rnd: Callable[[], float], *, tries: int = 8
) -> int:
    """Draw a uniform member of ``candidates`` not in ``taken``, or -1 if there is none.

    Up to ``tries`` uniform draws are rejected while they land in ``taken``;
    then one draw among the members left.
    """
    size = len(candidates)
    if size == 0:
        return -1
    for _ in range(tries):  # hubs have far more neighbours than taken slots: rejection is quick
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
    it has ``n`` nodes and fewer edges than the ``(n - 3) / (alpha + gamma)``
    steps taken: the preferential choices keep landing on the same hubs, and
    at ``n = 20,000`` with the default parameters 12-13% of the steps are
    lost, as with networkx's ``scale_free_graph`` (whose multigraph keeps them
    as parallel edges). Count the edges of the result rather than assume them.

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
    n = _checks.integer(n, "n", minimum=3, hint="the process starts from a 3-node cycle")
    alpha = _checks.probability(alpha, "alpha")
    beta = _checks.probability(beta, "beta")
    gamma = _checks.probability(gamma, "gamma")
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
    delta_in = _checks.non_negative(delta_in, "delta_in")
    delta_out = _checks.non_negative(delta_out, "delta_out")
    sources, targets = _grow_directed(
        n,
        _check_rng(rng).random,
        alpha=alpha,
        alpha_beta=alpha + beta,
        delta_in=delta_in,
        delta_out=delta_out,
    )
    return _from_pairs(n, sources, targets)  # which empties the columns as it goes


def _grow_directed(
    n: int,
    rnd: Callable[[], float],
    *,
    alpha: float,
    alpha_beta: float,
    delta_in: float,
    delta_out: float,
) -> tuple[list[int], list[int]]:
    """Run the directed scale-free process until there are ``n`` nodes.

    Returns every step's follower and followee (the seed cycle first), self-loops
    and repeats included: the columns the preferential picks draw from.

    A pick weighted by ``in_degree + delta_in`` first tests ``rnd() * (bias +
    size) < bias`` with ``bias = nodes * delta_in`` (a uniform node, then
    drawn with a second ``rnd()``), else takes the followee of a uniformly
    drawn earlier step; with ``delta_in = 0`` the test, and its draw, are
    skipped. Out-picks likewise. The draws, and the arithmetic on them, are
    exactly those of the one-pick-at-a-time loop this replaced (the tests keep
    that loop and compare), so seeds keep their graphs; this one is flat: the
    columns are preallocated lists written in place (a pick copies a
    reference: the columns share one int object per node), ``size`` is the
    loop counter and each bias is recomputed only when a node arrives.
    """
    # About (n - 3) / (alpha + gamma) steps; grown by an eighth if the draws run long.
    capacity = int((n - 3) / max(1.0 - alpha_beta + alpha, 1.0 / 32.0) * 1.01) + 64
    sources = [0, 1, 2]
    targets = [1, 2, 0]
    sources += repeat(0, capacity)
    targets += repeat(0, capacity)
    capacity = len(sources)
    has_in = delta_in > 0.0
    has_out = delta_out > 0.0
    nodes = 3
    bias_in = nodes * delta_in
    bias_out = nodes * delta_out
    start = 3
    size = 2
    while nodes < n:
        for size in range(start, capacity):
            draw = rnd()
            if alpha <= draw < alpha_beta:  # an existing node follows an existing one
                if has_out and rnd() * (bias_out + size) < bias_out:
                    sources[size] = int(rnd() * nodes)
                else:
                    sources[size] = sources[int(rnd() * size)]
                if has_in and rnd() * (bias_in + size) < bias_in:
                    targets[size] = int(rnd() * nodes)
                else:
                    targets[size] = targets[int(rnd() * size)]
                continue
            if draw < alpha:  # a new node follows an existing one
                if has_in and rnd() * (bias_in + size) < bias_in:
                    targets[size] = int(rnd() * nodes)
                else:
                    targets[size] = targets[int(rnd() * size)]
                sources[size] = nodes
            else:  # an existing node follows a new one
                if has_out and rnd() * (bias_out + size) < bias_out:
                    sources[size] = int(rnd() * nodes)
                else:
                    sources[size] = sources[int(rnd() * size)]
                targets[size] = nodes
            nodes += 1
            if nodes == n:
                break
            bias_in = nodes * delta_in
            bias_out = nodes * delta_out
        else:
            start = capacity
            sources += repeat(0, capacity // 8 + 64)
            targets += repeat(0, capacity // 8 + 64)
            capacity = len(sources)
    del sources[size + 1 :], targets[size + 1 :]
    return sources, targets


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
    ins = _checks.non_negative_ints(in_degrees, "in_degrees")
    outs = _checks.non_negative_ints(out_degrees, "out_degrees")
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
