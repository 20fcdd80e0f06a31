"""What simulated accounts read: feed sources and the registry that names them.

A :class:`FeedSource` returns one page of a viewer's feed through the
:class:`~microblog_core.service.Microblog` service, so every access rule
holds. A simulation names its feed in ``SimulationConfig.ranker``; the name
is looked up in a :class:`FeedRegistry`. :data:`DEFAULT_FEEDS` holds the
built-in feeds:

=================  ==========================================================
``chronological``  the home timeline, newest first (Mastodon; Twitter's
                   "Following")
``engagement``     in-network posts ranked by Twitter's 2023 engagement
                   weights, one item per original, author diversity
``hot``            in-network posts ranked by Bluesky's "What's Hot"
                   (``likes / (hours + 2)^1.8``)
``hacker_news``    in-network posts ranked by Hacker News gravity
``for_you``        in-network posts plus trending posts and posts by accounts
                   your followees follow, ranked like ``engagement`` with
                   out-of-network posts discounted (Twitter's "For You")
``bridging``       in-network posts plus the most *bridging* posts of the day,
                   ranked by engagement from both sides of the stance axis
                   (:mod:`microblog_core.sim.bridging`; Ovadya & Thorburn 2023)
=================  ==========================================================

Add your own with :meth:`FeedRegistry.with_feed` (a registry is an
immutable value: there is no global registration):

>>> from microblog_core.ranking import WilsonScorer
>>> from microblog_core.timelines.ranked import Ranker
>>> feeds = DEFAULT_FEEDS.with_feed(RankedFeed(Ranker(name="wilson", scorer=WilsonScorer())))
>>> "wilson" in feeds.names
True
"""

from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from attrs import field, frozen

from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId
from microblog_core.models import Post

if TYPE_CHECKING:
    from microblog_core.service import Microblog
    from microblog_core.timelines.ranked import Ranker

__all__ = [
    "DEFAULT_FEEDS",
    "ChronologicalFeed",
    "FeedRegistry",
    "FeedSource",
    "RankedFeed",
    "RunFeed",
    "builtin_rankers",
]


@runtime_checkable
class FeedSource(Protocol):
    """One kind of feed a simulated account can read.

    Implementations must read through the service (so the access rules hold)
    and be deterministic: the same store state and clock give the same page.
    """

    @property
    def name(self) -> str:
        """The feed's name in a :class:`FeedRegistry` and in reports."""
        ...

    def read(self, blog: "Microblog", viewer_id: AccountId, *, limit: int) -> Sequence[Post]:
        """Return the first page of ``viewer_id``'s feed: at most ``limit`` posts, best first.

        Raises:
            MicroblogError: The service refused the read (the engine counts it).
        """
        ...


@runtime_checkable
class RunFeed(FeedSource, Protocol):
    """A feed that reads what the run records (who engaged, with which stance).

    The engine calls :meth:`bind` once per run, after setup, and reads the
    feed it returns.
    """

    def bind(self, world: Any, agent: Any) -> FeedSource:
        """Return this feed bound to one run's ``World`` and ``Agent``."""
        ...


@frozen
class ChronologicalFeed:
    """The home timeline, newest first: :meth:`Microblog.home_timeline`.

    Attributes:
        name: The feed's name (default ``"chronological"``).
    """

    name: str = "chronological"

    def read(self, blog: "Microblog", viewer_id: AccountId, *, limit: int) -> Sequence[Post]:
        """Return the newest page of the home timeline."""
        return blog.home_timeline(viewer_id, limit=limit).items


def _check_ranker(instance: Any, attribute: Any, value: Any) -> None:
    from microblog_core.timelines.ranked import Ranker

    if not isinstance(value, Ranker):
        raise ValidationError(
            f"RankedFeed needs a timelines.ranked.Ranker, got {type(value).__name__}",
            field="ranker",
            value=value,
        )


@frozen
class RankedFeed:
    """A ranked feed: :meth:`Microblog.ranked_timeline` with a given ranker.

    The feed is named after its ranker.

    Attributes:
        ranker: The ranking pipeline's stages.
    """

    ranker: "Ranker" = field(validator=_check_ranker)

    @property
    def name(self) -> str:
        """The ranker's name."""
        return self.ranker.name

    def read(self, blog: "Microblog", viewer_id: AccountId, *, limit: int) -> Sequence[Post]:
        """Return the first ranked page."""
        return blog.ranked_timeline(viewer_id, ranker=self.ranker, limit=limit).posts


