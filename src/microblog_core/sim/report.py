"""The measures of a finished run, and the report a person reads.

:func:`summarise` computes a :class:`SimulationMetrics` from a
:class:`~microblog_core.sim.results.SimulationResult` with
:mod:`microblog_core.sim.metrics`:

* **cascades** -- repost trees from parent links (a repost's ``via``, else its
  original): size, depth, max breadth and structural virality;
* **exposure concentration** -- the Gini coefficient of impressions per
  author (every account counts, those never shown too) and per post (every
  original and reply), where an impression of a repost counts for the
  original's author and post: who gets seen;
* **in-network share** -- the fraction of impressions whose item came from
  an account the viewer follows (or the viewer);
* **feed diversity** -- distinct authors per feed page;
* **engagement over time** -- posts, replies, reposts, likes and follows per hour;
* the **degree distribution** of the starting follower graph;
* with an agent that holds stances (``interest``), **polarization over
  time** (:mod:`microblog_core.sim.polarization`): stance variance, the
  bimodality coefficient, the share of cross-cutting exposure and the
  follow network's assortativity by stance, hourly.

:func:`format_report` renders them for a terminal.

Example:
    >>> from microblog_core.sim import SimulationConfig, simulate, summarise
    >>> metrics = summarise(simulate(SimulationConfig(accounts=80, hours=3, seed=3)))
    >>> 0.0 <= metrics.exposure_gini_authors <= 1.0, metrics.in_network_share
    (True, 1.0)
"""

import math
import textwrap
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import timedelta
from types import MappingProxyType
from typing import Any

import attrs
from attrs import field, frozen

from microblog_core.ids import PostId
from microblog_core.sim.graphs import DegreeDistribution, PowerLawTest, fit_power_law_csn
from microblog_core.sim.metrics import (
    Cascade,
    EngagementSeries,
    cascades_from,
    engagement_over_time,
    feed_diversity,
    gini,
    in_network_share,
)
from microblog_core.sim.polarization import StanceSnapshot
from microblog_core.sim.results import SimulationResult

__all__ = [
    "CascadeSummary",
    "SimulationMetrics",
    "TopPost",
    "count_of",
    "format_cascade_section",
    "format_report",
    "summarise",
]


@frozen
class CascadeSummary:
    """One repost cascade, for reports.

    Attributes:
        root_id: The original post.
        root_handle: Its author's handle.
        text: The original's text.
        size: Posts in the cascade, the original included.
        depth: The longest repost chain from the original.
        max_breadth: The most reposts at one depth.
        structural_virality: Mean distance between two posts of the tree
            (Goel et al. 2016): near 2 for a broadcast, larger for person-to-person spread.
    """

    root_id: PostId
    root_handle: str
    text: str
    size: int
    depth: int
    max_breadth: int
    structural_virality: float


@frozen
class TopPost:
    """One of the most seen posts.

    Attributes:
        post_id: The post.
        handle: Its author's handle.
        text: Its text.
        impressions: Times it was shown (its reposts' impressions included).
        likes: Likes it received.
        reposts: Times it was reposted.
        replies: Direct replies it received.
    """

    post_id: PostId
    handle: str
    text: str
    impressions: int
    likes: int
    reposts: int
    replies: int


def _frozen_mapping(value: Mapping[Any, int]) -> Mapping[Any, int]:
    return MappingProxyType(dict(value))


