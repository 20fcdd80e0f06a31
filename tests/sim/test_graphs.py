"""Tests for microblog_core.sim.graphs: seeded follower graphs."""

import io
import math
import random
import sys
from collections import Counter

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.sim import graphs
from microblog_core.sim.graphs import (
    FollowGraph,
    barabasi_albert,
    configuration_model,
    directed_scale_free,
    fit_power_law,
    from_edge_pairs,
    holme_kim,
    read_edge_list,
    to_networkx,
)

seeds = st.integers(min_value=0, max_value=2**32 - 1)


def check_clean(graph: FollowGraph) -> None:
    """The invariants every result must have: sorted, in range, no loops, no duplicates."""
    edges = graph.edges
    assert list(edges) == sorted(set(edges))
    assert all(a != b for a, b in edges)
    assert all(0 <= a < graph.n and 0 <= b < graph.n for a, b in edges)
    # The trusted fast path builds the same value the checking constructor does.
    assert FollowGraph(n=graph.n, edges=edges) == graph
    assert graph.out_degrees == tuple(len(graph.following_of(v)) for v in range(graph.n))
    assert sum(graph.in_degrees) == sum(graph.out_degrees) == graph.edge_count


def triangles(graph: FollowGraph) -> int:
    """Triangles of the undirected version, counted by brute force."""
    neighbours: list[set[int]] = [set() for _ in range(graph.n)]
    for a, b in graph.edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    count = 0
    for a in range(graph.n):
        for b in neighbours[a]:
            if b > a:
                count += sum(1 for c in neighbours[a] & neighbours[b] if c > b)
    return count


# --------------------------------------------------------------------------- FollowGraph


class TestFollowGraph:
    def test_constructor_sorts_edges_and_builds_adjacency(self):
        graph = FollowGraph(n=4, edges=[(2, 0), (0, 1), (1, 0), (3, 0)])
        assert graph.edges == ((0, 1), (1, 0), (2, 0), (3, 0))
        assert graph.following_of(0) == (1,)
        assert graph.followers_of(0) == (1, 2, 3)
        assert graph.followers_of(3) == ()
        assert graph.out_degrees == (1, 1, 1, 1)
        assert graph.in_degrees == (3, 1, 0, 0)
        assert graph.edge_count == 4

    def test_follows_is_directed(self):
        graph = FollowGraph(n=3, edges=[(0, 1), (2, 1)])
        assert graph.follows(0, 1)
        assert not graph.follows(1, 0)
        assert not graph.follows(0, 2)

    def test_equality_is_edge_set_equality(self):
        a = FollowGraph(n=3, edges=[(0, 1), (1, 2)])
        b = FollowGraph(n=3, edges=((1, 2), (0, 1)))
        assert a == b
        assert hash(a) == hash(b)
        assert a != FollowGraph(n=4, edges=[(0, 1), (1, 2)])

    def test_repr_does_not_print_every_edge(self):
        graph = FollowGraph(n=3, edges=[(0, 1), (1, 2)])
        assert repr(graph) == "FollowGraph(n=3, edges=<2 edges>)"

    def test_graph_with_no_edges(self):
        graph = FollowGraph(n=2, edges=())
        assert graph.in_degrees == (0, 0)
        assert graph.reciprocity() == 0.0

    @pytest.mark.parametrize(
        ("n", "edges", "needle"),
        [
            (0, (), "at least 1"),
            (True, (), "must be an int"),
            (3, [(1, 1)], "self-loop"),
            (3, [(0, 1), (0, 1)], "appears twice"),
            (3, [(0, 3)], r"in \[0, 3\)"),
            (3, [(-1, 0)], r"in \[0, 3\)"),
            (3, [(0, "1")], "must be ints"),
            (3, [(0, True)], "must be ints"),
            (3, [(0, 1, 2)], "pair"),
            (3, ["01"], "pair"),
        ],
    )
    def test_constructor_rejects_bad_graphs(self, n, edges, needle):
        with pytest.raises(ValidationError, match=needle):
            FollowGraph(n=n, edges=edges)

    @pytest.mark.parametrize("node", [-1, 3, True, "0"])
    def test_unknown_node_is_not_found(self, node):
        graph = FollowGraph(n=3, edges=[(0, 1)])
        with pytest.raises(NotFoundError, match=r"nodes are 0\.\.2"):
            graph.followers_of(node)
        with pytest.raises(NotFoundError):
            graph.following_of(node)
        with pytest.raises(NotFoundError):
            graph.follows(0, node)

    def test_reciprocity_by_hand(self):
        # (0,1) and (1,0) are mutual, (2,0) is not: 2 of 3 edges reciprocated.
        graph = FollowGraph(n=3, edges=[(0, 1), (1, 0), (2, 0)])
        assert graph.reciprocity() == pytest.approx(2 / 3)

    def test_degree_distribution_by_hand(self):
        # in-degrees: node0 <- 1,2,3 (3); node1 <- 0 (1); node2 <- 3 (1); node3: 0.
        # out-degrees: 0:1, 1:1, 2:1, 3:2.
        graph = FollowGraph(n=4, edges=[(0, 1), (1, 0), (2, 0), (3, 0), (3, 2)])
        dist = graph.degree_distribution()
        assert dist.in_degree.histogram == ((0, 1), (1, 2), (3, 1))
        assert dist.out_degree.histogram == ((1, 3), (2, 1))
        assert dist.in_degree.mean == 5 / 4
        assert dist.in_degree.max == 3
        assert dist.out_degree.max == 2
        assert dist.in_degree.count(1) == 2
        assert dist.in_degree.count(2) == 0
        assert dist.in_degree.count(7) == 0
        # the fit sees in-degrees >= 1: [3, 1, 1]
        assert dist.in_degree.power_law.tail_size == 3
        assert dist.in_degree.power_law.k_min == 1

    def test_degree_distribution_rejects_bad_k_min(self):
        with pytest.raises(ValidationError, match="k_min"):
            FollowGraph(n=2, edges=[(0, 1)]).degree_distribution(k_min=0)


