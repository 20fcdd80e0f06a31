"""What the ranking layer ranks: :class:`Candidate` in, :class:`Scored` out.

A :class:`Candidate` is a flat, storage-free description of one post: the few
facts every scorer needs (ids, creation time, engagement counts, network and
reply flags) plus caller-supplied ``signals`` for model-based scorers. The
ranking pipeline builds candidates from posts and their counters; scorers and
re-rankers never touch storage.

The order of a ranked list is always the same: score descending, and ties
broken by ``post_id`` descending (post ids are time-sortable, so the newer
post wins a tie). :func:`ranked_order` puts any sequence of :class:`Scored`
into that order.
"""

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from operator import attrgetter
from typing import NoReturn

import attrs

from microblog_core import _checks
from microblog_core.errors import InvalidIdError, ValidationError

__all__ = ["Candidate", "Scored", "ranked_order"]


def _to_utc(value: datetime) -> datetime:
    return _checks.aware(value, "created_at")


class _Signals(dict[str, float]):
    """A read-only, hashable dict: ``Candidate.signals``.

    A dict subclass rather than a ``MappingProxyType`` because lookups on it
    run at plain-dict speed, which the weighted-engagement hot loop needs.
    """

    __slots__ = ()

    def _refuse(self, *args: object, **kwargs: object) -> NoReturn:
        raise TypeError("Candidate.signals is read-only; use attrs.evolve to change it")

    __setitem__ = __delitem__ = _refuse
    clear = pop = popitem = setdefault = update = _refuse
    __ior__ = _refuse

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(frozenset(self.items()))

    def __reduce__(self) -> tuple[type["_Signals"], tuple[dict[str, float]]]:
        return (type(self), (dict(self),))

    def __repr__(self) -> str:
        return repr(dict(self))


_NO_SIGNALS = _Signals()


def _freeze_signals(value: Mapping[str, float]) -> Mapping[str, float]:
    if not isinstance(value, Mapping):
        raise ValidationError(
            f"signals must be a mapping of name to number, got {type(value).__name__}",
            field="signals",
            value=value,
        )
    if type(value) is _Signals:
        return value
    if not value:
        return _NO_SIGNALS
    frozen: dict[str, float] = {}
    for name, number in value.items():
        if not isinstance(name, str) or not name:
            raise ValidationError(
                f"signal names must be non-empty strings, got {_checks.quote(name)}",
                field="signals",
                value=name,
            )
        checked = _checks.real(number, f"signals[{_checks.quote(name)}]")
        if checked < 0:
            raise ValidationError(
                f"signals[{_checks.quote(name)}] must be >= 0 (a probability or a rate), "
                f"got {_checks.quote(number)}",
                field="signals",
                value=number,
            )
        frozen[name] = checked
    return _Signals(frozen)


