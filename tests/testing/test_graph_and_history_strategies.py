"""``threads()``, ``follow_graphs()``, ``histories()`` and ``replay()``."""

from datetime import timedelta
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from microblog_core import ManualClock
from microblog_core.errors import ValidationError
from microblog_core.models import MASTODON_ACCOUNTS, TWITTER_ACCOUNTS, WEIBO_ACCOUNTS, Visibility
from microblog_core.rules.threads import build_thread, reply_ref_for
from microblog_core.service import Microblog
from microblog_core.sim.graphs import FollowGraph
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
    Thread,
    check_history,
    follow_graphs,
    histories,
    replay,
    threads,
)
from microblog_core.text import WEIBO, measure
from microblog_core.timelines import FanOutOnWrite, Hybrid

FIND = settings(
    database=None, max_examples=2_000, derandomize=True, phases=[Phase.generate, Phase.shrink]
)
FIND_ANY = settings(database=None, max_examples=2_000, derandomize=True, phases=[Phase.generate])


def fresh_blog(**options: Any) -> Microblog:
    return Microblog.in_memory(clock=ManualClock(), **options)


# --- follow graphs ----------------------------------------------------------------------


@given(follow_graphs())
def test_follow_graphs_are_valid_graphs(graph: FollowGraph) -> None:
    assert 1 <= graph.n <= 12
    assert all(a != b for a, b in graph.edges)
    assert len(set(graph.edges)) == graph.edge_count
    assert FollowGraph(n=graph.n, edges=graph.edges) == graph  # passes the checks again


@given(follow_graphs(n=5, max_edges=3), follow_graphs(min_nodes=3, max_nodes=4))
def test_follow_graphs_respect_their_bounds(fixed: FollowGraph, ranged: FollowGraph) -> None:
    assert fixed.n == 5
    assert fixed.edge_count <= 3
    assert 3 <= ranged.n <= 4


@given(follow_graphs(n=1), follow_graphs(max_edges=0))
def test_follow_graphs_without_room_for_edges_have_none(
    single: FollowGraph, bare: FollowGraph
) -> None:
    assert single.edges == ()
    assert bare.edges == ()


def test_follow_graphs_reach_complete_graphs() -> None:
    find(follow_graphs(n=3), lambda g: g.edge_count == 6, settings=FIND_ANY)


def test_a_failing_graph_shrinks_to_few_nodes_and_edges() -> None:
    # "Fails when someone has three followers": four nodes, three edges.
    shrunk = find(follow_graphs(), lambda g: max(g.in_degrees) >= 3, settings=FIND)
    assert (shrunk.n, shrunk.edge_count) == (4, 3)
    # "Fails on a mutual follow": two nodes following each other.
    mutual = find(follow_graphs(), lambda g: g.reciprocity() > 0, settings=FIND)
    assert (mutual.n, mutual.edges) == (2, ((0, 1), (1, 0)))
    assert find(follow_graphs(), lambda g: True, settings=FIND) == FollowGraph(n=1, edges=())


@pytest.mark.parametrize(
    "options",
    [
        {"n": 0},
        {"n": 2.0},
        {"min_nodes": 0},
        {"min_nodes": 5, "max_nodes": 4},
        {"max_nodes": True},
        {"max_edges": -1},
    ],
)
def test_follow_graphs_refuse_bad_options(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        follow_graphs(**options)


# --- threads ----------------------------------------------------------------------------


def check_thread(thread: Thread, *, max_depth: int, max_size: int) -> None:
    root = thread.root
    assert not root.is_reply and not root.is_repost
    assert len(thread.replies) <= max_size
    assert thread.depth <= max_depth
    by_id = {post.id: post for post in thread.posts}
    ids = [post.id for post in thread.posts]
    assert ids == sorted(set(ids)), "ids increase in reply order"
    for reply in thread.replies:
        ref = reply.reply_to
        assert ref is not None
        parent = by_id[ref.parent_id]
        assert parent.id < reply.id
        assert parent.created_at <= reply.created_at
        assert ref == reply_ref_for(parent, reply.author_id)
        assert ref.root_id == root.id
        assert not reply.hidden
        assert attrs.evolve(reply) == reply


@given(threads())
def test_threads_are_consistent_conversations(thread: Thread) -> None:
    check_thread(thread, max_depth=4, max_size=10)


@given(threads(max_depth=2, max_size=30), threads(max_depth=0), threads(max_size=0))
def test_threads_respect_depth_and_size(deep: Thread, flat: Thread, empty: Thread) -> None:
    check_thread(deep, max_depth=2, max_size=30)
    assert flat.replies == () and empty.replies == ()
    assert flat.depth == 0


@given(threads())
def test_a_thread_view_from_the_root_shows_every_post(thread: Thread) -> None:
    view = build_thread(
        thread.root, thread.replies, root=thread.root, placeholder_for=lambda _: None
    )
    shown = {node.post_id for node in view.flatten()}
    assert shown == {post.id for post in thread.posts}
    depths = thread.depths()
    assert all(node.depth == depths[node.post_id] for node in view.flatten())


@given(threads(author_ids=st.just(mst.AccountId(7)), texts=mst.texts(policy=WEIBO)))
def test_threads_take_authors_and_texts(thread: Thread) -> None:
    assert {post.author_id for post in thread.posts} == {7}
    assert all(measure(post.text, WEIBO).valid for post in thread.posts)


def test_threads_include_self_reply_chains_and_several_people() -> None:
    def self_chain(thread: Thread) -> bool:
        return any(
            r.reply_to is not None and r.reply_to.addressee_id != r.reply_to.parent_author_id
            for r in thread.replies
        )

    find(threads(), self_chain, settings=FIND_ANY)
    find(threads(), lambda t: len({p.author_id for p in t.posts}) >= 3, settings=FIND_ANY)


@given(st.from_type(Thread))
def test_from_type_gives_consistent_threads(thread: Thread) -> None:
    check_thread(thread, max_depth=4, max_size=10)


def test_a_failing_thread_shrinks_to_a_short_chain() -> None:
    deep = find(threads(), lambda t: t.depth >= 3, settings=FIND)
    assert len(deep.replies) == 3
    assert find(threads(), lambda t: True, settings=FIND).replies == ()


@pytest.mark.parametrize(
    "options",
    [
        {"max_depth": -1},
        {"max_size": -1},
        {"max_size": 10_001},
        {"max_depth": 1.5},
        {"author_ids": 3},
        {"texts": "hello"},
    ],
)
def test_threads_refuse_bad_options(options: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgument):
        threads(**options)


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
