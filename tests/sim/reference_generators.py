"""The follower-graph generators as they were before they were made fast (issue 18).

Kept verbatim (argument checks and docstrings dropped; the result built by
the checking constructor) so that the tests can show the
fast generators give the same graphs, and leave ``rng`` in the same state,
for every seed and parameter.
"""

import random
from collections.abc import Callable

from microblog_core.sim.graphs import FollowGraph


def barabasi_albert(n: int, m: int, *, rng: random.Random, reciprocity: float = 0.0) -> FollowGraph:
    rnd = rng.random
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
    return FollowGraph(n=n, edges=[(a, b) for a, row in enumerate(following) for b in row])


def _add_follow_backs(
    following: list[list[int]], probability: float, rnd: Callable[[], float]
) -> None:
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
    rnd = rng.random
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
    return FollowGraph(n=n, edges=[(a, b) for a, row in enumerate(following) for b in row])


def _triad_partner(candidates: list[int], taken: set[int], rnd: Callable[[], float]) -> int:
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
    rnd = rng.random
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
    return FollowGraph(n=n, edges=[divmod(code, n) for code in codes])
