"""The Agent protocol: observations in, typed actions out, applied through the service."""

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

import pytest

from microblog_core.errors import ValidationError
from microblog_core.models import Visibility
from microblog_core.sim import SimulationConfig, simulate
from microblog_core.sim.agent import (
    Action,
    Agent,
    BatchAgent,
    Block,
    Follow,
    Like,
    Mute,
    Nothing,
    Observation,
    Publish,
    Reply,
    Repost,
    StanceAgent,
    Unfollow,
    World,
    agent_for,
)
from microblog_core.sim.interest import InterestAgent
from microblog_core.sim.stochastic import StochasticAgent

CONFIG = SimulationConfig(accounts=30, hours=3, seed=8, start=datetime(2026, 1, 1, 9, tzinfo=UTC))


class Scripted:
    """Posts with a topic and stance, then on later sessions does one of everything."""

    name = "scripted"

    def __init__(self) -> None:
        self.observations: list[Observation] = []
        self.world: World | None = None

    def start(self, world: World) -> None:
        self.world = world

    def act(self, observation: Observation) -> Iterator[Action]:
        assert self.world is not None
        self.observations.append(observation)
        ids = self.world.ids
        viewer = observation.viewer
        yield Publish(f"hello from {observation.handle}", topic=2, stance=0.5)
        others = [item for item in observation.items if item.root_author != viewer]
        if not others:
            return
        first = others[0]
        yield Like(first.post.id)
        yield Repost(first.post.id, comment="so true", also_comment=True)
        yield Reply(first.post.id, "agreed", stance=-0.25)
        yield Mute(ids[first.root_author])
        yield Unfollow(ids[first.root_author])
        yield Follow(ids[first.root_author])
        yield Block(ids[first.root_author])
        yield Nothing("tired")
        yield Nothing()


@pytest.fixture(scope="module")
def scripted_run():
    agent = Scripted()
    return agent, simulate(CONFIG, agent=agent)


def test_every_kind_of_action_goes_through_the_service(scripted_run):
    _, result = scripted_run
    for kind in ("post", "like", "repost", "reply", "block", "follow", "unfollow", "mute"):
        assert result.actions[kind] > 0, kind
    assert result.refused[("agent", "tired")] > 0
    assert not any(reason is None for _, reason in result.refused)


def test_the_service_agrees_with_what_the_run_recorded(scripted_run):
    _, result = scripted_run
    for post in result.posts():
        if post.kind != "repost":
            counters = result.blog.post_counters(post.id)
            assert counters.likes == post.likes
            assert counters.reposts == post.reposts


def test_observations_show_the_page_that_the_impression_log_records(scripted_run):
    agent, result = scripted_run
    logged = list(result.impressions())
    shown = [
        (o.viewer_id, item.post.id, item.rank, item.in_network)
        for o in agent.observations
        for item in o.items
    ]
    assert shown == [(i.viewer_id, i.post_id, i.rank, i.in_network) for i in logged]
    for observation in agent.observations:
        assert [item.rank for item in observation.items] == list(
            range(1, len(observation.items) + 1)
        )
        assert observation.stance is None  # the scripted agent holds no stance


def test_posts_carry_the_topic_and_stance_the_agent_gave_and_reposts_inherit(scripted_run):
    _, result = scripted_run
    tables = result.tables
    kinds = list(tables.p_kind)
    assert 0 in kinds and 1 in kinds and 2 in kinds
    for index, kind in enumerate(kinds):
        root = tables.root_of(index)
        if kind == 0:
            assert (tables.p_topic[index], tables.p_stance[index]) == (2, 0.5)
        elif kind == 2:
            assert tables.p_topic[index] == tables.p_topic[root]
            assert tables.p_stance[index] == tables.p_stance[root]


def test_a_page_item_reports_the_contents_counters_at_read_time(scripted_run):
    agent, _ = scripted_run
    items = [item for o in agent.observations for item in o.items]
    assert items
    assert all(item.likes >= 0 and item.reposts >= 0 and item.replies >= 0 for item in items)
    assert any(item.likes > 0 for item in items)
    assert all(item.handle == f"u{item.root_author:02d}" for item in items)


