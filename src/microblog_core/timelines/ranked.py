"""The ranked timeline: candidate sources → filters → scorer → re-rankers → page.

A read model beside the other timelines: it reads through a
:class:`~microblog_core.ports.ReadPort` and scores with the pure functions of
:mod:`microblog_core.ranking`. (Its old path, ``microblog_core.ranking.pipeline``,
still imports.) A :class:`Ranker` names each stage; :func:`ranked_timeline`
(also ``Microblog.ranked_timeline``) runs it for a viewer and returns a
:class:`RankedPage` with an opaque keyset cursor:

1. **Sources** yield posts: :class:`InNetwork` (the viewer's home candidates,
   from the timeline strategy's merge), :class:`Trending` (recent public
   posts with the most engagement) and :class:`FollowedByFollowees` (posts by
   accounts the viewer's followees follow). Any object with a ``name`` and
   ``candidates(context)`` is a source.
2. **Filters** drop posts: :class:`HomeRules` (Mastodon's home filter) and
   :class:`NotSeen` (posts the viewer already saw). Whatever the filters, a
   viewer never gets a post the visibility rule hides from them
   (:class:`~microblog_core.rules.ViewerContext`: both ways across a block,
   and a repost whose original they may not see).
3. **Scorer**: any :class:`~microblog_core.ranking.Scorer`, fed a
   :class:`~microblog_core.ranking.Candidate` per post whose ``signals`` come
   from the ranker's ``signals`` function (:func:`observed_rates` by default).
4. **Re-rankers**: any :class:`~microblog_core.ranking.Reranker` list
   (default: one item per original, then author diversity).
5. **Page** in ranked order (score descending, ties by id descending).

Cursors pin the first page's snapshot: the largest candidate id then (posts
published later are never candidates of the later pages), the instant the
scores are computed at, and the ``(score, id)`` of the last item served.
They are base64url JSON, opaque to clients; a cursor that does not decode,
or that another ranker made, raises :class:`~microblog_core.errors.ValidationError`.
Engagement that changes between two pages can still move an item across the
cursor, as with any keyset over a live score.
"""

import base64
import binascii
import json
import math
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from datetime import datetime, timedelta
from heapq import nlargest
from itertools import islice
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, runtime_checkable

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ids import EPOCH, AccountId, PostId, id_at
from microblog_core.models import Post, PostCounters
from microblog_core.ports import ReadPort, UnitOfWork
from microblog_core.ranking import (
    TWITTER_2023,
    AuthorDiversity,
    Candidate,
    DedupRoots,
    Reranker,
    Scored,
    Scorer,
    rank,
)
from microblog_core.rules import HomeContext, ViewerContext, filtered_from_home
from microblog_core.rules.filters import FilterResult, freeze_marks
from microblog_core.timelines.fanout import FanOutOnRead
from microblog_core.timelines.home import HomeSource, RootCache, home_context
from microblog_core.timelines.pages import check_limit

__all__ = [
    "DEFAULT_RANKER",
    "CandidateFilter",
    "CandidateSource",
    "FollowedByFollowees",
    "HomeRules",
    "InNetwork",
    "NotSeen",
    "RankedItem",
    "RankedPage",
    "Ranker",
    "RankingContext",
    "SignalsFunction",
    "Trending",
    "observed_rates",
    "ranked_timeline",
]

_CURSOR_VERSION = 1
_TREND_BATCH = 200


@frozen(kw_only=True)
class RankingContext:
    """What sources and filters know about one ranked request.

    Attributes:
        port: What the request reads through (the service, or any
            :class:`~microblog_core.ports.ReadPort`).
        timeline: The home candidate source :class:`InNetwork` reads (the
            service's timeline strategy).
        uow: The read-only unit the request reads through.
        viewer_id: Whose feed.
        home: The viewer's follows, blocks and mutes.
        bound: Only posts with an id at or below this are candidates (the
            snapshot of the first page), or None on a first page.
        now: The instant the request is ranked at (pinned by the cursor).
    """

    port: ReadPort
    timeline: HomeSource
    uow: UnitOfWork
    viewer_id: AccountId
    home: HomeContext
    bound: PostId | None
    now: datetime

    @property
    def blog(self) -> ReadPort:
        """The former name of :attr:`port`."""
        return self.port

    @property
    def max_id(self) -> PostId | None:
        """The exclusive ``max_id`` that applies :attr:`bound` to a repository query."""
        return None if self.bound is None else PostId(self.bound + 1)


