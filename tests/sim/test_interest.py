"""The interest agent: topics and stances, homophily, bounded confidence."""

import random
from datetime import UTC, datetime

import pytest

from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Post
from microblog_core.sim import SimulationConfig, simulate
from microblog_core.sim.agent import Like, Observation, PageItem, Reply, Repost, Unfollow, World
from microblog_core.sim.config import InterestConfig
from microblog_core.sim.engine import RunTables
from microblog_core.sim.interest import InterestAgent, topic_name
from microblog_core.sim.polarization import BIMODAL_THRESHOLD

WHEN = datetime(2026, 1, 1, 12, tzinfo=UTC)
# Evenly active accounts (the uniform-activity preset), so that every account
# reads often enough in four hours for the stance dynamics to show.
DAYTIME = SimulationConfig.preset(
    "uniform-activity", accounts=60, hours=4, seed=13, start=WHEN, agent="interest"
)


def run(**interest: object) -> tuple[InterestAgent, object]:
    agent = InterestAgent(InterestConfig(**interest))  # type: ignore[arg-type]
    return agent, simulate(DAYTIME, agent=agent)


# --------------------------------------------------------------------------- one session


def world_of(n: int = 3, *, seed: int = 1, **interest: object) -> tuple[InterestAgent, World]:
    config = DAYTIME.evolve(interest=InterestConfig(**interest))  # type: ignore[arg-type]
    tables = RunTables(n)
    tables.ids.extend(AccountId(100 + i) for i in range(n))
    tables.handles.extend(f"u{i}" for i in range(n))
    world = World(config, random.Random(seed), tables, [[] for _ in range(n)])
    agent = InterestAgent(config.interest)
    agent.start(world)
    return agent, world


def item(author: int, stance: float, topic: int, *, index: int = 0) -> PageItem:
    post = Post.create(
        id=PostId(1_000 + index), author_id=AccountId(100 + author), created_at=WHEN, text="x"
    )
    return PageItem(
        post, 1, True, index, index, author, author, f"u{author}", 0, 0, 0, 1.0, topic, stance
    )


def observe(viewer: int, *items: PageItem) -> Observation:
    return Observation(WHEN, viewer, AccountId(100 + viewer), f"u{viewer}", items, [], 0)


def test_an_exposure_within_the_bound_pulls_the_stance_by_the_convergence_step():
    agent, _ = world_of(confidence=0.5, convergence=0.25, engagement=0.0)
    agent.stances[0] = 0.2  # type: ignore[index]
    list(agent.act(observe(0, item(1, 0.6, 0))))
    assert agent.stance_of(0) == pytest.approx(0.2 + 0.25 * (0.6 - 0.2))


def test_an_exposure_beyond_the_bound_leaves_the_stance_alone():
    agent, _ = world_of(confidence=0.3, convergence=0.5, engagement=0.0, unfollow=0.0)
    agent.stances[0] = -0.5  # type: ignore[index]
    list(agent.act(observe(0, item(1, 0.5, 0))))
    assert agent.stance_of(0) == -0.5


def test_a_discordant_post_from_a_followed_author_can_be_unfollowed():
    agent, world = world_of(confidence=0.3, engagement=0.0, unfollow=1.0)
    world.tables.following.add(0, 1)
    agent.stances[0] = -0.9  # type: ignore[index]
    actions = list(agent.act(observe(0, item(1, 0.9, 0))))
    assert Unfollow(AccountId(101)) in actions


def engagements(distance: float, *, homophily: float, trials: int = 400) -> int:
    agent, _ = world_of(homophily=homophily, engagement=30.0, confidence=0.01, seed=5)
    topic = next(iter(agent.interests_of(0)))
    count = 0
    for trial in range(trials):
        agent.stances[0] = 0.0  # type: ignore[index]
        acted = agent.act(observe(0, item(1, distance, topic, index=trial)))
        count += any(isinstance(a, Like | Repost | Reply) for a in acted)
    return count


def test_engagement_falls_with_stance_distance_homophily():
    near = engagements(0.0, homophily=4.0)
    far = engagements(1.0, homophily=4.0)
    assert near > 3 * far
    # Without homophily, distance does not matter (up to chance).
    assert abs(engagements(0.0, homophily=0.0) - engagements(1.0, homophily=0.0)) < 60


def test_a_post_carries_one_of_its_authors_topics_and_its_stance():
    agent, result = run()
    tables = result.tables  # type: ignore[attr-defined]
    originals = [i for i, kind in enumerate(tables.p_kind) if kind == 0]
    assert originals
    for index in originals:
        author = tables.p_author[index]
        assert tables.p_topic[index] in agent.interests_of(author)
        assert -1.0 <= tables.p_stance[index] <= 1.0
        assert f"#{topic_name(tables.p_topic[index])}" in tables.p_text[index]


# --------------------------------------------------------------------------- whole runs


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("start", ["uniform", "bimodal"])
def test_stances_stay_on_the_axis(seed, start):
    agent = InterestAgent(InterestConfig(stance_start=start, confidence=2.0, convergence=0.5))
    simulate(DAYTIME.evolve(seed=seed), agent=agent)
    assert all(-1.0 <= x <= 1.0 for x in agent.stances)


def test_a_vanishing_confidence_bound_freezes_stances():
    _, result = run(confidence=1e-9)
    snapshots = result.stance_snapshots  # type: ignore[attr-defined]
    assert len(snapshots) >= 2
    assert snapshots[0].variance == snapshots[-1].variance
    assert snapshots[0].mean == snapshots[-1].mean


def test_open_minds_converge():
    _, result = run(confidence=2.0, convergence=0.5)
    snapshots = result.stance_snapshots  # type: ignore[attr-defined]
    assert snapshots[-1].variance < 0.8 * snapshots[0].variance


def test_bimodal_start_shows_two_camps():
    _, result = run(stance_start="bimodal", confidence=1e-9)
    first = result.stance_snapshots[0]  # type: ignore[attr-defined]
    assert first.bimodality > BIMODAL_THRESHOLD


def test_snapshots_are_hourly_with_exposure_counts():
    _, result = run()
    snapshots = result.stance_snapshots  # type: ignore[attr-defined]
    times = [s.time for s in snapshots]
    assert times[0] == DAYTIME.start
    assert times[-1] == DAYTIME.end
    assert len(times) == 5  # start, then each of 4 hours
    assert sum(s.exposures for s in snapshots) > 0
    assert all(0 <= s.cross_cutting <= s.exposures for s in snapshots)


def test_the_same_seed_gives_the_same_interest_run():
    a = simulate(DAYTIME)
    b = simulate(DAYTIME)
    assert list(a.posts()) == list(b.posts())
    assert a.stance_snapshots == b.stance_snapshots


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"interests": 5, "topics": 4}, "interests"),
        ({"confidence": 2.5}, "confidence"),
        ({"convergence": 0.6}, "convergence"),
        ({"convergence": 0}, "convergence"),
        ({"stance_start": "normal"}, "stance_start"),
        ({"unfollow": 1.5}, "unfollow"),
    ],
)
def test_impossible_parameters_are_refused(changes, field):
    with pytest.raises(ValidationError) as caught:
        InterestConfig(**changes)
    assert caught.value.field == field


def test_interest_agent_takes_only_an_interest_config():
    with pytest.raises(ValidationError):
        InterestAgent(object())  # type: ignore[arg-type]


def test_act_before_start_is_an_error():
    with pytest.raises(ValidationError, match="start"):
        list(InterestAgent().act(observe(0)))
