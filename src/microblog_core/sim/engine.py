"""The simulation engine: seeded agents acting through the :class:`Microblog` service.

:func:`simulate` runs one :class:`~microblog_core.sim.config.SimulationConfig`:

1. **Graph and population.** One ``random.Random(config.seed)`` draws the
   follower graph, then every account's activity (rate, profile shift,
   locked flag). Nothing else draws before the run starts, so runs of the
   same config under different rankers start from the same network.
2. **Setup.** Accounts are registered and the graph's follows made through
   the service, an hour before ``config.start`` (then locked accounts lock).
3. **Steps.** For each step, a Poisson number of sessions is drawn
   (:class:`~microblog_core.sim.agents.SessionScheduler`); the ``ManualClock``
   is set to each session's instant. A session reads one page of the feed
   (``config.ranker``), logs an impression per item (viewer, post, author,
   rank, time, in-network), engages with examined items (like, repost with
   or without a Weibo-style comment, reply), may post, follow (triadic
   closure or someone seen) and block, and approves pending follow requests
   of a locked account.

Every action is a service call, so every domain rule holds; an action the
rules refuse is counted by action and reason, never raised. What happened is
recorded from the service's domain events into compact tables that the
metrics (:mod:`microblog_core.sim.report`) and exports
(:mod:`microblog_core.sim.export`) read.

Example:
    >>> from microblog_core.sim import SimulationConfig, simulate
    >>> result = simulate(SimulationConfig(accounts=60, hours=2, seed=7))
    >>> result.account_count, result.actions["read"] > 0
    (60, True)
    >>> all(1 <= i.rank <= 20 for i in result.impressions())
    True
"""

import random
from array import array
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Any

from attrs import frozen

