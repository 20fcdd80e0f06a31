"""Sessions that read notifications, and agents that answer their mentions."""

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, NotificationId, PostId
from microblog_core.models import Notification, NotificationKind, Post
from microblog_core.sim import SimulationConfig, simulate
from microblog_core.sim.agent import (
    Action,
    Observation,
    PageItem,
    Publish,
    Reply,
    World,
    mention_replies,
)
from microblog_core.sim.config import ActivityConfig, BehaviourConfig, InterestConfig
from microblog_core.sim.engine import RunTables
from microblog_core.sim.interest import InterestAgent
from microblog_core.sim.stochastic import StochasticAgent

WHEN = datetime(2026, 1, 1, 9, tzinfo=UTC)
# Evenly and often active accounts that mention someone they follow in most posts.
BASE = SimulationConfig.preset(
    "uniform-activity",
    accounts=40,
    hours=3,
    seed=11,
    start=WHEN,
    activity=ActivityConfig(sigma=1.0, sessions_per_day=48),
)
MENTIONING = attrs.evolve(BASE.behaviour, mention=0.8, post=0.6)


def config(**behaviour: object) -> SimulationConfig:
    return BASE.evolve(behaviour=attrs.evolve(MENTIONING, **behaviour))


class Recording(StochasticAgent):
    """The stochastic agent, keeping every observation and the actions it chose."""

    __slots__ = ("sessions",)

    def __init__(self) -> None:
        super().__init__()
        self.sessions: list[tuple[Observation, list[Action]]] = []

    def act(self, observation: Observation) -> Iterator[Action]:
        actions = list(super().act(observation))
        self.sessions.append((observation, actions))
        return iter(actions)


def test_at_rate_one_every_mention_read_gets_a_reply_from_the_mentioned_account() -> None:
    agent = Recording()
    run = simulate(config(mention_reply_rate=1.0), agent=agent)
    answered = 0
    for observation, actions in agent.sessions:
        replies = {a.post_id for a in actions if isinstance(a, Reply) and a.to_mention}
        mentions = {
            n.post_id for n in observation.notifications if n.kind is NotificationKind.MENTION
        }
        assert all(n.account_id == observation.viewer_id for n in observation.notifications)
        assert replies == mentions
        answered += len(mentions)
    assert answered > 10
    refused = sum(n for (kind, _), n in run.refused.items() if kind == "mention_reply")
    assert run.actions["mention_reply"] + refused == answered
    with run.blog.unit_of_work(readonly=True) as uow:
        for observation, actions in agent.sessions:
            for action in actions:
                if isinstance(action, Reply) and action.to_mention:
                    replies = uow.posts.replies_to(action.post_id, limit=10_000)
                    assert any(r.author_id == observation.viewer_id for r in replies)
    run.close()


def test_a_session_reads_only_what_came_since_the_last_one_and_marks_it_read() -> None:
    agent = Recording()
    run = simulate(config(read_notifications=True), agent=agent)
    seen: dict[AccountId, list[int]] = {}
    for observation, _ in agent.sessions:
        ids = [n.id for n in observation.notifications]
        assert ids == sorted(ids, reverse=True)
        earlier = seen.setdefault(observation.viewer_id, [])
        assert not earlier or not ids or min(ids) > max(earlier)
        earlier.extend(ids)
    assert sum(map(len, seen.values())) > 10
    with run.blog.unit_of_work(readonly=True) as uow:
        for viewer, ids in seen.items():
            if ids:
                assert uow.notifications.read_marker(viewer) == max(ids)
    run.close()


def test_reading_notifications_draws_nothing_and_changes_no_choice() -> None:
    """Read but never answered, notifications leave every draw, post and action alone."""
    plain, reading = Recording(), Recording()
    a = simulate(config(), agent=plain)
    b = simulate(config(read_notifications=True), agent=reading)
    assert list(a.posts()) == list(b.posts())
    assert a.actions == b.actions
    assert all(not o.notifications for o, _ in plain.sessions)
    assert any(o.notifications for o, _ in reading.sessions)
    assert [acts for _, acts in plain.sessions] == [acts for _, acts in reading.sessions]
    a.close()
    b.close()


