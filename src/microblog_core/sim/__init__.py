"""Simulation toolkit: seeded feed simulations, follower graphs and their metrics.

* :mod:`microblog_core.sim.config` -- :class:`SimulationConfig`, the value that
  defines a run (seed included);
* :mod:`microblog_core.sim.engine` -- :func:`simulate`: agents acting through
  the :class:`~microblog_core.service.Microblog` service, with an impression log;
* :mod:`microblog_core.sim.results` -- :class:`SimulationResult`, what a run
  recorded, and its records (:class:`Impression`, :class:`PostRecord`);
* :mod:`microblog_core.sim.agent` -- the :class:`Agent` protocol: an
  :class:`Observation` in, typed actions out; the agents
  :class:`StochasticAgent` (the default), :class:`InterestAgent` (topics,
  stances, bounded confidence) and :class:`LLMAgent` (a language model);
* :mod:`microblog_core.sim.polarization` -- stance variance, bimodality,
  cross-cutting exposure, assortativity;
* :mod:`microblog_core.sim.bridging` -- the ``bridging`` feed;
* :mod:`microblog_core.sim.feeds` -- what agents read: :class:`FeedSource`
  and the :class:`FeedRegistry` of named feeds;
* :mod:`microblog_core.sim.report` -- :func:`summarise` and :func:`format_report`;
* :mod:`microblog_core.sim.compare` -- :func:`compare_feeds`: one seed, several feeds;
* :mod:`microblog_core.sim.export` -- JSON Lines / CSV exports and networkx graphs;
* :mod:`microblog_core.sim.plot` -- PNG charts (needs matplotlib);
* :mod:`microblog_core.sim.graphs` -- follower graphs;
* :mod:`microblog_core.sim.metrics` -- cascades, exposure, feeds, engagement.

Everything is pure Python with no global state: randomness comes from an
explicit ``random.Random``, time from a ``ManualClock``.
"""

import importlib
from typing import TYPE_CHECKING, Any, overload

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

    from microblog_core.sim.agent import Agent, Observation, PageItem, World
    from microblog_core.sim.bridging import BridgingFeed
    from microblog_core.sim.compare import Comparison, compare_feeds
    from microblog_core.sim.config import (
        ActivityConfig,
        BehaviourConfig,
        GraphConfig,
        InterestConfig,
        LLMConfig,
        SimulationConfig,
    )
    from microblog_core.sim.engine import Progress, memory_storage, simulate, sqlite_storage
    from microblog_core.sim.export import cascade_digraph, follow_digraph, write_exports
    from microblog_core.sim.feeds import (
        ChronologicalFeed,
        FeedRegistry,
        FeedSource,
        RankedFeed,
    )
    from microblog_core.sim.interest import InterestAgent
    from microblog_core.sim.llm import LLMAgent
    from microblog_core.sim.polarization import StanceSnapshot
    from microblog_core.sim.report import SimulationMetrics, format_report, summarise
    from microblog_core.sim.results import Impression, PostRecord, SimulationResult
    from microblog_core.sim.stochastic import StochasticAgent

# The engine and its companions import the service, timelines and ranking:
# load them on first use, so ``import microblog_core.sim.cli`` (and so the
# ``microblog`` command) stays quick.
_LAZY = {
    "ActivityConfig": "config",
    "BehaviourConfig": "config",
    "GraphConfig": "config",
    "InterestConfig": "config",
    "LLMConfig": "config",
    "SimulationConfig": "config",
    "Agent": "agent",
    "Observation": "agent",
    "PageItem": "agent",
    "World": "agent",
    "StochasticAgent": "stochastic",
    "InterestAgent": "interest",
    "LLMAgent": "llm",
    "BridgingFeed": "bridging",
    "StanceSnapshot": "polarization",
    "ChronologicalFeed": "feeds",
    "FeedRegistry": "feeds",
    "FeedSource": "feeds",
    "RankedFeed": "feeds",
    "Impression": "results",
    "PostRecord": "results",
    "Progress": "engine",
    "SimulationResult": "results",
    "memory_storage": "engine",
    "simulate": "engine",
    "sqlite_storage": "engine",
    "SimulationMetrics": "report",
    "format_report": "report",
    "summarise": "report",
    "Comparison": "compare",
    "compare_feeds": "compare",
    "cascade_digraph": "export",
    "follow_digraph": "export",
    "write_exports": "export",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "ActivityConfig",
    "Agent",
    "BehaviourConfig",
    "BridgingFeed",
    "Cascade",
    "ChronologicalFeed",
    "Comparison",
    "DegreeDistribution",
    "DegreeSummary",
    "EngagementSeries",
    "FeedRegistry",
    "FeedSource",
    "FollowGraph",
    "GraphConfig",
    "HasInNetwork",
    "Impression",
    "InterestAgent",
    "InterestConfig",
    "LLMAgent",
    "LLMConfig",
    "LoadedGraph",
    "Observation",
    "PageItem",
    "PostRecord",
    "PowerLawFit",
    "Progress",
    "RankedFeed",
    "SimulationConfig",
    "SimulationMetrics",
    "SimulationResult",
    "StanceSnapshot",
    "StochasticAgent",
    "World",
    "barabasi_albert",
    "cascade_digraph",
    "cascades_from",
    "compare_feeds",
    "configuration_model",
    "directed_scale_free",
    "engagement_over_time",
    "exposure_gini",
    "feed_diversity",
    "fit_power_law",
    "follow_digraph",
    "format_report",
    "from_edge_pairs",
    "gini",
    "holme_kim",
    "in_network_share",
    "memory_storage",
    "read_edge_list",
    "simulate",
    "sqlite_storage",
    "summarise",
    "to_networkx",
    "write_exports",
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