def _check_id(value: object, field: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidIdError(
            f"{field} must be an int >= 0, got {_checks.quote(value)}", field=field, value=value
        )


@attrs.frozen(kw_only=True)
class Candidate:
    """One post to rank, with the facts scorers read.

    Build one per post (or per repost: then ``root_id`` is the reposted
    original). Every field is keyword-only; only ``post_id``, ``author_id``
    and ``created_at`` are required.

    Votes: Reddit-style scorers (Reddit hot and controversy, Wilson, Hacker
    News) read :attr:`ups` and :attr:`downs`. A micro-blog has likes, not
    votes, so by default ``ups = likes`` and ``downs = 0``; set ``upvotes``
    and ``downvotes`` to override either side (for example when a service has
    down-votes or counts reposts as votes).

    Attributes:
        post_id: The post's id (time-sortable; breaks ties, higher first).
        author_id: The author's account id (author diversity groups on it).
        root_id: The post itself, or for a repost the reposted root (root
            de-duplication groups on it). Defaults to ``post_id``.
        created_at: When the post was created; aware, stored in UTC.
        likes: Likes (favourites) so far, ``>= 0``.
        reposts: Reposts (boosts, retweets) so far, ``>= 0``.
        replies: Replies so far, ``>= 0``.
        quotes: Quote posts so far, ``>= 0``.
        upvotes: Reddit-style up-votes, or ``None`` to use ``likes``.
        downvotes: Reddit-style down-votes, or ``None`` for zero.
        in_network: Whether the viewer follows the author (or the reposter
            that brought the post in), as Twitter's ``InNetworkFeature``.
        is_reply: Whether the post replies to another post.
        language: The post's language code, or ``None`` if unknown.
        signals: Caller-supplied engagement probabilities or observed rates
            (name to a finite number ``>= 0``) for
            :class:`~microblog_core.ranking.scorers.WeightedEngagementScorer`.
            Stored as a read-only, hashable mapping.

    Raises:
        InvalidIdError: An id is not an int ``>= 0``.
        ValidationError: A count is negative or not an int, a flag is not a
            bool, ``language`` is not a non-empty str, or a signal is not a
            finite number ``>= 0``.
        NaiveDatetimeError: ``created_at`` has no time zone.

    Example:
        >>> from datetime import datetime, timezone
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> post = Candidate(post_id=7, author_id=1, created_at=when, likes=3)
        >>> (post.root_id, post.ups, post.downs)
        (7, 3, 0)
    """

    post_id: int
    author_id: int
    root_id: int = attrs.field(default=attrs.Factory(lambda self: self.post_id, takes_self=True))
    created_at: datetime = attrs.field(converter=_to_utc)
    likes: int = 0
    reposts: int = 0
    replies: int = 0
    quotes: int = 0
    upvotes: int | None = None
    downvotes: int | None = None
    in_network: bool = True
    is_reply: bool = False
    language: str | None = None
    signals: Mapping[str, float] = attrs.field(factory=dict, converter=_freeze_signals)

    def __attrs_post_init__(self) -> None:
        _check_id(self.post_id, "post_id")
        _check_id(self.author_id, "author_id")
        _check_id(self.root_id, "root_id")
        _checks.count(self.likes, "likes")
        _checks.count(self.reposts, "reposts")
        _checks.count(self.replies, "replies")
        _checks.count(self.quotes, "quotes")
        if self.upvotes is not None:
            _checks.count(self.upvotes, "upvotes")
        if self.downvotes is not None:
            _checks.count(self.downvotes, "downvotes")
        for flag in ("in_network", "is_reply"):
            if not isinstance(getattr(self, flag), bool):
                raise ValidationError(
                    f"{flag} must be a bool, got {type(getattr(self, flag)).__name__}",
                    field=flag,
                    value=getattr(self, flag),
                )
        if self.language is not None and (not isinstance(self.language, str) or not self.language):
            raise ValidationError(
                f"language must be a non-empty str or None, got {_checks.quote(self.language)}",
                field="language",
                value=self.language,
            )

    @property
    def ups(self) -> int:
        """Up-votes for vote-based scorers (``upvotes``, or ``likes`` when unset)."""
        return self.likes if self.upvotes is None else self.upvotes

    @property
    def downs(self) -> int:
        """Down-votes for vote-based scorers (``downvotes``, or 0 when unset)."""
        return 0 if self.downvotes is None else self.downvotes


@attrs.frozen
class Scored:
    """A candidate with its score: what :func:`~microblog_core.ranking.rank` returns.

    Attributes:
        candidate: The ranked candidate.
        score: Its score after the scorer and any re-rankers.
    """

    candidate: Candidate
    score: float

    @property
    def post_id(self) -> int:
        """The candidate's post id (the tie-breaker)."""
        return self.candidate.post_id


_BY_SCORE = attrgetter("score")
#: (score, post_id), sorted in reverse: score descending, ties by post id descending.
_RANK_KEY = attrgetter("score", "candidate.post_id")


def ranked_order(items: Iterable[Scored]) -> list[Scored]:
    """Return ``items`` in ranked order: score descending, ties by post id descending.

    Args:
        items: Scored candidates in any order. Scores must not be NaN.

    Returns:
        A new list in ranked order.

    Example:
        >>> from datetime import datetime, timezone
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> a = Scored(Candidate(post_id=1, author_id=1, created_at=when), 2.0)
        >>> b = Scored(Candidate(post_id=2, author_id=1, created_at=when), 2.0)
        >>> [s.post_id for s in ranked_order([a, b])]
        [2, 1]
    """
    return sorted(items, key=_RANK_KEY, reverse=True)


def _check_scores(items: Sequence[Scored], source: str) -> None:
    """Refuse NaN scores, which would make any order meaningless."""
    if any(map(math.isnan, map(_BY_SCORE, items))):
        bad = next(item for item in items if math.isnan(item.score))
        raise ValidationError(
            f"{source} gave post {bad.candidate.post_id} a NaN score; scores must be numbers",
            field="score",
            value=bad.score,
        )
