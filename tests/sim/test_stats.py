"""Student-t quantiles and mean intervals (pure Python, checked against tables)."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.sim.stats import mean_interval, paired_difference, t_quantile

# Two-sided 95% critical values from any t table.
T_TABLE = {
    1: 12.7062,
    2: 4.3027,
    3: 3.1824,
    4: 2.7764,
    5: 2.5706,
    9: 2.2622,
    19: 2.0930,
    30: 2.0423,
    120: 1.9799,
}


@pytest.mark.parametrize(("df", "expected"), sorted(T_TABLE.items()))
def test_t_quantile_matches_the_table(df, expected):
    assert t_quantile(0.975, df) == pytest.approx(expected, abs=1e-4)


def test_t_quantile_tends_to_the_normal_quantile():
    assert t_quantile(0.975, 1e7) == pytest.approx(1.959964, abs=1e-5)


@given(st.floats(0.001, 0.999), st.floats(0.5, 500))
def test_t_quantile_is_antisymmetric(p, df):
    assert t_quantile(p, df) == pytest.approx(-t_quantile(1 - p, df), abs=1e-7)


@pytest.mark.parametrize(("p", "df"), [(0.0, 3), (1.0, 3), (0.5, 0), (float("nan"), 3)])
def test_t_quantile_refuses_out_of_range(p, df):
    with pytest.raises(ValidationError):
        t_quantile(p, df)


def test_mean_interval_by_hand():
    interval = mean_interval([1.0, 2.0, 3.0, 4.0])
    half = 3.1824463 * math.sqrt((5 / 3) / 4)
    assert interval.mean == 2.5
    assert interval.low == pytest.approx(2.5 - half)
    assert interval.high == pytest.approx(2.5 + half)
    assert interval.n == 4


def test_mean_interval_edge_cases_render_honestly():
    assert mean_interval([]).format() == "n/a"
    assert math.isnan(mean_interval([]).mean)
    one = mean_interval([3.0])
    assert (one.low, one.high, one.format(".1f")) == (3.0, 3.0, "3.0")


@given(st.lists(st.floats(-1e6, 1e6), min_size=2, max_size=30))
def test_the_mean_lies_inside_its_interval(values):
    interval = mean_interval(values)
    assert interval.low <= interval.mean + 1e-6
    assert interval.mean <= interval.high + 1e-6


def test_paired_difference_removes_shared_variation():
    base = [10.0, 20.0, 30.0, 40.0]
    shifted = [b + 1.0 + 0.01 * i for i, b in enumerate(base)]
    paired = paired_difference(shifted, base)
    assert paired.mean == pytest.approx(1.015)
    assert paired.half_width < 0.05
    assert mean_interval(shifted).half_width > 10


def test_paired_difference_needs_pairs():
    with pytest.raises(ValidationError, match="one for one"):
        paired_difference([1.0, 2.0], [1.0])


def test_mean_interval_refuses_non_numbers():
    with pytest.raises(ValidationError):
        mean_interval([1.0, "2"])  # type: ignore[list-item]
    with pytest.raises(ValidationError):
        mean_interval(5)  # type: ignore[arg-type]
