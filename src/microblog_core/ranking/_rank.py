"""rank(): score candidates, apply re-rankers, return them in ranked order."""

import math
from collections.abc import Iterable, Sequence
from datetime import datetime

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ranking.candidate import Candidate, Scored, _check_scores, ranked_order
from microblog_core.ranking.rerankers import (
    AuthorDiversity,
    DedupRoots,
    OutOfNetworkDiscount,
    ReplyDiscount,
    Reranker,
)
from microblog_core.ranking.scorers import Scorer

__all__ = ["rank"]

_RANKED_OUTPUT = (AuthorDiversity, DedupRoots, OutOfNetworkDiscount, ReplyDiscount)


def rank(
    candidates: Iterable[Candidate],
    scorer: Scorer,
    now: datetime,
    *,
    rerankers: Sequence[Reranker] = (),
    limit: int | None = None,
) -> list[Scored]:
    """Score ``candidates`` at ``now``, re-rank them, and return them in ranked order.

    The ranked order is score descending, ties broken by post id descending
    (the newer post first), so the result depends only on the set of
    candidates, the scorer, the re-rankers and ``now``, never on input order.
    Scoring is one call to the scorer's ``score_many`` when it has one (every
    built-in scorer does), else one ``score`` call per candidate.

    Args:
        candidates: The candidates; post ids must be unique.
        scorer: Any :class:`~microblog_core.ranking.scorers.Scorer`.
        now: The instant to score at (aware).
        rerankers: Applied in order to the scored list.
        limit: Return at most this many (after re-ranking); ``None`` for all.

    Returns:
        The scored candidates in ranked order.

    Raises:
        ValidationError: A candidate is not a :class:`Candidate`, a post id
            repeats, ``scorer`` or a re-ranker does not fit its protocol, a
            score is NaN, or ``limit`` is negative.
        NaiveDatetimeError: ``now`` has no time zone.

    Example:
        >>> from datetime import datetime, timezone
        >>> from microblog_core.ranking import AuthorDiversity, BlueskyHotScorer, Candidate
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> posts = [
        ...     Candidate(post_id=1, author_id=1, created_at=when, likes=5),
        ...     Candidate(post_id=2, author_id=1, created_at=when, likes=9),
        ...     Candidate(post_id=3, author_id=2, created_at=when, likes=7),
        ... ]
        >>> ranked = rank(posts, BlueskyHotScorer(), when, rerankers=[AuthorDiversity()])
        >>> [item.post_id for item in ranked]
        [2, 3, 1]
    """
    _checks.timestamp(now)
    if limit is not None:
        limit = _checks.count(limit, "limit")
    if not isinstance(scorer, Scorer):
        raise ValidationError(
            f"scorer must have a name and score(candidate, now), got {type(scorer).__name__}",
            field="scorer",
            value=scorer,
        )
    for reranker in rerankers:
        if not isinstance(reranker, Reranker):
            raise ValidationError(
                f"rerankers must have a name and rerank(items), got {type(reranker).__name__}",
                field="rerankers",
                value=reranker,
            )
    items = list(candidates)
    for candidate in items:
        if not isinstance(candidate, Candidate):
            raise ValidationError(
                f"candidates must be Candidate values, got {type(candidate).__name__}",
                field="candidates",
                value=candidate,
            )
    if len({candidate.post_id for candidate in items}) != len(items):
        seen: set[int] = set()
        duplicate = -1
        for candidate in items:
            if candidate.post_id in seen:
                duplicate = candidate.post_id
                break
            seen.add(candidate.post_id)
        raise ValidationError(
            f"post {duplicate} is a candidate twice; candidates must have unique post ids",
            field="candidates",
            value=duplicate,
        )

    score_many = getattr(scorer, "score_many", None)
    if score_many is not None:
        scores = list(score_many(items, now))
    else:
        score = scorer.score
        scores = [score(candidate, now) for candidate in items]
    if len(scores) != len(items):
        raise ValidationError(
            f"scorer {_checks.quote(scorer.name)} returned {len(scores)} scores for "
            f"{len(items)} candidates",
            field="scorer",
            value=scorer,
        )
    if any(map(math.isnan, scores)):
        bad = next(c for c, s in zip(items, scores, strict=True) if math.isnan(s))
        raise ValidationError(
            f"scorer {_checks.quote(scorer.name)} gave post {bad.post_id} a NaN score; "
            "scores must be numbers",
            field="score",
            value=math.nan,
        )

    scored = list(map(Scored, items, scores))
    for reranker in rerankers:
        scored = reranker.rerank(scored)
        _check_scores(scored, f"re-ranker {_checks.quote(reranker.name)}")
    # The built-in re-rankers return ranked order; anything else (no re-ranker,
    # or a custom one that might forget) is sorted here.
    ordered = (
        scored if rerankers and type(rerankers[-1]) in _RANKED_OUTPUT else ranked_order(scored)
    )
    return ordered if limit is None else ordered[:limit]