@runtime_checkable
class CandidateSource(Protocol):
    """Yields posts to rank. Must be deterministic for a given context and store state."""

    @property
    def name(self) -> str:
        """A short label, reported on each :class:`RankedItem` it brought in."""
        ...

    def candidates(self, context: RankingContext) -> Iterable[Post]:
        """Return the posts to rank (ids above ``context.bound`` are dropped anyway)."""
        ...


@runtime_checkable
class CandidateFilter(Protocol):
    """Drops candidates. Must be pure given the post, its original and the context."""

    @property
    def name(self) -> str:
        """A short label."""
        ...

    def keep(self, post: Post, root: Post | None, context: RankingContext) -> bool:
        """Whether the post stays (``root`` is a repost's original, else None)."""
        ...


# --------------------------------------------------------------------------- sources


def _check_positive(instance: object, attribute: Any, value: object) -> None:
    _checks.limit(value, attribute.name)


@frozen
class InNetwork:
    """The newest ``max_candidates`` home candidates: the viewer's and its followees' posts.

    Read from the context's timeline (the service's strategy: its lazy merge
    or its feed), before the home rules, which :class:`HomeRules` applies.

    Attributes:
        max_candidates: How many of the newest candidates to rank (default 500).
    """

    name: ClassVar[str] = "in_network"

    max_candidates: int = field(default=500, validator=_check_positive)

    def candidates(self, context: RankingContext) -> Iterator[Post]:
        """Return the newest candidates at or below the snapshot bound."""
        merged = context.timeline.candidates(
            context.uow, context.viewer_id, context.home.following, max_id=context.max_id
        )
        return islice(merged, self.max_candidates)


def _engagement(counters: PostCounters) -> int:
    return counters.likes + counters.reposts + counters.replies + counters.quotes


@frozen
class Trending:
    """Recent public posts with the most engagement, from anyone (out-of-network).

    Scans the public timeline (originals, no replies or reposts) published
    within ``window`` of now, newest first, up to ``scan_limit`` posts, and
    keeps the ``max_candidates`` with the most likes + reposts + replies +
    quotes (ties: newer first).

    Attributes:
        window: How far back to look (default 24 hours).
        scan_limit: The most public posts read (default 2,000).
        max_candidates: How many to keep (default 100).
    """

    name: ClassVar[str] = "trending"

    window: timedelta = field(default=timedelta(hours=24))
    scan_limit: int = field(default=2000, validator=_check_positive)
    max_candidates: int = field(default=100, validator=_check_positive)

    def __attrs_post_init__(self) -> None:
        if not isinstance(self.window, timedelta) or self.window <= timedelta(0):
            raise ValidationError(
                f"window must be a positive timedelta, got {_checks.quote(self.window)}",
                field="window",
                value=self.window,
            )

    def candidates(self, context: RankingContext) -> list[Post]:
        """Return the most engaged recent public posts at or below the snapshot bound."""
        posts = context.uow.posts
        since = context.now - self.window
        low = PostId(id_at(since) - 1) if since > EPOCH else None
        found: list[Post] = []
        max_id = context.max_id
        while len(found) < self.scan_limit:
            size = min(_TREND_BATCH, self.scan_limit - len(found))
            batch = posts.public(max_id=max_id, min_id=low, limit=size)
            found.extend(batch)
            if len(batch) < size:
                break
            max_id = batch[-1].id
        counters = posts.counters
        return nlargest(
            self.max_candidates, found, key=lambda p: (_engagement(counters(p.id)), p.id)
        )


