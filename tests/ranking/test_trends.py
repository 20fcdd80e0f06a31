"""MastodonTrends: hourly histories in, ranked trends per language out."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import NaiveDatetimeError, ValidationError
from microblog_core.ranking import MastodonTrends, MastodonTrendsScorer, TrendObservation

START = datetime(2026, 3, 1, tzinfo=UTC)
HOUR = timedelta(hours=1)


def obs(
    counts: tuple[int, ...], item_id: int | str = "tag", language: str | None = "en"
) -> TrendObservation:
    return TrendObservation(item_id=item_id, language=language, start=START, counts=counts)


class TestObservation:
    def test_counts_uses_into_epoch_aligned_buckets(self) -> None:
        uses = [START + timedelta(minutes=m) for m in (50, 10, 65, 185)]
        got = MastodonTrends().observe("python", uses, language="en")
        assert got == TrendObservation(
            item_id="python", language="en", start=START, counts=(2, 1, 0, 1)
        )

    def test_day_buckets_start_at_utc_midnight(self) -> None:
        uses = [START + timedelta(hours=30), START + timedelta(hours=2)]
        got = MastodonTrends(bucket=timedelta(days=1)).observe(1, uses)
        assert (got.start, got.counts) == (START, (1, 1))

    def test_no_uses_no_buckets(self) -> None:
        assert MastodonTrends().observe("x", []).counts == ()

    def test_uses_must_be_aware(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            MastodonTrends().observe("x", [datetime(2026, 1, 1)])

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"counts": (1, -1)},
            {"counts": (1.5,)},
            {"counts": "12"},
            {"item_id": 1.5},
            {"item_id": True},
            {"language": ""},
        ],
    )
    def test_bad_fields_are_refused(self, kwargs: dict[str, object]) -> None:
        fields: dict[str, object] = {"item_id": "x", "start": START, "counts": (1,)}
        fields.update(kwargs)
        with pytest.raises(ValidationError):
            TrendObservation(**fields)  # type: ignore[arg-type]

    def test_start_is_stored_in_utc(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            TrendObservation(item_id="x", start=datetime(2026, 1, 1), counts=())


class TestEvaluate:
    def test_excess_over_the_mean_of_the_past_day(self) -> None:
        # 24 hours of 2 uses, then 20: expected = max(1, 48 / 24) = 2
        # score = (20 - 2)^2 / 2 = 324 / 2 = 162, peaking at the end of hour 25
        history = obs((2,) * 24 + (20,))
        peak_at = START + 25 * HOUR
        trend = MastodonTrends().evaluate(history, peak_at)
        assert (trend.score, trend.peak_score, trend.peak_at) == (162.0, 162.0, peak_at)
        assert (trend.observed, trend.expected) == (20, 2.0)

    def test_decays_from_the_peak_with_a_two_hour_half_life(self) -> None:
        # two hours later, no new uses: 162 * 0.5^(2 / 2) = 81; three hours: 162 * 0.5^1.5
        history = obs((2,) * 24 + (20,))
        assert MastodonTrends().evaluate(history, START + 27 * HOUR).score == 81.0
        later = MastodonTrends().evaluate(history, START + 28 * HOUR).score
        assert later == pytest.approx(162 * 0.5**1.5, rel=1e-12)

    def test_expected_is_at_least_one(self) -> None:
        # a new tag: expected = max(1, 0 / 24) = 1; (9 - 1)^2 / 1 = 64
        assert MastodonTrends().evaluate(obs((9,)), START + HOUR).score == 64.0

    def test_the_baseline_averages_only_the_configured_buckets(self) -> None:
        # baseline 2: expected = (4 + 6) / 2 = 5; (15 - 5)^2 / 5 = 20
        # the first bucket (100 uses) is outside the window
        trends = MastodonTrends(baseline_buckets=2)
        history = obs((100, 4, 6, 15))
        trend = trends.evaluate(history, START + 4 * HOUR)
        assert trend.peak_score == 99.0**2  # (100 - 1)^2 / 1 in the first hour
        # the first-hour peak decays 3 h: 9801 * 0.5^1.5; the new score is far lower
        assert trend.peak_at == START + HOUR
        last_hour_only = trends.evaluate(obs((4, 6, 15)), START + 3 * HOUR)
        assert last_hour_only.peak_score == 20.0

    def test_below_the_threshold_scores_zero(self) -> None:
        # 4 uses < threshold 5: no score however low the baseline
        trend = MastodonTrends().evaluate(obs((0, 0, 4)), START + 3 * HOUR)
        assert (trend.score, trend.peak_at) == (0.0, None)

    def test_a_falling_count_sets_no_new_peak(self) -> None:
        # hour 1: (30 - 1)^2 / 1 = 841, the peak; hours 2..24 expect more than they see
        # hour 25: expected = max(1, 30 * 24 / 24) = 30 > observed 10 -> 0
        # so the trend is the first peak, 24 h old: 841 * 0.5^12 = 0.2053
        trend = MastodonTrends().evaluate(obs((30,) * 24 + (10,)), START + 25 * HOUR)
        assert (trend.peak_score, trend.peak_at) == (841.0, START + HOUR)
        assert trend.score == 841 * 0.5**12

    def test_inside_a_bucket_the_peak_is_now(self) -> None:
        now = START + timedelta(minutes=30)
        trend = MastodonTrends().evaluate(obs((9,)), now)
        assert (trend.score, trend.peak_at) == (64.0, now)

    def test_buckets_after_now_are_ignored(self) -> None:
        # the third bucket starts at START + 2 h, a second after now
        trend = MastodonTrends().evaluate(obs((0, 0, 50)), START + 2 * HOUR - timedelta(seconds=1))
        assert trend.score == 0.0

    def test_the_bucket_starting_at_now_is_the_current_one(self) -> None:
        # as Mastodon's refresh reads the bucket whose start is <= now
        trend = MastodonTrends().evaluate(obs((0, 0, 50)), START + 2 * HOUR)
        assert (trend.score, trend.peak_at) == (49.0**2, START + 2 * HOUR)

    def test_a_peak_is_forgotten_after_the_cooldown(self) -> None:
        trends = MastodonTrends(half_life=timedelta(days=10))
        history = obs((9,))  # peak 64 at START + 1 h
        kept = trends.evaluate(history, START + 48 * HOUR)  # 47 h after the peak
        assert kept.score == pytest.approx(64 * 0.5 ** (47 / 240), rel=1e-12)
        assert trends.evaluate(history, START + 50 * HOUR).score == 0.0  # 49 h > 2 days

    def test_after_the_cooldown_a_smaller_spike_becomes_the_peak(self) -> None:
        # hour 0: 101 uses -> (101 - 1)^2 = 10000; 72 hours later: 11 uses
        # expected then = max(1, 0 / 24) = 1 -> (11 - 1)^2 = 100, the new peak
        trends = MastodonTrends(half_life=timedelta(days=30))
        history = obs((101,) + (0,) * 71 + (11,))
        trend = trends.evaluate(history, START + 73 * HOUR)
        assert (trend.peak_score, trend.peak_at) == (100.0, START + 73 * HOUR)

    @given(
        counts=st.lists(st.integers(0, 50), max_size=60).map(tuple),
        extra=st.integers(0, 200),
    )
    def test_without_new_uses_a_trend_only_cools(self, counts: tuple[int, ...], extra: int) -> None:
        trends = MastodonTrends()
        end = START + len(counts) * HOUR
        first = trends.evaluate(obs(counts), end)
        later = trends.evaluate(obs(counts), end + timedelta(minutes=extra))
        assert 0.0 <= later.score <= first.score <= first.peak_score


class TestRank:
    def test_ranks_per_language_with_the_cut_off(self) -> None:
        now = START + HOUR
        ranked = MastodonTrends().rank(
            [
                obs((9,), "a", "en"),  # 64
                obs((12,), "b", "en"),  # 121
                obs((9,), "c", "ja"),  # 64
                obs((3,), "d", "en"),  # below the threshold
                obs((6,), "e", None),  # 25
            ],
            now,
        )
        assert list(ranked) == [None, "en", "ja"]
        assert [(t.item_id, t.score) for t in ranked["en"]] == [("b", 121.0), ("a", 64.0)]
        assert [t.item_id for t in ranked["ja"]] == ["c"]
        assert [t.item_id for t in ranked[None]] == ["e"]

    def test_cut_off_uses_the_decayed_score(self) -> None:
        # (6 - 1)^2 = 25; 14 h later: 25 * 0.5^7 = 0.195 < 0.3
        history = obs((6,))
        assert MastodonTrends().rank([history], START + 15 * HOUR) == {}
        assert list(MastodonTrends().rank([history], START + 13 * HOUR)) == ["en"]

    def test_ties_break_by_item_id(self) -> None:
        now = START + HOUR
        ranked = MastodonTrends().rank(
            [obs((9,), 3), obs((9,), 10), obs((9,), "b"), obs((9,), "a")], now
        )
        assert [t.item_id for t in ranked["en"]] == [10, 3, "a", "b"]

    def test_the_same_item_twice_in_a_language_is_an_error(self) -> None:
        with pytest.raises(ValidationError):
            MastodonTrends().rank([obs((9,)), obs((1,))], START + HOUR)

    def test_the_same_item_in_two_languages_is_fine(self) -> None:
        ranked = MastodonTrends().rank([obs((9,), "x", "en"), obs((9,), "x", "fr")], START + HOUR)
        assert list(ranked) == ["en", "fr"]

    @given(
        st.lists(
            st.tuples(
                st.lists(st.integers(0, 40), max_size=30).map(tuple),
                st.sampled_from([None, "en", "de"]),
            ),
            max_size=12,
        ),
        st.integers(0, 40),
    )
    def test_every_listed_trend_passes_the_cut_off_in_order(
        self, histories: list[tuple[tuple[int, ...], str | None]], hours: int
    ) -> None:
        observations = [
            obs(counts, index, language) for index, (counts, language) in enumerate(histories)
        ]
        ranked = MastodonTrends().rank(observations, START + hours * HOUR)
        for language, trends in ranked.items():
            assert trends
            assert all(t.language == language and t.score >= 0.3 for t in trends)
            keys = [(t.score, t.item_id) for t in trends]
            assert keys == sorted(keys, reverse=True)


class TestParameters:
    @pytest.mark.parametrize(
        "kwargs",
        [
            {"half_life": timedelta(0)},
            {"bucket": timedelta(seconds=-1)},
            {"peak_cooldown": 3},
            {"decay_threshold": -1.0},
            {"threshold": -1},
            {"baseline_buckets": 0},
        ],
    )
    def test_are_checked(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ValidationError):
            MastodonTrends(**kwargs)

    def test_scorer_form_shares_the_numbers(self) -> None:
        trends = MastodonTrends(half_life=timedelta(hours=4), decay_threshold=1.0, threshold=3)
        assert trends.scorer() == MastodonTrendsScorer(
            half_life=timedelta(hours=4), decay_threshold=1.0, threshold=3
        )

    def test_naive_now_is_refused(self) -> None:
        with pytest.raises(NaiveDatetimeError):
            MastodonTrends().evaluate(obs((1,)), datetime(2026, 1, 1))
