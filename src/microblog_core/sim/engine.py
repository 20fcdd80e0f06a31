"""The simulation engine: seeded agents acting through the :class:`Microblog` service.

:func:`simulate` runs one :class:`~microblog_core.sim.config.SimulationConfig`:

1. **Graph and population.** The run draws from independent random streams
   derived from ``config.seed`` (:mod:`microblog_core.sim.streams`): one for
   the follower graph, one for every account's activity (rate, profile
   shift, locked flag), one for the session schedule, one for the agents'
   choices and one for content (texts and appeal). Runs of the same config
   under different rankers therefore share the network and realise the
   same sessions, at the same instants, by the same accounts.
2. **Setup.** Accounts are registered and the graph's follows made through
   the service, an hour before ``config.start`` (then locked accounts lock).
3. **Steps.** For each step, a Poisson number of sessions is drawn
   (:class:`~microblog_core.sim.agents.SessionScheduler`); the ``ManualClock``
   is set to each session's instant. A session approves pending follow
   requests of a locked account, reads one page of the feed
   (``config.ranker``) and logs an impression per item (viewer, post,
   author, rank, time, in-network). The run's agent
   (:mod:`microblog_core.sim.agent`; by default the
   :class:`~microblog_core.sim.stochastic.StochasticAgent`) gets the page
   and the account's state as an observation and returns actions -- like,
   repost with or without a Weibo-style comment, reply, post, follow,
   unfollow, block, mute -- which the engine applies one by one. A batch
   agent (an LLM agent) gets all of a step's observations at once.
4. **Stances.** With an agent that holds stances, the polarization
   measures (:mod:`microblog_core.sim.polarization`) are taken at the
   start, every simulated hour and at the end.

Every action is a service call, so every domain rule holds; an action the
rules refuse is counted by action and reason, never raised. What happened is
recorded from the service's domain events into compact tables, returned
as a :class:`~microblog_core.sim.results.SimulationResult` that the metrics
(:mod:`microblog_core.sim.report`) and exports
(:mod:`microblog_core.sim.export`) read. The result classes live in
:mod:`microblog_core.sim.results` and are re-exported here.

Example:
    >>> from microblog_core.sim import SimulationConfig, simulate
    >>> result = simulate(SimulationConfig(accounts=60, hours=2, seed=7))
    >>> result.account_count, result.actions["read"] > 0
    (60, True)
    >>> all(1 <= i.rank <= 20 for i in result.impressions())
    True
"""

import contextlib
import gc
from array import array
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime, timedelta
from itertools import compress, repeat
from math import isnan
from pathlib import Path
from typing import Any

from attrs import frozen

from microblog_core import _checks, bootstrap
from microblog_core.clock import Clock, ManualClock
from microblog_core.errors import (
    ConflictError,
    DuplicateRepostError,
    NotFoundError,
    PermissionDeniedError,
    ValidationError,
)
from microblog_core.ids import AccountId, PostId
from microblog_core.models import (
    Blocked,
    Event,
    Followed,
    FollowRequest,
    FollowRequestApproved,
    FollowRequested,
    FollowRequestRejected,
    FollowRequestWithdrawn,
    Liked,
    Notification,
    PostPublished,
    Reposted,
    Unfollowed,
)
from microblog_core.service import Microblog
from microblog_core.sim.agent import (
    NO_STANCE,
    Action,
    Agent,
    BatchAgent,
    Block,
    Follow,
    Like,
    Mute,
    Nothing,
    Observation,
    PageItem,
    Publish,
    Reply,
    Repost,
    StanceAgent,
    Unfollow,
    World,
    agent_for,
)
from microblog_core.sim.agents import SessionScheduler, draw_population
from microblog_core.sim.config import SimulationConfig
from microblog_core.sim.feeds import DEFAULT_FEEDS, FeedRegistry, FeedSource, RunFeed
from microblog_core.sim.polarization import StanceSnapshot
from microblog_core.sim.results import (
    _E_FOLLOW,
    _E_LIKE,
    _E_POST,
    _E_REPLY,
    _E_REPOST,
    _ONE_MS,
    _ORIGINAL,
    _REPLY,
    _REPOST,
    _VISIBILITY_CODE,
    ACTION_KINDS,
    ENGAGEMENT_KINDS,
    EXTRA_ACTION_KINDS,
    POST_KINDS,
    AccountIndex,
    FollowTable,
    Impression,
    PostIndex,
    PostRecord,
    RunTables,
    SimulationResult,
    _instant,
    _ms,
)
from microblog_core.sim.streams import stream
from microblog_core.text import LengthPolicy, policy_named