@frozen(kw_only=True)
class SimulationMetrics:
    """The measures of one run.

    Attributes:
        feed: The feed (ranker) the accounts read.
        seed: The run's seed.
        accounts: Accounts.
        follows_start: Follows in the starting graph that the service accepted.
        follows_end: Follows at the end.
        sessions: Sessions run.
        actions: Successful actions by kind.
        refused: Refused actions by ``"kind: reason"``.
        posts: Original posts made.
        replies: Replies made (repost comments posted as replies included).
        reposts: Reposts made.
        commented_reposts: Reposts that carry a comment (Weibo-style chains).
        likes: Likes given.
        impressions: Items shown.
        exposure_gini_authors: Gini of impressions per account, over all accounts
            (an account that never posted counts with 0 impressions).
        exposure_gini_posters: The same Gini over the accounts that made at
            least one original post or reply (0.0 when none did).
        exposure_gini_posts: Gini of impressions per original or reply.
        in_network_share: Share of impressions from followed accounts or the
            viewer's own posts (:func:`~microblog_core.sim.metrics.in_network_share`).
        feed_diversity: Mean distinct authors per non-empty feed page
            (:func:`~microblog_core.sim.metrics.feed_diversity`).
        cascades: Cascades with at least one repost.
        mean_cascade_size: Their mean size (0.0 when there are none).
        max_cascade_depth: The deepest cascade's depth.
        mean_structural_virality: Mean structural virality of cascades of
            size 3 or more (size 2 is always 1.0); 0.0 when there are none.
        largest_cascades: The largest cascades, largest first.
        top_posts: The most seen posts, most seen first.
        degree: The starting graph's in- and out-degree distributions, their
            power-law fits taken from the follower tail's ``k_min``.
        follower_tail: The Clauset-Shalizi-Newman analysis of the starting
            in-degrees (:func:`~microblog_core.sim.graphs.fit_power_law_csn`),
            or ``None`` when no fit exists.
        engagement: Posts, replies, reposts, likes and follows per hour.
        impressions_per_author: Impressions of each account's posts, by graph node.
        cascade_sizes: The size of every cascade with a repost, largest first.
        agent: The agent's name (``"stochastic"``, ``"interest"``, ``"llm"``...).
        stance: The stance measures over time (empty unless the agent holds stances).
    """

    feed: str
    seed: int
    accounts: int
    follows_start: int
    follows_end: int
    sessions: int
    actions: Mapping[str, int] = field(converter=_frozen_mapping)
    refused: Mapping[str, int] = field(converter=_frozen_mapping)
    posts: int
    replies: int
    reposts: int
    commented_reposts: int
    likes: int
    impressions: int
    exposure_gini_authors: float
    exposure_gini_posters: float
    exposure_gini_posts: float
    in_network_share: float
    feed_diversity: float
    cascades: int
    mean_cascade_size: float
    max_cascade_depth: int
    mean_structural_virality: float
    largest_cascades: tuple[CascadeSummary, ...]
    top_posts: tuple[TopPost, ...]
    degree: DegreeDistribution = field(eq=False, repr=False)
    engagement: EngagementSeries = field(eq=False, repr=False)
    impressions_per_author: tuple[int, ...] = field(eq=False, repr=False)
    cascade_sizes: tuple[int, ...] = field(eq=False, repr=False)
    agent: str = "stochastic"
    stance: tuple[StanceSnapshot, ...] = field(default=(), eq=False, repr=False)
    follower_tail: PowerLawTest | None = field(default=None, eq=False, repr=False)

    def _last(self) -> StanceSnapshot | None:
        return self.stance[-1] if self.stance else None

    @property
    def stance_variance(self) -> float:
        """The variance of stances at the end (0.0 without stances)."""
        last = self._last()
        return last.variance if last else 0.0

    @property
    def stance_bimodality(self) -> float:
        """The bimodality coefficient of stances at the end (0.0 without stances)."""
        last = self._last()
        return last.bimodality if last else 0.0

    @property
    def stance_assortativity(self) -> float:
        """The follow network's assortativity by stance at the end (0.0 without stances)."""
        last = self._last()
        return last.assortativity if last else 0.0

    @property
    def cross_cutting_share(self) -> float:
        """The share of all exposures to content with a stance that were cross-cutting."""
        exposures = sum(s.exposures for s in self.stance)
        return sum(s.cross_cutting for s in self.stance) / exposures if exposures else 0.0

    @property
    def actions_total(self) -> int:
        """Successful actions, feed reads included."""
        return sum(self.actions.values())

    @property
    def refused_total(self) -> int:
        """Actions the rules refused."""
        return sum(self.refused.values())

    def to_dict(self) -> dict[str, Any]:
        """Return the metrics as JSON-ready data (ids as strings, times ISO 8601)."""
        degree = self.degree
        data: dict[str, Any] = {
            "feed": self.feed,
            "seed": self.seed,
            "accounts": self.accounts,
            "follows_start": self.follows_start,
            "follows_end": self.follows_end,
            "sessions": self.sessions,
            "actions": dict(self.actions),
            "refused": dict(self.refused),
            "posts": self.posts,
            "replies": self.replies,
            "reposts": self.reposts,
            "commented_reposts": self.commented_reposts,
            "likes": self.likes,
            "impressions": self.impressions,
            "exposure_gini_authors": self.exposure_gini_authors,
            "exposure_gini_posters": self.exposure_gini_posters,
            "exposure_gini_posts": self.exposure_gini_posts,
            "in_network_share": self.in_network_share,
            "feed_diversity": self.feed_diversity,
            "cascades": self.cascades,
            "mean_cascade_size": self.mean_cascade_size,
            "max_cascade_depth": self.max_cascade_depth,
            "mean_structural_virality": self.mean_structural_virality,
            "cascade_sizes": [list(pair) for pair in sorted(Counter(self.cascade_sizes).items())],
            "largest_cascades": [
                {
                    "root_id": str(c.root_id),
                    "root_handle": c.root_handle,
                    "size": c.size,
                    "depth": c.depth,
                    "max_breadth": c.max_breadth,
                    "structural_virality": c.structural_virality,
                }
                for c in self.largest_cascades
            ],
            "top_posts": [
                {
                    "post_id": str(p.post_id),
                    "handle": p.handle,
                    "impressions": p.impressions,
                    "likes": p.likes,
                    "reposts": p.reposts,
                    "replies": p.replies,
                }
                for p in self.top_posts
            ],
            "degree": {
                name: {
                    "mean": summary.mean,
                    "max": summary.max,
                    "power_law_exponent": summary.power_law.exponent,
                    "power_law_stderr": summary.power_law.stderr,
                    "power_law_k_min": summary.power_law.k_min,
                    "histogram": [list(pair) for pair in summary.histogram],
                }
                for name, summary in (("in", degree.in_degree), ("out", degree.out_degree))
            },
            "engagement": {
                "bucket_seconds": self.engagement.bucket.total_seconds(),
                "starts": [start.isoformat() for start in self.engagement.starts],
                "kinds": list(self.engagement.kinds),
                "counts": [list(row) for row in self.engagement.counts],
            },
        }
        # Added only when there is something to say, so a stochastic run's
        # summary.json is the same as before agents existed.
        if self.agent != "stochastic":
            data["agent"] = self.agent
        if self.stance:
            data["stance"] = [
                {
                    "time": s.time.isoformat(),
                    "mean": s.mean,
                    "variance": s.variance,
                    "bimodality": s.bimodality,
                    "assortativity": s.assortativity,
                    "cross_cutting": s.cross_cutting,
                    "exposures": s.exposures,
                }
                for s in self.stance
            ]
        return data