@frozen
class FollowedByFollowees:
    """Posts by accounts that the viewer's followees follow and the viewer does not.

    Counts, over up to ``max_followees`` followees (lowest ids first), how many
    follow each other account, and takes the newest ``per_account`` posts of
    the ``max_accounts`` most followed (ties: lower account id first).

    Attributes:
        max_followees: Followees whose follows are read (default 200).
        max_accounts: Second-hop accounts kept (default 50).
        per_account: Newest posts taken from each (default 5).
    """

    name: ClassVar[str] = "followed_by_followees"

    max_followees: int = field(default=200, validator=_check_positive)
    max_accounts: int = field(default=50, validator=_check_positive)
    per_account: int = field(default=5, validator=_check_positive)

    def candidates(self, context: RankingContext) -> Iterator[Post]:
        """Return the newest posts of the most followed second-hop accounts."""
        relations = context.uow.relations
        viewer = context.viewer_id
        following = context.home.following
        shared: dict[AccountId, int] = {}
        for followee in sorted(following)[: self.max_followees]:
            for account in relations.following_ids(followee):
                if account != viewer and account not in following:
                    shared[account] = shared.get(account, 0) + 1
        top = sorted(shared, key=lambda a: (-shared[a], a))[: self.max_accounts]
        stream = context.uow.posts.stream
        for account in top:
            yield from islice(stream(account, max_id=context.max_id), self.per_account)


# --------------------------------------------------------------------------- filters


@frozen
class HomeRules:
    """Mastodon's home filter (:func:`~microblog_core.rules.filtered_from_home`)."""

    name: ClassVar[str] = "home_rules"

    def keep(self, post: Post, root: Post | None, context: RankingContext) -> bool:
        """Whether the home rules let the post through."""
        return not filtered_from_home(post, context.home, root=root)


def _frozen_ids(value: Iterable[int]) -> frozenset[int]:
    return frozenset(_checks.lookup_ids(value, "seen"))


@frozen
class NotSeen:
    """Drop posts the viewer has seen, and reposts of originals it has seen.

    Attributes:
        seen: Ids of the posts already shown (for example from an impression log).
    """

    name: ClassVar[str] = "not_seen"

    seen: frozenset[int] = field(converter=_frozen_ids)

    def keep(self, post: Post, root: Post | None, context: RankingContext) -> bool:
        """Whether neither the post nor its original was seen."""
        seen = self.seen
        return post.id not in seen and (root is None or root.id not in seen)


# --------------------------------------------------------------------------- signals

SignalsFunction = Callable[[PostCounters, int], Mapping[str, float]]
"""Turns an original's counters and its author's follower count into scorer signals."""


def observed_rates(counters: PostCounters, followers: int) -> dict[str, float]:
    """Observed engagement rates of an original, as weighted-engagement signals.

    Twitter's heavy ranker predicts the probability of each engagement; what
    a store knows is what already happened. Each rate is a count over the
    author's audience, ``followers + 1`` (the +1 keeps a new account's first
    like from being infinite), capped at 1 so it stays a probability:

    - ``fav``: likes / audience;
    - ``retweet``: (reposts + quotes) / audience;
    - ``reply``: replies / audience.

    With :data:`~microblog_core.ranking.TWITTER_2023` the score is
    ``0.5·fav + 1.0·retweet + 13.5·reply`` (+ 0.001): a reply counts 27 times
    a like, as in Twitter's 2023 weights.

    Args:
        counters: The original post's counters.
        followers: Its author's follower count.

    Returns:
        The signals ``fav``, ``retweet`` and ``reply``.

    Example:
        >>> observed_rates(PostCounters(likes=5, replies=1), 9)
        {'fav': 0.5, 'retweet': 0.0, 'reply': 0.1}
    """
    audience = followers + 1
    return {
        "fav": min(1.0, counters.likes / audience),
        "retweet": min(1.0, (counters.reposts + counters.quotes) / audience),
        "reply": min(1.0, counters.replies / audience),
    }


# --------------------------------------------------------------------------- ranker


