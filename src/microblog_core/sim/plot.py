"""PNG charts of a run, drawn with matplotlib (the optional ``plot`` extra).

matplotlib is imported only when a chart is drawn, with the non-interactive
``Agg`` backend; without it, every function here raises :class:`ImportError`
saying how to install it (``pip install "microblog-core[plot]"``).

* :func:`plot_degree_distribution` -- followers and followees per account (log-log).
* :func:`plot_cascade_sizes` -- how many cascades reach each size (log-log).
* :func:`plot_engagement` -- posts, replies, reposts, likes and follows per hour.
* :func:`plot_exposure` -- Lorenz curves of impressions per author and the
  exposure Gini and in-network share of each feed of a comparison.
* :func:`plot_polarization` -- stance variance, bimodality and cross-cutting
  exposure over time, one line per feed (runs with a stance agent).
* :func:`write_plots` -- the first three for one run.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from microblog_core.sim.report import SimulationMetrics

__all__ = [
    "plot_cascade_sizes",
    "plot_degree_distribution",
    "plot_engagement",
    "plot_exposure",
    "plot_polarization",
    "write_plots",
]

_DPI = 100


def _pyplot() -> Any:
    try:
        import matplotlib as mpl
    except ImportError as error:
        raise ImportError(
            'charts need matplotlib, the optional "plot" extra: '
            "pip install 'microblog-core[plot]'"
        ) from error
    mpl.use("Agg", force=True)
    import matplotlib.pyplot as plt

    return plt


def _save(figure: Any, path: str | Path) -> Path:
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    # No "Software" metadata: the same chart gives the same PNG bytes.
    figure.savefig(target, dpi=_DPI, metadata={"Software": None})
    figure.clf()
    import matplotlib.pyplot as plt

    plt.close(figure)
    return target


def plot_degree_distribution(metrics: SimulationMetrics, path: str | Path) -> Path:
    """Draw followers and followees per account on log-log axes.

    Args:
        metrics: The run's metrics.
        path: The PNG to write.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6, 4))
    for label, summary, marker in (
        ("followers (in-degree)", metrics.degree.in_degree, "o"),
        ("following (out-degree)", metrics.degree.out_degree, "s"),
    ):
        points = [(k, c) for k, c in summary.histogram if k > 0]
        if points:
            axes.loglog(
                [k for k, _ in points],
                [c for _, c in points],
                marker,
                markersize=3,
                alpha=0.7,
                label=label,
            )
    fit = metrics.degree.in_degree.power_law
    if fit.exponent is not None:
        axes.set_title(f"Degree distribution (follower tail exponent {fit.exponent:.2f})")
    else:
        axes.set_title("Degree distribution")
    axes.set_xlabel("degree")
    axes.set_ylabel("accounts")
    axes.legend()
    return _save(figure, path)


def plot_cascade_sizes(sizes: Sequence[int], path: str | Path) -> Path:
    """Draw how many repost cascades reach each size, on log-log axes.

    Args:
        sizes: The size of every cascade (an original and its reposts; size 1
            cascades, never reposted, are left out).
        path: The PNG to write.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    plt = _pyplot()
    figure, axes = plt.subplots(figsize=(6, 4))
    counts = sorted(Counter(s for s in sizes if s >= 2).items())
    if counts:
        axes.loglog([s for s, _ in counts], [c for _, c in counts], "o", markersize=4)
    axes.set_title("Repost cascade sizes")
    axes.set_xlabel("cascade size (posts)")
    axes.set_ylabel("cascades")
    return _save(figure, path)


def plot_engagement(metrics: SimulationMetrics, path: str | Path) -> Path:
    """Draw posts, replies, reposts, likes and follows per time bucket.

    Args:
        metrics: The run's metrics.
        path: The PNG to write.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    plt = _pyplot()
    series = metrics.engagement
    figure, axes = plt.subplots(figsize=(7, 4))
    hours = [(start - series.starts[0]).total_seconds() / 3600 for start in series.starts]
    for kind in series.kinds:
        axes.plot(hours, series.series(kind), label=kind)
    axes.set_title("Engagement over time")
    axes.set_xlabel("hours since the start")
    axes.set_ylabel(f"per {series.bucket.total_seconds() / 60:g} minutes")
    if series.kinds:
        axes.legend()
    return _save(figure, path)


