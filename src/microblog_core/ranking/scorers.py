"""Pure scorers: one number per candidate, each from a published formula.

A scorer is any object with a ``name`` and a method
``score(candidate, now) -> float`` (the :class:`Scorer` protocol). Scorers are
pure and deterministic: the same candidate and ``now`` give the same float,
with no I/O and no clock of their own. Higher is better; the ranking order
breaks ties by post id, newest first.

A scorer may also define ``score_many(candidates, now) -> list[float]``
returning exactly what ``score`` would for each candidate;
:func:`~microblog_core.ranking.rank` uses it when present so the hot loop is
one flat pass. Every scorer here has one.

Ages are measured from ``candidate.created_at`` to ``now`` and clamped at
zero: a post dated in the future (clock skew) counts as brand new.

The scorers and their sources:

* :class:`ChronologicalScorer`: creation time, newest first.
* :class:`HackerNewsScorer`: ``(P - 1) / (T + 2) ** 1.8`` (``news.arc``).
* :class:`RedditHotScorer`: Reddit ``_sorts.pyx`` ``_hot``.
* :class:`RedditControversyScorer`: Reddit ``_sorts.pyx`` ``controversy``.
* :class:`WilsonScorer`: Wilson score interval lower bound (Reddit "best").
* :class:`BlueskyHotScorer`: Bluesky's classic "What's Hot",
  ``likes / (T + 2) ** 1.8``.
* :class:`MastodonTrendsScorer`: Mastodon ``Trends::Statuses``, excess score
  with a 2 h half-life.
* :class:`ExponentialDecayScorer`: any scorer times ``0.5 ** (age / half_life)``.
* :class:`WeightedEngagementScorer`: ``sum(w_i * p_i)`` with Twitter's
  home-mixer rule for negative sums; preset :data:`TWITTER_2023`.
"""

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from operator import itemgetter, mul
from types import MappingProxyType
from typing import Any, ClassVar, Protocol, runtime_checkable

import attrs

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ranking.candidate import Candidate

__all__ = [
    "REDDIT_EPOCH_OFFSET",
    "REDDIT_TIMEBASE",
    "TWITTER_2023",
    "TWITTER_2023_WEIGHTS",
    "WILSON_Z_80",
    "BlueskyHotScorer",
    "ChronologicalScorer",
    "ExponentialDecayScorer",
    "HackerNewsScorer",
    "MastodonTrendsScorer",
    "RedditControversyScorer",
    "RedditHotScorer",
    "Scorer",
    "WeightedEngagementScorer",
    "WilsonScorer",
    "mastodon_excess",
    "reddit_controversy",
    "reddit_hot",
    "wilson_lower_bound",
]

#: Seconds subtracted from the post's epoch time in Reddit's hot formula
#: (2005-12-08T07:46:43Z, shortly after Reddit's launch).
REDDIT_EPOCH_OFFSET = 1134028003
#: How much age Reddit's hot score weighs as one factor of ten in votes (45,000 s, or 12.5 h).
REDDIT_TIMEBASE = 45000
#: The normal quantile for an 80% one-sided confidence, as Reddit's ``_confidence`` uses.
WILSON_Z_80 = 1.281551565545

_SECONDS_PER_HOUR = 3600.0


@runtime_checkable
class Scorer(Protocol):
    """Gives each candidate a score; higher ranks first.

    Implementations must be pure and deterministic: ``score`` depends only on
    its arguments and the scorer's own (immutable) parameters, does no I/O and
    never reads a clock. ``now`` is an aware datetime; a naive one must raise
    :class:`~microblog_core.errors.NaiveDatetimeError`. For valid input the
    score must be a finite float (infinities are tolerated by the ranking
    order, NaN is refused by :func:`~microblog_core.ranking.rank`).
    """

    @property
    def name(self) -> str:
        """A short identifier for logs, metrics and experiment labels."""
        ...

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return the candidate's score at ``now``."""
        ...


