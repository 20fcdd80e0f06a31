"""Tests for the seeded graph generators (microblog_core.sim.graphs)."""

import math
import random

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.sim.graphs import (
    barabasi_albert,
    configuration_model,
    directed_scale_free,
    holme_kim,
)
from tests.sim import reference_generators as reference
from tests.sim.graph_checks import check_clean, seeds, triangles

# --------------------------------------------------------------------------- generators


class TestBarabasiAlbert:
    @given(n=st.integers(2, 60), m=st.integers(1, 8), seed=seeds)
    def test_structure(self, n, m, seed):
        assume(m < n)
        graph = barabasi_albert(n, m, rng=random.Random(seed))
        check_clean(graph)
        assert graph.n == n
        assert graph.edge_count == m * (n - m)
        assert all(a > b for a, b in graph.edges)  # newcomer follows older node
        # centre follows nobody, star leaves follow the centre, later nodes follow m each
        assert graph.out_degrees == (0,) + (1,) * m + (m,) * (n - m - 1)

    @given(n=st.integers(2, 40), m=st.integers(1, 5), seed=seeds)
    def test_same_seed_same_graph(self, n, m, seed):
        assume(m < n)
        assert barabasi_albert(n, m, rng=random.Random(seed)) == barabasi_albert(
            n, m, rng=random.Random(seed)
        )

    @given(n=st.integers(2, 40), m=st.integers(1, 5), seed=seeds)
    def test_full_reciprocity_doubles_every_follow(self, n, m, seed):
        assume(m < n)
        one_way = barabasi_albert(n, m, rng=random.Random(seed))
        graph = barabasi_albert(n, m, rng=random.Random(seed), reciprocity=1.0)
        check_clean(graph)
        assert graph.edge_count == 2 * m * (n - m)
        assert graph.reciprocity() == 1.0
        assert set(graph.edges) == set(one_way.edges) | {(b, a) for a, b in one_way.edges}

    def test_zero_reciprocity_draws_nothing_extra(self):
        assert barabasi_albert(50, 3, rng=random.Random(1), reciprocity=0.0) == (
            barabasi_albert(50, 3, rng=random.Random(1))
        )

    def test_partial_reciprocity_adds_follow_backs_only(self):
        one_way = barabasi_albert(2000, 4, rng=random.Random(9))
        graph = barabasi_albert(2000, 4, rng=random.Random(9), reciprocity=0.3)
        extra = set(graph.edges) - set(one_way.edges)
        assert set(one_way.edges) <= set(graph.edges)
        assert all((b, a) in set(one_way.edges) for a, b in extra)
        base = 4 * (2000 - 4)
        assert 0.25 * base < len(extra) < 0.35 * base  # about 30% followed back

    def test_in_degree_tail_is_scale_free(self):
        # BA in-degrees have exponent 3 asymptotically; k_in = k - m shifts it down
        # at moderate degrees. A loose band catches a broken attachment rule
        # (uniform attachment gives an exponential tail, fitted exponent > 4).
        graph = barabasi_albert(50_000, 3, rng=random.Random(3))
        fit = graph.degree_distribution(k_min=20).in_degree.power_law
        assert fit.exponent is not None
        assert 2.5 < fit.exponent < 3.3


