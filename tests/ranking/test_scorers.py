"""The scorers, each checked against values worked out by hand."""

import math
from datetime import datetime, timedelta

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from microblog_core.errors import NaiveDatetimeError, ValidationError
from microblog_core.ranking import (
    TWITTER_2023,
    TWITTER_2023_WEIGHTS,
    WILSON_Z_80,
    BlueskyHotScorer,
    Candidate,
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
from tests.ranking.strategies import NOW, candidates, counts, created_ats

HOUR = timedelta(hours=1)


def make(**overrides: object) -> Candidate:
    fields: dict[str, object] = {"post_id": 1, "author_id": 1, "created_at": NOW}
    fields.update(overrides)
    return Candidate(**fields)  # type: ignore[arg-type]


ALL_SCORERS: list[Scorer] = [
    ChronologicalScorer(),
    HackerNewsScorer(),
    HackerNewsScorer(points_exponent=0.8),
    BlueskyHotScorer(),
    RedditHotScorer(),
    RedditControversyScorer(),
    WilsonScorer(),
    MastodonTrendsScorer(),
    ExponentialDecayScorer(BlueskyHotScorer(), timedelta(hours=6)),
    WeightedEngagementScorer({"fav": 1.0}),
    WeightedEngagementScorer({"fav": 1.0, "report": -2.0}, normalize_negative=False),
    WeightedEngagementScorer({}),
    TWITTER_2023,
]


class TestEveryScorer:
    @pytest.mark.parametrize("scorer", ALL_SCORERS, ids=lambda s: s.name)
    def test_fits_the_protocol(self, scorer: Scorer) -> None:
        assert isinstance(scorer, Scorer)
        assert isinstance(scorer.name, str)
        assert scorer.name

    @pytest.mark.parametrize("scorer", ALL_SCORERS, ids=lambda s: s.name)
    def test_refuses_a_naive_now(self, scorer: Scorer) -> None:
        with pytest.raises(NaiveDatetimeError):
            scorer.score(make(), datetime(2026, 1, 1))
        with pytest.raises(NaiveDatetimeError):
            scorer.score_many([make()], datetime(2026, 1, 1))  # type: ignore[attr-defined]

    @pytest.mark.parametrize("scorer", ALL_SCORERS, ids=lambda s: s.name)
    @given(items=st.lists(candidates(), max_size=8), now=created_ats)
    def test_scores_are_finite_and_score_many_agrees_to_the_bit(
        self, scorer: Scorer, items: list[Candidate], now: datetime
    ) -> None:
        one_by_one = [scorer.score(item, now) for item in items]
        assert all(math.isfinite(s) for s in one_by_one)
        many = scorer.score_many(items, now)  # type: ignore[attr-defined]
        assert [s.hex() for s in many] == [float(s).hex() for s in one_by_one]

    @pytest.mark.parametrize("scorer", ALL_SCORERS, ids=lambda s: s.name)
    @given(item=candidates())
    def test_is_deterministic(self, scorer: Scorer, item: Candidate) -> None:
        assert scorer.score(item, NOW) == scorer.score(item, NOW)


class TestChronological:
    def test_score_is_the_creation_timestamp(self) -> None:
        # 2026-01-01T00:00:00Z is 1,767,225,600 s after the Unix epoch.
        assert ChronologicalScorer().score(make(), NOW + HOUR) == 1_767_225_600.0

    @given(a=created_ats, b=created_ats)
    def test_newer_scores_higher(self, a: datetime, b: datetime) -> None:
        scorer = ChronologicalScorer()
        assume(a < b)
        assert scorer.score(make(created_at=a), NOW) < scorer.score(make(created_at=b), NOW)


class TestHackerNews:
    def test_published_formula(self) -> None:
        # 10 likes, 3 hours old: (P - 1) / (T + 2)^1.8 = 10 / 5^1.8 = 10 / 18.1194 = 0.55189
        got = HackerNewsScorer().score(make(likes=10), NOW + 3 * HOUR)
        assert got == pytest.approx(10 / 5**1.8, rel=1e-12)
        assert got == pytest.approx(0.5518919, rel=1e-6)

    def test_net_votes_when_there_are_downvotes(self) -> None:
        # ups 7, downs 9: P - 1 = -2; brand new: -2 / 2^1.8 = -2 / 3.4822 = -0.57435
        got = HackerNewsScorer().score(make(upvotes=7, downvotes=9), NOW)
        assert got == pytest.approx(-2 / 2**1.8, rel=1e-12)
        assert got == pytest.approx(-0.5743492, rel=1e-6)

    def test_news_arc_points_exponent(self) -> None:
        # news.arc: (P - 1)^0.8 / (T + 2)^1.8 = 10^0.8 / 5^1.8 = 6.30957 / 18.1194 = 0.34822
        got = HackerNewsScorer(points_exponent=0.8).score(make(likes=10), NOW + 3 * HOUR)
        assert got == pytest.approx(0.3482202, rel=1e-6)

    def test_gravity_is_a_parameter(self) -> None:
        # gravity 1: 10 / (3 + 2) = 2
        assert HackerNewsScorer(gravity=1.0).score(make(likes=10), NOW + 3 * HOUR) == 2.0

    def test_future_posts_count_as_new(self) -> None:
        scorer = HackerNewsScorer()
        assert scorer.score(make(likes=4, created_at=NOW + HOUR), NOW) == scorer.score(
            make(likes=4), NOW
        )

    def test_an_overflowing_power_scores_zero(self) -> None:
        old = make(likes=3, created_at=datetime(1, 1, 1, tzinfo=NOW.tzinfo))
        assert HackerNewsScorer(gravity=300.0).score(old, NOW) == 0.0

    @pytest.mark.parametrize("field", ["gravity", "offset_hours", "points_exponent"])
    @pytest.mark.parametrize("value", [0, -1.0, float("nan"), float("inf"), "1.8"])
    def test_parameters_must_be_positive_numbers(self, field: str, value: object) -> None:
        with pytest.raises(ValidationError):
            HackerNewsScorer(**{field: value})

    @given(likes=st.integers(min_value=1, max_value=10**6), age=st.integers(0, 10**6))
    def test_decreases_with_age(self, likes: int, age: int) -> None:
        scorer = HackerNewsScorer()
        item = make(likes=likes)
        younger = scorer.score(item, NOW + timedelta(seconds=age))
        older = scorer.score(item, NOW + timedelta(seconds=age + 60))
        assert older < younger

    @given(likes=counts, age=st.integers(0, 10**6))
    def test_increases_with_votes(self, likes: int, age: int) -> None:
        scorer = HackerNewsScorer()
        now = NOW + timedelta(seconds=age)
        assert scorer.score(make(likes=likes), now) < scorer.score(make(likes=likes + 1), now)


class TestBlueskyHot:
    def test_classic_whats_hot(self) -> None:
        # 30 likes, 1 hour old: 30 / (1 + 2)^1.8 = 30 / 7.22467 = 4.15244
        got = BlueskyHotScorer().score(make(likes=30, reposts=100), NOW + HOUR)
        assert got == pytest.approx(30 / 3**1.8, rel=1e-12)
        assert got == pytest.approx(4.1524365, rel=1e-6)

    def test_no_likes_scores_zero(self) -> None:
        assert BlueskyHotScorer().score(make(reposts=5), NOW) == 0.0

    @given(likes=st.integers(min_value=1, max_value=10**6), age=st.integers(0, 10**6))
    def test_decreases_with_age(self, likes: int, age: int) -> None:
        scorer = BlueskyHotScorer()
        item = make(likes=likes)
        assert scorer.score(item, NOW + timedelta(seconds=age + 60)) < scorer.score(
            item, NOW + timedelta(seconds=age)
        )

    @given(likes=counts)
    def test_is_never_negative(self, likes: int) -> None:
        assert BlueskyHotScorer().score(make(likes=likes), NOW + HOUR) >= 0.0


class TestRedditHot:
    def test_exact_value(self) -> None:
        # 2026-01-01Z = 1,767,225,600 s; seconds = 1,767,225,600 - 1,134,028,003 = 633,197,597
        # ups 100, downs 10: s = 90, order = log10(90) = 1.9542425, sign = 1
        # 1.9542425094 + 633197597 / 45000 (= 14071.0577111) = 14073.0119536 (7 places)
        assert reddit_hot(100, 10, NOW) == 14073.0119536

    def test_negative_net_votes_subtract(self) -> None:
        # ups 10, downs 100: s = -90, sign = -1: 14071.0577111 - 1.9542425 = 14069.1034686
        assert reddit_hot(10, 100, NOW) == 14069.1034686

    def test_zero_net_votes_leave_only_time(self) -> None:
        assert reddit_hot(5, 5, NOW) == 14071.0577111

    def test_the_reddit_epoch_scores_zero(self) -> None:
        # 1134028003 = 2005-12-08T07:46:43Z
        assert reddit_hot(1, 0, datetime.fromtimestamp(1134028003, tz=NOW.tzinfo)) == 0.0

    def test_scorer_reads_the_vote_mapping(self) -> None:
        assert RedditHotScorer().score(make(likes=100, downvotes=10), NOW) == 14073.0119536

    def test_scorer_ignores_now(self) -> None:
        item = make(likes=3)
        scorer = RedditHotScorer()
        assert scorer.score(item, NOW) == scorer.score(item, NOW + 1000 * HOUR)

    def test_refuses_bad_input(self) -> None:
        with pytest.raises(ValidationError):
            reddit_hot(-1, 0, NOW)
        with pytest.raises(NaiveDatetimeError):
            reddit_hot(1, 0, datetime(2026, 1, 1))

    @given(ups=counts, downs=counts, a=created_ats, b=created_ats)
    def test_monotone_in_time(self, ups: int, downs: int, a: datetime, b: datetime) -> None:
        early, late = min(a, b), max(a, b)
        assert reddit_hot(ups, downs, early) <= reddit_hot(ups, downs, late)

    @given(ups=counts, downs=counts, extra=st.integers(1, 1000), date=created_ats)
    def test_monotone_in_score(self, ups: int, downs: int, extra: int, date: datetime) -> None:
        assert reddit_hot(ups, downs, date) <= reddit_hot(ups + extra, downs, date)
        assert reddit_hot(ups, downs + extra, date) <= reddit_hot(ups, downs, date)

    @given(ups=counts, downs=counts)
    def test_twelve_and_a_half_hours_match_ten_times_the_votes(self, ups: int, downs: int) -> None:
        assume(ups > downs >= 0 and ups - downs >= 1)
        # 10x net votes adds exactly 1 = 45,000 s of recency (up to the 7-place rounding)
        base = reddit_hot(10 * (ups - downs), 0, NOW)
        later = reddit_hot(ups - downs, 0, NOW + timedelta(seconds=45_000))
        assert base == pytest.approx(later, abs=2e-7)


class TestRedditControversy:
    def test_balanced_votes_score_their_total(self) -> None:
        # balance = 100 / 100 = 1: 200^1 = 200
        assert reddit_controversy(100, 100) == 200.0

    def test_unbalanced_votes(self) -> None:
        # magnitude 190, balance 90 / 100 = 0.9: 190^0.9 = 112.42897
        assert reddit_controversy(100, 90) == pytest.approx(190**0.9, rel=1e-12)
        assert reddit_controversy(100, 90) == pytest.approx(112.428972, rel=1e-8)
        # ups < downs uses ups / downs: 25 / 75 = 1/3, 100^(1/3) = 4.6415888
        assert reddit_controversy(25, 75) == pytest.approx(4.6415888, rel=1e-7)

    @pytest.mark.parametrize(("ups", "downs"), [(0, 0), (10, 0), (0, 10)])
    def test_one_sided_votes_score_zero(self, ups: int, downs: int) -> None:
        assert reddit_controversy(ups, downs) == 0.0

    def test_scorer_uses_the_vote_mapping(self) -> None:
        # default mapping has no down-votes: never controversial
        assert RedditControversyScorer().score(make(likes=500), NOW) == 0.0
        assert RedditControversyScorer().score(make(upvotes=100, downvotes=100), NOW) == 200.0

    @given(ups=counts, downs=counts)
    def test_symmetric_and_bounded_by_the_total(self, ups: int, downs: int) -> None:
        score = reddit_controversy(ups, downs)
        assert score == reddit_controversy(downs, ups)
        assert 0.0 <= score <= ups + downs


class TestWilson:
    def test_lower_bound_by_hand(self) -> None:
        # 8 up, 2 down: n = 10, p = 0.8, z = 1.281551565545, z^2 = 1.6423744
        # left  = 0.8 + 1.6423744 / 20                       = 0.8821187
        # right = z * sqrt(0.8 * 0.2 / 10 + 1.6423744 / 400) = 1.2815516 * 0.1417954 = 0.1817180
        # under = 1 + 1.6423744 / 10                         = 1.1642374
        # (0.8821187 - 0.1817180) / 1.1642374                = 0.6015960
        assert wilson_lower_bound(8, 2) == pytest.approx(0.6015960, abs=1e-7)

    def test_all_up_votes(self) -> None:
        # p = 1: the bound is 1 / (1 + z^2 / n); n = 5: 1 / 1.3284749 = 0.7527429
        assert wilson_lower_bound(5, 0) == pytest.approx(1 / (1 + WILSON_Z_80**2 / 5), rel=1e-12)
        assert wilson_lower_bound(5, 0) == pytest.approx(0.7527429, abs=1e-7)

    def test_no_votes_score_zero(self) -> None:
        assert wilson_lower_bound(0, 0) == 0.0
        assert WilsonScorer().score(make(), NOW) == 0.0

    def test_all_down_votes_score_zero(self) -> None:
        assert wilson_lower_bound(0, 7) == 0.0

    def test_scorer_with_likes_as_up_votes(self) -> None:
        assert WilsonScorer().score(make(likes=5), NOW) == wilson_lower_bound(5, 0)

    def test_z_is_a_parameter(self) -> None:
        # 95% (z = 1.96) is stricter than 80%
        assert wilson_lower_bound(8, 2, z=1.96) < wilson_lower_bound(8, 2)
        with pytest.raises(ValidationError):
            WilsonScorer(z=0.0)

    @given(ups=counts, downs=counts)
    @example(ups=1, downs=0)
    @example(ups=0, downs=1)
    @example(ups=10**6, downs=10**6)
    def test_in_unit_interval_and_below_the_observed_ratio(self, ups: int, downs: int) -> None:
        bound = wilson_lower_bound(ups, downs)
        assert 0.0 <= bound <= 1.0
        if ups + downs:
            assert bound <= ups / (ups + downs)

    @given(ups=st.integers(1, 10**5), downs=st.integers(0, 10**5))
    def test_more_evidence_for_the_same_share_raises_the_bound(self, ups: int, downs: int) -> None:
        assert wilson_lower_bound(ups, downs) < wilson_lower_bound(10 * ups, 10 * downs)


class TestMastodonTrends:
    def test_statuses_formula(self) -> None:
        # observed = 7 likes + 4 reposts = 11, expected 1: (11 - 1)^2 / 1 = 100
        # 3 hours old, half-life 2 h: 100 * 0.5^(3 / 2) = 100 * 0.3535534 = 35.35534
        got = MastodonTrendsScorer().score(make(likes=7, reposts=4), NOW + 3 * HOUR)
        assert got == pytest.approx(100 * 0.5**1.5, rel=1e-12)
        assert got == pytest.approx(35.355339, rel=1e-8)

    def test_below_the_threshold_scores_zero(self) -> None:
        # observed 4 < threshold 5
        assert MastodonTrendsScorer().score(make(likes=2, reposts=2), NOW) == 0.0
        # observed exactly 5: (5 - 1)^2 = 16
        assert MastodonTrendsScorer().score(make(likes=5), NOW) == 16.0

    def test_decayed_below_the_cut_off_scores_zero(self) -> None:
        # (6 - 1)^2 = 25; after 14 h: 25 * 0.5^7 = 0.1953 < 0.3 -> cut off
        # after 12 h: 25 * 0.5^6 = 0.390625 >= 0.3 -> kept
        scorer = MastodonTrendsScorer()
        assert scorer.score(make(likes=6), NOW + 12 * HOUR) == 0.390625
        assert scorer.score(make(likes=6), NOW + 14 * HOUR) == 0.0

    def test_replies_do_not_trend(self) -> None:
        assert MastodonTrendsScorer().score(make(likes=50, is_reply=True), NOW) == 0.0
        kept = MastodonTrendsScorer(exclude_replies=False).score(make(likes=50, is_reply=True), NOW)
        assert kept == 49.0**2

    def test_excess_rule(self) -> None:
        assert mastodon_excess(9.0, 1.0, 5) == 64.0
        assert mastodon_excess(9.0, 10.0, 5) == 0.0  # expected > observed
        assert mastodon_excess(4.0, 1.0, 5) == 0.0  # below the threshold
        assert mastodon_excess(12.0, 3.0, 5) == 27.0  # (12 - 3)^2 / 3

    @pytest.mark.parametrize(
        "kwargs",
        [
            {"half_life": timedelta(0)},
            {"half_life": 2.0},
            {"decay_threshold": -0.1},
            {"threshold": -1},
            {"expected": 0.0},
        ],
    )
    def test_parameters_are_checked(self, kwargs: dict[str, object]) -> None:
        with pytest.raises(ValidationError):
            MastodonTrendsScorer(**kwargs)  # type: ignore[arg-type]

    @given(item=candidates(), now=created_ats)
    def test_zero_or_at_least_the_cut_off(self, item: Candidate, now: datetime) -> None:
        score = MastodonTrendsScorer().score(item, now)
        assert score == 0.0 or score >= 0.3


class TestExponentialDecay:
    def test_halves_every_half_life(self) -> None:
        # inner: 10 likes, gravity 1 -> at 6 h: 10 / 8 = 1.25; two 3 h half-lives: 1.25 / 4
        scorer = ExponentialDecayScorer(HackerNewsScorer(gravity=1.0), timedelta(hours=3))
        assert scorer.score(make(likes=10), NOW + 6 * HOUR) == 0.3125

    def test_rate_and_half_life_forms_agree(self) -> None:
        # lambda = ln 2 / 3 h  <=>  half-life 3 h: exp(-lambda * 6 h) = 0.25
        by_rate = ExponentialDecayScorer.from_rate(HackerNewsScorer(gravity=1.0), math.log(2) / 3)
        assert by_rate.half_life == timedelta(hours=3)
        assert by_rate.score(make(likes=10), NOW + 6 * HOUR) == pytest.approx(0.3125, rel=1e-12)
        assert by_rate.rate_per_hour == pytest.approx(math.log(2) / 3, rel=1e-12)

    def test_rate_per_other_unit(self) -> None:
        by_day = ExponentialDecayScorer.from_rate(ChronologicalScorer(), 1.0, per=timedelta(days=1))
        assert by_day.half_life.total_seconds() == pytest.approx(86_400 * math.log(2), rel=1e-9)

    def test_name_wraps_the_inner_name(self) -> None:
        assert ExponentialDecayScorer(WilsonScorer(), HOUR).name == "decay(wilson)"

    def test_inner_without_score_many_is_scored_one_by_one(self) -> None:
        class Likes:
            name = "likes"

            def score(self, candidate: Candidate, now: datetime) -> float:
                return float(candidate.likes)

        scorer = ExponentialDecayScorer(Likes(), HOUR)
        assert scorer.score_many([make(likes=8)], NOW + 2 * HOUR) == [2.0]

    def test_refuses_bad_parameters(self) -> None:
        with pytest.raises(ValidationError):
            ExponentialDecayScorer(object(), HOUR)  # type: ignore[arg-type]
        with pytest.raises(ValidationError):
            ExponentialDecayScorer(WilsonScorer(), timedelta(0))
        with pytest.raises(ValidationError):
            ExponentialDecayScorer.from_rate(WilsonScorer(), 0.0)

    @given(item=candidates(), age=st.integers(0, 10**6))
    def test_never_grows_a_non_negative_score(self, item: Candidate, age: int) -> None:
        inner = BlueskyHotScorer(gravity=0.5)
        scorer = ExponentialDecayScorer(inner, timedelta(hours=5))
        now = NOW + timedelta(seconds=age)
        assert 0.0 <= scorer.score(item, now) <= inner.score(item, now)


class TestWeightedEngagement:
    def test_twitter_2023_weights(self) -> None:
        assert dict(TWITTER_2023_WEIGHTS) == {
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
        assert TWITTER_2023.name == "twitter_2023"
        assert TWITTER_2023.weight_map == TWITTER_2023_WEIGHTS

    def test_positive_sum_plus_epsilon(self) -> None:
        # 0.5 * 0.2 + 13.5 * 0.01 = 0.1 + 0.135 = 0.235, plus epsilon 0.001 = 0.236
        item = make(signals={"fav": 0.2, "reply": 0.01})
        assert TWITTER_2023.score(item, NOW) == pytest.approx(0.236, abs=1e-15)

    def test_negative_sum_is_mapped_below_epsilon(self) -> None:
        # sum = 0.5 * 0.2 + 13.5 * 0.01 - 369 * 0.001 = 0.1 + 0.135 - 0.369 = -0.134
        # positive weights: 0.5 + 1 + 13.5 + 12 + 0.005 + 75 + 11 + 10 = 123.005
        # negative weights: |-74 - 369| = 443; total 566.005
        # (-0.134 + 443) / 566.005 * 0.001 = 442.866 / 566.005 * 0.001 = 0.000782441851
        item = make(signals={"fav": 0.2, "reply": 0.01, "report": 0.001})
        got = TWITTER_2023.score(item, NOW)
        assert got == pytest.approx(442.866 / 566.005 * 0.001, rel=1e-12)
        assert got == pytest.approx(0.000782441851, rel=1e-9)

    def test_missing_signals_count_as_zero(self) -> None:
        # no signals: sum 0 -> 0 + epsilon
        assert TWITTER_2023.score(make(), NOW) == 0.001

    def test_unknown_signals_are_ignored(self) -> None:
        assert TWITTER_2023.score(make(signals={"dwell": 1.0}), NOW) == 0.001

    def test_plain_sum_without_normalisation(self) -> None:
        scorer = WeightedEngagementScorer({"a": 2.0, "b": -3.0}, normalize_negative=False)
        # 2 * 0.5 - 3 * 0.5 = -0.5
        assert scorer.score(make(signals={"a": 0.5, "b": 0.5}), NOW) == -0.5

    def test_no_weights_score_clamped_sum(self) -> None:
        assert WeightedEngagementScorer({}).score(make(signals={"a": 0.5}), NOW) == 0.0

    def test_single_weight(self) -> None:
        scorer = WeightedEngagementScorer({"fav": 2.0}, epsilon=0.0)
        assert scorer.score(make(signals={"fav": 0.25}), NOW) == 0.5

    def test_rates_above_one_are_allowed(self) -> None:
        scorer = WeightedEngagementScorer({"likes_per_hour": 0.5}, epsilon=0.0)
        assert scorer.score(make(signals={"likes_per_hour": 30.0}), NOW) == 15.0

    def test_weights_accept_pairs_and_sort_by_name(self) -> None:
        scorer = WeightedEngagementScorer([("b", 1.0), ("a", 2.0)])
        assert scorer.weights == (("a", 2.0), ("b", 1.0))
        assert scorer == WeightedEngagementScorer({"a": 2.0, "b": 1.0})

    @pytest.mark.parametrize(
        "weights",
        [{"": 1.0}, {"a": float("nan")}, {"a": "1"}, [("a", 1.0), ("a", 2.0)], [("a",)], [1]],
    )
    def test_bad_weights_are_refused(self, weights: object) -> None:
        with pytest.raises(ValidationError):
            WeightedEngagementScorer(weights)  # type: ignore[arg-type]

    def test_epsilon_must_not_be_negative(self) -> None:
        with pytest.raises(ValidationError):
            WeightedEngagementScorer({"a": 1.0}, epsilon=-0.001)

    @given(
        a=st.dictionaries(st.sampled_from(sorted(TWITTER_2023_WEIGHTS)), st.floats(0, 1)),
        b=st.dictionaries(st.sampled_from(sorted(TWITTER_2023_WEIGHTS)), st.floats(0, 1)),
    )
    def test_negative_rule_keeps_order_and_puts_negatives_last(
        self, a: dict[str, float], b: dict[str, float]
    ) -> None:
        plain = WeightedEngagementScorer(TWITTER_2023_WEIGHTS, normalize_negative=False)
        raw_a, raw_b = plain.score(make(signals=a), NOW), plain.score(make(signals=b), NOW)
        got_a, got_b = (
            TWITTER_2023.score(make(signals=a), NOW),
            TWITTER_2023.score(make(signals=b), NOW),
        )
        assert got_a >= 0.0
        if raw_a < 0:
            assert got_a < 0.001
        else:
            assert got_a >= 0.001
        if raw_a < raw_b:
            assert got_a <= got_b
