"""Polarization measures: variance, bimodality, cross-cutting exposure, assortativity."""

import math
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.sim.polarization import (
    BIMODAL_THRESHOLD,
    StanceSnapshot,
    bimodality_coefficient,
    cross_cutting_share,
    stance_assortativity,
    stance_variance,
)

stance_lists = st.lists(st.floats(-1.0, 1.0), min_size=0, max_size=60)


def test_variance_of_two_camps_at_the_ends_is_one():
    assert stance_variance([-1.0, 1.0] * 5) == 1.0
    assert stance_variance([0.3] * 7) == 0.0
    assert stance_variance([]) == 0.0


@given(stance_lists)
def test_variance_of_stances_lies_between_0_and_1(stances):
    assert 0.0 <= stance_variance(stances) <= 1.0 + 1e-12


def test_bimodality_separates_two_camps_from_one_bump():
    camps = [-0.8 + 0.01 * i for i in range(20)] + [0.6 + 0.01 * i for i in range(20)]
    bump = [math.tanh(0.05 * (i - 20)) * 0.2 for i in range(41)]
    assert bimodality_coefficient(camps) > BIMODAL_THRESHOLD
    assert bimodality_coefficient(bump) < BIMODAL_THRESHOLD


def test_bimodality_of_a_large_uniform_sample_is_near_five_ninths():
    uniform = [-1.0 + 2.0 * i / 9999 for i in range(10_000)]
    assert bimodality_coefficient(uniform) == pytest.approx(5 / 9, abs=0.01)


def test_bimodality_is_zero_for_too_few_values_or_no_spread():
    assert bimodality_coefficient([0.1, 0.2, 0.3]) == 0.0
    assert bimodality_coefficient([0.5] * 10) == 0.0


def test_bimodality_of_equal_values_is_zero_though_their_mean_rounds():
    # fsum([0.99] * 6) / 6 is not 0.99: the rounding once gave 0.9857.
    moved = [-0.01 + 1.0] * 6
    assert math.fsum(moved) / 6 != moved[0]
    assert bimodality_coefficient(moved) == 0.0


# Stances on a 0.01 grid: a spread of 1e-12 would make the test about rounding.
grid_stances = st.lists(st.integers(-100, 100).map(lambda k: k / 100), max_size=60)


@given(grid_stances, st.floats(0.1, 5.0), st.floats(-1.0, 1.0))
def test_bimodality_is_unchanged_by_scaling_and_shifting(stances, scale, shift):
    moved = [scale * x + shift for x in stances]
    before, after = bimodality_coefficient(stances), bimodality_coefficient(moved)
    assert after == pytest.approx(before, rel=1e-6, abs=1e-9)


def test_cross_cutting_counts_opposite_signs_and_skips_content_without_stance():
    pairs = [(0.5, -0.2), (0.5, 0.9), (-0.1, 0.4), (0.0, 0.7), (0.3, math.nan)]
    assert cross_cutting_share(pairs) == 2 / 4
    assert cross_cutting_share([]) == 0.0


@given(st.lists(st.tuples(st.floats(-1, 1), st.floats(-1, 1)), max_size=40))
def test_cross_cutting_share_is_a_share(pairs):
    assert 0.0 <= cross_cutting_share(pairs) <= 1.0


def test_assortativity_is_one_when_follows_stay_within_camps():
    stances = [-0.8, -0.8, 0.8, 0.8]
    following = [{1}, {0}, {3}, {2}]
    assert stance_assortativity(stances, following) == pytest.approx(1.0)
    # Within camps but not identical: strongly positive, below 1.
    assert 0.9 < stance_assortativity([-0.9, -0.7, 0.7, 0.9], following) < 1.0


def test_assortativity_is_minus_one_when_follows_cross_camps():
    stances = [-0.8, 0.8, -0.8, 0.8]
    following = [{1}, {0}, {3}, {2}]
    assert stance_assortativity(stances, following) == pytest.approx(-1.0)


def test_assortativity_without_follows_or_spread_is_zero():
    assert stance_assortativity([0.1, 0.2], [set(), set()]) == 0.0
    assert stance_assortativity([0.5, 0.5, 0.5], [{1}, {2}, {0}]) == 0.0


@given(
    st.lists(st.floats(-1, 1), min_size=2, max_size=12).flatmap(
        lambda stances: st.tuples(
            st.just(stances),
            st.lists(
                st.sets(st.integers(0, len(stances) - 1), max_size=len(stances)),
                min_size=len(stances),
                max_size=len(stances),
            ),
        )
    )
)
def test_assortativity_is_a_correlation(case):
    stances, following = case
    assert -1.0 <= stance_assortativity(stances, following) <= 1.0


def test_a_snapshot_measures_stances_and_follows():
    when = datetime(2026, 1, 1, tzinfo=UTC)
    snapshot = StanceSnapshot.measure(
        when, [-0.8, -0.8, 0.8, 0.8], [{1}, {0}, {3}, {2}], cross_cutting=1, exposures=4
    )
    assert snapshot.time == when
    assert snapshot.mean == 0.0
    assert snapshot.variance == pytest.approx(0.64)
    # Four points: the sample corrections dominate (G2 = -6, so BC = 1 / 7.5).
    assert snapshot.bimodality == pytest.approx(2 / 15)
    assert snapshot.assortativity == pytest.approx(1.0)
    assert snapshot.cross_cutting_share == 0.25
    assert StanceSnapshot.measure(when, [], []).cross_cutting_share == 0.0
