"""Tests for microblog_core.sim.config: the value that defines a run."""

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.sim.config import (
    DEFAULT_PROFILE,
    GRAPH_MODELS,
    PRESETS,
    ActivityConfig,
    BehaviourConfig,
    GraphConfig,
    SimulationConfig,
)


def test_defaults_are_the_readme_run():
    config = SimulationConfig()
    assert config.accounts == 2000
    assert config.hours == 24.0
    assert config.step_minutes == 10.0
    assert config.ranker == "chronological"
    assert config.graph.model == "directed_scale_free"
    assert config.steps == 144
    assert config.start == datetime(2026, 1, 1, tzinfo=UTC)
    assert config.end == config.start + timedelta(days=1)


def test_default_profile_has_24_hours_with_mean_one_and_a_night_trough():
    assert len(DEFAULT_PROFILE) == 24
    assert sum(DEFAULT_PROFILE) / 24 == pytest.approx(1.0, abs=1e-5)
    assert min(DEFAULT_PROFILE) == DEFAULT_PROFILE[4]
    assert max(DEFAULT_PROFILE) > 1.3


def test_steps_round_up_a_partial_last_step():
    assert SimulationConfig(accounts=10, hours=1, step_minutes=25).steps == 3


configs = st.builds(
    SimulationConfig,
    accounts=st.integers(10, 10_000),
    hours=st.floats(0.5, 200),
    step_minutes=st.floats(1, 30),
    seed=st.integers(0, 2**63),
    ranker=st.sampled_from(["chronological", "engagement", "mine"]),
    policy=st.sampled_from(["twitter", "weibo"]),
    graph=st.builds(
        GraphConfig,
        model=st.sampled_from(["holme_kim", "barabasi_albert", "directed_scale_free"]),
        m=st.integers(1, 9),
        p=st.floats(0, 1),
        reciprocity=st.floats(0, 1),
    ),
    activity=st.builds(
        ActivityConfig,
        sessions_per_day=st.floats(0.1, 50),
        distribution=st.sampled_from(["constant", "lognormal", "pareto"]),
        sigma=st.floats(0, 3),
        pareto_alpha=st.floats(1.1, 4),
        shift_spread=st.integers(0, 12),
    ),
    behaviour=st.builds(
        BehaviourConfig,
        page_size=st.integers(1, 40),
        attention=st.floats(0, 1),
        like=st.floats(0, 1),
        post=st.floats(0, 1),
    ),
)


@given(configs)
def test_json_round_trip(config):
    text = config.to_json()
    assert SimulationConfig.from_json(text) == config
    assert json.loads(text)["seed"] == config.seed


def test_missing_fields_take_their_defaults():
    config = SimulationConfig.from_json('{"accounts": 300, "graph": {"model": "barabasi_albert"}}')
    assert config.accounts == 300
    assert config.graph.model == "barabasi_albert"
    assert config.graph.m == GraphConfig().m
    assert config.hours == 24.0


def test_load_reads_a_file(tmp_path):
    path = tmp_path / "config.json"
    path.write_text(SimulationConfig(accounts=77).to_json())
    assert SimulationConfig.load(path).accounts == 77


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('{"accounts": 1}', "accounts"),
        ('{"acounts": 100}', "acounts"),
        ('{"hours": -1}', "hours"),
        ("not json", "not a JSON document"),
        ('{"graph": {"model": "small_world"}}', "small_world"),
    ],
)
def test_bad_json_is_a_validation_error_naming_the_problem(text, needle):
    with pytest.raises(ValidationError, match=needle):
        SimulationConfig.from_json(text)


@pytest.mark.parametrize(
    ("build", "needle"),
    [
        (lambda: SimulationConfig(accounts=1), "accounts must be at least 2"),
        (lambda: SimulationConfig(accounts=True), "accounts must be an integer"),
        (lambda: SimulationConfig(hours=0), "hours must be greater than 0"),
        (lambda: SimulationConfig(hours=24 * 400), "at most"),
        (lambda: SimulationConfig(hours=1, step_minutes=90), "must not exceed"),
        (lambda: SimulationConfig(step_minutes=0.001), "one second"),
        (lambda: SimulationConfig(seed=-1), "seed"),
        (lambda: SimulationConfig(ranker=""), "ranker"),
        (lambda: SimulationConfig(start=datetime(1900, 1, 1, tzinfo=UTC)), "start"),
        (lambda: SimulationConfig(graph="ba"), "GraphConfig"),
        (lambda: SimulationConfig(accounts=5, graph=GraphConfig(model="holme_kim", m=5)), "m=5"),
        (lambda: GraphConfig(model="watts_strogatz"), "unknown graph model"),
        (lambda: GraphConfig(p=1.5), "probability"),
        (lambda: GraphConfig(delta_in=-1), "delta_in"),
        (lambda: GraphConfig(model="edge_list"), "needs a path"),
        (lambda: GraphConfig(model="configuration"), "needs in_degrees"),
        (lambda: GraphConfig(in_degrees=(1, -2)), "non-negative"),
        (lambda: ActivityConfig(distribution="zipf"), "unknown activity distribution"),
        (lambda: ActivityConfig(distribution="pareto", pareto_alpha=1.0), "above 1"),
        (lambda: ActivityConfig(profile=(1.0,) * 23), "24 non-negative"),
        (lambda: ActivityConfig(profile=(0.0,) * 24), "not all zero"),
        (lambda: ActivityConfig(sessions_per_day=float("nan")), "finite"),
        (lambda: ActivityConfig(shift_spread=13), "shift_spread"),
        (lambda: BehaviourConfig(page_size=41), "page_size"),
        (lambda: BehaviourConfig(like=2), "like"),
    ],
)
def test_out_of_range_values_raise_a_validation_error(build, needle):
    with pytest.raises(ValidationError, match=needle):
        build()


