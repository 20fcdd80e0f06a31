"""Re-rankers: adjust scores with knowledge of the whole list, then re-sort.

A re-ranker takes scored candidates in any order and returns a new list in
ranked order (score descending, ties by post id descending). It is pure and
deterministic, never adds candidates, and only ever lowers scores (or drops
items): a penalty multiplies a non-negative score by ``m`` in ``(0, 1]`` and
divides a negative one by ``m``, so a penalised item always falls.

Twitter's home mixer (twitter/the-algorithm, ``home-mixer/.../scored_tweets/
scorer/``) applies the same kind of multipliers after its heavy ranker:
author diversity, out-of-network and reply discounts. Its scores are
non-negative by construction, so it only multiplies; dividing negative scores
here keeps "a penalty never raises a score" true for any scorer.
"""

from collections.abc import Sequence
from typing import ClassVar, Protocol, runtime_checkable

import attrs

from microblog_core import _checks
from microblog_core.ranking.candidate import Scored, ranked_order

__all__ = [
    "AuthorDiversity",
    "DedupRoots",
    "OutOfNetworkDiscount",
    "ReplyDiscount",
    "Reranker",
    "penalize",
]


@runtime_checkable
class Reranker(Protocol):
    """Re-scores or filters a list of scored candidates.

    Implementations must be pure and deterministic, return a new list in
    ranked order (see :func:`~microblog_core.ranking.ranked_order`), and
    return only items (possibly re-scored) from the input.
    """

    @property
    def name(self) -> str:
        """A short identifier for logs and experiment labels."""
        ...

    def rerank(self, items: Sequence[Scored]) -> list[Scored]:
        """Return the re-scored items in ranked order."""
        ...


def penalize(score: float, multiplier: float) -> float:
    """Apply a penalty ``multiplier`` in ``(0, 1]`` so the score never rises.

    Args:
        score: The score to lower.
        multiplier: The penalty factor.

    Returns:
        ``score * multiplier`` for a non-negative score, ``score / multiplier``
        for a negative one.

    Example:
        >>> penalize(8.0, 0.5), penalize(-8.0, 0.5)
        (4.0, -16.0)
    """
    return score * multiplier if score >= 0 else score / multiplier


def _multiplier(value: object) -> float:
    return _checks.fraction(value, "multiplier", allow_zero=False)


def _decay(value: object) -> float:
    return _checks.fraction(value, "decay", allow_zero=True)


def _floor(value: object) -> float:
    return _checks.fraction(value, "floor", allow_zero=False)


@attrs.frozen
class AuthorDiversity:
    """Discount an author's later items: ``multiplier = (1 - floor) · decay^k + floor``.

    ``k`` counts from 0 over the author's items in ranked order, so the best
    item keeps its score, the second gets ``0.625`` (defaults), the third
    ``0.4375``, tending to ``floor``.

    Source: twitter/the-algorithm, home-mixer
    ``AuthorBasedListwiseRescoringProvider.scala`` and
    ``DiversityDiscountProvider.scala`` (``Decay = 0.5``, ``Floor = 0.25``;
    ``ScoredTweetsParam.AuthorDiversityDecayFactor`` and
    ``AuthorDiversityFloor``).

    One pass, as Twitter's ``ListwiseRescoringProvider`` does it: group by
    author, sort each group by score, apply the factor by position. That is
    the same result as the iterative form (pick the best, discount the rest of
    that author, re-sort, repeat): the factors never increase with ``k`` and
    a penalty keeps the order of an author's items, so every item's position
    within its author is the same either way, and so is its factor. The one
    pass is O(n log n); the iterative form is O(n²).

    Attributes:
        decay: In ``[0, 1]`` (default 0.5).
        floor: In ``(0, 1]`` (default 0.25); the factor never falls below it.

    Example:
        >>> [AuthorDiversity().multiplier(k) for k in range(4)]
        [1.0, 0.625, 0.4375, 0.34375]
    """

    name: ClassVar[str] = "author_diversity"

    decay: float = attrs.field(default=0.5, converter=_decay)
    floor: float = attrs.field(default=0.25, converter=_floor)

    def multiplier(self, k: int) -> float:
        """The factor for an author's ``k``-th item (``k`` from 0).

        Raises:
            ValidationError: ``k`` is not an int >= 0.
        """
        k = _checks.count(k, "k")
        return (1 - self.floor) * self.decay**k + self.floor

    def rerank(self, items: Sequence[Scored]) -> list[Scored]:
        """Discount each author's items by position and return them in ranked order.

        Args:
            items: Scored candidates in any order.

        Returns:
            The re-scored items in ranked order.
        """
        factors: list[float] = []
        floor = self.floor
        decay = self.decay
        seen: dict[int, int] = {}
        out: list[Scored] = []
        append = out.append
        for item in ranked_order(items):
            author = item.candidate.author_id
            k = seen.get(author, 0)
            seen[author] = k + 1
            if k == 0:
                append(item)
                continue
            while len(factors) <= k:
                factors.append((1 - floor) * decay ** len(factors) + floor)
            score = item.score
            factor = factors[k]
            append(Scored(item.candidate, score * factor if score >= 0 else score / factor))
        return ranked_order(out)


