"""Run one config under several rankers and put the measures side by side.

Each run starts from the same seed, and the run's random streams
(:mod:`microblog_core.sim.streams`) keep apart the follower graph, every
account's activity, the session schedule, the agents' choices and the
content: the runs share the network and realise the same sessions, at the
same instants, by the same accounts. Only the feed differs (and with it, from
the first read on, what the accounts see and do): a paired comparison.

With ``seeds=N``, every feed runs on ``N`` seeds (through
:func:`microblog_core.sim.sweep.sweep`, the sweeps' seed loop), and the
result (:class:`SeededComparison`) gives each measure's mean and 95%
Student-t interval across seeds, and the paired difference between two feeds
(the same seeds for both) with its interval.

Example:
    >>> from microblog_core.sim import SimulationConfig, compare_feeds
    >>> config = SimulationConfig(accounts=80, hours=2, seed=11)
    >>> comparison = compare_feeds(config, ["chronological", "hot"])
    >>> comparison.feeds
    ('chronological', 'hot')
    >>> comparison.metrics["chronological"].accounts == comparison.metrics["hot"].accounts
    True
"""

from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Executor
from types import MappingProxyType
from typing import overload

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import MicroblogError, ValidationError
from microblog_core.sim.agent import Agent
from microblog_core.sim.config import SimulationConfig
from microblog_core.sim.engine import BlogFactory, Progress, simulate
from microblog_core.sim.feeds import DEFAULT_FEEDS, FeedRegistry
from microblog_core.sim.report import SimulationMetrics, summarise
from microblog_core.sim.results import SimulationResult
from microblog_core.sim.stats import Interval, mean_interval, paired_difference
from microblog_core.sim.sweep import grid, sweep

__all__ = ["COMPARED", "STANCE_COMPARED", "Comparison", "SeededComparison", "compare_feeds"]

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
                f"unknown measure {_checks.quote(measure)}; try one of "
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


def _runs(
    value: Mapping[str, Sequence[Mapping[str, float]]],
) -> Mapping[str, tuple[Mapping[str, float], ...]]:
    return MappingProxyType(
        {feed: tuple(MappingProxyType(dict(row)) for row in rows) for feed, rows in value.items()}
    )


# The sweep's scalar rows name ``refused_total`` ``refused``.
_ROW_NAMES = {"refused_total": "refused"}


@frozen
class SeededComparison:
    """The metrics of several feeds, each run on the same seeds: means, intervals, differences.

    Attributes:
        config: The config the runs share (its ``ranker`` is the first feed's,
            its ``seed`` the first seed).
        seeds: The seeds, in order; every feed ran on each of them.
        runs: For each feed, one row of scalar metrics per seed (in the order
            of ``seeds``; the names are :class:`SimulationMetrics` fields, and
            ``refused`` for all refused actions).
    """

    config: SimulationConfig
    seeds: tuple[int, ...]
    runs: Mapping[str, tuple[Mapping[str, float], ...]] = field(converter=_runs)

    @property
    def feeds(self) -> tuple[str, ...]:
        """The feeds compared, in order."""
        return tuple(self.runs)

    def values(self, feed: str, measure: str) -> tuple[float, ...]:
        """Return one feed's measure on each seed.

        Raises:
            ValidationError: An unknown feed or measure.
        """
        rows = self.runs.get(feed)
        if rows is None:
            raise ValidationError(
                f"no feed {_checks.quote(feed)} in this comparison; it has {', '.join(self.feeds)}",
                field="feed",
                value=feed,
            )
        name = _ROW_NAMES.get(measure, measure)
        if not rows or name not in rows[0]:
            raise ValidationError(
                f"unknown measure {_checks.quote(measure)}; try one of "
                f"{', '.join(name for name, _, _ in COMPARED)}",
                field="measure",
                value=measure,
            )
        return tuple(float(row[name]) for row in rows)

    def interval(self, feed: str, measure: str, *, level: float = 0.95) -> Interval:
        """Return a measure's mean across seeds with its Student-t interval.

        Raises:
            ValidationError: An unknown feed or measure, or a bad ``level``.
        """
        return mean_interval(self.values(feed, measure), level=level)

    def difference(
        self, feed: str, baseline: str, measure: str, *, level: float = 0.95
    ) -> Interval:
        """Return ``feed - baseline`` for a measure, paired by seed, with its interval.

        Both feeds ran on the same seeds, so the seed-to-seed variation they
        share cancels: an interval that excludes 0 is a difference the feed makes.

        Raises:
            ValidationError: An unknown feed or measure, or a bad ``level``.
        """
        return paired_difference(
            self.values(feed, measure), self.values(baseline, measure), level=level
        )

    def table(self, *, level: float = 0.95) -> str:
        """Return the measures as aligned text: mean [interval] per feed, then differences.

        The difference columns are each later feed minus the first, paired by seed.
        """
        feeds = self.feeds
        base = feeds[0]
        columns = [*feeds, *(f"{feed} - {base}" for feed in feeds[1:])]
        rows: list[tuple[str, list[str]]] = []
        for name, label, fmt in COMPARED:
            spec = _spec(fmt)
            scale = 100.0 if fmt == "%" else 1.0
            cells = [
                _cell_of(_scaled(self.interval(feed, name, level=level), scale), spec)
                for feed in feeds
            ]
            cells += [
                _cell_of(_scaled(self.difference(feed, base, name, level=level), scale), spec)
                for feed in feeds[1:]
            ]
            rows.append((label + (" (%)" if fmt == "%" else ""), cells))
        label_width = max(len(label) for label, _ in rows)
        widths = [
            max(len(column), *(len(cells[i]) for _, cells in rows))
            for i, column in enumerate(columns)
        ]
        lines = [
            f"{len(self.seeds)} seeds; mean [{round(100 * level)}% interval]",
            " " * label_width
            + "".join(f"  {c:>{w}}" for c, w in zip(columns, widths, strict=True)),
        ]
        for label, cells in rows:
            lines.append(
                f"{label:<{label_width}}"
                + "".join(f"  {c:>{w}}" for c, w in zip(cells, widths, strict=True))
            )
        return "\n".join(lines) + "\n"


