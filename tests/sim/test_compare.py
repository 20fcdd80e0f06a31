"""Tests for microblog_core.sim.compare: one seed, several feeds, side by side."""

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from microblog_core.clock import Clock
from microblog_core.errors import ValidationError
from microblog_core.service import Microblog
from microblog_core.sim import (
    ActivityConfig,
    BehaviourConfig,
    Comparison,
    GraphConfig,
    SimulationConfig,
    compare_feeds,
    memory_storage,
)
from microblog_core.sim.agent import Action, Observation
from microblog_core.sim.compare import COMPARED
from microblog_core.sim.engine import BlogFactory
from microblog_core.sim.stochastic import StochasticAgent
from microblog_core.text import LengthPolicy

CONFIG = SimulationConfig(
    accounts=60,
    hours=2,
    seed=41,
    start=datetime(2026, 1, 1, 18, tzinfo=UTC),
    graph=GraphConfig(model="holme_kim", m=3),
    activity=ActivityConfig(sessions_per_day=30.0),
    behaviour=BehaviourConfig(like=0.3, repost=0.2),
)


@pytest.fixture(scope="module")
def comparison():
    return compare_feeds(CONFIG, ["chronological", "for_you", "engagement"])


def test_each_feed_gets_a_run_on_the_same_network(comparison):
    assert comparison.feeds == ("chronological", "for_you", "engagement")
    starts = {m.follows_start for m in comparison.metrics.values()}
    assert len(starts) == 1
    assert {m.seed for m in comparison.metrics.values()} == {41}
    assert [m.feed for m in comparison.metrics.values()] == list(comparison.feeds)
    assert comparison.config.ranker == "chronological"


def test_out_of_network_candidates_lower_the_in_network_share(comparison):
    shares = comparison.column("in_network_share")
    assert shares["chronological"] == 1.0
    assert shares["engagement"] == 1.0
    assert shares["for_you"] < 1.0


def test_the_table_puts_feeds_side_by_side(comparison):
    table = comparison.table()
    lines = table.splitlines()
    assert lines[0].split() == ["chronological", "for_you", "engagement"]
    assert len(lines) == 1 + len(COMPARED)
    assert any(line.startswith("in-network share") and "100.0%" in line for line in lines)


def test_an_unknown_measure_is_refused(comparison):
    with pytest.raises(ValidationError, match="unknown measure"):
        comparison.column("vibes")
    assert Comparison(config=CONFIG, metrics={}).column("likes") == {}


@pytest.mark.parametrize(
    ("rankers", "needle"),
    [
        ([], "at least one"),
        (["hot", "hot"], "once"),
        (["hot", "trending"], "unknown ranker 'trending'"),
    ],
)
def test_bad_ranker_lists_are_refused_before_any_run(rankers, needle):
    made = []

    def storage(name):
        made.append(name)
        return memory_storage()

    with pytest.raises(ValidationError, match=needle):
        compare_feeds(CONFIG, rankers, storage=storage)
    assert made == []


def test_progress_and_results_are_reported_per_feed():
    config = CONFIG.evolve(accounts=20, hours=0.5)
    steps = []
    finished = []
    compare_feeds(
        config,
        ["chronological", "hot"],
        progress=lambda name, p: steps.append((name, p.step)),
        on_result=lambda result, metrics: finished.append((result.feed, metrics.feed)),
    )
    assert finished == [("chronological", "chronological"), ("hot", "hot")]
    assert steps[0] == ("chronological", 0)
    assert ("hot", config.steps) in steps


def test_the_table_adds_polarization_rows_for_stance_agents():
    config = SimulationConfig(
        accounts=60, hours=2, seed=5, start=datetime(2026, 1, 1, 12, tzinfo=UTC), agent="interest"
    )
    comparison = compare_feeds(config, ["chronological", "bridging"])
    table = comparison.table()
    for label in ("stance variance, end", "bimodality, end", "cross-cutting exposure"):
        assert label in table
    shares = comparison.column("cross_cutting_share")
    assert all(0.0 <= share <= 1.0 for share in shares.values())


