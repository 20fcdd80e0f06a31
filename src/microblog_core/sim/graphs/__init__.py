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

Degree statistics: :meth:`FollowGraph.degree_distribution` and
:func:`fit_power_law` (a discrete maximum-likelihood power-law fit).

Every name is importable from here; the code sits in one private module per
concept: the graph value, the generators, edge lists (loading, and export to
networkx) and the degree fit.

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

from microblog_core.sim.graphs._degree_fit import GOODNESS_SAMPLES as GOODNESS_SAMPLES
from microblog_core.sim.graphs._degree_fit import (
    DegreeDistribution,
    DegreeSummary,
    LikelihoodRatio,
    PowerLawFit,
    PowerLawTest,
    fit_power_law,
    fit_power_law_csn,
)
from microblog_core.sim.graphs._edge_lists import (
    LoadedGraph,
    from_edge_pairs,
    read_edge_list,
    to_networkx,
)

# ``Edge`` and ``OnInvalid``, type aliases outside ``__all__``, stay importable here.
from microblog_core.sim.graphs._edge_lists import OnInvalid as OnInvalid
from microblog_core.sim.graphs._generators import (
    barabasi_albert,
    configuration_model,
    directed_scale_free,
    holme_kim,
)
from microblog_core.sim.graphs._graph import Edge as Edge
from microblog_core.sim.graphs._graph import FollowGraph

__all__ = [
    "DegreeDistribution",
    "DegreeSummary",
    "FollowGraph",
    "LikelihoodRatio",
    "LoadedGraph",
    "PowerLawFit",
    "PowerLawTest",
    "barabasi_albert",
    "configuration_model",
    "directed_scale_free",
    "fit_power_law",
    "fit_power_law_csn",
    "from_edge_pairs",
    "holme_kim",
    "read_edge_list",
    "to_networkx",
]