# --------------------------------------------------------------------------- power law


class TestPowerLaw:
    def test_hurwitz_zeta_matches_known_values(self):
        zeta = graphs._log_hurwitz_zeta
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
            return -alpha * mean_log - graphs._log_hurwitz_zeta(alpha, 1)

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


# --------------------------------------------------------------------------- loading


class TestLoading:
    def test_labels_in_order_of_first_appearance(self):
        loaded = from_edge_pairs([(10, 20), (30, 10), (20, 30)])
        assert loaded.labels == (10, 20, 30)
        assert loaded.graph.edges == ((0, 1), (1, 2), (2, 0))
        assert loaded.node_of(30) == 2
        with pytest.raises(NotFoundError):
            loaded.node_of(40)

    def test_drops_loops_and_duplicates_with_counts(self):
        loaded = from_edge_pairs([("a", "b"), ("a", "a"), ("a", "b"), ("c", "c"), ("b", "a")])
        assert loaded.graph.edges == ((0, 1), (1, 0))
        assert loaded.labels == ("a", "b", "c")  # c occurs only in a dropped loop
        assert loaded.graph.n == 3
        assert loaded.self_loops_dropped == 2
        assert loaded.duplicates_dropped == 1
        assert "labels=<3 labels>" in repr(loaded)

    def test_raise_mode(self):
        with pytest.raises(ValidationError, match="pair 1: self-loop"):
            from_edge_pairs([("a", "b"), ("a", "a")], on_invalid="raise")
        with pytest.raises(ValidationError, match="pair 2: duplicate"):
            from_edge_pairs([("a", "b"), ("b", "a"), ("a", "b")], on_invalid="raise")
        with pytest.raises(ValidationError, match="on_invalid"):
            from_edge_pairs([("a", "b")], on_invalid="ignore")  # type: ignore[arg-type]

    @pytest.mark.parametrize("pairs", [[("a",)], [("a", "b", "c")], ["ab"], [3]])
    def test_refuses_non_pairs(self, pairs):
        with pytest.raises(ValidationError, match="pair 0"):
            from_edge_pairs(pairs)

    def test_refuses_empty_input(self):
        with pytest.raises(ValidationError, match="empty"):
            from_edge_pairs([])
        with pytest.raises(ValidationError, match="empty"):
            read_edge_list(io.StringIO("# nothing here\n\n"))

    def test_reads_text_with_comments_ints_and_strings(self):
        text = "# header\n\n0 1\n1\t2   # trailing comment\n  2 0\nalice 0\n007 alice\n"
        loaded = read_edge_list(io.StringIO(text))
        assert loaded.labels == (0, 1, 2, "alice", 7)
        assert loaded.graph.edges == ((0, 1), (1, 2), (2, 0), (3, 0), (4, 3))

    def test_delimiter(self):
        loaded = read_edge_list(io.StringIO("a, b\nb,c\n"), delimiter=",")
        assert loaded.labels == ("a", "b", "c")
        assert loaded.graph.edges == ((0, 1), (1, 2))

    def test_reads_a_path_and_leaves_streams_open(self, tmp_path):
        path = tmp_path / "edges.txt"
        path.write_text("1 2\n2 1\n1 2\n", encoding="utf-8")
        for source in (path, str(path)):
            loaded = read_edge_list(source)
            assert loaded.graph.edges == ((0, 1), (1, 0))
            assert loaded.duplicates_dropped == 1
        stream = io.StringIO("1 2\n")
        read_edge_list(stream)
        assert not stream.closed

    @pytest.mark.parametrize(
        ("text", "needle"),
        [
            ("1 2\n3\n", "line 2: expected two labels"),
            ("1 2\n\n1 2 0.5\n", "line 3: expected two labels"),
            ("1 2\n2 2\n", "line 2: self-loop"),
            ("1 2\n# x\n1 2\n", "line 3: duplicate"),
        ],
    )
    def test_text_errors_name_the_line(self, text, needle):
        with pytest.raises(ValidationError, match=needle):
            read_edge_list(io.StringIO(text), on_invalid="raise")

    def test_missing_file_is_an_os_error(self, tmp_path):
        with pytest.raises(OSError, match="no-such-file"):
            read_edge_list(tmp_path / "no-such-file.txt")

    @given(
        edges=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=60)
    )
    def test_text_round_trip_keeps_the_edge_set(self, edges):
        text = "".join(f"{a} {b}\n" for a, b in edges)
        loaded = read_edge_list(io.StringIO(text))
        labels = loaded.labels
        rebuilt = {(labels[a], labels[b]) for a, b in loaded.graph.edges}
        assert rebuilt == {(a, b) for a, b in edges if a != b}
        assert loaded.self_loops_dropped == sum(1 for a, b in edges if a == b)
        distinct = Counter((a, b) for a, b in edges if a != b)
        assert loaded.duplicates_dropped == sum(c - 1 for c in distinct.values())
        assert loaded == from_edge_pairs(edges)


