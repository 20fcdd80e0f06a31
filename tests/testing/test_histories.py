"""``histories()``, ``check_history()`` and ``replay()``: use cases that replay on any service."""

from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis.errors import InvalidArgument

from microblog_core import ManualClock
from microblog_core.errors import ValidationError
from microblog_core.models import MASTODON_ACCOUNTS, TWITTER_ACCOUNTS, WEIBO_ACCOUNTS, Visibility
from microblog_core.service import Microblog
from microblog_core.testing import strategies as mst
from microblog_core.testing.machine import check_counters, check_no_leaks, snapshot
from microblog_core.testing.strategies import (
    STEP_TYPES,
    BlockStep,
    DeleteStep,
    FollowStep,
    LikeStep,
    MuteStep,
    PostStep,
    RegisterStep,
    ReplyStep,
    check_history,
    histories,
    replay,
)
from microblog_core.text import WEIBO, measure
from microblog_core.timelines import FanOutOnWrite, Hybrid

FIND = settings(
    database=None, max_examples=2_000, derandomize=True, phases=[Phase.generate, Phase.shrink]
)
FIND_ANY = settings(database=None, max_examples=2_000, derandomize=True, phases=[Phase.generate])


def fresh_blog(**options: Any) -> Microblog:
    return Microblog.in_memory(clock=ManualClock(), **options)


# --- histories --------------------------------------------------------------------------


def well_formed(history: tuple[Any, ...]) -> None:
    """Check by hand what histories() promises (independently of check_history)."""
    accounts = posts = 0
    handles = [s.handle.casefold() for s in history if isinstance(s, RegisterStep)]
    assert len(set(handles)) == len(handles)
    for step in history:
        assert isinstance(step, STEP_TYPES)
        for field in attrs.fields(type(step)):
            value = getattr(step, field.name)
            if field.name == "post":
                assert 0 <= value < posts
            elif field.type is int:
                assert 0 <= value < accounts
        pair = [getattr(step, f.name) for f in attrs.fields(type(step)) if f.type is int]
        if len(pair) == 2 and not hasattr(step, "post"):
            assert pair[0] != pair[1], "no step relates an account to itself"
        accounts += isinstance(step, RegisterStep)
        posts += isinstance(step, PostStep | ReplyStep | mst.QuoteStep | mst.RepostStep)


@given(histories())
def test_histories_are_well_formed(history: tuple[Any, ...]) -> None:
    well_formed(history)
    assert check_history(history) == history
    assert all(isinstance(s, RegisterStep) for s in history[:2])


@pytest.mark.parametrize("policy", [TWITTER_ACCOUNTS, MASTODON_ACCOUNTS, WEIBO_ACCOUNTS])
def test_histories_replay_on_a_service_with_their_handle_rules(policy: Any) -> None:
    @settings(max_examples=20)
    @given(histories(policy=policy))
    def check(history: tuple[Any, ...]) -> None:
        result = replay(fresh_blog(account_policy=policy), history)
        assert None not in result.accounts

    check()


@given(histories())
def test_replay_accounts_for_every_step(history: tuple[Any, ...]) -> None:
    result = replay(fresh_blog(), history)
    refused = [i for i, _ in result.refused]
    assert result.applied + len(refused) + len(result.skipped) == len(history)
    assert not set(refused) & set(result.skipped)
    # Registrations and plain posts are always accepted.
    for index, step in enumerate(history):
        if isinstance(step, RegisterStep | PostStep):
            assert index not in refused and index not in result.skipped, step
    assert len(result.accounts) == sum(isinstance(s, RegisterStep) for s in history)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_replayed_histories_keep_the_domain_invariants(history: tuple[Any, ...]) -> None:
    blog = fresh_blog()
    replay(blog, history)
    check_counters(blog)
    check_no_leaks(blog)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow])
@given(histories())
def test_a_history_replays_alike_on_every_store_and_timeline_strategy(
    history: tuple[Any, ...],
) -> None:
    blogs = [
        fresh_blog(),
        Microblog.sqlite(":memory:", clock=ManualClock()),
        fresh_blog(timeline=FanOutOnWrite()),
        fresh_blog(timeline=Hybrid(threshold=2)),
    ]
    try:
        results = [replay(blog, history) for blog in blogs]
        assert all(result == results[0] for result in results)
        first = snapshot(blogs[0])
        assert all(snapshot(blog) == first for blog in blogs[1:])
        for viewer in results[0].accounts:
            assert viewer is not None
            homes = [[p.id for p in blog.home_timeline(viewer, limit=40).items] for blog in blogs]
            assert all(home == homes[0] for home in homes)
    finally:
        for blog in blogs:
            blog.close()


def test_histories_take_texts_and_then_add_no_mentions() -> None:
    @settings(max_examples=20)
    @given(histories(texts=mst.texts(policy=WEIBO)))
    def check(history: tuple[Any, ...]) -> None:
        for step in history:
            text = getattr(step, "text", None) or getattr(step, "comment", None)
            if text:
                assert measure(text, WEIBO).valid

    check()