def _root_index(result: SimulationResult) -> list[int]:
    """For each post index, the index of the content it shows (a repost's original)."""
    run = result.tables
    return [
        ref if kind == 2 else index
        for index, (kind, ref) in enumerate(zip(run.p_kind, run.p_ref, strict=True))
    ]


def _pages(result: SimulationResult, roots: list[int]) -> Iterator[list[int]]:
    """The pages of the impression log, each as its items' (root) authors."""
    run = result.tables
    p_author = run.p_author
    current: list[int] = []
    for post, rank in zip(run.i_post, run.i_rank, strict=True):
        if rank == 1 and current:
            yield current
            current = []
        current.append(p_author[roots[post]])
    if current:
        yield current


def _cascade_summary(result: SimulationResult, cascade: Cascade) -> CascadeSummary:
    run = result.tables
    index = run.post_index[cascade.root]
    return CascadeSummary(
        root_id=PostId(cascade.root),
        root_handle=result.handles[run.p_author[index]],
        text=run.p_text[index],
        size=cascade.size,
        depth=cascade.depth,
        max_breadth=cascade.max_breadth,
        structural_virality=cascade.structural_virality,
    )


def summarise(
    result: SimulationResult,
    *,
    top: int = 5,
    bucket: timedelta = timedelta(hours=1),
    tail_samples: int = 0,
) -> SimulationMetrics:
    """Compute the measures of a finished run.

    Args:
        result: The run.
        top: How many of the largest cascades and most seen posts to keep.
        bucket: The width of the engagement-over-time buckets.
        tail_samples: Bootstrap samples for the follower tail's goodness-of-fit
            p-value (seeded by the run's seed); 0, the default, skips it (on
            2,000 accounts each sample takes about half a second; the
            fit's own default is 100 samples).

    Returns:
        The metrics.
    """
    run = result.tables
    roots = _root_index(result)
    n = result.account_count
    p_author = run.p_author
    per_post = [0] * len(roots)
    for index, count in enumerate(run.p_impressions):
        if count:
            per_post[roots[index]] += count
    per_author = [0] * n
    for index, count in enumerate(per_post):
        if count:
            per_author[p_author[index]] += count
    content = [per_post[i] for i in range(len(roots)) if roots[i] == i]
    impressions = len(run.i_in)
    cascades = cascades_from(result.cascade_records())
    spread = [c for c in cascades if c.size >= 2]
    branching = [c.structural_virality for c in spread if c.size >= 3]
    ranked = sorted(
        (i for i in range(len(roots)) if roots[i] == i and per_post[i]),
        key=lambda i: (-per_post[i], -run.p_id[i]),
    )[:top]
    top_posts = tuple(
        TopPost(
            post_id=PostId(run.p_id[i]),
            handle=result.handles[p_author[i]],
            text=run.p_text[i],
            impressions=per_post[i],
            likes=run.p_likes[i],
            reposts=run.p_reposts[i],
            replies=run.p_replies[i],
        )
        for i in ranked
    )
    graph = result.graph
    tail = fit_power_law_csn(graph.in_degrees, samples=tail_samples, seed=result.config.seed)
    degree = graph.degree_distribution(k_min=1 if tail is None else tail.k_min)
    if tail is not None:  # the chart and summary.json show the CSN fit itself
        degree = attrs.evolve(degree, in_degree=attrs.evolve(degree.in_degree, power_law=tail.fit))
    posters = {p_author[i] for i in range(len(roots)) if roots[i] == i}
    events = ((time, kind) for time, kind, *_ in result.engagements())
    refused = {f"{kind}: {reason}": count for (kind, reason), count in result.refused.items()}
    for reason, count in result.setup_refused.items():
        refused[f"setup follow: {reason}"] = count
    return SimulationMetrics(
        feed=result.feed,
        seed=result.config.seed,
        accounts=n,
        follows_start=graph.edge_count - sum(result.setup_refused.values()),
        follows_end=result.follow_count,
        sessions=result.sessions,
        actions=result.actions,
        refused=refused,
        posts=result.posts_of_kind("post"),
        replies=result.posts_of_kind("reply"),
        reposts=result.posts_of_kind("repost"),
        commented_reposts=sum(
            1 for kind, text in zip(run.p_kind, run.p_text, strict=True) if kind == 2 and text
        ),
        likes=sum(run.p_likes),
        impressions=impressions,
        exposure_gini_authors=gini(per_author),
        exposure_gini_posters=gini([per_author[a] for a in sorted(posters)]) if posters else 0.0,
        exposure_gini_posts=gini(content),
        in_network_share=in_network_share(run.i_in, key=bool),  # the log stores 0/1
        feed_diversity=feed_diversity(_pages(result, roots)),
        cascades=len(spread),
        mean_cascade_size=sum(c.size for c in spread) / len(spread) if spread else 0.0,
        max_cascade_depth=max((c.depth for c in spread), default=0),
        mean_structural_virality=math.fsum(branching) / len(branching) if branching else 0.0,
        largest_cascades=tuple(_cascade_summary(result, c) for c in spread[:top]),
        top_posts=top_posts,
        degree=degree,
        engagement=engagement_over_time(events, bucket=bucket),
        impressions_per_author=tuple(per_author),
        cascade_sizes=tuple(c.size for c in spread),
        agent=result.agent.name,
        stance=result.stance_snapshots,
        follower_tail=tail,
    )