def _to_tuple(value: Iterable[Any]) -> tuple[Any, ...]:
    return _checks.iterable(value, "stages", "stages")


def _check_stages(kind: type, label: str) -> Callable[[object, Any, tuple[Any, ...]], None]:
    def check(instance: object, attribute: Any, value: tuple[Any, ...]) -> None:
        for stage in value:
            if not isinstance(stage, kind):
                raise ValidationError(
                    f"{attribute.name} must hold {label}, got {type(stage).__name__}",
                    field=attribute.name,
                    value=stage,
                )

    return check


def _check_scorer(instance: object, attribute: Any, value: object) -> None:
    if not isinstance(value, Scorer):
        raise ValidationError(
            f"scorer must have a name and score(candidate, now), got {type(value).__name__}",
            field="scorer",
            value=value,
        )


def _check_name(instance: object, attribute: Any, value: object) -> None:
    if not isinstance(value, str) or not value:
        raise ValidationError("a ranker needs a non-empty name", field="name", value=value)


def _check_callable(instance: object, attribute: Any, value: object) -> None:
    if not callable(value):
        raise ValidationError("signals must be callable", field="signals", value=value)


@frozen(kw_only=True)
class Ranker:
    """The stages of a ranked feed.

    Attributes:
        name: Identifies the ranker in cursors (a cursor only works with the
            ranker of the same name).
        sources: Where candidates come from, in order (a post two sources
            bring is credited to the first).
        filters: Applied in order after the visibility rules.
        scorer: Scores each candidate.
        rerankers: Applied in order to the scored list.
        signals: Computes each candidate's ``signals`` from its original's
            counters and its author's follower count.

    Example:
        >>> from microblog_core.ranking import BlueskyHotScorer
        >>> hot = Ranker(name="hot", scorer=BlueskyHotScorer())
        >>> [s.name for s in hot.sources], hot.scorer.name
        (['in_network'], 'bluesky_hot')
    """

    name: str = field(default="default", validator=_check_name)
    sources: tuple[CandidateSource, ...] = field(
        default=(InNetwork(),),
        converter=_to_tuple,
        validator=_check_stages(CandidateSource, "candidate sources"),
    )
    filters: tuple[CandidateFilter, ...] = field(
        default=(HomeRules(),),
        converter=_to_tuple,
        validator=_check_stages(CandidateFilter, "candidate filters"),
    )
    scorer: Scorer = field(default=TWITTER_2023, validator=_check_scorer)
    rerankers: tuple[Reranker, ...] = field(
        default=(DedupRoots(), AuthorDiversity()),
        converter=_to_tuple,
        validator=_check_stages(Reranker, "re-rankers"),
    )
    signals: SignalsFunction = field(default=observed_rates, validator=_check_callable)


DEFAULT_RANKER = Ranker()
"""In-network candidates, the home rules, Twitter's 2023 weights over
:func:`observed_rates`, one item per original, and author diversity."""


# --------------------------------------------------------------------------- pages


@frozen(kw_only=True)
class RankedItem:
    """One ranked post.

    Attributes:
        post: The post (a repost's original is in :attr:`RankedPage.roots`).
        score: Its final score (after the re-rankers).
        source: The name of the candidate source that brought it.
        in_network: Whether the viewer wrote it or follows its author.
    """

    post: Post
    score: float
    source: str
    in_network: bool


def _freeze_roots(value: Mapping[PostId, Post]) -> Mapping[PostId, Post]:
    return MappingProxyType(dict(value))


@frozen(kw_only=True)
class RankedPage:
    """A page of a ranked feed.

    Attributes:
        items: The ranked posts, best first.
        roots: For each repost among the items, its original, by id.
        next_cursor: Pass as ``cursor`` for the next page (None at the end).
        filtered: For each item one of the viewer's ``warn`` keyword filters of
            the home context matched, the filters that matched and what in
            them, by item id; read-only. Items a ``hide`` filter matched are
            not on the page, while the cursor still steps over them.
    """

    items: tuple[RankedItem, ...]
    roots: Mapping[PostId, Post] = field(
        factory=dict, converter=_freeze_roots, hash=False, repr=False
    )
    next_cursor: str | None = None
    filtered: Mapping[PostId, tuple[FilterResult, ...]] = field(
        factory=dict, converter=freeze_marks, hash=False, repr=False
    )

    @property
    def posts(self) -> tuple[Post, ...]:
        """The posts of the page, best first."""
        return tuple(item.post for item in self.items)

    def __len__(self) -> int:
        return len(self.items)