class TestHolmeKim:
    @given(n=st.integers(2, 60), m=st.integers(1, 8), p=st.floats(0, 1), seed=seeds)
    def test_structure(self, n, m, p, seed):
        assume(m < n)
        graph = holme_kim(n, m, p, rng=random.Random(seed))
        check_clean(graph)
        assert graph.edge_count == m * (n - m)
        assert all(a > b for a, b in graph.edges)
        assert graph.out_degrees == (0,) * m + (m,) * (n - m)
        assert graph == holme_kim(n, m, p, rng=random.Random(seed))

    @given(n=st.integers(2, 40), m=st.integers(1, 5), p=st.floats(0, 1), seed=seeds)
    def test_full_reciprocity(self, n, m, p, seed):
        assume(m < n)
        one_way = holme_kim(n, m, p, rng=random.Random(seed))
        graph = holme_kim(n, m, p, rng=random.Random(seed), reciprocity=1.0)
        check_clean(graph)
        assert graph.edge_count == 2 * m * (n - m)
        assert graph.reciprocity() == 1.0
        assert set(graph.edges) == set(one_way.edges) | {(b, a) for a, b in one_way.edges}

    def test_triad_formation_adds_triangles(self):
        plain = holme_kim(1500, 3, 0.0, rng=random.Random(4))
        clustered = holme_kim(1500, 3, 0.9, rng=random.Random(4))
        # With p = 0.9 most second and third links close a triangle with the
        # first: well over a thousand triangles, against a few dozen without.
        assert triangles(clustered) > 1000
        assert triangles(clustered) > 10 * triangles(plain)

    def test_triad_fallback_with_few_neighbours(self):
        # m = 1: never a triad step; m = n - 1: the newcomer must link everyone.
        graph = holme_kim(6, 5, 1.0, rng=random.Random(0))
        assert graph.edges == tuple((5, b) for b in range(5))
        assert holme_kim(5, 1, 1.0, rng=random.Random(0)).edge_count == 4


class TestDirectedScaleFree:
    @given(n=st.integers(3, 80), seed=seeds)
    def test_structure_with_defaults(self, n, seed):
        graph = directed_scale_free(n, rng=random.Random(seed))
        check_clean(graph)
        assert graph.n == n
        # every node arrives with a follow that is never a self-loop
        assert all(i + o > 0 for i, o in zip(graph.in_degrees, graph.out_degrees, strict=True))

    @given(
        n=st.integers(3, 80),
        weights=st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)),
        delta_in=st.floats(0, 3),
        delta_out=st.floats(0, 3),
        seed=seeds,
    )
    def test_structure_with_any_parameters(self, n, weights, delta_in, delta_out, seed):
        total = sum(weights)
        assume(total > 0)
        alpha, beta = weights[0] / total, weights[1] / total
        gamma = 1.0 - alpha - beta
        assume(alpha + gamma > 0.05 and gamma >= 0)
        graph = directed_scale_free(
            n,
            rng=random.Random(seed),
            alpha=alpha,
            beta=beta,
            gamma=gamma,
            delta_in=delta_in,
            delta_out=delta_out,
        )
        check_clean(graph)
        assert graph.n == n

    def test_same_seed_same_graph(self):
        assert directed_scale_free(500, rng=random.Random(8)) == directed_scale_free(
            500, rng=random.Random(8)
        )

    def test_seed_cycle_alone(self):
        assert directed_scale_free(3, rng=random.Random(0)).edges == ((0, 1), (1, 2), (2, 0))

    def test_degree_exponents_match_theory(self):
        # BBCR 2003: in-degree exponent 1 + (1 + delta_in (alpha + gamma)) / (alpha + beta)
        # = 1 + (1 + 0.2 * 0.46) / 0.95 = 2.149; out-degree exponent
        # 1 + (1 + delta_out (alpha + gamma)) / (beta + gamma) = 1 + 1 / 0.59 = 2.695.
        graph = directed_scale_free(100_000, rng=random.Random(3))
        dist = graph.degree_distribution(k_min=10)
        assert dist.in_degree.power_law.exponent == pytest.approx(2.149, abs=0.1)
        dist = graph.degree_distribution(k_min=5)
        assert dist.out_degree.power_law.exponent == pytest.approx(2.695, abs=0.15)
        # edges ~ (n - 3) / (alpha + gamma) minus the few loops and duplicates
        assert 0.9 * 99_997 / 0.46 < graph.edge_count <= 99_997 / 0.46 * 1.02

    @pytest.mark.parametrize(
        ("kwargs", "needle"),
        [
            ({"n": 2}, "at least 3"),
            ({"n": 10, "alpha": 0.5}, "must equal 1"),
            ({"n": 10, "alpha": 0.0, "beta": 1.0, "gamma": 0.0}, "alpha \\+ gamma"),
            ({"n": 10, "alpha": -0.1, "beta": 1.0, "gamma": 0.1}, "alpha"),
            ({"n": 10, "delta_in": -1.0}, "delta_in"),
            ({"n": 10, "delta_out": math.inf}, "delta_out"),
            ({"n": 10, "delta_out": "0"}, "delta_out"),
        ],
    )
    def test_validation(self, kwargs, needle):
        with pytest.raises(ValidationError, match=needle):
            directed_scale_free(rng=random.Random(0), **kwargs)


