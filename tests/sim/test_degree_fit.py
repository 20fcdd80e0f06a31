"""Tests for degree distributions and the power-law fit (microblog_core.sim.graphs)."""

import math
import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.sim.graphs import (
    _degree_fit,
    fit_power_law,
)

# --------------------------------------------------------------------------- power law


class TestPowerLaw:
    def test_hurwitz_zeta_matches_known_values(self):
        zeta = _degree_fit._log_hurwitz_zeta
        assert math.exp(zeta(2.0, 1)) == pytest.approx(math.pi**2 / 6, rel=1e-13)
        assert math.exp(zeta(4.0, 1)) == pytest.approx(math.pi**4 / 90, rel=1e-13)
        assert math.exp(zeta(3.0, 1)) == pytest.approx(1.2020569031595942, rel=1e-13)
        # zeta(2, 5) = pi^2/6 - (1 + 1/4 + 1/9 + 1/16)
        assert math.exp(zeta(2.0, 5)) == pytest.approx(
            math.pi**2 / 6 - (1 + 1 / 4 + 1 / 9 + 1 / 16), rel=1e-12
        )
        # near the pole zeta(s) ~ 1/(s-1) + Euler's gamma
        assert math.exp(zeta(1.01, 1)) == pytest.approx(100.5779433, rel=1e-8)
        # large s and large q stay finite: ln zeta(300, 1000) ~ -300 ln 1000
        assert zeta(300.0, 1000) == pytest.approx(-300 * math.log(1000), rel=1e-3)

    def test_fit_is_the_likelihood_maximum(self):
        values = [1, 1, 1, 1, 2, 2, 3, 5, 9]
        fit = fit_power_law(values, k_min=1)
        assert fit.exponent is not None
        assert fit.tail_size == 9

        # per-value log-likelihood -alpha * mean(ln k) - ln zeta(alpha, 1); mean(ln k) =
        # (4*0 + 2 ln 2 + ln 3 + ln 5 + ln 9) / 9
        mean_log = (2 * math.log(2) + math.log(3) + math.log(5) + math.log(9)) / 9

        def loglik(alpha):
            return -alpha * mean_log - _degree_fit._log_hurwitz_zeta(alpha, 1)

        h = 1e-5
        slope = (loglik(fit.exponent + h) - loglik(fit.exponent - h)) / (2 * h)
        assert abs(slope) < 1e-6
        assert loglik(fit.exponent) > loglik(fit.exponent + 0.01)
        assert loglik(fit.exponent) > loglik(fit.exponent - 0.01)

    def test_recovers_the_exponent_of_a_sampled_power_law(self):
        rng = random.Random(2024)
        alpha, k_min, top = 2.5, 1, 200_000
        weights = [k ** (-alpha) for k in range(k_min, top)]
        cumulative = []
        running = 0.0
        for w in weights:
            running += w
            cumulative.append(running)
        from bisect import bisect_left

        sample = [k_min + bisect_left(cumulative, rng.random() * running) for _ in range(100_000)]
        fit = fit_power_law(sample, k_min=k_min)
        assert fit.exponent == pytest.approx(alpha, abs=0.02)
        # standard error ~ (alpha - 1) / sqrt(n) in the continuous limit: 0.0047
        assert fit.stderr == pytest.approx(0.0047, rel=0.5)

    def test_agrees_with_the_closed_form_approximation_for_large_k_min(self):
        rng = random.Random(5)
        sample = [int(6 * (1 - rng.random()) ** (-1 / 1.7)) for _ in range(50_000)]
        k_min = 6
        tail = [k for k in sample if k >= k_min]
        approx = 1 + len(tail) / sum(math.log(k / (k_min - 0.5)) for k in tail)
        fit = fit_power_law(sample, k_min=k_min)
        assert fit.exponent == pytest.approx(approx, rel=0.01)

    @pytest.mark.parametrize("values", [[], [5], [3, 3, 3, 1, 0], [0, 0, 0]])
    def test_no_exponent_without_a_spread_tail(self, values):
        fit = fit_power_law(values, k_min=3)
        assert fit.exponent is None
        assert fit.stderr is None

    @pytest.mark.parametrize("values", [[-1], [1.5], [True], ["3"]])
    def test_rejects_non_degree_values(self, values):
        with pytest.raises(ValidationError, match="non-negative ints"):
            fit_power_law(values)

    def test_rejects_k_min_below_one(self):
        with pytest.raises(ValidationError, match="k_min must be at least 1"):
            fit_power_law([1, 2], k_min=0)

    @given(st.lists(st.integers(min_value=1, max_value=1000), min_size=2, max_size=50))
    def test_exponent_is_above_one_when_it_exists(self, values):
        fit = fit_power_law(values, k_min=1)
        if len(set(values)) > 1 or values[0] > 1:
            assert fit.exponent is not None
            assert fit.exponent > 1.0
            assert fit.stderr is not None
            assert fit.stderr > 0
        else:
            assert fit.exponent is None