@frozen
class _Position:
    ranker: str
    bound: int
    now: datetime
    score: float
    post_id: int


def _micros(instant: datetime) -> int:
    delta = instant - EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def _encode(position: _Position) -> str:
    payload = {
        "v": _CURSOR_VERSION,
        "r": position.ranker,
        "b": position.bound,
        "t": _micros(position.now),
        "s": position.score.hex(),
        "i": position.post_id,
    }
    raw = json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _bad_cursor(cursor: object, why: str) -> ValidationError:
    return ValidationError(f"invalid cursor: {why}", field="cursor", value=cursor)


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _decode(cursor: object, ranker: str) -> _Position:
    if not isinstance(cursor, str) or not cursor or len(cursor) > 1024:
        raise _bad_cursor(cursor, "expected the next_cursor string of a previous page")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError, UnicodeDecodeError) as exc:
        raise _bad_cursor(cursor, "it does not decode") from exc
    if not isinstance(payload, dict) or set(payload) != {"v", "r", "b", "t", "s", "i"}:
        raise _bad_cursor(cursor, "unexpected content")
    if payload["v"] != _CURSOR_VERSION:
        raise _bad_cursor(cursor, f"unknown version {_checks.quote(payload['v'])}")
    if payload["r"] != ranker:
        raise _bad_cursor(
            cursor,
            f"it was made by ranker {_checks.quote(payload['r'])}, not {_checks.quote(ranker)}",
        )
    bound, micros, post_id, score_hex = payload["b"], payload["t"], payload["i"], payload["s"]
    if not (_is_int(bound) and _is_int(micros) and _is_int(post_id) and isinstance(score_hex, str)):
        raise _bad_cursor(cursor, "unexpected content")
    try:
        score = float.fromhex(score_hex)
        now = EPOCH + timedelta(microseconds=micros)
    except (ValueError, OverflowError) as exc:
        raise _bad_cursor(cursor, "unexpected content") from exc
    if math.isnan(score) or bound < 0 or post_id < 0:
        raise _bad_cursor(cursor, "unexpected content")
    return _Position(ranker=ranker, bound=bound, now=now, score=score, post_id=post_id)


def _gather(
    ranker: Ranker, context: RankingContext
) -> tuple[dict[PostId, tuple[Post, str]], PostId | None]:
    bound = context.bound
    gathered: dict[PostId, tuple[Post, str]] = {}
    for source in ranker.sources:
        label = source.name
        for post in source.candidates(context):
            post_id = post.id
            if (bound is None or post_id <= bound) and post_id not in gathered:
                gathered[post_id] = (post, label)
    if bound is None and gathered:
        bound = max(gathered)
    return gathered, bound


def _candidate(
    post: Post,
    root: Post,
    *,
    uow: UnitOfWork,
    signals: SignalsFunction,
    in_network: bool,
    followers: dict[AccountId, int],
) -> Candidate:
    counters = uow.posts.counters(root.id)
    author = root.author_id
    if author not in followers:
        followers[author] = uow.accounts.counters(author).followers
    return Candidate(
        post_id=post.id,
        author_id=post.author_id,
        root_id=root.id,
        created_at=post.created_at,
        likes=counters.likes,
        reposts=counters.reposts,
        replies=counters.replies,
        quotes=counters.quotes,
        in_network=in_network,
        is_reply=post.reply_to is not None,
        language=root.language,
        signals=signals(counters, followers[author]),
    )