def test_the_table_of_stochastic_runs_has_no_polarization_rows():
    comparison = compare_feeds(SimulationConfig(accounts=40, hours=1, seed=2), ["chronological"])
    assert "stance variance" not in comparison.table()
    assert comparison.column("stance_variance") == {"chronological": 0.0}


def test_compare_feeds_can_take_an_agent_per_run():
    made: list[str] = []

    def agent(name: str) -> StochasticAgent:
        made.append(name)
        return StochasticAgent()

    compare_feeds(
        SimulationConfig(accounts=40, hours=1, seed=2), ["chronological", "hot"], agent=agent
    )
    assert made == ["chronological", "hot"]


class _SessionLog(StochasticAgent):
    """The stochastic agent, noting each session's instant and account."""

    def __init__(self, clocks: list[Clock]) -> None:
        super().__init__()
        self.clocks = clocks
        self.sessions: list[tuple[datetime, int]] = []

    def act(self, observation: Observation) -> Iterator[Action]:
        self.sessions.append((self.clocks[-1].now(), observation.viewer))
        return super().act(observation)


def test_every_feed_realises_the_same_sessions():
    """Paired runs: the schedule has its own random stream, so no feed moves a session."""
    clocks: list[Clock] = []
    logs: dict[str, _SessionLog] = {}
    plain = memory_storage()

    def storage(name: str) -> BlogFactory:
        def build(clock: Clock, policy: LengthPolicy) -> Microblog:
            clocks.append(clock)
            return plain(clock, policy)

        return build

    def agent(name: str) -> _SessionLog:
        logs[name] = _SessionLog(clocks)
        return logs[name]

    comparison = compare_feeds(
        CONFIG, ["chronological", "for_you", "engagement"], storage=storage, agent=agent
    )
    sessions = {name: log.sessions for name, log in logs.items()}
    assert len(sessions["chronological"]) > 50
    assert sessions["for_you"] == sessions["chronological"]
    assert sessions["engagement"] == sessions["chronological"]
    assert len({m.sessions for m in comparison.metrics.values()}) == 1


@pytest.fixture(scope="module")
def seeded():
    return compare_feeds(
        SimulationConfig(accounts=50, hours=2, seed=7), ["chronological", "for_you"], seeds=3
    )


def test_seeded_comparisons_run_every_feed_on_every_seed(seeded):
    assert seeded.feeds == ("chronological", "for_you")
    assert seeded.seeds == (7, 8, 9)
    assert all(len(rows) == 3 for rows in seeded.runs.values())
    # each seed's run is the one-seed comparison's run of that seed
    single = compare_feeds(SimulationConfig(accounts=50, hours=2, seed=8), ["for_you"])
    assert seeded.values("for_you", "impressions")[1] == single.metrics["for_you"].impressions


def test_seeded_comparisons_give_intervals_and_paired_differences(seeded):
    values = seeded.values("chronological", "in_network_share")
    interval = seeded.interval("chronological", "in_network_share")
    assert interval.n == 3
    assert interval.mean == pytest.approx(sum(values) / 3)
    assert interval.low <= interval.mean <= interval.high
    difference = seeded.difference("for_you", "chronological", "impressions")
    pairs = zip(
        seeded.values("for_you", "impressions"),
        seeded.values("chronological", "impressions"),
        strict=True,
    )
    assert difference.mean == pytest.approx(sum(a - b for a, b in pairs) / 3)
    assert seeded.values("for_you", "refused_total") == seeded.values("for_you", "refused")


def test_the_seeded_table_shows_intervals_and_differences(seeded):
    table = seeded.table()
    assert table.startswith("3 seeds; mean [95% interval]\n")
    assert "for_you - chronological" in table.splitlines()[1]
    assert " -0 " not in table
    assert len(table.splitlines()) == 2 + len(COMPARED)


def test_seeded_comparisons_refuse_unknown_names(seeded):
    with pytest.raises(ValidationError, match="no feed"):
        seeded.values("hot", "impressions")
    with pytest.raises(ValidationError, match="unknown measure"):
        seeded.values("for_you", "nonsense")


def test_seeds_refuse_per_run_options():
    with pytest.raises(ValidationError, match="defaults"):
        compare_feeds(CONFIG, ["chronological"], seeds=2, top=3)
