"""Mastodon-style trends over a history of uses: which items are rising now, per language.

Mastodon's trends (mastodon/mastodon, ``app/models/trends/``) compare what an
item (a hashtag, a link, a post) is getting now with what it usually gets,
score the excess as ``(observed - expected)² / expected``, decay that score
from its peak and drop items that fall below a cut-off. This module does the
same as a pure batch computation: give it each item's counts per time bucket
(or the raw use timestamps) and it returns ranked trends per language.

What Mastodon does (``tags.rb``, ``links.rb``, ``statuses.rb``), and what
is used here:

.. list-table::
   :header-rows: 1

   * -
     - Mastodon
     - here (defaults)
   * - bucket
     - one UTC day
     - one hour (``bucket``)
   * - observed
     - distinct accounts in the bucket (posts: reblogs + favourites)
     - the count in the bucket
   * - expected
     - yesterday's accounts, 1.0 if zero (posts: 1.0)
     - mean of the previous 24 buckets, at least 1.0 (``baseline_buckets``)
   * - threshold
     - 5
     - 5 (``threshold``)
   * - score
     - ``(o - e)² / e``; 0 if ``e > o`` or ``o < 5``
     - the same
   * - decays from
     - the peak, forgotten after 2 days (tags, links); creation (posts)
     - the peak, the same cooldown (``peak_cooldown``)
   * - half-life
     - 4 h tags, 8 h links, 2 h posts
     - 2 h (``half_life``; the issue's)
   * - cut-off
     - 1 tags and links, 0.3 posts
     - 0.3 (``decay_threshold``; the issue's)
   * - ranked
     - per language (links, posts)
     - per language

Where the issue and Mastodon disagree (half-life and cut-off for hashtags and
links, the hourly bucket and its mean baseline) the issue's numbers are the
defaults; every one is a parameter. For the post form (observed = reposts +
likes, expected 1, decay from creation) see
:class:`~microblog_core.ranking.scorers.MastodonTrendsScorer`, which
:meth:`MastodonTrends.scorer` builds with the same parameters.
"""

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta

import attrs

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ranking.scorers import MastodonTrendsScorer, mastodon_excess

_UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

__all__ = ["MastodonTrends", "Trend", "TrendObservation"]


def _start(value: datetime) -> datetime:
    return _checks.aware(value, "start")


def _counts(value: Iterable[int]) -> tuple[int, ...]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationError("counts must be a sequence of ints", field="counts", value=value)
    return tuple(_checks.count(item, "counts") for item in value)


def _item_id(value: int | str) -> int | str:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationError(
            f"item_id must be an int or a str, got {type(value).__name__}",
            field="item_id",
            value=value,
        )
    return value


def _language(value: str | None) -> str | None:
    if value is not None and (not isinstance(value, str) or not value):
        raise ValidationError(
            f"language must be a non-empty str or None, got {_checks.quote(value)}",
            field="language",
            value=value,
        )
    return value


@attrs.frozen(kw_only=True)
class TrendObservation:
    """One item's history: counts per bucket from ``start``.

    ``counts[i]`` is the number of uses (or distinct accounts; Mastodon counts
    accounts for hashtags and links) in ``[start + i·bucket, start + (i+1)·bucket)``
    for the bucket width of the :class:`MastodonTrends` that evaluates it.
    Buckets before ``start`` count as zero. Build one from raw timestamps with
    :meth:`MastodonTrends.observe`.

    Attributes:
        item_id: What trends: a hashtag name, a link id, a post id.
        language: The language it is ranked under (``None``: unknown).
        start: The start of the first bucket (aware, stored in UTC).
        counts: Non-negative counts, one per bucket.

    Raises:
        ValidationError: A count is negative or not an int, ``item_id`` is not
            an int or str, or ``language`` is empty.
        NaiveDatetimeError: ``start`` has no time zone.
    """

    item_id: int | str = attrs.field(converter=_item_id)
    language: str | None = attrs.field(default=None, converter=_language)
    start: datetime = attrs.field(converter=_start)
    counts: tuple[int, ...] = attrs.field(converter=_counts)


@attrs.frozen(kw_only=True)
class Trend:
    """An item's trend score at one instant.

    Attributes:
        item_id: The item.
        language: The language it is ranked under.
        score: The decayed score at ``now``: ``peak_score * 0.5 ** (since peak / half_life)``.
        peak_score: The highest excess score within the cooldown (0: none).
        peak_at: When that peak was reached (the end of its bucket, or ``now``
            inside the current bucket), or ``None``.
        observed: The count at the peak.
        expected: The expected count at the peak.
    """

    item_id: int | str
    language: str | None
    score: float
    peak_score: float
    peak_at: datetime | None
    observed: int
    expected: float


