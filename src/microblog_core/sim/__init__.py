"""Simulation toolkit: seeded follower graphs and the metrics of a run.

:mod:`microblog_core.sim.graphs` generates and loads follower graphs;
:mod:`microblog_core.sim.metrics` measures cascades, exposure, feeds and
engagement. Both are pure Python with no global state: randomness comes from
an explicit ``random.Random``.
"""

from typing import TYPE_CHECKING, overload

from microblog_core.errors import ValidationError
from microblog_core.sim import graphs, metrics
from microblog_core.sim.graphs import (
    DegreeDistribution,
    DegreeSummary,
    FollowGraph,
    LoadedGraph,
    PowerLawFit,
    barabasi_albert,
    configuration_model,
    directed_scale_free,
    fit_power_law,
    from_edge_pairs,
    holme_kim,
    read_edge_list,
)
from microblog_core.sim.metrics import (
    Cascade,
    EngagementSeries,
    HasInNetwork,
    cascades_from,
    engagement_over_time,
    exposure_gini,
    feed_diversity,
    gini,
    in_network_share,
)

if TYPE_CHECKING:
    import networkx as nx

__all__ = [
    "Cascade",
    "DegreeDistribution",
    "DegreeSummary",
    "EngagementSeries",
    "FollowGraph",
    "HasInNetwork",
    "LoadedGraph",
    "PowerLawFit",
    "barabasi_albert",
    "cascades_from",
    "configuration_model",
    "directed_scale_free",
    "engagement_over_time",
    "exposure_gini",
    "feed_diversity",
    "fit_power_law",
    "from_edge_pairs",
    "gini",
    "holme_kim",
    "in_network_share",
    "read_edge_list",
    "to_networkx",
]


@overload
def to_networkx(value: FollowGraph) -> "nx.DiGraph": ...
@overload
def to_networkx(value: Cascade) -> "nx.DiGraph": ...
def to_networkx(value: FollowGraph | Cascade) -> "nx.DiGraph":
    """Export a follower graph or a cascade as a ``networkx.DiGraph``.

    Dispatches to :func:`microblog_core.sim.graphs.to_networkx` or
    :func:`microblog_core.sim.metrics.to_networkx`.

    Args:
        value: A :class:`FollowGraph` (edges follower -> followee) or a
            :class:`Cascade` (edges parent -> child).

    Returns:
        A new ``networkx.DiGraph``.

    Raises:
        ValidationError: ``value`` is neither.
        ImportError: networkx is not installed.
    """
    if isinstance(value, FollowGraph):
        return graphs.to_networkx(value)
    if isinstance(value, Cascade):
        return metrics.to_networkx(value)
    raise ValidationError(
        f"to_networkx() takes a FollowGraph or a Cascade, got {type(value).__name__}",
        field="value",
        value=value,
    )