def test_a_value_that_is_not_an_action_is_a_validation_error():
    class Broken:
        name = "broken"

        def start(self, world: World) -> None:
            pass

        def act(self, observation: Observation) -> list[object]:
            return ["like everything"]

    with pytest.raises(ValidationError, match="not an action"):
        simulate(CONFIG, agent=Broken())  # type: ignore[arg-type]


def test_an_object_without_the_protocol_is_refused_before_the_run():
    with pytest.raises(ValidationError, match="agent must have"):
        simulate(CONFIG, agent=object())  # type: ignore[arg-type]


class Batch:
    """A batch agent recording the time of every read and of every action."""

    name = "batch"

    def __init__(self) -> None:
        self.batches: list[list[Observation]] = []

    def start(self, world: World) -> None:
        pass

    def act(self, observation: Observation) -> tuple[Action, ...]:
        return self.act_batch([observation])[0]

    def act_batch(self, observations: Sequence[Observation]) -> list[tuple[Action, ...]]:
        self.batches.append(list(observations))
        return [(Publish(f"batch post {o.handle} {o.time:%H%M%S%f}"),) for o in observations]


def test_a_batch_agent_decides_each_step_at_once_and_acts_at_each_sessions_instant():
    agent = Batch()
    result = simulate(CONFIG, agent=agent)
    assert isinstance(agent, BatchAgent)
    step = CONFIG.step
    for batch in agent.batches:
        assert batch
        first = batch[0].time
        assert all(first - (first - CONFIG.start) % step <= o.time for o in batch)
        # Within a step nobody sees the step's own posts: they come after every read.
        made = {f"batch post {o.handle} {o.time:%H%M%S%f}" for o in batch}
        assert not any(item.post.text in made for o in batch for item in o.items)
    times = [o.time for batch in agent.batches for o in batch]
    assert [p.created_at for p in result.posts()] == times
    assert sum(map(len, agent.batches)) == result.sessions


def test_a_batch_agent_must_answer_every_observation():
    class Short(Batch):
        def act_batch(self, observations: Sequence[Observation]) -> list[tuple[Action, ...]]:
            return []

    with pytest.raises(ValidationError, match="answers for"):
        simulate(CONFIG, agent=Short())


def test_agent_for_builds_the_agent_the_config_names():
    assert isinstance(agent_for(CONFIG), StochasticAgent)
    interest = agent_for(CONFIG.evolve(agent="interest"))
    assert isinstance(interest, InterestAgent)
    assert isinstance(interest, StanceAgent)
    assert not isinstance(StochasticAgent(), StanceAgent)
    with pytest.raises(ValidationError, match=r"llm\.url"):
        agent_for(CONFIG.evolve(agent="llm"))


def test_the_builtin_agents_follow_the_protocol():
    for agent in (StochasticAgent(), InterestAgent()):
        assert isinstance(agent, Agent)


def test_actions_are_frozen_values():
    like = Like(1)  # type: ignore[arg-type]
    assert like == Like(1)  # type: ignore[arg-type]
    with pytest.raises(AttributeError):
        like.post_id = 2  # type: ignore[misc]
    assert Publish("x").visibility is Visibility.PUBLIC
    assert Publish("x").stance is None


def test_agent_fields_are_left_out_of_the_config_json_at_their_defaults():
    data = CONFIG.to_dict()
    assert "agent" not in data
    assert "interest" not in data
    assert "llm" not in data
    assert SimulationConfig.from_json(CONFIG.to_json()) == CONFIG


def test_agent_fields_round_trip_when_set():
    from microblog_core.sim.config import InterestConfig, LLMConfig

    config = CONFIG.evolve(
        agent="llm",
        interest=InterestConfig(confidence=0.3),
        llm=LLMConfig(url="http://127.0.0.1:9/v1", model="tiny", concurrency=2),
    )
    data = config.to_dict()
    assert data["agent"] == "llm"
    assert data["interest"]["confidence"] == 0.3
    assert data["llm"]["model"] == "tiny"
    assert SimulationConfig.from_json(config.to_json()) == config


def test_an_unknown_agent_is_refused_by_the_config():
    with pytest.raises(ValidationError, match="unknown agent"):
        CONFIG.evolve(agent="oracle")
