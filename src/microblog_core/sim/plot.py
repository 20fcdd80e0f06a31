"""Charts of a run (PNG, SVG or PDF), drawn with matplotlib (the optional ``plot`` extra).

matplotlib is imported only when a chart is drawn, with the non-interactive
``Agg`` backend; without it, every function here raises :class:`ImportError`
saying how to install it (``pip install "microblog-core[plot]"``).

* :func:`plot_degree_distribution` -- followers and followees per account as
  CCDFs, with the fitted power-law tail and its minimum degree.
* :func:`plot_cascade_sizes` -- cascade sizes as a CCDF.
* :func:`plot_engagement` -- posts, replies, reposts, likes and follows per
  hour, as steps over the whole run.
* :func:`plot_exposure` -- Lorenz curves of impressions per author and the
  exposure Gini and in-network share of each feed of a comparison.
* :func:`plot_polarization` -- stance variance, bimodality and cross-cutting
  exposure over time, one line per feed (runs with a stance agent).
* :func:`write_plots` -- the first three for one run.

Every chart labels both axes, keeps its legend off the data, and names the
run (accounts, hours, feed, seed) under its title; :class:`ChartStyle` picks
the format and resolution. The files carry no creation date, so the same
run gives the same bytes.
"""

from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.sim.report import SimulationMetrics

__all__ = [
    "PLOT_FORMATS",
    "ChartStyle",
    "plot_calibration",
    "plot_cascade_sizes",
    "plot_degree_distribution",
    "plot_engagement",
    "plot_exposure",
    "plot_polarization",
    "run_details",
    "write_plots",
]

PLOT_FORMATS = ("png", "svg", "pdf")
"""The file formats a chart can be written in."""

_DPI = 100


@frozen
class ChartStyle:
    """How charts are written: file format, resolution and the run's details.

    Attributes:
        format: ``"png"`` (default), ``"svg"`` or ``"pdf"``.
        dpi: Dots per inch for PNG (and raster parts of the others), 50 to 1200.
        details: A line naming the run (accounts, hours, feed, seed), printed
            under each chart's title; see :func:`run_details`.
    """

    format: str = field(default="png")
    dpi: int = field(default=_DPI)
    details: str | None = None

    def __attrs_post_init__(self) -> None:
        if self.format not in PLOT_FORMATS:
            raise ValidationError(
                f"unknown chart format {self.format!r}; use png, svg or pdf",
                field="format",
                value=self.format,
            )
        _checks.limit(self.dpi, "dpi", 1200)
        if self.dpi < 50:
            raise ValidationError(f"dpi must be from 50 to 1200, got {self.dpi}", field="dpi")


def run_details(metrics: SimulationMetrics, hours: float | None = None) -> str:
    """Return ``"2,000 accounts · 24 h · feed chronological · seed 42"`` for a chart.

    Args:
        metrics: The run's metrics.
        hours: The simulated hours (default: the hours that saw engagement).
    """
    span = len(metrics.engagement.starts) if hours is None else hours
    return f"{metrics.accounts:,} accounts · {span:g} h · feed {metrics.feed} · seed {metrics.seed}"


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


def _figure(plt: Any, size: tuple[float, float], ncols: int = 1) -> tuple[Any, Any]:
    figure, axes = plt.subplots(1, ncols, figsize=size, layout="constrained")
    return figure, axes


def _titled(figure: Any, axes: Any, title: str, style: ChartStyle) -> None:
    axes.set_title(title)
    if style.details:
        figure.suptitle(style.details, fontsize="small", color="0.35")


def _legend_below(figure: Any, axes: Any) -> None:
    """Put the legend under the plot, so it never covers the data."""
    handles, labels = axes.get_legend_handles_labels()
    if handles:
        figure.legend(
            handles, labels, loc="outside lower center", ncols=min(len(labels), 2), fontsize="small"
        )