def builtin_rankers() -> tuple["Ranker", ...]:
    """Return the rankers behind the built-in ranked feeds (see the module docs).

    Candidate counts are kept small enough for a feed read to stay cheap at
    simulation scale: the 100 newest in-network candidates; for ``for_you``
    also the 20 most engaged of the last 200 public posts of the past day, and
    the newest 2 posts of the 10 accounts most followed by the viewer's
    first 20 followees.
    """
    from microblog_core.ranking import (
        TWITTER_2023,
        AuthorDiversity,
        BlueskyHotScorer,
        DedupRoots,
        HackerNewsScorer,
        OutOfNetworkDiscount,
    )
    from microblog_core.timelines.ranked import FollowedByFollowees, InNetwork, Ranker, Trending

    in_network = InNetwork(max_candidates=100)
    usual = (DedupRoots(), AuthorDiversity())
    return (
        Ranker(name="engagement", sources=(in_network,), scorer=TWITTER_2023, rerankers=usual),
        Ranker(name="hot", sources=(in_network,), scorer=BlueskyHotScorer(), rerankers=usual),
        Ranker(
            name="hacker_news", sources=(in_network,), scorer=HackerNewsScorer(), rerankers=usual
        ),
        Ranker(
            name="for_you",
            sources=(
                in_network,
                Trending(window=timedelta(hours=24), scan_limit=200, max_candidates=20),
                FollowedByFollowees(max_followees=20, max_accounts=10, per_account=2),
            ),
            scorer=TWITTER_2023,
            rerankers=(DedupRoots(), OutOfNetworkDiscount(), AuthorDiversity()),
        ),
    )


def _freeze(value: Mapping[str, FeedSource] | Iterable[FeedSource]) -> Mapping[str, FeedSource]:
    if isinstance(value, MappingProxyType):
        return value
    items = value.items() if isinstance(value, Mapping) else ((f.name, f) for f in value)
    feeds: dict[str, FeedSource] = {}
    for name, feed in items:
        if not isinstance(feed, FeedSource):
            raise ValidationError(
                f"feed {name!r} must have a name and read(blog, viewer_id, limit=...), "
                f"got {type(feed).__name__}",
                field="feeds",
                value=feed,
            )
        if not isinstance(name, str) or not name:
            raise ValidationError("feed names must be non-empty strings", field="feeds", value=name)
        feeds[name] = feed
    return MappingProxyType(dict(sorted(feeds.items())))


@frozen
class FeedRegistry:
    """An immutable mapping of feed names to :class:`FeedSource` values.

    Attributes:
        feeds: The feeds by name, sorted.

    Example:
        >>> registry = FeedRegistry([ChronologicalFeed()])
        >>> registry.names
        ('chronological',)
        >>> registry.get("chronological")
        ChronologicalFeed(name='chronological')
    """

    feeds: Mapping[str, FeedSource] = field(converter=_freeze, factory=dict)

    @property
    def names(self) -> tuple[str, ...]:
        """The registered names, sorted."""
        return tuple(self.feeds)

    def with_feed(self, feed: FeedSource, *, name: str | None = None) -> "FeedRegistry":
        """Return a registry that also holds ``feed`` (replacing one of the same name).

        Args:
            feed: The feed.
            name: Register it under this name instead of ``feed.name``.
        """
        return FeedRegistry({**self.feeds, (name or feed.name): feed})

    def get(self, name: str) -> FeedSource:
        """Return the feed called ``name``.

        Raises:
            ValidationError: No feed has that name (the message lists those that do).
        """
        try:
            return self.feeds[name]
        except (KeyError, TypeError):
            raise ValidationError(
                f"unknown ranker {name!r}; choose one of {', '.join(self.names)}",
                field="ranker",
                value=name,
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.feeds


def _default_feeds() -> FeedRegistry:
    from microblog_core.sim.bridging import BridgingFeed

    return FeedRegistry(
        [ChronologicalFeed(), *(RankedFeed(r) for r in builtin_rankers()), BridgingFeed()]
    )


DEFAULT_FEEDS = _default_feeds()
"""The built-in feeds (bridging, chronological, engagement, for_you, hacker_news and hot)."""