def test_the_default_config_reads_no_notifications() -> None:
    assert not BehaviourConfig().reads_notifications
    assert BehaviourConfig(mention_reply_rate=0.2).reads_notifications
    assert BehaviourConfig(read_notifications=True).reads_notifications


def test_the_notification_fields_stay_out_of_config_json_at_their_defaults() -> None:
    assert "mention_reply_rate" not in SimulationConfig().to_json()
    assert "read_notifications" not in SimulationConfig().to_json()
    chosen = config(mention_reply_rate=0.25, read_notifications=True)
    assert '"mention_reply_rate": 0.25' in chosen.to_json()
    assert SimulationConfig.from_json(chosen.to_json()) == chosen


@pytest.mark.parametrize(
    ("field", "value"),
    [("mention_reply_rate", 1.5), ("mention_reply_rate", -0.1), ("read_notifications", 1)],
)
def test_bad_notification_settings_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError) as caught:
        BehaviourConfig(**{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field


# --------------------------------------------------------------------------- one session


def notification(n: int, kind: NotificationKind, post: int | None) -> Notification:
    return Notification(
        id=NotificationId(10_000 + n),
        account_id=AccountId(100),
        kind=kind,
        from_account_id=AccountId(101),
        post_id=None if post is None else PostId(post),
        created_at=WHEN,
    )


def observation(*notifications: Notification, items: tuple[PageItem, ...] = ()) -> Observation:
    return Observation(
        WHEN, 0, AccountId(100), "u0", items, [], 0, notifications=tuple(notifications)
    )


_KINDS = st.sampled_from([NotificationKind.MENTION, NotificationKind.LIKE, NotificationKind.FOLLOW])


@settings(max_examples=50)
@given(kinds=st.lists(_KINDS, max_size=12), rate=st.sampled_from([0.0, 1.0]))
def test_mention_replies_answer_exactly_the_mentions_at_rate_one(
    kinds: list[NotificationKind], rate: float
) -> None:
    """At rate 1 each mention is answered, in order; at 0 none; other kinds never."""
    seen = observation(
        *(
            notification(i, kind, None if kind is NotificationKind.FOLLOW else 500 + i)
            for i, kind in enumerate(kinds)
        )
    )
    draws: list[float] = []

    def draw() -> float:
        draws.append(0.5)
        return 0.5

    replies = list(mention_replies(seen, rate, draw, lambda: "ok"))
    mentioned = [500 + i for i, kind in enumerate(kinds) if kind is NotificationKind.MENTION]
    assert [r.post_id for r in replies] == (mentioned if rate else [])
    assert all(r.to_mention and r.text == "ok" for r in replies)
    assert len(draws) == len(mentioned)  # one draw per mention, none for other kinds


def test_the_interest_agent_answers_a_mention_with_its_stance() -> None:
    run_config = BASE.evolve(
        agent="interest",
        behaviour=BehaviourConfig(mention_reply_rate=1.0, post=0.0, follow=0.0),
        interest=InterestConfig(engagement=0.0),
    )
    tables = RunTables(2)
    tables.ids.extend([AccountId(100), AccountId(101)])
    tables.handles.extend(["u0", "u1"])
    world = World(run_config, random.Random(3), tables, [[], []])
    agent = InterestAgent(run_config.interest)
    agent.start(world)
    post = Post.create(id=PostId(900), author_id=AccountId(101), created_at=WHEN, text="@u0 hi")
    item = PageItem(post, 1, True, 0, 0, 1, 1, "u1", 0, 0, 0, 1.0, 0, 0.5)
    actions = list(
        agent.act(observation(notification(1, NotificationKind.MENTION, 900), items=(item,)))
    )
    replies = [a for a in actions if isinstance(a, Reply) and a.to_mention]
    assert [r.post_id for r in replies] == [PostId(900)]
    assert replies[0].stance == agent.stance_of(0)
    assert not any(isinstance(a, Publish) for a in actions)