class _BaseScorer:
    """Gives every scorer a ``score_many`` that loops over ``score``."""

    __slots__ = ()

    def score_many(self: "Scorer", candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate at ``now``; same values as calling :meth:`score` on each.

        Args:
            candidates: The candidates to score.
            now: The instant to score at (aware).

        Returns:
            One score per candidate, in input order.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        _checks.timestamp(now)
        score = self.score
        return [score(candidate, now) for candidate in candidates]


def _age_hours(created_at: datetime, now_ts: float) -> float:
    """Hours from ``created_at`` to ``now_ts``, clamped at zero."""
    return max(0.0, now_ts - created_at.timestamp()) / _SECONDS_PER_HOUR


def _gravity(numerator: float, hours: float, gravity: float) -> float:
    """``numerator / hours ** gravity``, with an overflowing power meaning a zero score."""
    try:
        return numerator / float(hours**gravity)
    except OverflowError:
        return 0.0 * numerator


def _gravity_param(value: object) -> float:
    return _checks.positive(value, "gravity")


def _offset_hours(value: object) -> float:
    return _checks.positive(value, "offset_hours")


def _points_exponent(value: object) -> float:
    return _checks.positive(value, "points_exponent")


def _z_param(value: object) -> float:
    return _checks.positive(value, "z")


def _expected_param(value: object) -> float:
    return _checks.positive(value, "expected")


def _non_negative(value: object, field: str) -> float:
    number = _checks.real(value, field)
    if number < 0:
        raise ValidationError(
            f"{field} must be >= 0, got {_checks.quote(value)}", field=field, value=value
        )
    return number


def _decay_threshold(value: object) -> float:
    return _non_negative(value, "decay_threshold")


def _epsilon(value: object) -> float:
    return _non_negative(value, "epsilon")


def _check_vote_counts(ups: object, downs: object) -> tuple[int, int]:
    return _checks.count(ups, "ups"), _checks.count(downs, "downs")


# --------------------------------------------------------------------------- time


@attrs.frozen
class ChronologicalScorer(_BaseScorer):
    """Newest first: the score is the creation time in seconds since the Unix epoch.

    Source: the reverse-chronological home timeline of Twitter before 2016 and
    of Mastodon today (Mastodon orders by id, which is time-sortable).

    Example:
        >>> from datetime import datetime, timezone
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> ChronologicalScorer().score(Candidate(post_id=1, author_id=1, created_at=when), when)
        1767225600.0
    """

    name: ClassVar[str] = "chronological"

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return ``candidate.created_at`` as a POSIX timestamp.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        _checks.timestamp(now)
        return candidate.created_at.timestamp()

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate; see :meth:`score`."""
        _checks.timestamp(now)
        return [candidate.created_at.timestamp() for candidate in candidates]


@attrs.frozen
class HackerNewsScorer(_BaseScorer):
    """Hacker News gravity: ``(P - 1) / (T + 2) ** G``.

    Source: Paul Graham's ``news.arc`` as popularised by Amir Salihefendic,
    "How Hacker News ranking algorithm works" (2010): ``P`` is the item's
    points, ``T`` its age in hours, ``G`` the gravity (1.8 in ``news.arc``).
    On Hacker News ``P`` includes the submitter's own up-vote, which the
    ``- 1`` removes; a micro-blog post has no self-vote, so here
    ``P - 1 = ups - downs`` (by default the likes; see
    :class:`~microblog_core.ranking.Candidate`).

    ``news.arc`` itself also raises a positive ``P - 1`` to the power 0.8 before
    dividing (``(expt base .8)``); set ``points_exponent=0.8`` for that variant.
    The default 1.0 is the published formula.

    Attributes:
        gravity: ``G``, > 0 (default 1.8).
        offset_hours: The ``+ 2`` added to the age, > 0.
        points_exponent: Applied to ``P - 1`` when it is positive, > 0.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> post = Candidate(post_id=1, author_id=1, created_at=when, likes=10)
        >>> round(HackerNewsScorer().score(post, when + timedelta(hours=3)), 6)
        0.551892
    """

    name: ClassVar[str] = "hacker_news"

    gravity: float = attrs.field(default=1.8, converter=_gravity_param)
    offset_hours: float = attrs.field(default=2.0, converter=_offset_hours)
    points_exponent: float = attrs.field(default=1.0, converter=_points_exponent)

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return ``(ups - downs) / (age_hours + 2) ** gravity``.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        return self._score(candidate, _checks.timestamp(now))

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate; see :meth:`score`."""
        now_ts = _checks.timestamp(now)
        return [self._score(candidate, now_ts) for candidate in candidates]

    def _score(self, candidate: Candidate, now_ts: float) -> float:
        base = float(candidate.ups - candidate.downs)
        if base > 0 and self.points_exponent != 1.0:
            base = base**self.points_exponent
        hours = _age_hours(candidate.created_at, now_ts) + self.offset_hours
        return _gravity(base, hours, self.gravity)


@attrs.frozen
class BlueskyHotScorer(_BaseScorer):
    """Bluesky's classic "What's Hot": ``likes / (T + 2) ** 1.8``.

    Source: the ``algo_whats_hot_view`` materialized view in
    bluesky-social/atproto (``packages/bsky``, 2023), whose comment cites the
    Hacker News formula: ``round(1000000 * (likeCount / ((age in hours) + 2)
    ^ 1.8))``. Unlike Hacker News it counts likes only, with no ``- 1``. The
    view also kept only top-level posts (no replies) from the last day with
    more than 2 likes; those are filters for the pipeline, not part of the
    score, and the 1e6 scale and rounding (which only made the score an
    integer for SQL keyset cursors) are left out.

    Attributes:
        gravity: The exponent, > 0 (default 1.8).
        offset_hours: Added to the age, > 0 (default 2).

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> post = Candidate(post_id=1, author_id=1, created_at=when, likes=30)
        >>> round(BlueskyHotScorer().score(post, when + timedelta(hours=1)), 6)
        4.152436
    """

    name: ClassVar[str] = "bluesky_hot"

    gravity: float = attrs.field(default=1.8, converter=_gravity_param)
    offset_hours: float = attrs.field(default=2.0, converter=_offset_hours)

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return ``likes / (age_hours + 2) ** gravity``.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        return self._score(candidate, _checks.timestamp(now))

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate; see :meth:`score`."""
        now_ts = _checks.timestamp(now)
        return [self._score(candidate, now_ts) for candidate in candidates]

    def _score(self, candidate: Candidate, now_ts: float) -> float:
        hours = _age_hours(candidate.created_at, now_ts) + self.offset_hours
        return _gravity(float(candidate.likes), hours, self.gravity)


# --------------------------------------------------------------------------- votes


def reddit_hot(ups: int, downs: int, date: datetime) -> float:
    """Reddit's "hot" score, exactly as ``_hot`` in Reddit's ``r2/lib/db/_sorts.pyx``.

    ``s = ups - downs``; ``order = log10(max(|s|, 1))``; ``sign`` is 1, -1 or
    0 with ``s``; ``seconds = epoch_seconds(date) - 1134028003``; the score is
    ``round(sign * order + seconds / 45000, 7)``. The score depends on the
    submission time, not on ``now``: newer posts start higher, and ten times
    the net votes is worth 12.5 hours. ``epoch_seconds`` is Reddit's own
    (``days * 86400 + seconds + microseconds / 1e6``). Python 3's ``round``
    rounds halves to even where Reddit's Python 2 rounded them away from zero;
    the two differ only on exact binary halves at the 7th decimal.

    Source: reddit-archive/reddit, ``r2/r2/lib/db/_sorts.pyx`` (the version
    that applies ``sign`` to ``order``; an earlier one multiplied the time term).

    Args:
        ups: Up-votes, ``>= 0``.
        downs: Down-votes, ``>= 0``.
        date: The submission time (aware).

    Returns:
        The hot score.

    Raises:
        ValidationError: A count is negative or not an int.
        NaiveDatetimeError: ``date`` has no time zone.

    Example:
        >>> from datetime import datetime, timezone
        >>> reddit_hot(100, 10, datetime(2026, 1, 1, tzinfo=timezone.utc))
        14073.0119536
    """
    ups, downs = _check_vote_counts(ups, downs)
    return _reddit_hot(ups, downs, _checks.aware(date, "date"))


_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _epoch_seconds(date: datetime) -> float:
    """Seconds from the Unix epoch to ``date``, computed as Reddit's ``epoch_seconds``.

    ``td.days * 86400 + td.seconds + td.microseconds / 1e6`` on ``date - epoch``.
    """
    delta = date - _UNIX_EPOCH
    return delta.days * 86400 + delta.seconds + (float(delta.microseconds) / 1000000)


def _reddit_hot(ups: int, downs: int, date: datetime) -> float:
    s = ups - downs
    order = math.log10(max(abs(s), 1))
    sign = 1 if s > 0 else -1 if s < 0 else 0
    seconds = _epoch_seconds(date) - REDDIT_EPOCH_OFFSET
    return round(sign * order + seconds / REDDIT_TIMEBASE, 7)


def reddit_controversy(ups: int, downs: int) -> float:
    """Reddit's "controversial" score: ``(ups + downs) ** balance``.

    ``0`` when either side has no votes; otherwise ``magnitude = ups + downs``
    and ``balance = downs / ups if ups > downs else ups / downs`` (the smaller
    side over the larger, in ``(0, 1]``), and the score is
    ``magnitude ** balance``: many votes, evenly split, rank highest.

    Source: reddit-archive/reddit, ``r2/r2/lib/db/_sorts.pyx``,
    ``controversy`` (the later form; an earlier one was
    ``(ups + downs) / max(|ups - downs|, 1)``).

    Args:
        ups: Up-votes, ``>= 0``.
        downs: Down-votes, ``>= 0``.

    Returns:
        The controversy score, ``>= 0``.

    Raises:
        ValidationError: A count is negative or not an int.

    Example:
        >>> reddit_controversy(100, 100)
        200.0
        >>> reddit_controversy(100, 0)
        0.0
    """
    ups, downs = _check_vote_counts(ups, downs)
    return _reddit_controversy(ups, downs)


def _reddit_controversy(ups: int, downs: int) -> float:
    if downs <= 0 or ups <= 0:
        return 0.0
    magnitude = ups + downs
    balance = downs / ups if ups > downs else ups / downs
    return float(magnitude**balance)


def wilson_lower_bound(ups: int, downs: int, z: float = WILSON_Z_80) -> float:
    """The lower bound of the Wilson score interval for the share of up-votes.

    With ``n = ups + downs`` and ``p = ups / n``::

        (p + z²/2n - z·sqrt(p(1 - p)/n + z²/4n²)) / (1 + z²/n)

    and 0 when ``n = 0``. It is the "best" / confidence sort: a share of up-votes
    discounted for how few votes back it. The result lies in ``[0, p]``
    (clamped there only to absorb floating-point rounding).

    Source: Edwin B. Wilson (1927); Evan Miller, "How Not To Sort By Average
    Rating" (2009); Reddit's ``_confidence`` in ``r2/lib/db/_sorts.pyx`` with
    ``z = 1.281551565545`` (80% confidence). Reddit computed it in single
    precision (``cdef float``); this is double precision.

    Args:
        ups: Up-votes, ``>= 0``.
        downs: Down-votes, ``>= 0``.
        z: The normal quantile, > 0 (default 80%: 1.281551565545).

    Returns:
        The lower bound, in ``[0, ups / n]``.

    Raises:
        ValidationError: A count is negative or not an int, or ``z`` is not > 0.

    Example:
        >>> round(wilson_lower_bound(8, 2), 6)
        0.601596
    """
    ups, downs = _check_vote_counts(ups, downs)
    return _wilson(ups, downs, _checks.positive(z, "z"))


def _wilson(ups: int, downs: int, z: float) -> float:
    # The one Wilson formula of the library: the thread view's "top" sort
    # (microblog_core.rules.threads) uses it too.
    n = ups + downs
    if n == 0:
        return 0.0
    phat = ups / n
    z2 = z * z
    centre = phat + z2 / (2 * n)
    spread = z * math.sqrt((phat * (1 - phat) + z2 / (4 * n)) / n)
    return min(max((centre - spread) / (1 + z2 / n), 0.0), phat)


@attrs.frozen
class RedditHotScorer(_BaseScorer):
    """Reddit "hot" over the candidate's votes and creation time; see :func:`reddit_hot`.

    Votes are :attr:`Candidate.ups <microblog_core.ranking.Candidate.ups>` and
    :attr:`~microblog_core.ranking.Candidate.downs` (by default likes and 0).
    ``now`` is only checked, never used: hot scores do not change with time,
    newer posts simply start higher.
    """

    name: ClassVar[str] = "reddit_hot"

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return ``reddit_hot(ups, downs, created_at)``.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        _checks.timestamp(now)
        return _reddit_hot(candidate.ups, candidate.downs, candidate.created_at)

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate; see :meth:`score`."""
        _checks.timestamp(now)
        return [_reddit_hot(c.ups, c.downs, c.created_at) for c in candidates]


@attrs.frozen
class RedditControversyScorer(_BaseScorer):
    """Reddit "controversial" over the candidate's votes; see :func:`reddit_controversy`."""

    name: ClassVar[str] = "reddit_controversy"

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return ``reddit_controversy(ups, downs)``.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        _checks.timestamp(now)
        return _reddit_controversy(candidate.ups, candidate.downs)

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate; see :meth:`score`."""
        _checks.timestamp(now)
        return [_reddit_controversy(c.ups, c.downs) for c in candidates]


@attrs.frozen
class WilsonScorer(_BaseScorer):
    """Wilson lower bound of the up-vote share; see :func:`wilson_lower_bound`.

    With the default vote mapping (``ups = likes``, ``downs = 0``) every post
    has a share of 1 and the bound grows with the number of likes.

    Attributes:
        z: The normal quantile, > 0 (default 1.281551565545, 80%).
    """

    name: ClassVar[str] = "wilson"

    z: float = attrs.field(default=WILSON_Z_80, converter=_z_param)

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return ``wilson_lower_bound(ups, downs, z)``.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        _checks.timestamp(now)
        return _wilson(candidate.ups, candidate.downs, self.z)

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate; see :meth:`score`."""
        _checks.timestamp(now)
        z = self.z
        return [_wilson(c.ups, c.downs, z) for c in candidates]


# --------------------------------------------------------------------------- trends


def _half_life(value: object) -> timedelta:
    return _checks.duration(value, "half_life")


def _threshold(value: object) -> int:
    return _checks.count(value, "threshold")


def mastodon_excess(observed: float, expected: float, threshold: float) -> float:
    """Mastodon's trend score: ``(observed - expected)² / expected``, or 0.

    0 when ``expected > observed`` or ``observed < threshold``, as in every
    ``calculate_scores`` of Mastodon's ``app/models/trends/``.
    """
    if expected > observed or observed < threshold:
        return 0.0
    excess = observed - expected
    return excess * excess / expected


@attrs.frozen
class MastodonTrendsScorer(_BaseScorer):
    """Mastodon's trending-posts score, as a per-candidate scorer.

    Following ``Trends::Statuses#calculate_scores`` in mastodon/mastodon
    (``app/models/trends/statuses.rb``):

    * ``observed = reblogs + favourites`` (here ``reposts + likes``);
    * ``expected = 1.0`` (a post has no history to compare with);
    * ``score = (observed - expected)² / expected``, or 0 when
      ``expected > observed`` or ``observed < threshold`` (5);
    * ``decayed = score * 0.5 ** (age / half_life)`` with the age measured
      from the post's creation and a 2 h half-life (``score_halflife``);
    * a decayed score below ``decay_threshold`` (0.3) drops out of the trends,
      which here scores 0.

    Mastodon only lets public, discoverable, non-sensitive, non-reply posts
    with a known language trend, and ranks them per language; replies score 0
    here (``exclude_replies``), the rest are pipeline filters. For trends
    computed from a history of hourly uses (hashtags, links) use
    :class:`~microblog_core.ranking.trends.MastodonTrends`.

    Attributes:
        half_life: The decay half-life (default 2 h, Mastodon's and the issue's).
        decay_threshold: Decayed scores below this score 0 (default 0.3).
        threshold: Fewer interactions than this score 0 (default 5).
        expected: The expected interactions (default 1.0, as Mastodon's).
        exclude_replies: Replies score 0 (default True, as Mastodon's).

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> post = Candidate(post_id=1, author_id=1, created_at=when, likes=7, reposts=4)
        >>> MastodonTrendsScorer().score(post, when + timedelta(hours=2))
        50.0
    """

    name: ClassVar[str] = "mastodon_trends"

    half_life: timedelta = attrs.field(default=timedelta(hours=2), converter=_half_life)
    decay_threshold: float = attrs.field(default=0.3, converter=_decay_threshold)
    threshold: int = attrs.field(default=5, converter=_threshold)
    expected: float = attrs.field(default=1.0, converter=_expected_param)
    exclude_replies: bool = True

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return the decayed excess score, or 0 below the cut-off.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        return self._score(candidate, _checks.timestamp(now))

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate; see :meth:`score`."""
        now_ts = _checks.timestamp(now)
        return [self._score(candidate, now_ts) for candidate in candidates]

    def _score(self, candidate: Candidate, now_ts: float) -> float:
        if self.exclude_replies and candidate.is_reply:
            return 0.0
        raw = mastodon_excess(
            float(candidate.likes + candidate.reposts), self.expected, self.threshold
        )
        if raw == 0.0:
            return 0.0
        age = max(0.0, now_ts - candidate.created_at.timestamp())
        decayed = raw * float(0.5 ** (age / self.half_life.total_seconds()))
        return decayed if decayed >= self.decay_threshold else 0.0


# --------------------------------------------------------------------------- decay


@attrs.frozen
class ExponentialDecayScorer(_BaseScorer):
    """Any scorer's score, decayed with age: ``score * 0.5 ** (age / half_life)``.

    The same curve as ``score * exp(-λ · age)`` with ``λ = ln 2 / half_life``;
    build it from a rate with :meth:`from_rate`. Used for freshness in
    Mastodon's trends (2 h half-life), in many feed generators, and in
    Twitter's earlier time-decayed engagement features.

    Attributes:
        inner: The scorer whose score decays.
        half_life: The age at which the score halves, > 0.

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> post = Candidate(post_id=1, author_id=1, created_at=when, likes=10)
        >>> decayed = ExponentialDecayScorer(HackerNewsScorer(gravity=1.0), timedelta(hours=3))
        >>> decayed.name
        'decay(hacker_news)'
        >>> decayed.score(post, when + timedelta(hours=3))  # 10 / (3 + 2), halved
        1.0
    """

    inner: Scorer = attrs.field()
    half_life: timedelta = attrs.field(converter=_half_life)

    @inner.validator
    def _check_inner(self, attribute: object, value: object) -> None:
        if not isinstance(value, Scorer):
            raise ValidationError(
                f"inner must be a Scorer (with name and score()), got {type(value).__name__}",
                field="inner",
                value=value,
            )

    @classmethod
    def from_rate(
        cls, inner: Scorer, rate: float, *, per: timedelta = timedelta(hours=1)
    ) -> "ExponentialDecayScorer":
        """Build the decay ``exp(-rate · age / per)``.

        Args:
            inner: The scorer whose score decays.
            rate: ``λ``, the decay rate per ``per``, > 0.
            per: The time unit of ``rate`` (default one hour).

        Returns:
            The scorer with ``half_life = per · ln 2 / rate``.

        Raises:
            ValidationError: ``rate`` or ``per`` is not positive.
        """
        lam = _checks.positive(rate, "rate")
        unit = _checks.duration(per, "per")
        return cls(inner, unit * (math.log(2) / lam))

    @property
    def name(self) -> str:
        """``decay(<inner name>)``."""
        return f"decay({self.inner.name})"

    @property
    def rate_per_hour(self) -> float:
        """The equivalent ``λ`` per hour: ``ln 2 / half_life``."""
        return math.log(2) / (self.half_life.total_seconds() / _SECONDS_PER_HOUR)

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return ``inner.score(candidate, now) * 0.5 ** (age / half_life)``.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        now_ts = _checks.timestamp(now)
        return self._decay(self.inner.score(candidate, now), candidate, now_ts)

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate; see :meth:`score`."""
        now_ts = _checks.timestamp(now)
        many = getattr(self.inner, "score_many", None)
        if many is not None:
            inner_scores = many(candidates, now)
        else:
            inner_scores = [self.inner.score(candidate, now) for candidate in candidates]
        decay = self._decay
        return [
            decay(score, candidate, now_ts)
            for score, candidate in zip(inner_scores, candidates, strict=True)
        ]

    def _decay(self, score: float, candidate: Candidate, now_ts: float) -> float:
        age = max(0.0, now_ts - candidate.created_at.timestamp())
        return score * float(0.5 ** (age / self.half_life.total_seconds()))


# --------------------------------------------------------------------------- engagement


def _to_weights(
    value: Mapping[str, float] | Iterable[tuple[str, float]],
) -> tuple[tuple[str, float], ...]:
    pairs = list(value.items()) if isinstance(value, Mapping) else list(value)
    checked: dict[str, float] = {}
    for pair in pairs:
        if not isinstance(pair, tuple) or len(pair) != 2:
            raise ValidationError(
                f"weights must map signal names to numbers, got {_checks.quote(pair)}",
                field="weights",
                value=pair,
            )
        name, weight = pair
        if not isinstance(name, str) or not name:
            raise ValidationError(
                f"weight names must be non-empty strings, got {_checks.quote(name)}",
                field="weights",
                value=name,
            )
        if name in checked:
            raise ValidationError(
                f"weight {_checks.quote(name)} is given twice", field="weights", value=name
            )
        checked[name] = _checks.real(weight, f"weights[{_checks.quote(name)}]")
    return tuple(sorted(checked.items()))


@attrs.frozen
class WeightedEngagementScorer(_BaseScorer):
    """A weighted sum of engagement probabilities: ``Σ weight_i · p_i``.

    ``p_i`` comes from ``candidate.signals[name_i]``: a probability (from a
    model) or an observed rate that the caller supplies. A signal the
    candidate does not carry counts as 0, as home-mixer's
    ``predictedScoreOpt.getOrElse(0.0)``; signals no weight names are ignored.
    The sum runs over the weights in name order, so it is the same float for
    the same inputs (on one Python version: 3.12 made ``sum`` of floats
    compensated).

    Negative sums (``normalize_negative=True``, the default) follow
    twitter/the-algorithm, ``home-mixer/.../scored_tweets/scorer/
    NaviModelScorer.scala`` (``computeWeightedModelScore``; the same code is in
    ``WeightedScoresSumScorer.scala``)::

        pos = sum of the positive weights;  neg = |sum of the negative weights|
        if pos + neg == 0:   score = max(sum, 0)
        elif sum < 0:        score = (sum + neg) / (pos + neg) * ε
        else:                score = sum + ε            (ε = 0.001)

    For probabilities in ``[0, 1]``, ``sum >= -neg``, so a negative sum maps
    into ``[0, ε)`` keeping its order, and every non-negative sum lands above
    ``ε``: no candidate with a negative sum outranks one without. With
    ``normalize_negative=False`` the score is the plain sum.

    Attributes:
        weights: Signal name to weight (finite; negative for bad outcomes),
            stored as sorted ``(name, weight)`` pairs.
        normalize_negative: Apply home-mixer's rule above (default True).
        epsilon: home-mixer's ``Epsilon`` (default 0.001), >= 0.
        name: The scorer's name (default ``"weighted_engagement"``).

    Raises:
        ValidationError: A weight name is empty or repeated, or a weight is
            not a finite number.

    Example:
        >>> from datetime import datetime, timezone
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> post = Candidate(
        ...     post_id=1, author_id=1, created_at=when, signals={"fav": 0.2, "reply": 0.01}
        ... )
        >>> round(TWITTER_2023.score(post, when), 6)
        0.236
    """

    weights: tuple[tuple[str, float], ...] = attrs.field(converter=_to_weights)
    normalize_negative: bool = True
    epsilon: float = attrs.field(default=0.001, converter=_epsilon)
    name: str = "weighted_engagement"
    _names: tuple[str, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _values: tuple[float, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _zeros: tuple[float, ...] = attrs.field(init=False, repr=False, eq=False, hash=False)
    _all_signals: Callable[[Mapping[str, float]], Any] | None = attrs.field(
        init=False, repr=False, eq=False, hash=False
    )
    _positive_sum: float = attrs.field(init=False, repr=False, eq=False, hash=False)
    _negative_sum: float = attrs.field(init=False, repr=False, eq=False, hash=False)

    def __attrs_post_init__(self) -> None:
        names = tuple(name for name, _ in self.weights)
        setattr_ = object.__setattr__
        setattr_(self, "_names", names)
        setattr_(self, "_values", tuple(weight for _, weight in self.weights))
        setattr_(self, "_zeros", (0.0,) * len(names))
        # itemgetter fetches every weighted signal in one C call when the
        # candidate has them all (the usual case for model outputs); it returns
        # a bare value for a single name, so it is only used for two or more.
        setattr_(self, "_all_signals", itemgetter(*names) if len(names) >= 2 else None)
        setattr_(self, "_positive_sum", sum(w for _, w in self.weights if w > 0))
        setattr_(self, "_negative_sum", abs(sum(w for _, w in self.weights if w < 0)))

    @property
    def weight_map(self) -> Mapping[str, float]:
        """The weights as a read-only mapping."""
        return MappingProxyType(dict(self.weights))

    def score(self, candidate: Candidate, now: datetime) -> float:
        """Return the weighted sum of ``candidate.signals``, negatives mapped as above.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        _checks.timestamp(now)
        return self._combine(self._sum(candidate.signals))

    def score_many(self, candidates: Sequence[Candidate], now: datetime) -> list[float]:
        """Score every candidate; see :meth:`score`."""
        _checks.timestamp(now)
        weighted_sum = self._sum
        if not self.normalize_negative:
            return [weighted_sum(candidate.signals) for candidate in candidates]
        positive, negative, epsilon = self._positive_sum, self._negative_sum, self.epsilon
        weights_sum = positive + negative
        if weights_sum == 0:
            return [max(weighted_sum(candidate.signals), 0.0) for candidate in candidates]
        fetch, values = self._all_signals, self._values
        scores: list[float] = []
        append = scores.append
        for candidate in candidates:
            # _sum inlined for the common case: the same expression, so the same bits.
            if fetch is None:
                total = weighted_sum(candidate.signals)
            else:
                try:
                    total = float(sum(map(mul, values, fetch(candidate.signals))))
                except KeyError:
                    total = weighted_sum(candidate.signals)
            append((total + negative) / weights_sum * epsilon if total < 0 else total + epsilon)
        return scores

    def _sum(self, signals: Mapping[str, float]) -> float:
        # One expression for every path, so score() and score_many() agree to the bit.
        fetch = self._all_signals
        if fetch is not None:
            try:
                return float(sum(map(mul, self._values, fetch(signals))))
            except KeyError:
                pass
        return float(sum(map(mul, self._values, map(signals.get, self._names, self._zeros))))

    def _combine(self, total: float) -> float:
        if not self.normalize_negative:
            return total
        weights_sum = self._positive_sum + self._negative_sum
        if weights_sum == 0:
            return max(total, 0.0)
        if total < 0:
            return (total + self._negative_sum) / weights_sum * self.epsilon
        return total + self.epsilon


#: Twitter's published heavy-ranker weights of 5 April 2023
#: (twitter/the-algorithm-ml, ``projects/home/recap/README.md``), keyed by the
#: engagement name in ``scored_tweets_model_weight_<name>``.
TWITTER_2023_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {
        "fav": 0.5,
        "retweet": 1.0,
        "reply": 13.5,
        "good_profile_click": 12.0,
        "video_playback50": 0.005,
        "reply_engaged_by_author": 75.0,
        "good_click": 11.0,
        "good_click_v2": 10.0,
        "negative_feedback_v2": -74.0,
        "report": -369.0,
    }
)

#: The weighted-engagement scorer with :data:`TWITTER_2023_WEIGHTS` and
#: home-mixer's negative-score rule.
TWITTER_2023 = WeightedEngagementScorer(TWITTER_2023_WEIGHTS, name="twitter_2023")