@attrs.frozen
class OutOfNetworkDiscount:
    """Discount candidates from outside the viewer's network (``in_network=False``).

    Source: twitter/the-algorithm, home-mixer ``RescoreOutOfNetwork`` with
    ``ScoredTweetsParam.OutOfNetworkScaleFactorParam`` (0.75 in the current
    code; the March 2023 release set the parameter to 1.0 but applied a fixed
    0.75 in ``OONTweetScalingScorer``). Twitter exempts in-network reposts of
    out-of-network posts; here that is the caller's ``in_network`` flag.

    Attributes:
        multiplier: In ``(0, 1]`` (default 0.75).
    """

    name: ClassVar[str] = "out_of_network_discount"

    multiplier: float = attrs.field(default=0.75, converter=_multiplier)

    def rerank(self, items: Sequence[Scored]) -> list[Scored]:
        """Penalise out-of-network items; return all items in ranked order.

        Args:
            items: Scored candidates in any order.

        Returns:
            The re-scored items in ranked order.
        """
        m = self.multiplier
        return ranked_order(
            item if item.candidate.in_network else Scored(item.candidate, penalize(item.score, m))
            for item in items
        )


@attrs.frozen
class ReplyDiscount:
    """Discount replies (``is_reply=True``).

    Source: twitter/the-algorithm, home-mixer ``RescoreReplies`` (a fixed
    0.75 in ``RescoringFactorProvider.scala``, later
    ``ScoredTweetsParam.ReplyScaleFactorParam``, default 0.75).

    Attributes:
        multiplier: In ``(0, 1]`` (default 0.75).
    """

    name: ClassVar[str] = "reply_discount"

    multiplier: float = attrs.field(default=0.75, converter=_multiplier)

    def rerank(self, items: Sequence[Scored]) -> list[Scored]:
        """Penalise replies; return all items in ranked order.

        Args:
            items: Scored candidates in any order.

        Returns:
            The re-scored items in ranked order.
        """
        m = self.multiplier
        return ranked_order(
            Scored(item.candidate, penalize(item.score, m)) if item.candidate.is_reply else item
            for item in items
        )


@attrs.frozen
class DedupRoots:
    """Keep one item per ``root_id``: the best-ranked (score, then post id).

    A post and its reposts share a root; showing it once is what Mastodon's
    home feed does for a reblog of a post it already shows. Twitter's home
    mixer (``RetweetDeduplicationFilter``) differs in one respect: an
    original tweet always stays, and only retweets of a source already present
    are dropped, whatever their scores; ``prefer_original=True`` does that.

    Attributes:
        prefer_original: Keep an original (``post_id == root_id``) over its
            reposts even when a repost scores higher (default False).

    Example:
        >>> from datetime import datetime, timezone
        >>> from microblog_core.ranking import Candidate
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> original = Candidate(post_id=1, author_id=1, created_at=when)
        >>> repost = Candidate(post_id=2, author_id=2, root_id=1, created_at=when)
        >>> items = [Scored(original, 3.0), Scored(repost, 5.0)]
        >>> [s.post_id for s in DedupRoots().rerank(items)]
        [2]
        >>> [s.post_id for s in DedupRoots(prefer_original=True).rerank(items)]
        [1]
    """

    name: ClassVar[str] = "dedup_roots"

    prefer_original: bool = False

    def rerank(self, items: Sequence[Scored]) -> list[Scored]:
        """Drop every item whose root an earlier-ranked item (or the original) already has.

        Args:
            items: Scored candidates in any order.

        Returns:
            The kept items in ranked order.
        """
        ordered = ranked_order(items)
        seen: set[int] = set()
        if self.prefer_original:
            seen.update(
                item.candidate.root_id
                for item in ordered
                if item.candidate.post_id == item.candidate.root_id
            )
        out: list[Scored] = []
        for item in ordered:
            candidate = item.candidate
            root = candidate.root_id
            if self.prefer_original and candidate.post_id == root:
                out.append(item)
            elif root not in seen:
                seen.add(root)
                out.append(item)
        return out