def test_default_history_texts_mention_accounts_of_the_history() -> None:
    def mentions_someone(history: tuple[Any, ...]) -> bool:
        names = {s.handle for s in history if isinstance(s, RegisterStep)}
        texts = [s.text for s in history if isinstance(s, PostStep)]
        return any(text.rsplit("@", 1)[-1] in names for text in texts if "@" in text)

    find(histories(), mentions_someone, settings=FIND_ANY)


def test_histories_exercise_refusals_and_skips() -> None:
    def outcome(history: tuple[Any, ...]) -> Any:
        return replay(fresh_blog(), history)

    find(histories(), lambda h: bool(outcome(h).refused), settings=FIND_ANY)
    find(histories(), lambda h: bool(outcome(h).skipped), settings=FIND_ANY)
    find(
        histories(),
        lambda h: any(isinstance(s, MuteStep) and s.seconds for s in h),
        settings=FIND_ANY,
    )


def test_a_failing_history_shrinks_to_a_few_steps() -> None:
    def blocked_follow(history: tuple[Any, ...]) -> bool:
        result = replay(fresh_blog(), history)
        return any(error == "PermissionDeniedError" for _, error in result.refused)

    shrunk = find(histories(), blocked_follow, settings=FIND)
    assert len(shrunk) <= 5, shrunk
    assert find(histories(), lambda h: True, settings=FIND) == (
        RegisterStep(handle="a"),
        RegisterStep(handle="b"),
    )


@pytest.mark.parametrize(
    "options",
    [
        {"min_accounts": 1},
        {"min_accounts": 4, "max_accounts": 3},
        {"max_steps": -1},
        {"max_accounts": "5"},
        {"policy": "twitter"},
        {"texts": "hello"},
    ],
)
def test_histories_refuse_bad_options(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        histories(**options)


# --- replay by hand ---------------------------------------------------------------------


def test_replay_counts_refused_and_skipped_steps() -> None:
    history = (
        RegisterStep(handle="ann"),
        RegisterStep(handle="bob"),
        PostStep(author=1, text="hi", visibility=Visibility.DIRECT),
        ReplyStep(author=0, post=0, text="who?"),  # refused: ann cannot see it
        LikeStep(account=1, post=1),  # skipped: the reply was never made
        BlockStep(blocker=0, blocked=1),
        FollowStep(follower=1, followee=0),  # refused: blocked
        DeleteStep(post=0),
    )
    blog = fresh_blog()
    result = replay(blog, history)
    assert result.refused == ((3, "NotFoundError"), (6, "PermissionDeniedError"))
    assert result.skipped == (4,)
    assert result.applied == 5
    assert result.posts[1] is None
    ann, bob = result.accounts
    assert ann is not None and bob is not None
    assert blog.relationship(ann, bob).blocking
    assert blog.account_counters(bob).posts == 0  # deleted by its author


def test_replay_moves_a_manual_clock_so_timed_mutes_expire() -> None:
    clock = ManualClock()
    start = clock.now()
    blog = Microblog.in_memory(clock=clock)
    history = (
        RegisterStep(handle="ann"),
        RegisterStep(handle="bob"),
        MuteStep(muter=0, muted=1, seconds=5),
        PostStep(author=1, text="now you see me"),
    )
    result = replay(blog, history, tick=timedelta(seconds=10))
    assert clock.now() - start == timedelta(seconds=40)
    ann = result.accounts[0]
    assert ann is not None
    assert not blog.relationship(ann, result.accounts[1]).muting  # type: ignore[arg-type]
    still = Microblog.in_memory(clock=ManualClock())
    replay(still, history, tick=timedelta(0))
    assert still.now() == start


@pytest.mark.parametrize(
    ("history", "message"),
    [
        ((FollowStep(follower=0, followee=1),), "only 0 accounts"),
        ((RegisterStep(handle="a"), LikeStep(account=0, post=0)), "only 0 posts"),
        (
            (RegisterStep(handle="a"), RegisterStep(handle="b"), BlockStep(blocker=-1, blocked=0)),
            "blocker=-1",
        ),
        ((RegisterStep(handle="a"), "post something"), "not a step"),
        ("RegisterStep", "iterable of steps"),
        (None, "iterable of steps"),
    ],
)
def test_replay_refuses_malformed_histories_before_doing_anything(
    history: Any, message: str
) -> None:
    blog = fresh_blog()
    with pytest.raises(ValidationError, match=message):
        replay(blog, history)
    with blog.unit_of_work(readonly=True) as uow:
        assert uow.accounts.count() == 0


def test_replay_refuses_a_bad_tick() -> None:
    with pytest.raises(ValidationError, match="tick"):
        replay(fresh_blog(), (), tick=5)  # type: ignore[arg-type]


def test_storage_errors_are_not_taken_for_refusals() -> None:
    blog = Microblog.sqlite(":memory:", clock=ManualClock())
    blog.close()
    with pytest.raises(Exception) as caught:
        replay(blog, (RegisterStep(handle="a"),))
    assert type(caught.value).__name__ == "StorageError"