class TestConfigurationModel:
    @given(data=st.data(), n=st.integers(1, 30), seed=seeds)
    def test_degrees_never_exceed_the_request(self, data, n, seed):
        outs = data.draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
        ins = [0] * n
        for _ in range(sum(outs)):  # spread the same total over in-degrees
            ins[data.draw(st.integers(0, n - 1))] += 1
        graph = configuration_model(ins, outs, rng=random.Random(seed))
        check_clean(graph)
        assert graph.n == n
        assert all(a <= b for a, b in zip(graph.in_degrees, ins, strict=True))
        assert all(a <= b for a, b in zip(graph.out_degrees, outs, strict=True))
        assert graph == configuration_model(ins, outs, rng=random.Random(seed))

    def test_degrees_are_exact_when_no_collision_is_possible(self):
        # nodes 0..2 only follow, 3..5 are only followed, one stub each: no
        # self-loop, no duplicate, so every degree is exactly as asked.
        outs = [1, 1, 1, 0, 0, 0]
        ins = [0, 0, 0, 1, 1, 1]
        for seed in range(10):
            graph = configuration_model(ins, outs, rng=random.Random(seed))
            assert graph.out_degrees == tuple(outs)
            assert graph.in_degrees == tuple(ins)

    def test_loops_and_duplicates_are_erased(self):
        # one node with two stubs each way: the only matchings are self-loops
        graph = configuration_model([2], [2], rng=random.Random(0))
        assert graph.edges == ()
        # two nodes, node 0 with two out-stubs and node 1 with two in-stubs:
        # both stubs pair 0 -> 1, collapsed into one follow
        graph = configuration_model([0, 2], [2, 0], rng=random.Random(0))
        assert graph.edges == ((0, 1),)

    @pytest.mark.parametrize(
        ("ins", "outs", "needle"),
        [
            ([1, 0], [0, 0], "sum"),
            ([0, 0], [0], "same length"),
            ([], [], "non-empty"),
            ([-1, 1], [0, 0], r"in_degrees\[0\]"),
            ([0, 1], [1, 1.0], r"out_degrees\[1\]"),
            ("12", [1, 2], "sequence"),
        ],
    )
    def test_validation(self, ins, outs, needle):
        with pytest.raises(ValidationError, match=needle):
            configuration_model(ins, outs, rng=random.Random(0))


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda rng: barabasi_albert(5, 5, rng=rng), "m must be smaller than n"),
        (lambda rng: barabasi_albert(3, 7, rng=rng), "n >= 8"),
        (lambda rng: barabasi_albert(0, 1, rng=rng), "n must be at least 1"),
        (lambda rng: barabasi_albert(5, 0, rng=rng), "m must be at least 1"),
        (lambda rng: barabasi_albert(5.0, 1, rng=rng), "n must be an int"),
        (lambda rng: barabasi_albert(5, 1, rng=rng, reciprocity=1.5), "reciprocity"),
        (lambda rng: barabasi_albert(5, 1, rng=rng, reciprocity=math.nan), "reciprocity"),
        (lambda rng: barabasi_albert(5, 1, rng=42), "random.Random"),
        (lambda rng: barabasi_albert(5, 1, rng=None), "random.Random"),
        (lambda rng: holme_kim(4, 4, 0.5, rng=rng), "m must be smaller than n"),
        (lambda rng: holme_kim(10, 2, -0.1, rng=rng), "p must be a probability"),
        (lambda rng: holme_kim(10, 2, 1.1, rng=rng), "p must be a probability"),
        (lambda rng: holme_kim(10, 2, True, rng=rng), "p must be a probability"),
        (lambda rng: holme_kim(10, 2, 0.5, rng=random), "random.Random"),
    ],
)
def test_generators_refuse_impossible_parameters(call, needle):
    with pytest.raises(ValidationError, match=needle):
        call(random.Random(0))