def _lorenz(values: Sequence[int]) -> tuple[list[float], list[float]]:
    ordered = sorted(values)
    total = sum(ordered) or 1
    n = len(ordered) or 1
    xs = [0.0]
    ys = [0.0]
    running = 0
    step = max(1, len(ordered) // 400)  # at most ~400 points per curve
    for index, value in enumerate(ordered, start=1):
        running += value
        if index % step == 0 or index == len(ordered):
            xs.append(index / n)
            ys.append(running / total)
    return xs, ys


def plot_exposure(
    metrics: Mapping[str, SimulationMetrics],
    path: str | Path,
) -> Path:
    """Draw each feed's Lorenz curve of impressions per author, and a bar chart.

    The left panel plots, for each feed, the share of all impressions that
    the least-seen accounts received (the diagonal is perfect equality; the
    Gini coefficient is twice the area between the diagonal and the curve).
    The right panel shows each feed's exposure Gini over authors and its
    in-network share.

    Args:
        metrics: Each feed's metrics, e.g. ``Comparison.metrics``.
        path: The PNG to write.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    plt = _pyplot()
    figure, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    left.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="equality")
    for feed, m in metrics.items():
        xs, ys = _lorenz(m.impressions_per_author)
        left.plot(xs, ys, label=f"{feed} (Gini {m.exposure_gini_authors:.2f})")
    left.set_title("Who gets seen: impressions per author")
    left.set_xlabel("share of accounts, least seen first")
    left.set_ylabel("share of impressions")
    left.legend(fontsize="small")
    feeds = list(metrics)
    positions = range(len(feeds))
    width = 0.38
    right.bar(
        [p - width / 2 for p in positions],
        [metrics[f].exposure_gini_authors for f in feeds],
        width,
        label="exposure Gini (authors)",
    )
    right.bar(
        [p + width / 2 for p in positions],
        [metrics[f].in_network_share for f in feeds],
        width,
        label="in-network share",
    )
    right.set_xticks(list(positions), feeds)
    right.set_ylim(0, 1.05)
    right.set_title("Concentration and in-network share")
    right.legend(fontsize="small", loc="lower right")
    return _save(figure, path)


def plot_polarization(metrics: Mapping[str, SimulationMetrics], path: str | Path) -> Path:
    """Draw polarization over time, one line per feed: variance, bimodality, cross-cutting.

    Args:
        metrics: Each feed's metrics, e.g. ``Comparison.metrics`` of runs with
            a stance agent (``agent="interest"``); feeds without stance
            measures are left out.
        path: The PNG to write.

    Returns:
        The path written.

    Raises:
        ValidationError: No feed has stance measures.
        ImportError: matplotlib is not installed.
    """
    series = {feed: m.stance for feed, m in metrics.items() if m.stance}
    if not series:
        from microblog_core.errors import ValidationError

        raise ValidationError(
            "no run has stance measures: use an agent with stances (agent='interest')",
            field="metrics",
            value=tuple(metrics),
        )
    plt = _pyplot()
    figure, panels = plt.subplots(1, 3, figsize=(13, 3.8))
    for feed, snapshots in series.items():
        start = snapshots[0].time
        hours = [(s.time - start).total_seconds() / 3600 for s in snapshots]
        panels[0].plot(hours, [s.variance for s in snapshots], label=feed)
        panels[1].plot(hours, [s.bimodality for s in snapshots], label=feed)
        later = [(h, s) for h, s in zip(hours, snapshots, strict=True) if s.exposures]
        panels[2].plot([h for h, _ in later], [s.cross_cutting_share for _, s in later], label=feed)
    panels[1].axhline(5 / 9, color="grey", linestyle=":", linewidth=1, label="5/9 (uniform)")
    for panel, title in zip(
        panels,
        ("Stance variance", "Bimodality coefficient", "Cross-cutting share of exposure"),
        strict=True,
    ):
        panel.set_title(title)
        panel.set_xlabel("simulated hours")
        panel.legend(fontsize="small")
    return _save(figure, path)


def write_plots(metrics: SimulationMetrics, folder: str | Path) -> tuple[Path, ...]:
    """Write the degree, cascade-size and engagement charts of one run into ``folder``.

    Args:
        metrics: The run's metrics.
        folder: Where to write ``degree_distribution.png``, ``cascade_sizes.png``
            and ``engagement.png``.

    Returns:
        The paths written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    out = Path(folder)
    _pyplot()  # fail before writing anything
    return (
        plot_degree_distribution(metrics, out / "degree_distribution.png"),
        plot_cascade_sizes(metrics.cascade_sizes, out / "cascade_sizes.png"),
        plot_engagement(metrics, out / "engagement.png"),
    )