# --------------------------------------------------------------------------- networkx


def test_to_networkx_keeps_nodes_and_direction():
    import networkx as nx

    graph = FollowGraph(n=4, edges=[(0, 1), (2, 1)])
    digraph = to_networkx(graph)
    assert isinstance(digraph, nx.DiGraph)
    assert sorted(digraph.nodes) == [0, 1, 2, 3]  # isolated node 3 included
    assert sorted(digraph.edges) == [(0, 1), (2, 1)]
    assert digraph.in_degree(1) == 2


def test_to_networkx_without_networkx_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "networkx", None)  # makes `import networkx` fail
    with pytest.raises(ImportError, match=r"microblog-core\[networkx\]"):
        to_networkx(FollowGraph(n=2, edges=[(0, 1)]))


@given(
    n=st.integers(-1, 8),
    edges=st.lists(st.tuples(st.integers(-2, 9), st.integers(-2, 9)), max_size=20),
)
def test_constructor_accepts_exactly_the_clean_graphs(n, edges):
    clean = (
        n >= 1
        and all(0 <= a < n and 0 <= b < n and a != b for a, b in edges)
        and len(set(edges)) == len(edges)
    )
    try:
        graph = FollowGraph(n=n, edges=edges)
    except ValidationError:
        assert not clean
    else:
        assert clean
        check_clean(graph)
        assert set(graph.edges) == set(edges)
