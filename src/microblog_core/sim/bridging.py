"""The ``bridging`` feed: promote what both sides of the stance axis engage with.

Engagement-based ranking rewards what one side loves, which is often what
the other side hates. *Bridging-based ranking* (Ovadya & Thorburn,
"Bridging Systems: Open Problems for Countering Destructive Divisiveness
across Ranking, Recommenders, and Governance", arXiv:2301.09976, 2023)
rewards content that people who usually disagree both approve of -- the
principle behind Community Notes, which shows a note only when raters from
different viewpoints rate it helpful (Wojcik et al., "Birdwatch:
Crowd Wisdom and Bridging Algorithms can Inform Understanding and Reduce
the Spread of Misinformation", arXiv:2210.15723, 2022).

Community Notes has to *learn* each rater's viewpoint by matrix
factorization; in a simulation the stances are known, so the bridging
signal can be read directly. For each post (its original, for a repost)
the feed counts the likes, reposts and replies it got from accounts with a
negative stance (``L``) and with a positive one (``R``), and scores it

    ``(1 + 2·L·R / (L + R)) / (age_hours + 2) ** 1.8``

The harmonic-mean term is zero unless both sides engaged and grows only as
the *smaller* side grows, so one-sided virality earns nothing; the gravity
of Bluesky's and Hacker News' "hot" (``(T + 2) ** 1.8``) keeps the feed
fresh. Candidates are the viewer's 100 newest in-network posts, plus the
20 most bridging posts of the last day from anyone (out-of-network), with
one item per original and author diversity, like the other built-in feeds.

The engine binds the feed to each run (:meth:`BridgingFeed.bind`), so it
can read the run's engagement log and the agent's stances. With an agent
that has no stances (the stochastic one), or read outside a run, no
engagement has a side and the feed is a fresh in-network timeline.

Example:
    >>> from microblog_core.sim import SimulationConfig, simulate
    >>> config = SimulationConfig(accounts=80, hours=3, seed=2, agent="interest", ranker="bridging")
    >>> result = simulate(config)
    >>> result.feed, result.impression_count > 0
    ('bridging', True)
"""

import heapq
import math
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from attrs import frozen

from microblog_core.ids import AccountId, PostId
from microblog_core.models import Post
from microblog_core.ranking.candidate import Candidate

if TYPE_CHECKING:
    from microblog_core.ranking.pipeline import RankingContext
    from microblog_core.service import Microblog
    from microblog_core.sim.agent import Agent, World

__all__ = ["BridgingFeed", "BridgingScorer", "bridging_score"]

_GRAVITY = 1.8
_OFFSET_HOURS = 2.0
_SECONDS_PER_HOUR = 3600.0
_NONE: Mapping[int, tuple[int, int]] = {}


def bridging_score(left: int, right: int) -> float:
    """Return the bridging term ``2·L·R / (L + R)``: 0 unless both sides engaged.

    Example:
        >>> from microblog_core.sim.bridging import bridging_score
        >>> bridging_score(10, 0), bridging_score(1, 1), bridging_score(3, 30)
        (0.0, 1.0, 5.454545454545454)
    """
    if left <= 0 or right <= 0:
        return 0.0
    return 2.0 * left * right / (left + right)


class BridgingScorer:
    """Scores a candidate by the bridging engagement of its original, with hot gravity.

    Args:
        sides: For each original's post id, ``(L, R)``: engagements from each
            side of the stance axis (read at scoring time; the feed updates it
            between reads).
    """

    name = "bridging"

    __slots__ = ("_sides",)

    def __init__(self, sides: Mapping[int, tuple[int, int]] = _NONE) -> None:
        self._sides = sides

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return ``(1 + bridging_score(L, R)) / (age_hours + 2) ** 1.8``."""
        left, right = self._sides.get(candidate.root_id, (0, 0))
        age = max(0.0, (now - candidate.created_at).total_seconds()) / _SECONDS_PER_HOUR
        return (1.0 + bridging_score(left, right)) / math.pow(age + _OFFSET_HOURS, _GRAVITY)

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate at ``now``; same values as :meth:`score` on each."""
        score = self.score
        return [score(candidate, now) for candidate in candidates]