__all__ = [
    "ACTION_KINDS",
    "ENGAGEMENT_KINDS",
    "EXTRA_ACTION_KINDS",
    "POST_KINDS",
    "TIMELINE_STRATEGIES",
    "AccountIndex",
    "BlogFactory",
    "FollowTable",
    "Impression",
    "PostIndex",
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

_SETUP_LEAD = timedelta(hours=1)
_SNAPSHOT_MS = 3_600_000  # stance measures are taken hourly (and at the start and the end)
_NO_META = (-1, NO_STANCE)  # the topic and stance of a post whose agent gave none


def _timeline(name: str) -> Any:
    from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid

    if name == "fan_out_on_read":
        return FanOutOnRead()
    if name == "fan_out_on_write":
        return FanOutOnWrite()
    if name == "hybrid":
        return Hybrid()
    raise ValidationError(
        f"unknown timeline strategy {_checks.quote(name)}; choose one of "
        f"{', '.join(TIMELINE_STRATEGIES)}",
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
        store = bootstrap.memory_store()
        return bootstrap.build(store, clock=clock, policy=policy, timeline=_timeline(timeline))

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
        store = bootstrap.sqlite_store(path)
        return bootstrap.build(store, clock=clock, policy=policy, timeline=_timeline(timeline))

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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a set-up makes millions of objects.

    They are all kept, so the collector's passes over them find nothing; at a
    million accounts those passes were most of the set-up's time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _bind_feed(feed: FeedSource, world: World, agent: Agent) -> FeedSource:
    """Give a feed that reads the run (``bridging``) its view of this run."""
    return feed.bind(world, agent) if isinstance(feed, RunFeed) else feed


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


class _Run:
    """The mutable state of one run; :func:`simulate` drives it."""

    def __init__(
        self,
        config: SimulationConfig,
        feed: FeedSource,
        policy: LengthPolicy,
        storage: BlogFactory,
        progress: Callable[[Progress], None] | None,
        *,
        agent: Agent,
    ) -> None:
        self.config = config
        self.agent = agent
        self.feed = feed
        self.progress = progress
        # Independent streams (see microblog_core.sim.streams): the schedule
        # never depends on what the agents did, so feeds compare paired.
        self.rng = rng = stream(config.seed, "agents")
        self.schedule_rng = stream(config.seed, "schedule")
        self.content_rng = content_rng = stream(config.seed, "content")
        with _collector_paused():
            self.graph = graph = config.graph.build(
                config.accounts, rng=stream(config.seed, "graph")
            )
        n = graph.n
        behaviour = config.behaviour
        self.population = draw_population(
            n,
            config.activity,
            locked_share=behaviour.locked_share,
            rng=stream(config.seed, "population"),
        )
        self.clock = ManualClock(config.start - _SETUP_LEAD)
        self.now_ms = _ms(config.start - _SETUP_LEAD)
        self.setup = True
        self.blog = storage(self.clock, policy)
        self.tables = tables = RunTables(n, _ms(config.start - _SETUP_LEAD))
        self.ids = tables.ids
        self.handles = tables.handles
        self.index_of = tables.index_of
        self.following_set = tables.following
        self.pending: dict[int, list[int]] = {}  # a locked account's requests, by followee
        self.follower_counts = [0] * n
        # Each account's read marker, for runs whose sessions read notifications.
        self.reads_notifications = behaviour.reads_notifications
        self.last_read: list[int | None] = [None] * n
        self.world = World(config, rng, tables, tables.following.followees, content=content_rng)
        self.stances: Sequence[float] | None = None  # bound once the agent has started
        self.cross_cutting = (0, 0)  # cross-cutting and all stance-bearing impressions so far
        self.last_exposure = (0, 0)
        self.meta = _NO_META
        self.follow_ms = tables.follow_ms
        self.post_index = tables.post_index
        self.p_id, self.p_author, self.p_kind = tables.p_id, tables.p_author, tables.p_kind
        self.p_ref, self.p_extra, self.p_time = tables.p_ref, tables.p_extra, tables.p_time
        self.p_visibility, self.p_text = tables.p_visibility, tables.p_text
        self.p_appeal, self.p_likes = tables.p_appeal, tables.p_likes
        self.p_reposts, self.p_replies = tables.p_reposts, tables.p_replies
        self.p_impressions = tables.p_impressions
        self.p_topic, self.p_stance = tables.p_topic, tables.p_stance
        self.i_post, self.i_in, self.end_page = tables.i_post, tables.i_in, tables.end_page
        self.log_impressions = config.impressions == "full"
        self.e_time, self.e_kind, self.e_account = tables.e_time, tables.e_kind, tables.e_account
        self.e_post, self.e_target = tables.e_post, tables.e_target
        # counts
        self.actions: dict[str, int] = dict.fromkeys(ACTION_KINDS, 0)
        self.refused: dict[tuple[str, str], int] = {}
        self.setup_refused: dict[str, int] = {}
        self.session_count = 0
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
            FollowRequestWithdrawn: self.on_request_closed,
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

    def add_post(
        self,
        post: Any,
        kind: int,
        ref: int,
        extra: int,
        appeal: float,
        *,
        meta: tuple[int, float] = _NO_META,
    ) -> int:
        index = self.post_index.append(post.id)  # the id column too
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
        self.p_topic.append(meta[0])
        self.p_stance.append(meta[1])
        return index

    def on_published(self, event: PostPublished) -> None:
        post = event.post
        appeal = self.content_rng.lognormvariate(self.appeal_mu, self.appeal_sigma)
        ref = post.reply_to
        if ref is None:
            index = self.add_post(post, _ORIGINAL, -1, -1, appeal, meta=self.meta)
            self.log(_E_POST, self.p_author[index], index, -1)
            return
        parent = self.post_index[ref.parent_id]
        index = self.add_post(
            post, _REPLY, parent, self.post_index[ref.root_id], appeal, meta=self.meta
        )
        self.p_replies[parent] += 1
        self.log(_E_REPLY, self.p_author[index], index, parent)

    def on_reposted(self, event: Reposted) -> None:
        post = event.repost
        ref = post.repost_of
        assert ref is not None  # a Reposted event carries a repost  # noqa: S101
        root = self.post_index[ref.root_id]
        via = -1 if ref.via_id is None else self.post_index[ref.via_id]
        index = self.add_post(
            post,
            _REPOST,
            root,
            via,
            self.p_appeal[root],
            meta=(self.p_topic[root], self.p_stance[root]),
        )
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
        if not self.following_set.add(follower, followee):
            return
        self.follower_counts[followee] += 1
        if not self.setup:
            self.follow_ms[follower * len(self.following_set) + followee] = self.now_ms
            self.log(_E_FOLLOW, follower, -1, followee)

    def on_unfollowed(self, event: Unfollowed) -> None:
        follower = self.index_of[event.follower_id]
        followee = self.index_of[event.followee_id]
        if self.following_set.discard(follower, followee):
            self.follower_counts[followee] -= 1
            self.follow_ms.pop(follower * len(self.following_set) + followee, None)

    def on_requested(self, event: FollowRequested) -> None:
        request = event.request
        followee = self.index_of[request.followee_id]
        self.pending.setdefault(followee, []).append(self.index_of[request.follower_id])

    def on_request_closed(
        self, event: FollowRequestApproved | FollowRequestRejected | FollowRequestWithdrawn
    ) -> None:
        request = event.request
        waiting = self.pending.get(self.index_of[request.followee_id])
        follower = self.index_of[request.follower_id]
        if waiting is not None and follower in waiting:
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
        graph = self.graph
        width = len(str(graph.n - 1))
        handles = [f"u{node:0{width}d}" for node in range(graph.n)]
        followers, followees = graph.edge_columns()
        try:
            accounts, refused = blog.register_network(handles, followers, followees)
        except ValidationError as exc:
            if exc.field != "projectors":
                raise
            self.register_one_by_one(handles)
            self.connect_one_by_one()
        else:
            self.bulk_registered(accounts, handles, refused, followers, followees)
        self.lock_accounts()

    def bulk_registered(
        self,
        accounts: Sequence[Any],
        handles: list[str],
        refused: dict[int, str],
        followers: "array[int]",
        followees: "array[int]",
    ) -> None:
        """Record a bulk set-up as :meth:`on_followed` would have recorded its events."""
        ids = [account.id for account in accounts]
        self.index_of.number(ids)
        self.ids.extend(ids)
        self.handles.extend(handles)
        setup_refused = self.setup_refused
        for reason, count in Counter(refused.values()).items():
            setup_refused[reason] = setup_refused.get(reason, 0) + count
        if refused:
            made = bytearray(b"\x01") * len(followers)
            deque(map(made.__setitem__, refused, repeat(0)), maxlen=0)
            followers = array(followers.typecode, compress(followers, made))
            followees = array(followees.typecode, compress(followees, made))
        # A graph's edges come by follower and never repeat: they load as they are.
        self.following_set.load(followers, followees)
        counts = Counter(followees)
        self.follower_counts[:] = map(counts.__getitem__, range(len(ids)))

    def register_one_by_one(self, handles: list[str]) -> None:
        blog = self.blog
        for handle in handles:
            account = blog.register(handle)
            self.index_of.number((account.id,))
            self.ids.append(account.id)
            self.handles.append(handle)

    def connect_one_by_one(self) -> None:
        blog = self.blog
        ids = self.ids
        follow = blog.follow
        for follower, followee in self.graph.edges:
            try:
                follow(ids[follower], ids[followee])
            except _REFUSALS as exc:
                reason = _reason(exc)
                self.setup_refused[reason] = self.setup_refused.get(reason, 0) + 1

    def lock_accounts(self) -> None:
        blog = self.blog
        ids = self.ids
        for node, locked in enumerate(self.population.locked):
            if locked:
                blog.update_profile(ids[node], locked=True)

    # -- the run -------------------------------------------------------------

    def refuse(self, kind: str, exc: Exception) -> None:
        key = (kind, _reason(exc))
        self.refused[key] = self.refused.get(key, 0) + 1

    def run(self) -> None:
        self.blog.subscribe(self.on_event)
        with _collector_paused():
            self.register()
        gc.freeze()  # the set-up's objects live as long as the run: keep the collector off them
        self.setup = False
        config = self.config
        agent = self.agent
        agent.start(self.world)
        self.stances = agent.stances if isinstance(agent, StanceAgent) else None
        self.feed = _bind_feed(self.feed, self.world, agent)
        batch = isinstance(agent, BatchAgent)
        scheduler = SessionScheduler(self.population, config.activity.profile)
        start_ms = _ms(config.start)
        end_ms = start_ms + config.duration // _ONE_MS
        step_ms = config.step // _ONE_MS
        steps = config.steps
        self.report(0, steps, start_ms)
        self.snapshot(start_ms)
        next_snapshot = start_ms + _SNAPSHOT_MS
        rng = self.schedule_rng
        session = self.session
        clock_set = self.clock.set
        for step in range(steps):
            step_start = start_ms + step * step_ms
            length = min(step_ms, end_ms - step_start)
            sessions = scheduler.sessions(_instant(step_start), length / 1000.0, rng=rng)
            if batch:
                self.batch(sessions, step_start)
            else:
                for offset, account in sessions:
                    now_ms = step_start + int(offset * 1000.0)
                    self.now_ms = now_ms
                    clock_set(_instant(now_ms))
                    session(account)
            step_end = step_start + length
            if step_end >= next_snapshot or step == steps - 1:
                self.snapshot(step_end)
                while next_snapshot <= step_end:
                    next_snapshot += _SNAPSHOT_MS
            self.report(step + 1, steps, step_end)

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

    def snapshot(self, now_ms: int) -> None:
        """Record the stance measures (stance agents only): at the start, hourly, at the end."""
        stances = self.stances
        if stances is None:
            return

        cross, exposed = self.cross_cutting
        self.tables.stance_snapshots.append(
            StanceSnapshot.measure(
                _instant(now_ms),
                stances,
                self.following_set,
                cross_cutting=cross - self.last_exposure[0],
                exposures=exposed - self.last_exposure[1],
            )
        )
        self.last_exposure = (cross, exposed)

    def session(self, viewer: int) -> None:
        observation = self.observe(viewer)
        apply = self.apply
        for action in self.agent.act(observation):
            apply(viewer, action)

    def batch(self, sessions: list[tuple[float, int]], step_start: int) -> None:
        """Run one step's sessions for a batch agent: every read, one call, every action."""
        clock_set = self.clock.set
        observed: list[tuple[int, Observation]] = []
        for offset, account in sessions:
            now_ms = step_start + int(offset * 1000.0)
            self.now_ms = now_ms
            clock_set(_instant(now_ms))
            observed.append((now_ms, self.observe(account)))
        if not observed:
            return
        agent = self.agent
        assert isinstance(agent, BatchAgent)  # checked by run()  # noqa: S101
        decided = agent.act_batch([observation for _, observation in observed])
        if len(decided) != len(observed):
            raise ValidationError(
                f"act_batch() returned {len(decided)} answers for {len(observed)} observations",
                field="agent",
                value=len(decided),
            )
        apply = self.apply
        for (now_ms, observation), actions in zip(observed, decided, strict=True):
            self.now_ms = now_ms
            clock_set(_instant(now_ms))
            for action in actions:
                apply(observation.viewer, action)

    def observe(self, viewer: int) -> Observation:
        """Open a session: approve requests, read the page, log impressions, build the view."""
        self.session_count += 1
        blog = self.blog
        behaviour = self.config.behaviour
        actions = self.actions
        viewer_id = self.ids[viewer]
        if self.pending.get(viewer):
            self.approve(viewer)
        try:
            page = self.feed.read(blog, viewer_id, limit=behaviour.page_size)
        except _REFUSALS as exc:
            self.refuse("read", exc)
            page = ()
        else:
            actions["read"] += 1
        p_author = self.p_author
        p_kind = self.p_kind
        p_ref = self.p_ref
        p_likes, p_reposts, p_replies = self.p_likes, self.p_reposts, self.p_replies
        p_appeal, p_topic, p_stance = self.p_appeal, self.p_topic, self.p_stance
        handles = self.handles
        following = self.following_set.holds(viewer)
        items: list[PageItem] = []
        now_ms = self.now_ms
        # The impression log's columns, their appends bound once per page.
        log_post, log_in = self.i_post.append, self.i_in.append
        impressions = self.p_impressions
        log_impressions = self.log_impressions
        add_item = items.append
        post_index = self.post_index
        newest = post_index.newest.get  # most of a page: a dict's lookup
        for rank, post in enumerate(page, 1):
            index = newest(post.id)
            if index is None:
                index = post_index[post.id]
            author = p_author[index]
            root = p_ref[index] if p_kind[index] == _REPOST else index
            root_author = p_author[root]
            inside = author == viewer or author in following
            if log_impressions:
                log_post(index)
                log_in(inside)
            impressions[index] += 1
            add_item(
                PageItem(
                    post,
                    rank,
                    inside,
                    index,
                    root,
                    author,
                    root_author,
                    handles[root_author],
                    p_likes[root],
                    p_reposts[root],
                    p_replies[root],
                    p_appeal[root],
                    p_topic[root],
                    None if isnan(stance := p_stance[root]) else stance,
                )
            )
        if log_impressions:
            self.end_page(now_ms, viewer)
        viewer_stance: float | None = None
        stances = self.stances
        if stances is not None:
            viewer_stance = stances[viewer]
            cross, exposed = self.cross_cutting
            for item in items:
                other = item.stance
                if other is not None:  # the content has a stance
                    exposed += 1
                    if other * viewer_stance < 0.0:
                        cross += 1
            self.cross_cutting = (cross, exposed)
        return Observation(
            _instant(now_ms),
            viewer,
            viewer_id,
            handles[viewer],
            tuple(items),
            self.following_set.followees[viewer],
            self.follower_counts[viewer],
            viewer_stance,
            self.new_notifications(viewer) if self.reads_notifications else (),
        )

    def new_notifications(self, viewer: int) -> tuple[Notification, ...]:
        """The viewer's notifications since its last read (newest 40), marked read."""
        blog = self.blog
        viewer_id = self.ids[viewer]
        items = blog.notifications(viewer_id, since_id=self.last_read[viewer], limit=40).items
        if items:
            self.last_read[viewer] = items[0].id
            blog.mark_notifications_read(viewer_id, items[0].id)
        return items

    def apply(self, viewer: int, action: Action) -> None:
        """Carry out one action through the service; count it, or count its refusal."""
        viewer_id = self.ids[viewer]
        match action:
            case Like():
                self.like(viewer_id, action.post_id)
            case Repost():
                self.repost(viewer_id, action)
            case Reply():
                self.reply(viewer_id, action)
            case Publish():
                self.post(viewer_id, action)
            case Follow():
                self.follow(viewer, action.account_id)
            case Block():
                self.relate("block", viewer_id, action.account_id)
            case Unfollow():
                self.relate("unfollow", viewer_id, action.account_id)
            case Mute():
                self.relate("mute", viewer_id, action.account_id)
            case Nothing():
                if action.reason:
                    key = ("agent", action.reason)
                    self.refused[key] = self.refused.get(key, 0) + 1
            case _:
                raise ValidationError(
                    f"an agent returned {type(action).__name__}, not an action "
                    "(Like, Repost, Reply, Publish, Follow, Unfollow, Block, Mute or Nothing)",
                    field="agent",
                    value=action,
                )

    def approve(self, viewer: int) -> None:
        ids = self.ids
        waiting = self.pending[viewer]
        for follower in tuple(waiting):
            try:
                self.blog.approve_follow(ids[viewer], ids[follower])
            except _REFUSALS as exc:
                self.refuse("approve", exc)
                if follower in waiting:
                    waiting.remove(follower)
            else:
                self.actions["approve"] += 1

    def like(self, viewer_id: AccountId, post_id: PostId) -> None:
        try:
            self.blog.like(viewer_id, post_id)
        except _REFUSALS as exc:
            self.refuse("like", exc)
        else:
            self.actions["like"] += 1

    def content_of(self, post_id: PostId) -> tuple[int, float]:
        """The topic and stance of the content ``post_id`` shows (none if it is unknown)."""
        index = self.post_index.get(post_id)
        if index is None:
            return -1, NO_STANCE
        root = self.p_ref[index] if self.p_kind[index] == _REPOST else index
        return self.p_topic[root], self.p_stance[root]

    def repost(self, viewer_id: AccountId, action: Repost) -> None:
        # A comment posted as a reply carries the reposted content's topic and stance.
        self.meta = self.content_of(action.post_id)
        try:
            self.blog.repost(
                viewer_id, action.post_id, comment=action.comment, also_comment=action.also_comment
            )
        except _REFUSALS as exc:
            self.refuse("repost", exc)
        else:
            self.actions["repost"] += 1
        finally:
            self.meta = _NO_META

    def reply(self, viewer_id: AccountId, action: Reply) -> None:
        topic, _ = self.content_of(action.post_id)
        self.meta = (topic, NO_STANCE if action.stance is None else action.stance)
        kind = "mention_reply" if action.to_mention else "reply"
        try:
            self.blog.reply(viewer_id, action.post_id, action.text)
        except _REFUSALS as exc:
            self.refuse(kind, exc)
        else:
            self.actions[kind] = self.actions.get(kind, 0) + 1
        finally:
            self.meta = _NO_META

    def post(self, viewer_id: AccountId, action: Publish) -> None:
        self.meta = (action.topic, NO_STANCE if action.stance is None else action.stance)
        try:
            self.blog.post(viewer_id, action.text, visibility=action.visibility)
        except _REFUSALS as exc:
            self.refuse("post", exc)
        else:
            self.actions["post"] += 1
        finally:
            self.meta = _NO_META

    def follow(self, viewer: int, target_id: AccountId) -> None:
        target = self.index_of.get(target_id, -1)
        code = viewer * len(self.ids) + target
        if target >= 0 and code in self.requested:
            return
        try:
            result = self.blog.follow(self.ids[viewer], target_id)
        except _REFUSALS as exc:
            self.refuse("follow", exc)
        else:
            self.actions["follow"] += 1
            if isinstance(result, FollowRequest):
                self.requested.add(code)

    def relate(self, kind: str, viewer_id: AccountId, target_id: AccountId) -> None:
        blog = self.blog
        call = blog.block if kind == "block" else blog.unfollow if kind == "unfollow" else blog.mute
        try:
            call(viewer_id, target_id)
        except _REFUSALS as exc:
            self.refuse(kind, exc)
        else:
            self.actions[kind] = self.actions.get(kind, 0) + 1


def simulate(
    config: SimulationConfig | None = None,
    *,
    storage: BlogFactory | None = None,
    feeds: FeedRegistry = DEFAULT_FEEDS,
    progress: Callable[[Progress], None] | None = None,
    agent: Agent | None = None,
) -> SimulationResult:
    """Run a simulation.

    Args:
        config: What to simulate (default: ``SimulationConfig()``).
        storage: Builds the service to act on (default: :func:`memory_storage`).
            A SQLite database must be empty.
        feeds: Where ``config.ranker`` is looked up (add your own feeds with
            :meth:`FeedRegistry.with_feed`).
        progress: Called after setup and after each step.
        agent: Decides what the accounts do (default: the agent ``config.agent``
            names, built by :func:`~microblog_core.sim.agent.agent_for`).

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
    owned = agent is None
    if agent is None:
        agent = agent_for(config)
    elif not isinstance(agent, Agent):
        raise ValidationError(
            f"agent must have a name, start(world) and act(observation), "
            f"got {type(agent).__name__}",
            field="agent",
            value=agent,
        )
    try:
        run = _Run(config, feed, policy, storage or memory_storage(), progress, agent=agent)
        try:
            run.run()
        except BaseException:
            run.blog.close()
            raise
        finally:
            gc.unfreeze()
    finally:
        close = getattr(agent, "close", None) if owned else None
        if callable(close):
            close()  # an agent built here (an LLM agent's HTTP client) ends with the run
    return SimulationResult(run)
