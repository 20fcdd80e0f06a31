"""Ranking: pure scorers, re-rankers and the ``rank`` function.

Build a :class:`Candidate` per post, pick a :class:`~microblog_core.ranking.scorers.Scorer`
(or write one: anything with a ``name`` and ``score(candidate, now)``), and call
:func:`rank` with any re-rankers. Everything here is pure: no storage, no
clock, no randomness. The ranked timeline, a read model in
:mod:`microblog_core.timelines.ranked` (candidate sources, filters, pages),
builds on it.

Example:
    >>> from datetime import datetime, timezone
    >>> from microblog_core.ranking import TWITTER_2023, AuthorDiversity, Candidate, rank
    >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
    >>> posts = [
    ...     Candidate(post_id=1, author_id=1, created_at=when, signals={"fav": 0.5}),
    ...     Candidate(post_id=2, author_id=1, created_at=when, signals={"fav": 0.4}),
    ...     Candidate(post_id=3, author_id=2, created_at=when, signals={"fav": 0.3}),
    ... ]
    >>> [s.post_id for s in rank(posts, TWITTER_2023, when, rerankers=[AuthorDiversity()])]
    [1, 3, 2]
"""

from microblog_core.ranking._rank import rank
from microblog_core.ranking.candidate import Candidate, Scored, ranked_order
from microblog_core.ranking.rerankers import (
    AuthorDiversity,
    DedupRoots,
    OutOfNetworkDiscount,
    ReplyDiscount,
    Reranker,
    penalize,
)
from microblog_core.ranking.scorers import (
    TWITTER_2023,
    TWITTER_2023_WEIGHTS,
    WILSON_Z_80,
    BlueskyHotScorer,
    ChronologicalScorer,
    ExponentialDecayScorer,
    HackerNewsScorer,
    MastodonTrendsScorer,
    RedditControversyScorer,
    RedditHotScorer,
    Scorer,
    WeightedEngagementScorer,
    WilsonScorer,
    mastodon_excess,
    reddit_controversy,
    reddit_hot,
    wilson_lower_bound,
)
from microblog_core.ranking.trends import MastodonTrends, Trend, TrendObservation

__all__ = [
    "TWITTER_2023",
    "TWITTER_2023_WEIGHTS",
    "WILSON_Z_80",
    "AuthorDiversity",
    "BlueskyHotScorer",
    "Candidate",
    "ChronologicalScorer",
    "DedupRoots",
    "ExponentialDecayScorer",
    "HackerNewsScorer",
    "MastodonTrends",
    "MastodonTrendsScorer",
    "OutOfNetworkDiscount",
    "RedditControversyScorer",
    "RedditHotScorer",
    "ReplyDiscount",
    "Reranker",
    "Scored",
    "Scorer",
    "Trend",
    "TrendObservation",
    "WeightedEngagementScorer",
    "WilsonScorer",
    "mastodon_excess",
    "penalize",
    "rank",
    "ranked_order",
    "reddit_controversy",
    "reddit_hot",
    "wilson_lower_bound",
]