def _plain_log_ticks(axes: Any) -> None:
    """A log x axis with ticks written 2, 5, 10, 20, not 2 × 10⁰."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    axes.xaxis.set_major_locator(LogLocator(base=10, subs=(1.0, 2.0, 5.0)))
    axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
    axes.xaxis.set_minor_formatter(NullFormatter())


def _save(figure: Any, path: str | Path, style: ChartStyle) -> Path:
    target = Path(path)
    if target.suffix.lstrip(".").lower() not in PLOT_FORMATS:
        target = target.with_suffix(f".{style.format}")
    target.parent.mkdir(parents=True, exist_ok=True)
    # No creation date or software version: the same chart gives the same bytes.
    metadata: dict[str, Any] = {
        "png": {"Software": None},
        "svg": {"Date": None, "Creator": None},
        "pdf": {"CreationDate": None, "Creator": None, "Producer": None},
    }[target.suffix.lstrip(".").lower()]
    import matplotlib.pyplot as plt

    with plt.rc_context({"svg.hashsalt": "microblog_core"}):  # stable SVG ids
        figure.savefig(target, dpi=style.dpi, metadata=metadata)

    plt.close(figure)
    return target


def _ccdf(values: Sequence[int]) -> tuple[list[int], list[float]]:
    """The points of ``P(X >= x)`` at each distinct value, for a step plot."""
    counts = sorted(Counter(values).items())
    total = sum(c for _, c in counts)
    xs, ys, above = [], [], total
    for value, count in counts:
        xs.append(value)
        ys.append(above / total)
        above -= count
    return xs, ys


def plot_degree_distribution(
    metrics: SimulationMetrics, path: str | Path, *, style: ChartStyle | None = None
) -> Path:
    """Draw the followers and following of each account as CCDFs, with the fitted tail.

    Each curve is ``P(degree >= k)`` on log-log axes (accounts with degree 0
    left out). The fitted discrete power law of the follower tail is drawn
    from its minimum degree ``k_min`` as a dashed line, labelled with its
    exponent and ``k_min``.

    Args:
        metrics: The run's metrics.
        path: The file to write (its suffix, else ``style.format``, picks the format).
        style: Format, resolution and run details.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    style = style or ChartStyle()
    plt = _pyplot()
    figure, axes = _figure(plt, (6.4, 4.8))
    for label, summary in (
        ("followers (in-degree)", metrics.degree.in_degree),
        ("following (out-degree)", metrics.degree.out_degree),
    ):
        degrees = [k for k, c in summary.histogram if k > 0 for _ in range(c)]
        if degrees:
            xs, ys = _ccdf(degrees)
            axes.step(xs, ys, where="post", label=label)
    fit = metrics.degree.in_degree.power_law
    followers = [k for k, c in metrics.degree.in_degree.histogram if k > 0 for _ in range(c)]
    if fit.exponent is not None and followers:
        share = sum(1 for k in followers if k >= fit.k_min) / len(followers)
        top = max(followers)
        ks = [fit.k_min * (top / fit.k_min) ** (i / 50) for i in range(51)]
        axes.plot(
            ks,
            [share * (k / fit.k_min) ** (1 - fit.exponent) for k in ks],
            linestyle="--",
            color="black",
            linewidth=1,
            label=f"power law, exponent {fit.exponent:.2f} from k_min = {fit.k_min}",
        )
    axes.set_xscale("log")
    axes.set_yscale("log")
    _plain_log_ticks(axes)
    _titled(figure, axes, "Degree distribution", style)
    axes.set_xlabel("degree k (accounts followed or following)")
    axes.set_ylabel("share of accounts with degree ≥ k")
    _legend_below(figure, axes)
    return _save(figure, path, style)