# --------------------------------------------------------------------------- text


def _tail_lines(tail: PowerLawTest | None) -> list[str]:
    """The follower tail's power-law fit, its fit and its comparisons, for the report."""
    if tail is None or tail.exponent is None:
        return []
    stderr = f" ± {tail.stderr:.2f}" if tail.stderr is not None else ""
    fit = f"KS distance {tail.ks_distance:.3f}"
    if tail.p_value is not None:
        fit += f", p = {tail.p_value:.2f} over {tail.samples} bootstrap samples"
    text = (
        f"follower tail (Clauset-Shalizi-Newman): exponent {tail.exponent:.2f}{stderr} "
        f"for k >= {tail.k_min} ({count_of(tail.fit.tail_size, 'account')}); {fit}"
    )
    versus = [
        f"{ratio.alternative} R = {ratio.ratio:.2f} (p = {ratio.p_value:.2f})"
        for ratio in (tail.lognormal, tail.exponential)
        if ratio is not None
    ]
    if versus:
        text += "; power law against " + ", ".join(versus) + " (R > 0 favours the power law)"
    return textwrap.wrap(text, width=98, initial_indent="  ", subsequent_indent="    ")


def _n(value: int) -> str:
    return f"{value:,}"


def count_of(value: int, singular: str, plural: str | None = None) -> str:
    """Return the number with the word it takes: ``"1 like"``, ``"2 likes"``.

    Args:
        value: How many.
        singular: The word for one.
        plural: The word for any other number (``singular + "s"`` when not given).

    Example:
        >>> from microblog_core.sim.report import count_of
        >>> count_of(1, "reply", "replies"), count_of(1200, "reply", "replies")
        ('1 reply', '1,200 replies')
    """
    word = singular if value == 1 else (plural or singular + "s")
    return f"{value:,} {word}"