def test_configuration_model_needs_one_degree_pair_per_account():
    graph = GraphConfig(model="configuration", in_degrees=(1, 1), out_degrees=(1, 1))
    with pytest.raises(ValidationError, match="one in- and one out-degree per account"):
        graph.build(3, rng=random.Random(0))


@pytest.mark.parametrize("model", ["holme_kim", "barabasi_albert", "directed_scale_free"])
def test_build_generates_a_graph_of_the_named_model(model):
    graph = GraphConfig(model=model, m=3).build(50, rng=random.Random(1))
    assert graph.n == 50
    assert graph.edge_count > 0


def test_build_is_deterministic_for_a_seed():
    config = GraphConfig()
    first = config.build(200, rng=random.Random(9))
    second = config.build(200, rng=random.Random(9))
    assert first.edges == second.edges


def test_build_configuration_model():
    graph = GraphConfig(
        model="configuration", in_degrees=(2, 1, 1, 0), out_degrees=(1, 1, 1, 1)
    ).build(4, rng=random.Random(0))
    assert graph.n == 4
    assert graph.edge_count <= 4


def test_build_reads_an_edge_list_and_ignores_accounts(tmp_path):
    path = tmp_path / "edges.txt"
    path.write_text("a b\nb c\nc a\nd a\n")
    graph = GraphConfig(model="edge_list", path=str(path)).build(999, rng=random.Random(0))
    assert graph.n == 4
    assert graph.edge_count == 4


def test_describe_names_the_model():
    assert GraphConfig().describe().startswith("directed scale-free")
    assert GraphConfig(model="holme_kim").describe().startswith("Holme-Kim")
    assert "Barabási" in GraphConfig(model="barabasi_albert").describe()
    assert "edges.txt" in GraphConfig(model="edge_list", path="edges.txt").describe()
    assert set(GRAPH_MODELS) == {
        "barabasi_albert",
        "configuration",
        "directed_scale_free",
        "edge_list",
        "holme_kim",
    }


def test_evolve_validates():
    assert SimulationConfig().evolve(seed=3).seed == 3
    with pytest.raises(ValidationError):
        SimulationConfig().evolve(accounts=0)


class TestPresets:
    def test_twitter_2019_is_the_default(self):
        assert SimulationConfig.preset("twitter-2019") == SimulationConfig()
        assert set(PRESETS) == {"twitter-2019", "uniform-activity"}

    def test_uniform_activity_is_the_behaviour_before_calibration(self):
        config = SimulationConfig.preset("uniform-activity", accounts=50, seed=3)
        assert config.activity.sigma == 1.0
        assert config.behaviour.repost == 0.02
        assert config.behaviour.appeal_sigma == 1.0
        assert (config.accounts, config.seed) == (50, 3)
        assert SimulationConfig.from_json(config.to_json()) == config

    def test_an_unknown_preset_is_refused(self):
        with pytest.raises(ValidationError, match="unknown preset"):
            SimulationConfig.preset("myspace-2006")

    def test_the_defaults_make_the_top_tenth_write_most_posts(self):
        """Pew 2019: the top 10% of accounts write about 80% of posts (the rates alone)."""
        from microblog_core.sim.agents import draw_population
        from microblog_core.sim.streams import stream

        shares = []
        for preset in ("twitter-2019", "uniform-activity"):
            config = SimulationConfig.preset(preset)
            rates = sorted(
                draw_population(
                    2000, config.activity, locked_share=0.0, rng=stream(42, "population")
                ).rates,
                reverse=True,
            )
            shares.append(sum(rates[:200]) / sum(rates))
        assert 0.75 <= shares[0] <= 0.9
        assert shares[1] < 0.6


class TestHeavierCascadeTail:
    """The twitter-2019 graph: Twitter's follower tail, and the cascades it makes possible."""

    def test_the_default_graph_has_twitters_follower_tail(self):
        """Kwak et al. 2010 fitted 2.276; the Holme-Kim graph of uniform-activity is thinner."""
        from microblog_core.sim.graphs import fit_power_law_csn
        from microblog_core.sim.streams import stream

        default = SimulationConfig().graph.build(2000, rng=stream(42, "graph"))
        before = SimulationConfig.preset("uniform-activity").graph.build(
            2000, rng=stream(42, "graph")
        )
        tail = fit_power_law_csn(default.in_degrees, samples=0)
        thin = fit_power_law_csn(before.in_degrees, samples=0)
        assert tail is not None and thin is not None
        assert 1.9 <= tail.exponent <= 2.35
        assert thin.exponent > tail.exponent + 0.2
        assert max(default.in_degrees) > 3 * max(before.in_degrees)
        assert 8 <= default.edge_count / default.n <= 12  # about ten follows per account

    def test_the_default_day_has_a_cascade_of_100_and_few_posts_reposted(self):
        """Seed 42: 93-95% of original posts never reposted (Goel et al. 2016), yet one of 100+."""
        from microblog_core.sim import simulate
        from microblog_core.sim.metrics import cascades_from

        result = simulate(SimulationConfig(seed=42, impressions="off"))
        originals = [post for post in result.posts() if post.kind == "post"]
        never = sum(1 for post in originals if post.reposts == 0) / len(originals)
        largest = max(cascade.size for cascade in cascades_from(result.cascade_records()))
        result.close()
        assert 0.93 <= never <= 0.95
        assert largest >= 100