@frozen
class _Bridged:
    """Out-of-network candidates: the most bridging originals of the last day."""

    tally: "_Tally"
    max_candidates: int = 20
    window: timedelta = timedelta(hours=24)

    name = "bridged"

    def candidates(self, context: "RankingContext") -> list[Post]:
        sides = self.tally.bridged
        if not sides:
            return []
        oldest = context.now - self.window
        best = heapq.nlargest(
            self.max_candidates * 2,
            sides,
            key=lambda post_id: (bridging_score(*sides[post_id]), post_id),
        )
        found = context.uow.posts.get_many(PostId(post_id) for post_id in best)
        posts = [found[PostId(i)] for i in best if PostId(i) in found]
        return [post for post in posts if post.created_at >= oldest][: self.max_candidates]


class _Tally:
    """Engagements per original by side, caught up from the run's engagement log."""

    __slots__ = ("bridged", "cursor", "sides", "stance_of", "tables")

    def __init__(self, tables: Any, stance_of: Any) -> None:
        self.tables = tables
        self.stance_of = stance_of
        self.cursor = 0
        self.sides: dict[int, tuple[int, int]] = {}
        self.bridged: dict[int, tuple[int, int]] = {}

    def catch_up(self) -> None:
        tables = self.tables
        kinds = tables.e_kind
        end = len(kinds)
        if self.cursor == end:
            return
        accounts, posts, targets = tables.e_account, tables.e_post, tables.e_target
        p_id, root_of = tables.p_id, tables.root_of
        stance_of = self.stance_of
        sides = self.sides
        bridged = self.bridged
        for i in range(self.cursor, end):
            kind = kinds[i]
            if kind == 3:  # like: the post liked
                post = posts[i]
            elif kind in (1, 2):  # reply: the post replied to; repost: the original
                post = targets[i]
            else:
                continue
            stance = stance_of(accounts[i])
            root = p_id[root_of(post)]
            left, right = sides.get(root, (0, 0))
            if stance < 0:
                left += 1
            elif stance > 0:
                right += 1
            else:  # 0 or NaN: on neither side
                continue
            sides[root] = (left, right)
            if left and right:
                bridged[root] = (left, right)
        self.cursor = end


def _ranker(scorer: BridgingScorer, extra: tuple[Any, ...] = ()) -> Any:
    from microblog_core.ranking import AuthorDiversity, DedupRoots
    from microblog_core.ranking.pipeline import InNetwork, Ranker

    return Ranker(
        name="bridging",
        sources=(InNetwork(max_candidates=100), *extra),
        scorer=scorer,
        rerankers=(DedupRoots(), AuthorDiversity()),
    )


class _BoundBridging:
    """The bridging feed of one run."""

    name = "bridging"

    __slots__ = ("_ranker", "_tally")

    def __init__(self, tally: _Tally) -> None:
        self._tally = tally
        self._ranker = _ranker(BridgingScorer(tally.sides), (_Bridged(tally),))

    def read(self, blog: "Microblog", viewer_id: AccountId, *, limit: int) -> Sequence[Post]:
        self._tally.catch_up()
        return blog.ranked_timeline(viewer_id, ranker=self._ranker, limit=limit).posts


@frozen
class BridgingFeed:
    """The ``bridging`` feed (see the module docs).

    Attributes:
        name: The feed's name (default ``"bridging"``).
    """

    name: str = "bridging"

    def read(self, blog: "Microblog", viewer_id: AccountId, *, limit: int) -> Sequence[Post]:
        """Return a page outside a run: no engagement has a side, so freshest in-network first."""
        return blog.ranked_timeline(viewer_id, ranker=_ranker(BridgingScorer()), limit=limit).posts

    def bind(self, world: "World", agent: "Agent") -> "_BoundBridging":
        """Return the feed for one run: engagements are sided by the agent's stances.

        An agent without stances (no ``stance_of``) puts every engagement on
        neither side.
        """
        stance_of = getattr(agent, "stance_of", None)
        if not callable(stance_of):
            stance_of = _no_stance
        return _BoundBridging(_Tally(world.tables, stance_of))


def _no_stance(node: int) -> float:
    return 0.0