def test_generators_leave_global_random_state_alone():
    state = random.getstate()
    barabasi_albert(200, 3, rng=random.Random(1), reciprocity=0.5)
    holme_kim(200, 3, 0.5, rng=random.Random(1))
    directed_scale_free(200, rng=random.Random(1))
    configuration_model([1, 1], [1, 1], rng=random.Random(1))
    assert random.getstate() == state


# --------------------------------------------------------------------------- fast = reference


class TestSameGraphsAsBefore:
    """The flat generators give the graphs the one-pick-at-a-time loops gave, draw for draw.

    ``tests.sim.reference_generators`` keeps those loops. Equal graphs and an
    ``rng`` left in the same state mean every seed keeps its graph and every
    later draw from a shared ``rng`` is unchanged.
    """

    @given(
        n=st.integers(3, 400),
        weights=st.tuples(st.floats(0, 1), st.floats(0, 1), st.floats(0, 1)),
        delta_in=st.sampled_from([0.0, 0.2, 3.0]) | st.floats(0, 10),
        delta_out=st.sampled_from([0.0, 6.0]) | st.floats(0, 10),
        seed=seeds,
    )
    def test_directed_scale_free(self, n, weights, delta_in, delta_out, seed):
        total = sum(weights)
        assume(total > 0)
        alpha, beta = weights[0] / total, weights[1] / total
        gamma = 1.0 - alpha - beta
        assume(alpha + gamma > 0.02 and gamma >= 0)
        kwargs = {
            "alpha": alpha,
            "beta": beta,
            "gamma": gamma,
            "delta_in": delta_in,
            "delta_out": delta_out,
        }
        fast_rng, slow_rng = random.Random(seed), random.Random(seed)
        fast = directed_scale_free(n, rng=fast_rng, **kwargs)
        assert fast == reference.directed_scale_free(n, rng=slow_rng, **kwargs)
        assert fast_rng.getstate() == slow_rng.getstate()

    def test_directed_scale_free_with_the_simulation_defaults_at_scale(self):
        # GraphConfig's defaults; 4 of these 10 seeds outgrow the first allocation.
        kwargs = {"alpha": 0.045, "beta": 0.95, "gamma": 0.005, "delta_in": 3.0, "delta_out": 6.0}
        for seed in range(10):
            fast_rng, slow_rng = random.Random(seed), random.Random(seed)
            fast = directed_scale_free(600, rng=fast_rng, **kwargs)
            assert fast == reference.directed_scale_free(600, rng=slow_rng, **kwargs)
            assert fast_rng.getstate() == slow_rng.getstate()

    @given(
        n_m=st.integers(2, 120).flatmap(lambda n: st.tuples(st.just(n), st.integers(1, n - 1))),
        p=st.sampled_from([0.0, 0.5, 1.0]) | st.floats(0, 1),
        reciprocity=st.sampled_from([0.0, 0.25, 1.0]),
        seed=seeds,
    )
    def test_holme_kim(self, n_m, p, reciprocity, seed):
        n, m = n_m
        fast_rng, slow_rng = random.Random(seed), random.Random(seed)
        fast = holme_kim(n, m, p, rng=fast_rng, reciprocity=reciprocity)
        assert fast == reference.holme_kim(n, m, p, rng=slow_rng, reciprocity=reciprocity)
        assert fast_rng.getstate() == slow_rng.getstate()

    def test_holme_kim_at_the_benchmark_parameters(self):
        fast_rng, slow_rng = random.Random(2026), random.Random(2026)
        fast = holme_kim(3_000, 8, 0.5, rng=fast_rng, reciprocity=0.25)
        assert fast == reference.holme_kim(3_000, 8, 0.5, rng=slow_rng, reciprocity=0.25)
        assert fast_rng.getstate() == slow_rng.getstate()
