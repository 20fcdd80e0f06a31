"""Tests for microblog_core.sim.agents: activity, scheduling and texts."""

import math
import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.sim import agents
from microblog_core.sim.agents import (
    Composer,
    PairSet,
    Population,
    SessionScheduler,
    draw_population,
)
from microblog_core.sim.config import ActivityConfig
from microblog_core.text import TWITTER_V3, WEIBO, measure


@pytest.mark.parametrize("distribution", ["constant", "lognormal", "pareto"])
def test_rates_have_the_configured_mean(distribution):
    activity = ActivityConfig(distribution=distribution, sessions_per_day=7.5)
    population = draw_population(500, activity, locked_share=0.1, rng=random.Random(3))
    assert math.fsum(population.rates) / 500 == pytest.approx(7.5)
    assert population.size == 500


def test_heavy_tailed_rates_are_heterogeneous():
    population = draw_population(
        2000, ActivityConfig(distribution="pareto"), locked_share=0.0, rng=random.Random(1)
    )
    assert max(population.rates) > 10 * min(population.rates)


@given(st.integers(0, 12), st.integers(0, 2**32))
def test_shifts_stay_within_the_spread(spread, seed):
    population = draw_population(
        50, ActivityConfig(shift_spread=spread), locked_share=0.5, rng=random.Random(seed)
    )
    assert all(-spread <= s <= spread for s in population.shifts)


def test_locked_share_zero_locks_nobody_and_one_locks_everyone():
    activity = ActivityConfig()
    none = draw_population(100, activity, locked_share=0.0, rng=random.Random(0))
    every = draw_population(100, activity, locked_share=1.0, rng=random.Random(0))
    assert not any(none.locked)
    assert all(every.locked)


def _population(n: int, seed: int) -> Population:
    return draw_population(n, ActivityConfig(), locked_share=0.0, rng=random.Random(seed))


@given(st.integers(0, 2**32), st.integers(0, 23), st.floats(1, 3600))
def test_sessions_are_in_time_order_within_the_step(seed, hour, seconds):
    population = _population(40, seed)
    scheduler = SessionScheduler(population, ActivityConfig().profile)
    start = datetime(2026, 1, 1, hour, tzinfo=UTC)
    sessions = scheduler.sessions(start, seconds, rng=random.Random(seed))
    offsets = [offset for offset, _ in sessions]
    assert offsets == sorted(offsets)
    assert all(0 <= offset < seconds for offset in offsets)
    assert all(0 <= account < 40 for _, account in sessions)


def test_session_count_matches_the_rate():
    population = _population(1000, 5)
    scheduler = SessionScheduler(population, ActivityConfig().profile)
    start = datetime(2026, 1, 1, 20, tzinfo=UTC)
    expected = scheduler.rate_at(start) * 3600
    count = len(scheduler.sessions(start, 3600, rng=random.Random(5)))
    assert abs(count - expected) < 5 * math.sqrt(expected)


def test_the_profile_shapes_activity_over_the_day():
    population = draw_population(
        1000, ActivityConfig(shift_spread=0), locked_share=0.0, rng=random.Random(2)
    )
    scheduler = SessionScheduler(population, ActivityConfig().profile)
    night = scheduler.rate_at(datetime(2026, 1, 1, 4, tzinfo=UTC))
    evening = scheduler.rate_at(datetime(2026, 1, 1, 20, tzinfo=UTC))
    assert evening > 5 * night
    day = math.fsum(scheduler.rate_at(datetime(2026, 1, 1, h, tzinfo=UTC)) for h in range(24))
    assert day * 3600 == pytest.approx(math.fsum(population.rates))


def test_accounts_are_drawn_in_proportion_to_their_rate():
    population = Population(rates=(1.0, 9.0), shifts=(0, 0), locked=(False, False))
    scheduler = SessionScheduler(population, (1.0,) * 24)
    sessions = scheduler.sessions(
        datetime(2026, 1, 1, tzinfo=UTC), 86_400 * 50, rng=random.Random(1)
    )
    busy = sum(1 for _, account in sessions if account == 1) / len(sessions)
    assert busy == pytest.approx(0.9, abs=0.03)


def test_a_silent_hour_has_no_sessions():
    profile = (0.0,) * 12 + (2.0,) * 12
    scheduler = SessionScheduler(_population(50, 1), profile)
    assert scheduler.sessions(datetime(2026, 1, 1, 3, tzinfo=UTC), 600, rng=random.Random(0)) == []


@given(st.integers(0, 2**32))
def test_texts_fit_every_policy(seed):
    composer = Composer(hashtag=0.5, mention=0.5)
    rng = random.Random(seed)
    for text in (composer.post(rng, mention="u0042"), composer.reaction(rng)):
        assert text.strip()
        assert measure(text, TWITTER_V3).valid
        assert measure(text, WEIBO).valid


def test_posts_carry_hashtags_and_mentions_when_asked():
    composer = Composer(hashtag=1.0, mention=1.0)
    text = composer.post(random.Random(0), mention="u7")
    assert text.startswith("@u7 ")
    assert " #" in text
    plain = Composer(hashtag=0.0, mention=0.0).post(random.Random(0), mention="u7")
    assert "@" not in plain
    assert "#" not in plain


@given(
    keys=st.lists(
        st.one_of(st.integers(0, 40), st.integers(0, (1 << 63) - 1)),
        max_size=200,
    ),
    probes=st.lists(st.integers(0, (1 << 63) - 1), max_size=20),
    min_recent=st.sampled_from([0, 1, 3, 4096]),
)
def test_pair_set_answers_as_a_set_of_ints(keys, probes, min_recent):
    # A small merge threshold makes the sorted part and the merges happen.
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(agents, "_MIN_RECENT", min_recent)
        pairs = PairSet()
        reference: set[int] = set()
        for key in keys:
            assert (key in pairs) == (key in reference)
            pairs.add(key)
            reference.add(key)
            assert key in pairs
            assert len(pairs) == len(reference)
        for probe in [*probes, *(key + 1 for key in keys if key < (1 << 63) - 1)]:
            assert (probe in pairs) == (probe in reference)


def test_pair_set_merges_its_recent_keys_into_a_sorted_array():
    pairs = PairSet()
    keys = [(viewer << 32) | (viewer * 7919 % 5000) for viewer in range(10_000)]
    for key in reversed(keys):
        pairs.add(key)
    assert len(pairs._recent) <= 4096
    assert list(pairs._sorted) == sorted(pairs._sorted)
    assert len(pairs._sorted) + len(pairs._recent) == len(pairs) == 10_000
    assert all(key in pairs for key in keys)
    assert (10_000 << 32) not in pairs