def plot_cascade_sizes(
    sizes: Sequence[int], path: str | Path, *, style: ChartStyle | None = None
) -> Path:
    """Draw the repost cascade sizes as a CCDF, ``P(size >= s)`` on log-log axes.

    A CCDF needs no binning, so it still reads with a handful of cascades;
    each cascade is a marker on the step curve, and the count is in the title.

    Args:
        sizes: The size of every cascade (an original and its reposts; size 1
            cascades, never reposted, are left out).
        path: The file to write.
        style: Format, resolution and run details.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    style = style or ChartStyle()
    plt = _pyplot()
    figure, axes = _figure(plt, (6.4, 4.8))
    reposted = [s for s in sizes if s >= 2]
    if reposted:
        xs, ys = _ccdf(reposted)
        axes.step(xs, ys, where="post", marker="o", markersize=4)
        axes.set_xscale("log")
        axes.set_yscale("log")
        _plain_log_ticks(axes)
    else:
        axes.text(0.5, 0.5, "nothing was reposted", ha="center", va="center")
    _titled(figure, axes, f"Repost cascade sizes ({len(reposted):,} cascades)", style)
    axes.set_xlabel("cascade size s (posts, the original included)")
    axes.set_ylabel("share of cascades with size ≥ s")
    return _save(figure, path, style)


def plot_engagement(
    metrics: SimulationMetrics,
    path: str | Path,
    *,
    hours: float | None = None,
    style: ChartStyle | None = None,
) -> Path:
    """Draw posts, replies, reposts, likes and follows per time bucket, as steps.

    Args:
        metrics: The run's metrics.
        path: The file to write.
        hours: The run's length, so the x axis spans the whole run (default:
            from the first to the last bucket with engagement).
        style: Format, resolution and run details.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    style = style or ChartStyle()
    plt = _pyplot()
    series = metrics.engagement
    figure, axes = _figure(plt, (7.2, 4.8))
    width = series.bucket.total_seconds() / 3600
    if series.starts:
        origin = series.starts[0]
        edges = [(start - origin).total_seconds() / 3600 for start in series.starts]
        edges.append(edges[-1] + width)
        for kind in series.kinds:
            counts = list(series.series(kind))
            axes.stairs(counts, edges, label=kind, linewidth=1.5)
    span = hours if hours is not None else (len(series.starts) * width or 1.0)
    axes.set_xlim(0, span)
    axes.set_ylim(bottom=0)
    _titled(figure, axes, "Engagement over the run", style)
    axes.set_xlabel("hours since the start")
    axes.set_ylabel(f"events per {series.bucket.total_seconds() / 60:g} minutes")
    _legend_below(figure, axes)
    return _save(figure, path, style)


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
    *,
    style: ChartStyle | None = None,
) -> Path:
    """Draw each feed's Lorenz curve of impressions per author, and a bar chart.

    The left panel plots, for each feed, the share of all impressions that
    the least-seen accounts received (the diagonal is perfect equality; the
    Gini coefficient is twice the area between the diagonal and the curve).
    The right panel shows each feed's exposure Gini over authors and its
    in-network share.

    Args:
        metrics: Each feed's metrics, e.g. ``Comparison.metrics``.
        path: The file to write.
        style: Format, resolution and run details.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    style = style or ChartStyle()
    plt = _pyplot()
    figure, (left, right) = _figure(plt, (10, 4.8), ncols=2)
    left.plot([0, 1], [0, 1], color="grey", linestyle=":", linewidth=1, label="equality")
    for feed, m in metrics.items():
        xs, ys = _lorenz(m.impressions_per_author)
        left.plot(xs, ys, label=f"{feed} (Gini {m.exposure_gini_authors:.2f})")
    _titled(figure, left, "Who gets seen: impressions per author", style)
    left.set_xlabel("share of accounts, least seen first")
    left.set_ylabel("share of impressions")
    left.legend(fontsize="small", loc="upper left")  # the area above the curves is empty
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
    right.set_ylim(0, 1.3)  # headroom for the legend above the bars
    right.set_title("Concentration and in-network share")
    right.set_xlabel("feed")
    right.set_ylabel("share (0 to 1)")
    right.legend(fontsize="small", loc="upper center", ncols=2)
    return _save(figure, path, style)


def plot_polarization(
    metrics: Mapping[str, SimulationMetrics],
    path: str | Path,
    *,
    style: ChartStyle | None = None,
) -> Path:
    """Draw polarization over time, one line per feed: variance, bimodality, cross-cutting.

    Args:
        metrics: Each feed's metrics, e.g. ``Comparison.metrics`` of runs with
            a stance agent (``agent="interest"``); feeds without stance
            measures are left out.
        path: The file to write.
        style: Format, resolution and run details.

    Returns:
        The path written.

    Raises:
        ValidationError: No feed has stance measures.
        ImportError: matplotlib is not installed.
    """
    series = {feed: m.stance for feed, m in metrics.items() if m.stance}
    if not series:
        raise ValidationError(
            "no run has stance measures: use an agent with stances (agent='interest')",
            field="metrics",
            value=tuple(metrics),
        )
    style = style or ChartStyle()
    plt = _pyplot()
    figure, panels = _figure(plt, (13, 4.6), ncols=3)
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
        _titled(figure, panel, title, style)
        panel.set_xlabel("hours since the start")
    panels[0].set_ylabel("variance of stances")
    panels[1].set_ylabel("bimodality coefficient")
    panels[2].set_ylabel("share of exposures across the axis")
    _legend_below(figure, panels[1])
    return _save(figure, path, style)


def plot_calibration(
    calibration: Any,
    path: str | Path,
    *,
    cascades: Sequence[Any],
    real: Sequence[Any] | None = None,
    style: ChartStyle | None = None,
) -> Path:
    """Draw a calibration: cascade-size CCDFs, and structural virality against size.

    Args:
        calibration: A :class:`~microblog_core.sim.calibrate.Calibration`.
        path: The file to write.
        cascades: The simulated cascades (size-1 cascades included).
        real: Real cascades, drawn beside them when given.
        style: Format, resolution and run details.

    Returns:
        The path written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    from microblog_core.sim.calibrate import BRANCHING_SIZE

    style = style or ChartStyle()
    plt = _pyplot()
    figure, (left, right) = _figure(plt, (11, 4.8), ncols=2)
    sets = [("simulated", cascades)] + ([("real", real)] if real else [])
    branching = 0
    for label, group in sets:
        sizes = [c.size for c in group]
        xs, ys = _ccdf(sizes)
        left.step(xs, ys, where="post", label=f"{label} ({len(sizes):,} originals)")
        big = [(c.size, c.structural_virality) for c in group if c.size >= BRANCHING_SIZE]
        if big:
            right.scatter([s for s, _ in big], [v for _, v in big], s=10, alpha=0.6, label=label)
            branching += len(big)
    if branching:
        right.set_xscale("log")
        _plain_log_ticks(right)
    else:
        right.text(
            0.5,
            0.5,
            f"no cascade of {BRANCHING_SIZE} or more",
            ha="center",
            va="center",
            transform=right.transAxes,
        )
    share = calibration.run.share_size_one
    left.axhline(1 - 0.95, color="grey", linestyle=":", linewidth=1)
    left.annotate("5% reposted (Goel et al.)", (1, 0.05), fontsize="small", color="0.35")
    left.set_xscale("log")
    left.set_yscale("log")
    _plain_log_ticks(left)
    _titled(figure, left, f"Cascade sizes ({100 * share:.1f}% never reposted)", style)
    left.set_xlabel("cascade size s (posts, the original included)")
    left.set_ylabel("share of cascades with size ≥ s")
    right.set_title(f"Structural virality of cascades of {BRANCHING_SIZE}+")
    right.set_xlabel("cascade size (posts)")
    right.set_ylabel("structural virality")
    _legend_below(figure, left)
    return _save(figure, path, style)


def write_plots(
    metrics: SimulationMetrics,
    folder: str | Path,
    *,
    hours: float | None = None,
    style: ChartStyle | None = None,
) -> tuple[Path, ...]:
    """Write the degree, cascade-size and engagement charts of one run into ``folder``.

    Args:
        metrics: The run's metrics.
        folder: Where to write ``degree_distribution``, ``cascade_sizes`` and
            ``engagement``, with the style's suffix (``.png`` by default).
        hours: The run's length (for the engagement chart's axis and the details).
        style: Format and resolution; the run details default to :func:`run_details`.

    Returns:
        The paths written.

    Raises:
        ImportError: matplotlib is not installed.
    """
    out = Path(folder)
    _pyplot()  # fail before writing anything
    style = style or ChartStyle()
    if style.details is None:
        style = ChartStyle(format=style.format, dpi=style.dpi, details=run_details(metrics, hours))
    suffix = f".{style.format}"
    return (
        plot_degree_distribution(metrics, out / f"degree_distribution{suffix}", style=style),
        plot_cascade_sizes(metrics.cascade_sizes, out / f"cascade_sizes{suffix}", style=style),
        plot_engagement(metrics, out / f"engagement{suffix}", hours=hours, style=style),
    )