def format_cascade_section(
    largest: Iterable[CascadeSummary],
    *,
    cascades: int,
    mean_size: float,
    max_depth: int,
    branching: int,
    mean_virality: float,
    label: Callable[[CascadeSummary], str] | None = None,
) -> list[str]:
    """Return the lines of a report's "Repost cascades" section.

    The simulation report and ``microblog cascades`` (real Weibo or Twitter
    data) both print this section, so real and simulated cascades read alike.

    Args:
        largest: The cascades to list, largest first.
        cascades: How many posts were reposted (cascades of size 2 or more).
        mean_size: Their mean size.
        max_depth: The longest repost chain.
        branching: How many cascades have size 3 or more.
        mean_virality: Mean structural virality over those.
        label: Names a cascade's original in the list (``@handle`` when not given).

    Returns:
        The lines, the heading first, without newlines.
    """
    lines = ["Repost cascades"]
    if not cascades:
        lines.append("  nothing was reposted")
        return lines
    reposted = "1 post was" if cascades == 1 else f"{_n(cascades)} posts were"
    lines.append(
        f"  {reposted} reposted; mean cascade size {mean_size:.2f}, "
        f"longest repost chain {max_depth}"
    )
    virality = (
        f"mean {mean_virality:.2f} over {count_of(branching, 'cascade')} of 3+"
        if branching
        else "n/a (no cascade of 3 or more)"
    )
    lines.append(f"  structural virality: {virality}")
    lines.append("    (under 2: one broadcast; higher: passed on from person to person)")
    lines.append("     size  depth  breadth  virality  original")
    name = label or (lambda c: f"@{c.root_handle}")
    lines.extend(
        f"  {c.size:>7,}  {c.depth:>5}  {c.max_breadth:>7}  {c.structural_virality:>8.2f}"
        f"  {name(c)}: {_clip(c.text, 36)}"
        for c in largest
    )
    return lines