def _after(ranked: list[Scored], position: _Position | None) -> int:
    """Index of the first ranked item strictly after the cursor's (score, id)."""
    if position is None:
        return 0
    score, post_id = position.score, position.post_id
    for index, item in enumerate(ranked):
        if item.score < score or (item.score == score and item.candidate.post_id < post_id):
            return index
    return len(ranked)


def ranked_timeline(
    port: ReadPort,
    viewer_id: AccountId,
    *,
    ranker: Ranker | None = None,
    limit: int = 20,
    cursor: str | None = None,
    timeline: HomeSource | None = None,
) -> RankedPage:
    """Return a ranked page of ``viewer_id``'s feed.

    Args:
        port: What to read through: the service, or any
            :class:`~microblog_core.ports.ReadPort`.
        viewer_id: Whose feed.
        ranker: The stages (default :data:`DEFAULT_RANKER`).
        limit: Items per page, 1 to 40.
        cursor: The ``next_cursor`` of the previous page, or None for the first.
        timeline: Where :class:`InNetwork` reads home candidates (the
            service passes its timeline strategy; default
            :class:`~microblog_core.timelines.FanOutOnRead`, whose candidates
            every strategy equals within its feed's reach).

    Returns:
        The page, best first, with the cursor of the next one.

    Raises:
        NotFoundError: No such account.
        ValidationError: A bad limit, ranker or cursor; a stage that breaks
            its protocol (a NaN score, a duplicate candidate).
    """
    limit = check_limit(limit)
    chosen = DEFAULT_RANKER if ranker is None else ranker
    if not isinstance(chosen, Ranker):
        raise ValidationError(
            f"ranker must be a Ranker, got {type(chosen).__name__}", field="ranker", value=chosen
        )
    position = None if cursor is None else _decode(cursor, chosen.name)
    with port.unit_of_work(readonly=True) as uow:
        uow.accounts.get(viewer_id)
        now = port.now() if position is None else position.now
        home = home_context(uow, viewer_id, now)
        viewer = ViewerContext.from_home(home)
        context = RankingContext(
            port=port,
            timeline=FanOutOnRead() if timeline is None else timeline,
            uow=uow,
            viewer_id=viewer_id,
            home=home,
            bound=None if position is None else PostId(position.bound),
            now=now,
        )
        gathered, bound = _gather(chosen, context)
        roots = RootCache(uow)
        filters = chosen.filters
        following: Collection[AccountId] = home.following
        followers: dict[AccountId, int] = {}
        candidates: list[Candidate] = []
        sources: dict[PostId, tuple[Post, str, bool]] = {}
        for post_id, (post, label) in gathered.items():
            ref = post.repost_of
            root = None if ref is None else roots.get(ref.root_id)
            if not viewer.sees(post, root):
                continue
            if not all(f.keep(post, root, context) for f in filters):
                continue
            in_network = post.author_id == viewer_id or post.author_id in following
            candidates.append(
                _candidate(
                    post,
                    post if root is None else root,
                    uow=uow,
                    signals=chosen.signals,
                    in_network=in_network,
                    followers=followers,
                )
            )
            sources[post_id] = (post, label, in_network)
        ranked = rank(candidates, chosen.scorer, now, rerankers=chosen.rerankers)
        start = _after(ranked, position)
        chunk = ranked[start : start + limit]
        items = []
        for scored in chunk:
            post, label, in_network = sources[PostId(scored.candidate.post_id)]
            items.append(
                RankedItem(post=post, score=scored.score, source=label, in_network=in_network)
            )
        next_cursor = None
        if chunk and start + limit < len(ranked) and bound is not None:
            last = chunk[-1]
            next_cursor = _encode(
                _Position(
                    ranker=chosen.name,
                    bound=bound,
                    now=now,
                    score=last.score,
                    post_id=last.candidate.post_id,
                )
            )
        shown_roots = {
            p.repost_of.root_id: roots.found[p.repost_of.root_id]
            for p in (item.post for item in items)
            if p.repost_of is not None
        }
    return RankedPage(
        items=tuple(items),
        roots={k: v for k, v in shown_roots.items() if v is not None},
        next_cursor=next_cursor,
    )
