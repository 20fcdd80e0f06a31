"""Run one config under several rankers and put the measures side by side.

Each run starts from the same seed, so the follower graph and every
account's activity are the same in all of them; only the feed differs (and
with it, from the first read on, what the accounts see and do).

Example:
    >>> from microblog_core.sim import SimulationConfig, compare_feeds
    >>> config = SimulationConfig(accounts=80, hours=2, seed=11)
    >>> comparison = compare_feeds(config, ["chronological", "hot"])
    >>> comparison.feeds
    ('chronological', 'hot')
    >>> comparison.metrics["chronological"].accounts == comparison.metrics["hot"].accounts
    True
"""

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from attrs import field, frozen

from microblog_core.errors import ValidationError
from microblog_core.sim.agent import Agent
from microblog_core.sim.config import SimulationConfig
from microblog_core.sim.engine import BlogFactory, Progress, simulate
from microblog_core.sim.feeds import DEFAULT_FEEDS, FeedRegistry
from microblog_core.sim.report import SimulationMetrics, summarise
from microblog_core.sim.results import SimulationResult

__all__ = ["COMPARED", "STANCE_COMPARED", "Comparison", "compare_feeds"]

COMPARED: tuple[tuple[str, str, str], ...] = (
    ("impressions", "impressions", "d"),
    ("exposure_gini_authors", "exposure Gini, authors", "3f"),
    ("exposure_gini_posts", "exposure Gini, posts", "3f"),
    ("in_network_share", "in-network share", "%"),
    ("feed_diversity", "authors per page", "2f"),
    ("likes", "likes", "d"),
    ("reposts", "reposts", "d"),
    ("replies", "replies", "d"),
    ("cascades", "posts reposted", "d"),
    ("mean_cascade_size", "mean cascade size", "2f"),
    ("max_cascade_depth", "deepest cascade", "d"),
    ("mean_structural_virality", "structural virality", "2f"),
    ("refused_total", "refused actions", "d"),
)
"""The measures :meth:`Comparison.table` shows: (attribute, label, format)."""

STANCE_COMPARED: tuple[tuple[str, str, str], ...] = (
    ("stance_variance", "stance variance, end", "3f"),
    ("stance_bimodality", "bimodality, end", "3f"),
    ("cross_cutting_share", "cross-cutting exposure", "%"),
    ("stance_assortativity", "follow assortativity", "3f"),
)
"""The polarization measures the table adds when the runs' agent holds stances."""


def _freeze(value: Mapping[str, SimulationMetrics]) -> Mapping[str, SimulationMetrics]:
    return MappingProxyType(dict(value))


def _cell(value: float, fmt: str) -> str:
    if fmt == "d":
        return f"{round(value):,}"
    if fmt == "%":
        return f"{100 * value:.1f}%"
    return format(value, f".{fmt}")


@frozen
class Comparison:
    """The metrics of several runs of one config, one per feed.

    Attributes:
        config: The config the runs share (its ``ranker`` is that of the first run).
        metrics: Each feed's metrics, in the order the feeds were given.
    """

    config: SimulationConfig
    metrics: Mapping[str, SimulationMetrics] = field(converter=_freeze)

    @property
    def feeds(self) -> tuple[str, ...]:
        """The feeds compared, in order."""
        return tuple(self.metrics)

    def column(self, measure: str) -> dict[str, float]:
        """Return one measure for every feed, e.g. ``column("in_network_share")``.

        Raises:
            ValidationError: No such measure on :class:`SimulationMetrics`.
        """
        if not self.metrics:
            return {}
        first = next(iter(self.metrics.values()))
        value = getattr(first, measure, None)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValidationError(
                f"unknown measure {measure!r}; try one of "
                f"{', '.join(name for name, _, _ in COMPARED + STANCE_COMPARED)}",
                field="measure",
                value=measure,
            )
        return {feed: float(getattr(m, measure)) for feed, m in self.metrics.items()}

    @property
    def measures(self) -> tuple[tuple[str, str, str], ...]:
        """The rows of :meth:`table`: :data:`COMPARED`, and :data:`STANCE_COMPARED` with stances."""
        if any(m.stance for m in self.metrics.values()):
            return COMPARED + STANCE_COMPARED
        return COMPARED

    def table(self) -> str:
        """Return the measures side by side, one column per feed, as aligned text."""
        feeds = self.feeds
        measures = self.measures
        labels = [label for _, label, _ in measures]
        label_width = max(len(label) for label in labels)
        cells = [
            [_cell(getattr(self.metrics[feed], name), fmt) for feed in feeds]
            for name, _, fmt in measures
        ]
        widths = [max(len(feed), *(len(row[i]) for row in cells)) for i, feed in enumerate(feeds)]
        header = " " * label_width + "".join(
            f"  {feed:>{width}}" for feed, width in zip(feeds, widths, strict=True)
        )
        lines = [header]
        for label, row in zip(labels, cells, strict=True):
            lines.append(
                f"{label:<{label_width}}"
                + "".join(f"  {cell:>{width}}" for cell, width in zip(row, widths, strict=True))
            )
        return "\n".join(lines) + "\n"


def _named(progress: Callable[[str, Progress], None], name: str) -> Callable[[Progress], None]:
    def report(step: Progress) -> None:
        progress(name, step)

    return report


def compare_feeds(
    config: SimulationConfig,
    rankers: Iterable[str],
    *,
    storage: Callable[[str], BlogFactory] | None = None,
    feeds: FeedRegistry = DEFAULT_FEEDS,
    progress: Callable[[str, Progress], None] | None = None,
    on_result: Callable[[SimulationResult, SimulationMetrics], None] | None = None,
    top: int = 5,
    agent: Callable[[str], Agent] | None = None,
) -> Comparison:
    """Run ``config`` once per ranker (same seed) and collect the metrics.

    Args:
        config: The run to repeat; its ``ranker`` is replaced by each of ``rankers``.
        rankers: Feed names from ``feeds``, at least one, no repeats.
        storage: Given a ranker's name, returns the storage for its run
            (default: a fresh in-memory store each).
        feeds: Where the names are looked up.
        progress: Called with the ranker's name and each :class:`Progress`.
        on_result: Called with each finished run and its metrics (to export it,
            say) before the run's service is closed.
        top: How many largest cascades and most seen posts each metrics keeps.
        agent: Given a ranker's name, returns the agent for its run (default:
            the agent ``config.agent`` names, a fresh one each run).

    Returns:
        The comparison.

    Raises:
        ValidationError: No ranker, a repeated one, or an unknown one (checked
            before any run starts).
    """
    names = list(rankers)
    if not names:
        raise ValidationError(
            "compare_feeds() needs at least one ranker", field="rankers", value=names
        )
    if len(set(names)) != len(names):
        raise ValidationError(
            f"each ranker can be compared once, got {names}", field="rankers", value=names
        )
    for name in names:
        feeds.get(name)
    results: dict[str, SimulationMetrics] = {}
    for name in names:
        report = None if progress is None else _named(progress, name)
        run = simulate(
            config.evolve(ranker=name),
            storage=None if storage is None else storage(name),
            feeds=feeds,
            progress=report,
            agent=None if agent is None else agent(name),
        )
        try:
            metrics = summarise(run, top=top)
            if on_result is not None:
                on_result(run, metrics)
        finally:
            run.close()
        results[name] = metrics
    return Comparison(config=config.evolve(ranker=names[0]), metrics=results)