def _clip(text: str, width: int) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def format_report(
    metrics: SimulationMetrics,
    *,
    title: str | None = None,
    elapsed: float | None = None,
    where: str | None = None,
    exports: Iterable[str] = (),
) -> str:
    """Render the metrics as a report for a terminal.

    Args:
        metrics: The run's metrics.
        title: A first line (default: the run's size and feed).
        elapsed: Wall time in seconds, shown when given.
        where: Where the data lives (a database path), shown when given.
        exports: Paths of written exports, listed at the end.

    Returns:
        The report, lines joined with newlines, ending with one.
    """
    m = metrics
    lines: list[str] = []
    hours = len(m.engagement.starts)
    head = title or (
        f"Simulated {_n(m.accounts)} accounts reading the {m.feed!r} feed (seed {m.seed})"
    )
    lines.append(head)
    lines.append("=" * min(len(head), 78))
    if elapsed is not None or where:
        bits = []
        if elapsed is not None:
            rate = m.actions_total / elapsed if elapsed > 0 else 0.0
            bits.append(f"took {elapsed:.1f} s ({_n(round(rate))} actions/s)")
        if where:
            bits.append(f"data in {where}")
        lines.append("  " + ", ".join(bits))
    lines.append("")
    din, dout = m.degree.in_degree, m.degree.out_degree
    lines.append("Network")
    lines.append(
        f"  {_n(m.accounts)} accounts, {_n(m.follows_start)} follows at the start, "
        f"{_n(m.follows_end)} at the end"
    )
    lines.append(f"  followers per account: mean {din.mean:.1f}, max {_n(din.max)}")
    lines.extend(_tail_lines(m.follower_tail))
    lines.append(f"  following per account: mean {dout.mean:.1f}, max {_n(dout.max)}")
    lines.append("")
    actions = m.actions
    lines.append("Activity" + (f" over {hours} hours" if hours else ""))
    lines.append(
        f"  {count_of(m.sessions, 'session')}, each reading a page of the feed; "
        f"{count_of(m.actions_total, 'action')} in all"
    )
    made = [
        count_of(m.posts, "post"),
        count_of(m.replies, "reply", "replies"),
        f"{count_of(m.reposts, 'repost')} ({_n(m.commented_reposts)} with a comment)",
        count_of(m.likes, "like"),
        count_of(actions.get("follow", 0), "follow"),
    ]
    if actions.get("mention_reply"):
        made[1] += f" ({_n(actions['mention_reply'])} answering mentions)"
    if actions.get("block"):
        made.append(count_of(actions["block"], "block"))
    lines.extend(
        textwrap.wrap(
            "made " + ", ".join(made), width=98, initial_indent="  ", subsequent_indent="    "
        )
    )
    if m.refused:
        listed = ", ".join(f"{reason} {_n(count)}" for reason, count in m.refused.items())
        lines.extend(
            textwrap.wrap(
                f"refused by the rules: {_n(m.refused_total)} ({listed})",
                width=98,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        )
    else:
        lines.append("  refused by the rules: none")
    lines.append("")
    lines.append("Exposure")
    if m.impressions:
        lines.append(
            f"  {count_of(m.impressions, 'impression')}, "
            f"{m.feed_diversity:.1f} different authors per page"
        )
        lines.append(
            f"  {_percent(m.in_network_share)} from accounts the viewer follows "
            "(own posts included)"
        )
        lines.extend(
            textwrap.wrap(
                f"Gini of impressions (0: even, 1: one takes all): "
                f"{m.exposure_gini_authors:.3f} across all accounts, "
                f"{m.exposure_gini_posters:.3f} across accounts that posted, "
                f"{m.exposure_gini_posts:.3f} across posts",
                width=98,
                initial_indent="  ",
                subsequent_indent="    ",
            )
        )
    else:
        lines.append("  no impressions: n/a for authors per page, in-network share and Gini")
    lines.append("")
    lines.extend(
        format_cascade_section(
            m.largest_cascades,
            cascades=m.cascades,
            mean_size=m.mean_cascade_size,
            max_depth=m.max_cascade_depth,
            branching=sum(1 for size in m.cascade_sizes if size >= 3),
            mean_virality=m.mean_structural_virality,
        )
    )
    lines.append("")
    lines.append("Most seen posts")
    if m.top_posts:
        lines.append("  impressions  likes  reposts  replies  post")
        lines.extend(
            f"  {p.impressions:>11,}  {p.likes:>5}  {p.reposts:>7}  {p.replies:>7}"
            f"  @{p.handle}: {_clip(p.text, 36)}"
            for p in m.top_posts
        )
    else:
        lines.append("  no post was shown")
    if m.stance:
        first, last = m.stance[0], m.stance[-1]
        lines.append("")
        lines.append(f"Stances ({m.agent} agent), start -> end")
        lines.append(
            f"  variance {first.variance:.3f} -> {last.variance:.3f}, bimodality "
            f"{first.bimodality:.3f} -> {last.bimodality:.3f} (above 0.555 suggests two camps)"
        )
        lines.append(
            f"  follow assortativity by stance {first.assortativity:.3f} -> "
            f"{last.assortativity:.3f}; {_percent(m.cross_cutting_share)} of exposure "
            "cross-cutting"
        )
    paths = list(exports)
    if paths:
        lines.append("")
        lines.append("Exports")
        lines.extend(f"  {path}" for path in paths)
    return "\n".join(lines) + "\n"