def _spec(fmt: str) -> str:
    if fmt == "d":
        return ",.0f"
    if fmt == "%":
        return ".1f"
    return f".{fmt}"


def _number(value: float, spec: str) -> str:
    text = format(value, spec)
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text  # no "-0"


def _cell_of(interval: Interval, spec: str) -> str:
    if interval.n == 0:
        return "n/a"
    mean = _number(interval.mean, spec)
    if interval.n == 1:
        return mean
    return f"{mean} [{_number(interval.low, spec)}, {_number(interval.high, spec)}]"


def _scaled(interval: Interval, scale: float) -> Interval:
    if scale == 1.0:
        return interval
    return Interval(
        interval.mean * scale,
        interval.low * scale,
        interval.high * scale,
        interval.n,
        interval.level,
    )


def _named(progress: Callable[[str, Progress], None], name: str) -> Callable[[Progress], None]:
    def report(step: Progress) -> None:
        progress(name, step)

    return report


@overload
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
    seeds: None = None,
    workers: int | None = 1,
    executor: Executor | None = None,
) -> Comparison: ...


@overload
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
    seeds: int | Sequence[int],
    workers: int | None = 1,
    executor: Executor | None = None,
) -> SeededComparison: ...


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
    seeds: int | Sequence[int] | None = None,
    workers: int | None = 1,
    executor: Executor | None = None,
) -> Comparison | SeededComparison:
    """Run ``config`` once per ranker (same seed) and collect the metrics.

    With ``seeds``, run every ranker on each seed instead and return a
    :class:`SeededComparison` (means, intervals and paired differences).
    Those runs go through :func:`microblog_core.sim.sweep.sweep` as plain
    configs, so they use the default storage, feeds and agents, and
    ``storage``, ``feeds``, ``progress``, ``on_result``, ``top`` and
    ``agent`` must keep their defaults.

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
        seeds: How many seeds (``config.seed``, ``config.seed + 1``, ...) or
            which ones; ``None`` for the one run per feed of ``config.seed``.
        workers: Processes for the seeded runs (1: in this process; ``None``:
            one per CPU).
        executor: Where the seeded runs go instead (see
            :func:`microblog_core.sim.sweep.sweep`).

    Returns:
        A :class:`Comparison` of one seed, or a :class:`SeededComparison`
        with ``seeds``.

    Raises:
        ValidationError: No ranker, a repeated one, or an unknown one (checked
            before any run starts); no seeds; a per-run option with ``seeds``.
        MicroblogError: A seeded run failed (the message says which and why).
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
    if seeds is not None:
        custom = (storage, progress, on_result, agent)
        if any(option is not None for option in custom) or feeds is not DEFAULT_FEEDS or top != 5:
            raise ValidationError(
                "compare_feeds(seeds=...) runs plain configs: storage, feeds, progress, "
                "on_result, top and agent must keep their defaults",
                field="seeds",
                value=seeds,
            )
        return _seeded(config, names, seeds, workers=workers, executor=executor)
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


def _seeded(
    config: SimulationConfig,
    names: list[str],
    seeds: int | Sequence[int],
    *,
    workers: int | None,
    executor: Executor | None,
) -> SeededComparison:
    configs = grid(config, {"ranker": names}, seeds=seeds)
    result = sweep(configs, workers=workers, executor=executor)
    for row in result.failed:
        raise MicroblogError(
            f"the run of feed {row.params.get('ranker', names[0])} on seed {row.seed} "
            f"failed: {row.error}"
        )
    per_seed = len(configs) // len(names)
    runs = {
        name: [dict(row.metrics) for row in result.runs[i * per_seed : (i + 1) * per_seed]]
        for i, name in enumerate(names)
    }
    seed_list = tuple(c.seed for c in configs[:per_seed])
    return SeededComparison(
        config=config.evolve(ranker=names[0], seed=seed_list[0]), seeds=seed_list, runs=runs
    )