from microblog_core.clock import Clock, ManualClock
from microblog_core.errors import (
    ConflictError,
    DuplicateRepostError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from microblog_core.ids import EPOCH, AccountId, PostId
from microblog_core.models import (
    Blocked,
    Event,
    Followed,
    FollowRequest,
    FollowRequestApproved,
    FollowRequested,
    FollowRequestRejected,
    Liked,
    PostPublished,
    Reposted,
    Unfollowed,
    Visibility,
)
from microblog_core.service import Microblog
from microblog_core.sim.agents import Composer, Population, SessionScheduler, draw_population
from microblog_core.sim.config import SimulationConfig
from microblog_core.sim.feeds import DEFAULT_FEEDS, FeedRegistry, FeedSource
from microblog_core.sim.graphs import FollowGraph
from microblog_core.text import LengthPolicy, policy_named

__all__ = [
    "ACTION_KINDS",
    "ENGAGEMENT_KINDS",
    "POST_KINDS",
    "TIMELINE_STRATEGIES",
    "BlogFactory",
    "Impression",
    "PostRecord",
    "Progress",
    "RunTables",
    "SimulationResult",
    "memory_storage",
    "simulate",
    "sqlite_storage",
]

BlogFactory = Callable[[Clock, LengthPolicy], Microblog]
"""Builds the service a run acts on, given the run's clock and length policy."""

TIMELINE_STRATEGIES: tuple[str, ...] = ("fan_out_on_read", "fan_out_on_write", "hybrid")
"""The home-timeline strategies a run's service can use (they give the same pages)."""

ACTION_KINDS = ("read", "post", "reply", "repost", "like", "follow", "block", "approve")
"""What simulated accounts do; every one is a service call, feed reads included."""

_ONE_MS = timedelta(milliseconds=1)
_SETUP_LEAD = timedelta(hours=1)

# Post kinds in the post table.
_ORIGINAL, _REPLY, _REPOST = 0, 1, 2
POST_KINDS = ("post", "reply", "repost")
"""The kinds of post a run makes, as :class:`PostRecord` and the exports name them."""

# Engagement-log kinds.
_E_POST, _E_REPLY, _E_REPOST, _E_LIKE, _E_FOLLOW = 0, 1, 2, 3, 4
ENGAGEMENT_KINDS = ("post", "reply", "repost", "like", "follow")
"""The kinds of the engagement log (:meth:`SimulationResult.engagements`)."""

_VISIBILITIES = tuple(Visibility)  # canonical members only (no aliases)
_VISIBILITY_CODE = {v: i for i, v in enumerate(_VISIBILITIES)}


def _timeline(name: str) -> Any:
    from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid

    if name == "fan_out_on_read":
        return FanOutOnRead()
    if name == "fan_out_on_write":
        return FanOutOnWrite()
    if name == "hybrid":
        return Hybrid()
    raise ValidationError(
        f"unknown timeline strategy {name!r}; choose one of {', '.join(TIMELINE_STRATEGIES)}",
        field="timeline",
        value=name,
    )


def memory_storage(*, timeline: str = "fan_out_on_read") -> BlogFactory:
    """Return a factory of services on a fresh in-memory store (the fastest).

    Args:
        timeline: The home-timeline strategy (see :data:`TIMELINE_STRATEGIES`).

    Raises:
        ValidationError: An unknown strategy.
    """
    _timeline(timeline)

    def build(clock: Clock, policy: LengthPolicy) -> Microblog:
        return Microblog.in_memory(clock=clock, policy=policy, timeline=_timeline(timeline))

    return build


def sqlite_storage(path: str | Path, *, timeline: str = "fan_out_on_read") -> BlogFactory:
    """Return a factory of services on the SQLite database at ``path``.

    The database must hold no accounts yet: a run starts from an empty network.

    Args:
        path: The database file (created when missing).
        timeline: The home-timeline strategy (see :data:`TIMELINE_STRATEGIES`).

    Raises:
        ValidationError: An unknown strategy.
    """
    _timeline(timeline)

    def build(clock: Clock, policy: LengthPolicy) -> Microblog:
        return Microblog.sqlite(path, clock=clock, policy=policy, timeline=_timeline(timeline))

    return build


def postgres_storage(
    url: str,
    *,
    redis_url: str | None = None,
    schema: str = "simulation",
    timeline: str = "fan_out_on_read",
) -> BlogFactory:
    """Return a factory of services on PostgreSQL (and Redis feeds, if given).

    The schema must hold no accounts yet: a run starts from an empty network.

    Args:
        url: The PostgreSQL URL (extra ``postgres``).
        redis_url: A Redis URL for the home feeds (extra ``redis``).
        schema: The PostgreSQL schema to create the store in.
        timeline: The home-timeline strategy (see :data:`TIMELINE_STRATEGIES`).

    Raises:
        ValidationError: An unknown strategy.
    """
    _timeline(timeline)

    def build(clock: Clock, policy: LengthPolicy) -> Microblog:
        return Microblog.postgres(
            url,
            redis_url=redis_url,
            schema=schema,
            clock=clock,
            policy=policy,
            timeline=_timeline(timeline),
        )

    return build


@frozen
class Progress:
    """How far a run has got, reported after setup and after each step.

    Attributes:
        step: Steps done (0 after setup).
        steps: Steps in the run.
        now: The simulated time reached.
        sessions: Sessions run so far.
        actions: Actions attempted so far (refused ones included).
    """

    step: int
    steps: int
    now: datetime
    sessions: int
    actions: int

    @property
    def fraction(self) -> float:
        """The share of steps done, 0 to 1."""
        return self.step / self.steps if self.steps else 1.0


@frozen
class Impression:
    """One item shown to one viewer: a line of the impression log.

    Attributes:
        time: When the feed page was read.
        viewer_id: Who read it.
        post_id: The item shown (an original, a reply or a repost).
        author_id: The item's author (the reposter, for a repost).
        root_id: The content shown: the reposted original for a repost, else ``post_id``.
        root_author_id: The author of ``root_id``.
        rank: The item's position on the page, from 1.
        in_network: Whether the viewer follows ``author_id`` (or is it) at read time.
    """

    time: datetime
    viewer_id: AccountId
    post_id: PostId
    author_id: AccountId
    root_id: PostId
    root_author_id: AccountId
    rank: int
    in_network: bool


@frozen
class PostRecord:
    """One post made during a run, with its final engagement counts.

    Attributes:
        id: The post's id.
        author_id: Its author.
        created_at: When it was made.
        kind: ``"post"``, ``"reply"`` or ``"repost"``.
        visibility: Its visibility's API name (``"public"``, ``"private"``...).
        text: Its text (a repost's comment chain; empty for a plain repost).
        reply_to_id: The post replied to, for a reply.
        thread_root_id: The first post of the thread, for a reply.
        repost_of_id: The reposted original, for a repost.
        via_id: The repost it was reposted through, if any (Weibo's parent link).
        likes: Likes received during the run.
        reposts: Reposts of it during the run.
        replies: Direct replies to it during the run.
        impressions: Times it was shown.
        appeal: The latent quality the agents saw in it (a repost has its original's).
    """

    id: PostId
    author_id: AccountId
    created_at: datetime
    kind: str
    visibility: str
    text: str
    reply_to_id: PostId | None
    thread_root_id: PostId | None
    repost_of_id: PostId | None
    via_id: PostId | None
    likes: int
    reposts: int
    replies: int
    impressions: int
    appeal: float

    @property
    def cascade_parent_id(self) -> PostId | None:
        """The post a repost came through (``via``, else the original); None otherwise."""
        return self.via_id if self.via_id is not None else self.repost_of_id


def _ms(instant: datetime) -> int:
    return (instant - EPOCH) // _ONE_MS


def _instant(ms: int) -> datetime:
    return EPOCH + ms * _ONE_MS


def _reason(exc: Exception) -> str:
    rule = getattr(exc, "rule", None)
    if isinstance(rule, str) and rule:
        return rule
    if isinstance(exc, DuplicateRepostError):
        return "already_reposted"
    if isinstance(exc, ConflictError):
        return "conflict"
    if isinstance(exc, NotFoundError):
        return "not_visible"
    field = getattr(exc, "field", "")
    return f"invalid_{field}" if field else "invalid"


_REFUSALS = (ValidationError, NotFoundError, PermissionDeniedError, ConflictError)


class RunTables:
    """The compact tables a run records, indexed by graph node and by post index.

    Accounts are numbered like the follower graph's nodes (``0 .. n - 1``),
    posts in the order they were made (``0 .. posts - 1``). Columns are
    ``array.array`` values (``numpy.frombuffer`` reads them without a copy)
    or lists; ``-1`` marks "none" in an index column.

    Attributes:
        setup_ms: When the starting graph's follows were made (ms since the epoch).
        ids: Account id of each node.
        handles: Handle of each node.
        index_of: Node of each account id.
        following: For each node, the nodes it follows (kept in step with the
            service's ``Followed`` / ``Unfollowed`` events).
        follow_ms: For follows made during the run, ``follower * n + followee``
            to the time they were made.
        post_index: Post index of each post id.
        p_id: Post id.
        p_author: Author's node.
        p_kind: 0 original, 1 reply, 2 repost.
        p_ref: A reply's parent, a repost's original, else -1.
        p_extra: A reply's thread root, a repost's ``via``, else -1.
        p_time: Creation time (ms since the epoch).
        p_visibility: Index into ``Visibility`` members (public, unlisted, private, direct).
        p_text: Text.
        p_appeal: The latent appeal agents saw (a repost has its original's).
        p_likes: Likes received.
        p_reposts: Reposts of it.
        p_replies: Direct replies.
        p_impressions: Times the post itself was shown.
        i_time: Impression time (ms).
        i_viewer: Viewer's node.
        i_post: Post index of the item shown.
        i_rank: Rank on the page, from 1.
        i_in: 1 when in-network.
        e_time: Engagement-log time (ms).
        e_kind: 0 post, 1 reply, 2 repost, 3 like, 4 follow.
        e_account: Who acted (node).
        e_post: The post made, or liked (-1 for a follow).
        e_target: The post replied to, reposted or liked, or the node followed (-1: none).
    """

    def __init__(self, n: int, setup_ms: int = 0) -> None:
        self.setup_ms = setup_ms
        self.ids: list[AccountId] = []
        self.handles: list[str] = []
        self.index_of: dict[AccountId, int] = {}
        self.following: list[set[int]] = [set() for _ in range(n)]
        self.follow_ms: dict[int, int] = {}
        self.post_index: dict[int, int] = {}
        self.p_id = array("q")
        self.p_author = array("i")
        self.p_kind = array("b")
        self.p_ref = array("i")
        self.p_extra = array("i")
        self.p_time = array("q")
        self.p_visibility = array("b")
        self.p_text: list[str] = []
        self.p_appeal = array("d")
        self.p_likes = array("i")
        self.p_reposts = array("i")
        self.p_replies = array("i")
        self.p_impressions = array("i")
        self.i_time = array("q")
        self.i_viewer = array("i")
        self.i_post = array("i")
        self.i_rank = array("B")
        self.i_in = array("b")
        self.e_time = array("q")
        self.e_kind = array("b")
        self.e_account = array("i")
        self.e_post = array("i")
        self.e_target = array("i")

    def root_of(self, post: int) -> int:
        """Return the post index of the content ``post`` shows (a repost's original)."""
        return self.p_ref[post] if self.p_kind[post] == _REPOST else post


class SimulationResult:
    """What a run did: the tables recorded from the service's events, and counts.

    Index-based tables keep memory small (a few dozen bytes per post and per
    impression). Read them through the record iterators
    (:meth:`impressions`, :meth:`posts`, :meth:`follows`,
    :meth:`engagements`), the metrics in :mod:`microblog_core.sim.report`, or
    the exports in :mod:`microblog_core.sim.export`.

    Attributes:
        config: The run's config.
        feed: The name of the feed the accounts read.
        graph: The follower graph the run started from.
        population: Each account's activity.
        account_ids: The account id of each graph node.
        handles: The handle of each graph node.
        actions: Successful actions by kind (see :data:`ACTION_KINDS`).
        refused: Refused actions by ``(kind, reason)``.
        setup_refused: Graph follows the service refused during setup, by reason.
        sessions: Sessions run.
        blog: The service the run acted on (still open; see :meth:`close`).
        tables: The recorded tables (see :class:`RunTables`).
    """

    def __init__(self, run: "_Run") -> None:
        self.config: SimulationConfig = run.config
        self.feed: str = run.feed.name
        self.graph: FollowGraph = run.graph
        self.population: Population = run.population
        self.account_ids: tuple[AccountId, ...] = tuple(run.ids)
        self.handles: tuple[str, ...] = tuple(run.handles)
        self.actions: Mapping[str, int] = MappingProxyType(
            {kind: run.actions.get(kind, 0) for kind in ACTION_KINDS}
        )
        self.refused: Mapping[tuple[str, str], int] = MappingProxyType(
            dict(sorted(run.refused.items()))
        )
        self.setup_refused: Mapping[str, int] = MappingProxyType(
            dict(sorted(run.setup_refused.items()))
        )
        self.sessions: int = run.session_count
        self.blog: Microblog = run.blog
        self.tables: RunTables = run.tables

    # -- sizes -------------------------------------------------------------

    @property
    def account_count(self) -> int:
        """The number of accounts."""
        return len(self.account_ids)

    @property
    def post_count(self) -> int:
        """Posts made during the run (originals, replies and reposts)."""
        return len(self.tables.p_id)

    @property
    def impression_count(self) -> int:
        """Items shown, over all feed reads."""
        return len(self.tables.i_time)

    @property
    def follow_count(self) -> int:
        """Follows at the end of the run."""
        return sum(map(len, self.tables.following))

    def posts_of_kind(self, kind: str) -> int:
        """Return how many posts of ``kind`` (``"post"``, ``"reply"``, ``"repost"``) were made."""
        code = POST_KINDS.index(kind)
        return self.tables.p_kind.count(code)

    @property
    def refused_total(self) -> int:
        """Actions the rules refused."""
        return sum(self.refused.values())

    def refused_count(self, kind: str) -> int:
        """Return how many actions of ``kind`` the rules refused, whatever the reason."""
        return sum(count for (action, _), count in self.refused.items() if action == kind)

    @property
    def attempted_total(self) -> int:
        """Actions attempted (successful and refused)."""
        return sum(self.actions.values()) + self.refused_total

    # -- records -------------------------------------------------------------

    def impressions(self) -> Iterator[Impression]:
        """Iterate over the impression log in the order items were shown."""
        run = self.tables
        ids = self.account_ids
        p_id, p_author, p_kind, p_ref = run.p_id, run.p_author, run.p_kind, run.p_ref
        for time_ms, viewer, post, rank, inside in zip(
            run.i_time, run.i_viewer, run.i_post, run.i_rank, run.i_in, strict=True
        ):
            root = p_ref[post] if p_kind[post] == _REPOST else post
            yield Impression(
                time=_instant(time_ms),
                viewer_id=ids[viewer],
                post_id=PostId(p_id[post]),
                author_id=ids[p_author[post]],
                root_id=PostId(p_id[root]),
                root_author_id=ids[p_author[root]],
                rank=rank,
                in_network=bool(inside),
            )

    def posts(self) -> Iterator[PostRecord]:
        """Iterate over the posts made during the run, oldest first."""
        run = self.tables
        ids = self.account_ids
        p_id = run.p_id

        def post_id(index: int) -> PostId | None:
            return PostId(p_id[index]) if index >= 0 else None

        for index in range(len(p_id)):
            kind = run.p_kind[index]
            ref = run.p_ref[index]
            yield PostRecord(
                id=PostId(p_id[index]),
                author_id=ids[run.p_author[index]],
                created_at=_instant(run.p_time[index]),
                kind=POST_KINDS[kind],
                visibility=_VISIBILITIES[run.p_visibility[index]].value,
                text=run.p_text[index],
                reply_to_id=post_id(ref) if kind == _REPLY else None,
                thread_root_id=post_id(run.p_extra[index]) if kind == _REPLY else None,
                repost_of_id=post_id(ref) if kind == _REPOST else None,
                via_id=post_id(run.p_extra[index]) if kind == _REPOST else None,
                likes=run.p_likes[index],
                reposts=run.p_reposts[index],
                replies=run.p_replies[index],
                impressions=run.p_impressions[index],
                appeal=run.p_appeal[index],
            )

    def follows(self) -> Iterator[tuple[AccountId, AccountId, datetime, bool]]:
        """Iterate over the follows at the end of the run.

        Yields:
            ``(follower_id, followee_id, created_at, from_graph)``, by follower
            then followee graph index; ``from_graph`` is True for the follows
            the run started with.
        """
        run = self.tables
        ids = self.account_ids
        n = len(ids)
        setup = _instant(run.setup_ms)
        made = run.follow_ms
        for follower, followees in enumerate(run.following):
            for followee in sorted(followees):
                ms = made.get(follower * n + followee)
                yield (
                    ids[follower],
                    ids[followee],
                    setup if ms is None else _instant(ms),
                    ms is None,
                )

    def engagements(self) -> Iterator[tuple[datetime, str, AccountId, PostId | None, int]]:
        """Iterate over the run's actions that created something, in order.

        Yields:
            ``(time, kind, account_id, post_id, target)``: ``kind`` is one of
            ``post``, ``reply``, ``repost``, ``like``, ``follow``; ``post_id`` is
            the post made (the post liked, for a like; None for a follow);
            ``target`` is the post replied to, reposted or liked, or the
            account followed (0 for an original post).
        """
        run = self.tables
        ids = self.account_ids
        p_id = run.p_id
        for time_ms, kind, account, post, target in zip(
            run.e_time, run.e_kind, run.e_account, run.e_post, run.e_target, strict=True
        ):
            name = ENGAGEMENT_KINDS[kind]
            if kind == _E_FOLLOW:
                yield _instant(time_ms), name, ids[account], None, ids[target]
            else:
                yield (
                    _instant(time_ms),
                    name,
                    ids[account],
                    PostId(p_id[post]),
                    p_id[target] if target >= 0 else 0,
                )

    def cascade_records(self) -> Iterator[tuple[int, int | None]]:
        """Iterate over ``(post_id, parent_id)`` for every post made.

        A post that is not a repost (an original or a reply, which can be
        reposted too) is a root, with parent None; a repost's parent is the
        repost it came through (``via``), else its original. Feed these to
        :func:`~microblog_core.sim.metrics.cascades_from`.
        """
        run = self.tables
        p_id = run.p_id
        for index in range(len(p_id)):
            if run.p_kind[index] == _REPOST:
                via = run.p_extra[index]
                yield p_id[index], p_id[via if via >= 0 else run.p_ref[index]]
            else:
                yield p_id[index], None

    def final_graph(self) -> FollowGraph:
        """Return the follower graph at the end of the run (nodes are graph indices)."""
        run = self.tables
        edges = [(a, b) for a, followees in enumerate(run.following) for b in sorted(followees)]
        return FollowGraph(n=len(self.account_ids), edges=edges)

    def close(self) -> None:
        """Close the service's store (a SQLite connection, for instance)."""
        self.blog.close()

    def __repr__(self) -> str:
        return (
            f"SimulationResult(feed={self.feed!r}, accounts={self.account_count}, "
            f"posts={self.post_count}, impressions={self.impression_count})"
        )


class _Run:
    """The mutable state of one run; :func:`simulate` drives it."""

    def __init__(
        self,
        config: SimulationConfig,
        feed: FeedSource,
        policy: LengthPolicy,
        storage: BlogFactory,
        progress: Callable[[Progress], None] | None,
    ) -> None:
        self.config = config
        self.feed = feed
        self.progress = progress
        self.rng = rng = random.Random(config.seed)
        self.graph = graph = config.graph.build(config.accounts, rng=rng)
        n = graph.n
        behaviour = config.behaviour
        self.population = draw_population(
            n, config.activity, locked_share=behaviour.locked_share, rng=rng
        )
        self.clock = ManualClock(config.start - _SETUP_LEAD)
        self.now_ms = _ms(config.start - _SETUP_LEAD)
        self.setup = True
        self.blog = storage(self.clock, policy)
        self.composer = Composer(hashtag=behaviour.hashtag, mention=behaviour.mention)
        self.tables = tables = RunTables(n, _ms(config.start - _SETUP_LEAD))
        self.ids = tables.ids
        self.handles = tables.handles
        self.index_of = tables.index_of
        self.following_set = tables.following
        self.following_list: list[list[int]] = [[] for _ in range(n)]
        self.pending: list[list[int]] = [[] for _ in range(n)]
        self.follow_ms = tables.follow_ms
        self.post_index = tables.post_index
        self.p_id, self.p_author, self.p_kind = tables.p_id, tables.p_author, tables.p_kind
        self.p_ref, self.p_extra, self.p_time = tables.p_ref, tables.p_extra, tables.p_time
        self.p_visibility, self.p_text = tables.p_visibility, tables.p_text
        self.p_appeal, self.p_likes = tables.p_appeal, tables.p_likes
        self.p_reposts, self.p_replies = tables.p_reposts, tables.p_replies
        self.p_impressions = tables.p_impressions
        self.i_time, self.i_viewer, self.i_post = tables.i_time, tables.i_viewer, tables.i_post
        self.i_rank, self.i_in = tables.i_rank, tables.i_in
        self.e_time, self.e_kind, self.e_account = tables.e_time, tables.e_kind, tables.e_account
        self.e_post, self.e_target = tables.e_post, tables.e_target
        # counts
        self.actions: dict[str, int] = dict.fromkeys(ACTION_KINDS, 0)
        self.refused: dict[tuple[str, str], int] = {}
        self.setup_refused: dict[str, int] = {}
        self.session_count = 0
        self.engaged: set[int] = set()
        self.requested: set[int] = set()  # follower * n + followee, for follow requests sent
        sigma = behaviour.appeal_sigma
        self.appeal_mu = -sigma * sigma / 2.0
        self.appeal_sigma = sigma
        self.handlers: dict[type, Callable[[Any], None]] = {
            PostPublished: self.on_published,
            Reposted: self.on_reposted,
            Liked: self.on_liked,
            Followed: self.on_followed,
            Unfollowed: self.on_unfollowed,
            FollowRequested: self.on_requested,
            FollowRequestApproved: self.on_request_closed,
            FollowRequestRejected: self.on_request_closed,
            Blocked: self.on_blocked,
        }

    # -- events -------------------------------------------------------------

    def on_event(self, event: Event) -> None:
        handler = self.handlers.get(type(event))
        if handler is not None:
            handler(event)

    def log(self, kind: int, account: int, post: int, target: int) -> None:
        self.e_time.append(self.now_ms)
        self.e_kind.append(kind)
        self.e_account.append(account)
        self.e_post.append(post)
        self.e_target.append(target)

    def add_post(self, post: Any, kind: int, ref: int, extra: int, appeal: float) -> int:
        index = len(self.p_id)
        self.post_index[post.id] = index
        self.p_id.append(post.id)
        self.p_author.append(self.index_of[post.author_id])
        self.p_kind.append(kind)
        self.p_ref.append(ref)
        self.p_extra.append(extra)
        self.p_time.append(self.now_ms)
        self.p_visibility.append(_VISIBILITY_CODE[post.visibility])
        self.p_text.append(post.text)
        self.p_appeal.append(appeal)
        self.p_likes.append(0)
        self.p_reposts.append(0)
        self.p_replies.append(0)
        self.p_impressions.append(0)
        return index

    def on_published(self, event: PostPublished) -> None:
        post = event.post
        appeal = self.rng.lognormvariate(self.appeal_mu, self.appeal_sigma)
        ref = post.reply_to
        if ref is None:
            index = self.add_post(post, _ORIGINAL, -1, -1, appeal)
            self.log(_E_POST, self.p_author[index], index, -1)
            return
        parent = self.post_index[ref.parent_id]
        index = self.add_post(post, _REPLY, parent, self.post_index[ref.root_id], appeal)
        self.p_replies[parent] += 1
        self.log(_E_REPLY, self.p_author[index], index, parent)

    def on_reposted(self, event: Reposted) -> None:
        post = event.repost
        ref = post.repost_of
        assert ref is not None  # a Reposted event carries a repost  # noqa: S101
        root = self.post_index[ref.root_id]
        via = -1 if ref.via_id is None else self.post_index[ref.via_id]
        index = self.add_post(post, _REPOST, root, via, self.p_appeal[root])
        self.p_reposts[root] += 1
        self.log(_E_REPOST, self.p_author[index], index, root)

    def on_liked(self, event: Liked) -> None:
        like = event.like
        post = self.post_index[like.post_id]
        self.p_likes[post] += 1
        self.log(_E_LIKE, self.index_of[like.account_id], post, post)

    def on_followed(self, event: Followed) -> None:
        follow = event.follow
        follower = self.index_of[follow.follower_id]
        followee = self.index_of[follow.followee_id]
        followees = self.following_set[follower]
        if followee in followees:
            return
        followees.add(followee)
        self.following_list[follower].append(followee)
        if not self.setup:
            self.follow_ms[follower * len(self.following_set) + followee] = self.now_ms
            self.log(_E_FOLLOW, follower, -1, followee)

    def on_unfollowed(self, event: Unfollowed) -> None:
        follower = self.index_of[event.follower_id]
        followee = self.index_of[event.followee_id]
        followees = self.following_set[follower]
        if followee in followees:
            followees.discard(followee)
            self.following_list[follower].remove(followee)
            self.follow_ms.pop(follower * len(self.following_set) + followee, None)

    def on_requested(self, event: FollowRequested) -> None:
        request = event.request
        self.pending[self.index_of[request.followee_id]].append(self.index_of[request.follower_id])

    def on_request_closed(self, event: FollowRequestApproved | FollowRequestRejected) -> None:
        request = event.request
        waiting = self.pending[self.index_of[request.followee_id]]
        follower = self.index_of[request.follower_id]
        if follower in waiting:
            waiting.remove(follower)

    def on_blocked(self, event: Blocked) -> None:
        """Blocks are counted as actions; the follows they cut arrive as Unfollowed."""

    # -- setup -------------------------------------------------------------

    def register(self) -> None:
        blog = self.blog
        with blog.unit_of_work(readonly=True) as uow:
            existing = uow.accounts.count()
        if existing:
            raise ValidationError(
                f"the database already holds {existing} accounts; a simulation starts from an "
                "empty database (use a new path)",
                field="storage",
                value=existing,
            )
        width = len(str(self.graph.n - 1))
        for node in range(self.graph.n):
            handle = f"u{node:0{width}d}"
            account = blog.register(handle)
            self.index_of[account.id] = node
            self.ids.append(account.id)
            self.handles.append(handle)

    def connect(self) -> None:
        blog = self.blog
        ids = self.ids
        follow = blog.follow
        for follower, followee in self.graph.edges:
            try:
                follow(ids[follower], ids[followee])
            except _REFUSALS as exc:
                reason = _reason(exc)
                self.setup_refused[reason] = self.setup_refused.get(reason, 0) + 1
        for node, locked in enumerate(self.population.locked):
            if locked:
                blog.update_profile(ids[node], locked=True)

    # -- the run -------------------------------------------------------------

    def refuse(self, kind: str, exc: Exception) -> None:
        key = (kind, _reason(exc))
        self.refused[key] = self.refused.get(key, 0) + 1

    def run(self) -> None:
        self.blog.subscribe(self.on_event)
        self.register()
        self.connect()
        self.setup = False
        config = self.config
        scheduler = SessionScheduler(self.population, config.activity.profile)
        start_ms = _ms(config.start)
        end_ms = start_ms + config.duration // _ONE_MS
        step_ms = config.step // _ONE_MS
        steps = config.steps
        self.report(0, steps, start_ms)
        rng = self.rng
        session = self.session
        clock_set = self.clock.set
        for step in range(steps):
            step_start = start_ms + step * step_ms
            length = min(step_ms, end_ms - step_start)
            for offset, account in scheduler.sessions(
                _instant(step_start), length / 1000.0, rng=rng
            ):
                now_ms = step_start + int(offset * 1000.0)
                self.now_ms = now_ms
                clock_set(_instant(now_ms))
                session(account)
            self.report(step + 1, steps, step_start + length)

    def report(self, step: int, steps: int, now_ms: int) -> None:
        if self.progress is not None:
            self.progress(
                Progress(
                    step=step,
                    steps=steps,
                    now=_instant(now_ms),
                    sessions=self.session_count,
                    actions=sum(self.actions.values()) + sum(self.refused.values()),
                )
            )

    def session(self, viewer: int) -> None:
        self.session_count += 1
        blog = self.blog
        rng = self.rng
        rnd = rng.random
        behaviour = self.config.behaviour
        actions = self.actions
        viewer_id = self.ids[viewer]
        if self.pending[viewer]:
            self.approve(viewer)
        try:
            page = self.feed.read(blog, viewer_id, limit=behaviour.page_size)
        except _REFUSALS as exc:
            self.refuse("read", exc)
            page = ()
        else:
            actions["read"] += 1
        post_index = self.post_index
        p_author = self.p_author
        p_kind = self.p_kind
        p_ref = self.p_ref
        following = self.following_set[viewer]
        items: list[int] = []
        now_ms = self.now_ms
        i_time, i_viewer, i_post, i_rank, i_in = (
            self.i_time,
            self.i_viewer,
            self.i_post,
            self.i_rank,
            self.i_in,
        )
        impressions = self.p_impressions
        for rank, post in enumerate(page, 1):
            index = post_index[post.id]
            author = p_author[index]
            items.append(index)
            i_time.append(now_ms)
            i_viewer.append(viewer)
            i_post.append(index)
            i_rank.append(rank)
            i_in.append(author == viewer or author in following)
            impressions[index] += 1
        # Engage with the items examined, top down (a cascade model of attention).
        like_w, repost_w, reply_w = behaviour.like, behaviour.repost, behaviour.reply
        total_w = like_w + repost_w + reply_w
        attention = behaviour.attention
        appeal = self.p_appeal
        engaged = self.engaged
        for position, index in enumerate(items):
            if position and rnd() >= attention:
                break
            target = p_ref[index] if p_kind[index] == _REPOST else index
            if p_author[target] == viewer:
                continue
            key = (viewer << 32) | target
            if key in engaged or rnd() >= total_w * appeal[target]:
                continue
            engaged.add(key)
            pick = rnd() * total_w
            post = page[position]
            if pick < like_w:
                self.like(viewer_id, post.id)
            elif pick < like_w + repost_w:
                self.repost(viewer_id, post.id)
            else:
                self.reply(viewer_id, post.id)
        if rnd() < behaviour.post:
            self.post(viewer)
        if rnd() < behaviour.follow:
            self.follow(viewer, items)
        if behaviour.block and rnd() < behaviour.block:
            self.block(viewer, items)

    def approve(self, viewer: int) -> None:
        ids = self.ids
        for follower in tuple(self.pending[viewer]):
            try:
                self.blog.approve_follow(ids[viewer], ids[follower])
            except _REFUSALS as exc:
                self.refuse("approve", exc)
                if follower in self.pending[viewer]:
                    self.pending[viewer].remove(follower)
            else:
                self.actions["approve"] += 1

    def like(self, viewer_id: AccountId, post_id: PostId) -> None:
        try:
            self.blog.like(viewer_id, post_id)
        except _REFUSALS as exc:
            self.refuse("like", exc)
        else:
            self.actions["like"] += 1

    def repost(self, viewer_id: AccountId, post_id: PostId) -> None:
        behaviour = self.config.behaviour
        rnd = self.rng.random
        comment = None
        also = False
        if rnd() < behaviour.comment:
            comment = self.composer.reaction(self.rng)
            also = rnd() < behaviour.also_comment
        try:
            self.blog.repost(viewer_id, post_id, comment=comment, also_comment=also)
        except _REFUSALS as exc:
            self.refuse("repost", exc)
        else:
            self.actions["repost"] += 1

    def reply(self, viewer_id: AccountId, post_id: PostId) -> None:
        try:
            self.blog.reply(viewer_id, post_id, self.composer.reaction(self.rng))
        except _REFUSALS as exc:
            self.refuse("reply", exc)
        else:
            self.actions["reply"] += 1

    def post(self, author: int) -> None:
        rng = self.rng
        followees = self.following_list[author]
        mention = self.handles[followees[int(rng.random() * len(followees))]] if followees else None
        text = self.composer.post(rng, mention=mention)
        private = rng.random() < self.config.behaviour.private_share
        try:
            self.blog.post(
                self.ids[author],
                text,
                visibility=Visibility.PRIVATE if private else Visibility.PUBLIC,
            )
        except _REFUSALS as exc:
            self.refuse("post", exc)
        else:
            self.actions["post"] += 1

    def follow(self, viewer: int, items: list[int]) -> None:
        rnd = self.rng.random
        target = -1
        if rnd() < self.config.behaviour.triadic:
            friends = self.following_list[viewer]
            if friends:
                friend = friends[int(rnd() * len(friends))]
                theirs = self.following_list[friend]
                if theirs:
                    target = theirs[int(rnd() * len(theirs))]
        elif items:
            index = items[int(rnd() * len(items))]
            root = self.p_ref[index] if self.p_kind[index] == _REPOST else index
            target = self.p_author[root]
        if target < 0 or target == viewer or target in self.following_set[viewer]:
            return
        code = viewer * len(self.ids) + target
        if code in self.requested:
            return
        try:
            result = self.blog.follow(self.ids[viewer], self.ids[target])
        except _REFUSALS as exc:
            self.refuse("follow", exc)
        else:
            self.actions["follow"] += 1
            if isinstance(result, FollowRequest):
                self.requested.add(code)

    def block(self, viewer: int, items: list[int]) -> None:
        if not items:
            return
        rnd = self.rng.random
        index = items[int(rnd() * len(items))]
        author = self.p_author[index]
        if author == viewer:
            return
        try:
            self.blog.block(self.ids[viewer], self.ids[author])
        except _REFUSALS as exc:
            self.refuse("block", exc)
        else:
            self.actions["block"] += 1


def simulate(
    config: SimulationConfig | None = None,
    *,
    storage: BlogFactory | None = None,
    feeds: FeedRegistry = DEFAULT_FEEDS,
    progress: Callable[[Progress], None] | None = None,
) -> SimulationResult:
    """Run a simulation.

    Args:
        config: What to simulate (default: :class:`SimulationConfig()`).
        storage: Builds the service to act on (default: :func:`memory_storage`).
            A SQLite database must be empty.
        feeds: Where ``config.ranker`` is looked up (add your own feeds with
            :meth:`FeedRegistry.with_feed`).
        progress: Called after setup and after each step.

    Returns:
        The result; its ``blog`` is still open.

    Raises:
        ValidationError: An unknown ranker or length policy, impossible graph
            sizes, a malformed edge list, or a database that already holds accounts.
        StorageError: The database cannot be opened or written.
        OSError: The edge-list file cannot be read.
    """
    config = SimulationConfig() if config is None else config
    if not isinstance(config, SimulationConfig):
        raise ValidationError(
            f"config must be a SimulationConfig, got {type(config).__name__}",
            field="config",
            value=config,
        )
    feed = feeds.get(config.ranker)
    policy = policy_named(config.policy)
    run = _Run(config, feed, policy, storage or memory_storage(), progress)
    try:
        run.run()
    except BaseException:
        run.blog.close()
        raise
    return SimulationResult(run)