def _baseline_buckets(value: object) -> int:
    number = _checks.count(value, "baseline_buckets")
    if number < 1:
        raise ValidationError(
            "baseline_buckets must be at least 1", field="baseline_buckets", value=value
        )
    return number


def _decay_threshold(value: object) -> float:
    number = _checks.real(value, "decay_threshold")
    if number < 0:
        raise ValidationError(
            f"decay_threshold must be >= 0, got {_checks.quote(value)}",
            field="decay_threshold",
            value=value,
        )
    return number


def _half_life(value: object) -> timedelta:
    return _checks.duration(value, "half_life")


def _bucket(value: object) -> timedelta:
    return _checks.duration(value, "bucket")


def _peak_cooldown(value: object) -> timedelta:
    return _checks.duration(value, "peak_cooldown")


def _threshold(value: object) -> int:
    return _checks.count(value, "threshold")


def _sort_key(trend: Trend) -> tuple[float, int, int, str]:
    # Score descending; ties: integer ids descending (newer first, as in all
    # ranking here), string ids alphabetically, integers before strings.
    item = trend.item_id
    if isinstance(item, int):
        return (-trend.score, 0, -item, "")
    return (-trend.score, 1, 0, item)


@attrs.frozen(kw_only=True)
class MastodonTrends:
    """Ranks items by how far their current use exceeds their usual use.

    For each bucket up to ``now`` (evaluated at the bucket's end, or at
    ``now`` for the bucket that contains it), as Mastodon's periodic refresh:

    1. ``expected = max(1, mean of the previous baseline_buckets counts)``;
    2. ``score = (observed - expected)² / expected``, or 0 when
       ``expected > observed`` or ``observed < threshold``;
    3. the peak: a score above the current peak replaces it; a peak older
       than ``peak_cooldown`` is forgotten first (Mastodon's
       ``max_score_cooldown``).

    At ``now`` the trend score is ``peak * 0.5 ** (hours since peak /
    half_life)``; items below ``decay_threshold`` do not trend. Trends are
    ranked per language, score descending.

    Attributes:
        half_life: Decay half-life from the peak (default 2 h).
        decay_threshold: Scores below this do not trend (default 0.3).
        threshold: Counts below this score 0 (default 5, Mastodon's).
        bucket: The bucket width (default 1 h).
        baseline_buckets: How many earlier buckets the expectation averages
            (default 24: the past day of hours).
        peak_cooldown: How long a peak is remembered (default 2 days,
            Mastodon's ``max_score_cooldown``).

    Example:
        >>> from datetime import datetime, timedelta, timezone
        >>> trends = MastodonTrends()
        >>> start = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> tag = TrendObservation(item_id="python", language="en", start=start, counts=(1, 1, 9))
        >>> now = start + timedelta(hours=3)  # the end of the third bucket
        >>> trends.evaluate(tag, now).score  # expected = max(1, 2 / 24) = 1
        64.0
        >>> [t.item_id for t in trends.rank([tag], now)["en"]]
        ['python']
    """

    half_life: timedelta = attrs.field(default=timedelta(hours=2), converter=_half_life)
    decay_threshold: float = attrs.field(default=0.3, converter=_decay_threshold)
    threshold: int = attrs.field(default=5, converter=_threshold)
    bucket: timedelta = attrs.field(default=timedelta(hours=1), converter=_bucket)
    baseline_buckets: int = attrs.field(default=24, converter=_baseline_buckets)
    peak_cooldown: timedelta = attrs.field(default=timedelta(days=2), converter=_peak_cooldown)

    def observe(
        self, item_id: int | str, uses: Iterable[datetime], *, language: str | None = None
    ) -> TrendObservation:
        """Count ``uses`` into buckets aligned to the Unix epoch.

        Buckets start at whole multiples of ``bucket`` since 1970-01-01T00:00Z
        (for one-day buckets: UTC midnights, as Mastodon's ``beginning_of_day``).

        Args:
            item_id: The item used.
            uses: When it was used (aware datetimes, any order). Pass one per
                account and bucket to count distinct accounts as Mastodon does.
            language: The language to rank it under.

        Returns:
            The observation; empty uses give no buckets.

        Raises:
            NaiveDatetimeError: A use has no time zone.
            ValidationError: A use is not a datetime.
        """
        indices = [(_checks.aware(use, "uses") - _UNIX_EPOCH) // self.bucket for use in uses]
        if not indices:
            return TrendObservation(
                item_id=item_id, language=language, start=_UNIX_EPOCH, counts=()
            )
        first = min(indices)
        counts = [0] * (max(indices) - first + 1)
        for index in indices:
            counts[index - first] += 1
        return TrendObservation(
            item_id=item_id,
            language=language,
            start=_UNIX_EPOCH + first * self.bucket,
            counts=tuple(counts),
        )

    def evaluate(self, observation: TrendObservation, now: datetime) -> Trend:
        """Compute one item's trend at ``now`` (whether or not it makes the cut).

        Args:
            observation: The item's history.
            now: The instant to evaluate at (aware). Buckets starting after it
                are ignored.

        Returns:
            The trend, with ``score`` 0 when nothing peaked within the cooldown.

        Raises:
            NaiveDatetimeError: ``now`` has no time zone.
        """
        now_ts = _checks.timestamp(now)
        bucket_s = self.bucket.total_seconds()
        cooldown_s = self.peak_cooldown.total_seconds()
        baseline = self.baseline_buckets
        counts = observation.counts
        start_ts = observation.start.timestamp()

        peak = 0.0
        peak_ts: float | None = None
        peak_observed = 0
        peak_expected = 1.0
        window = 0  # sum of the previous `baseline` counts (before start: zero)
        for index, observed in enumerate(counts):
            bucket_start = start_ts + index * bucket_s
            if bucket_start > now_ts:
                break
            at = min(bucket_start + bucket_s, now_ts)
            expected = max(1.0, window / baseline)
            score = mastodon_excess(float(observed), expected, self.threshold)
            if peak_ts is not None and peak_ts < at - cooldown_s:
                peak = 0.0
            if score > peak:
                peak, peak_ts, peak_observed, peak_expected = score, at, observed, expected
            window += observed
            if index >= baseline:
                window -= counts[index - baseline]
        if peak_ts is not None and peak_ts < now_ts - cooldown_s:
            peak = 0.0
        if peak == 0.0 or peak_ts is None:
            return Trend(
                item_id=observation.item_id,
                language=observation.language,
                score=0.0,
                peak_score=0.0,
                peak_at=None,
                observed=0,
                expected=1.0,
            )
        decayed = peak * float(0.5 ** ((now_ts - peak_ts) / self.half_life.total_seconds()))
        return Trend(
            item_id=observation.item_id,
            language=observation.language,
            score=decayed,
            peak_score=peak,
            peak_at=datetime.fromtimestamp(peak_ts, tz=_UNIX_EPOCH.tzinfo),
            observed=peak_observed,
            expected=peak_expected,
        )

    def rank(
        self, observations: Iterable[TrendObservation], now: datetime
    ) -> Mapping[str | None, tuple[Trend, ...]]:
        """Rank trending items per language at ``now``.

        Args:
            observations: One per (item, language); a repeated pair is an error.
            now: The instant to rank at (aware).

        Returns:
            Language (``None`` first, then alphabetical) to the items whose
            score is positive and at least ``decay_threshold``, by score
            descending; ties: integer ids descending, then string ids
            alphabetically. Languages with no trend are left out.

        Raises:
            ValidationError: The same item appears twice under one language.
            NaiveDatetimeError: ``now`` has no time zone.
        """
        seen: set[tuple[str | None, int | str]] = set()
        by_language: dict[str | None, list[Trend]] = {}
        for observation in observations:
            key = (observation.language, observation.item_id)
            if key in seen:
                raise ValidationError(
                    f"item {_checks.quote(observation.item_id)} is observed twice under language "
                    f"{_checks.quote(observation.language)}; merge its counts first",
                    field="observations",
                    value=key,
                )
            seen.add(key)
            trend = self.evaluate(observation, now)
            if trend.score > 0 and trend.score >= self.decay_threshold:
                by_language.setdefault(trend.language, []).append(trend)
        languages = sorted(by_language, key=lambda lang: (lang is not None, lang or ""))
        return {
            language: tuple(sorted(by_language[language], key=_sort_key)) for language in languages
        }

    def scorer(self) -> MastodonTrendsScorer:
        """The per-post :class:`~microblog_core.ranking.scorers.MastodonTrendsScorer`.

        Returns:
            A scorer with this helper's half-life, cut-off and threshold.
        """
        return MastodonTrendsScorer(
            half_life=self.half_life,
            decay_threshold=self.decay_threshold,
            threshold=self.threshold,
        )
