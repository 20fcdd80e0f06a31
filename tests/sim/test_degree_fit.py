"""Tests for degree distributions and the power-law fit (microblog_core.sim.graphs)."""

import math
import random
import warnings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.sim.graphs import (
    _degree_fit,
    fit_power_law,
    fit_power_law_csn,
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


# --------------------------------------------------------------------------- CSN


def _csn_sample(seed: int, *, n: int, alpha: float, k_min: int) -> list[int]:
    """A discrete power-law tail above ``k_min`` and uniform noise below it."""
    rng = random.Random(seed)
    tail = [
        int((k_min - 0.5) * (1.0 - rng.random()) ** (-1.0 / (alpha - 1.0)) + 0.5) for _ in range(n)
    ]
    return tail + [rng.randint(0, k_min) for _ in range(n // 3)]


CSN_SAMPLES = {
    "alpha 2.5 above 3": _csn_sample(1, n=800, alpha=2.5, k_min=3),
    "alpha 2.2 above 5": _csn_sample(2, n=800, alpha=2.2, k_min=5),
    "alpha 3.0 above 2": _csn_sample(3, n=500, alpha=3.0, k_min=2),
}


class TestCSN:
    @pytest.mark.parametrize("name", sorted(CSN_SAMPLES))
    def test_agrees_with_the_powerlaw_package(self, name):
        powerlaw = pytest.importorskip("powerlaw")
        values = CSN_SAMPLES[name]
        ours = fit_power_law_csn(values, samples=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            # powerlaw 2 bounds the exponent to [1, 3] by default; CSN does not.
            theirs = powerlaw.Fit(
                values,
                discrete=True,
                estimate_discrete=False,
                verbose=False,
                parameter_ranges={"alpha": [1.0, 10.0]},
            )
            vs_lognormal = theirs.distribution_compare("power_law", "lognormal")
            vs_exponential = theirs.distribution_compare("power_law", "exponential")
            normalised = theirs.distribution_compare(
                "power_law", "exponential", normalized_ratio=True
            )
        assert ours is not None
        assert ours.k_min == theirs.xmin
        assert ours.exponent == pytest.approx(theirs.alpha, abs=1e-4)
        assert ours.ks_distance == pytest.approx(theirs.D, abs=1e-4)
        assert ours.lognormal is not None
        assert ours.exponential is not None
        # scipy's optimiser can stop short of the lognormal's optimum; ours finds
        # a lognormal at least as likely, so the ratio is at most theirs.
        assert ours.lognormal.ratio <= vs_lognormal[0] + 1e-6
        assert ours.lognormal.ratio == pytest.approx(vs_lognormal[0], abs=0.2)
        assert ours.exponential.ratio == pytest.approx(vs_exponential[0], rel=1e-6)
        assert ours.exponential.normalised == pytest.approx(normalised[0], rel=1e-3)
        assert ours.exponential.p_value == pytest.approx(normalised[1], rel=1e-2)

    def test_k_min_minimises_the_ks_distance(self):
        values = sorted(CSN_SAMPLES["alpha 2.5 above 3"])
        test = fit_power_law_csn(values, samples=0)
        assert test is not None
        for k_min in sorted(set(values) - {0})[:-1]:
            tail = [v for v in values if v >= k_min]
            fit = fit_power_law(tail, k_min=k_min)
            if fit.exponent is not None:
                assert _degree_fit._ks_distance(tail, fit) >= test.ks_distance

    def test_a_power_law_is_not_rejected_and_a_flat_distribution_is(self):
        plausible = fit_power_law_csn(CSN_SAMPLES["alpha 3.0 above 2"], samples=40, seed=1)
        rng = random.Random(5)
        flat = [rng.randint(1, 100) for _ in range(600)]
        rejected = fit_power_law_csn(flat, samples=40, seed=1)
        assert plausible is not None
        assert rejected is not None
        assert plausible.p_value is not None
        assert plausible.p_value > 0.1
        assert rejected.p_value is not None
        assert rejected.p_value < 0.1
        assert plausible.samples == 40

    def test_the_bootstrap_is_reproducible(self):
        values = CSN_SAMPLES["alpha 3.0 above 2"]
        first = fit_power_law_csn(values, samples=10, seed=3)
        assert first == fit_power_law_csn(values, samples=10, seed=3)

    def test_too_few_distinct_values_give_no_fit(self):
        assert fit_power_law_csn([3, 3, 3, 0], samples=0) is None
        assert fit_power_law_csn([], samples=0) is None

    @pytest.mark.parametrize(
        ("values", "kwargs"),
        [([1, -1], {}), ([1, 2.5], {}), ([1, True], {}), ([1, 2], {"samples": -1})],
    )
    def test_bad_input_is_a_validation_error(self, values, kwargs):
        with pytest.raises(ValidationError):
            fit_power_law_csn(values, **kwargs)

    @given(st.lists(st.integers(min_value=0, max_value=60), min_size=2, max_size=80))
    def test_the_chosen_fit_is_one_of_the_candidates(self, values):
        test = fit_power_law_csn(values, samples=0)
        if test is None:
            return
        assert test.k_min in set(values)
        assert test.k_min < max(values)
        assert test.exponent is not None
        assert test.exponent > 1.0
        assert 0.0 <= test.ks_distance <= 1.0
        for ratio in (test.lognormal, test.exponential):
            if ratio is not None:
                assert 0.0 <= ratio.p_value <= 1.0
