"""The three strategies return identical home and list pages, on both adapters, by the definition.

The big property: for any random history of use cases (lists and followed
hashtags included), every strategy on every adapter pages through every
viewer's home timeline, and every list's timeline, to exactly the timeline
the definition gives, and ``since_id`` / ``min_id`` pages are the matching
slices of it.
"""

import functools
from typing import Any

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.ids import AccountId
from microblog_core.models import Post, Visibility
from microblog_core.ports import DEFAULT_FEED_CAP
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid, TimelineStrategy
from tests.timelines.helpers import ids
from tests.timelines.history import (
    ACCOUNTS,
    Op,
    histories,
    home_by_definition,
    list_by_definition,
    lockstep,
    make_blog,
    walk,
)

ALL_ADAPTERS = ("memory", "sqlite")
ALL_STRATEGIES = ("read", "write", "hybrid")


@given(histories, st.integers(1, 9), st.data())
def test_every_strategy_on_every_adapter_gives_the_defined_home_timeline(
    history: tuple[list[bool], list[Op]], limit: int, data: st.DataObject
) -> None:
    locked, ops = history
    note(f"operations: {ops}")
    blogs = lockstep(ALL_ADAPTERS, ALL_STRATEGIES)
    try:
        blogs.play(locked, ops)
        reference = blogs.first
        for viewer in blogs.accounts:
            expected = home_by_definition(reference, viewer)
            note(f"viewer {viewer}: {ids(expected)}")
            bounds = sorted({p.id for p in expected} | {0, 2**62})
            since = data.draw(st.sampled_from(bounds), label="since_id")
            below = data.draw(st.sampled_from(bounds), label="max_id")
            for name, blog in blogs:
                read: Any = lambda **kw: blog.home_timeline(viewer, **kw)  # noqa: B023, E731
                assert ids(walk(read, limit)) == ids(expected), name
                newer = [p for p in expected if since < p.id < below]
                assert ids(read(limit=limit, since_id=since, max_id=below).items) == ids(
                    newer[:limit]
                ), name
                assert ids(read(limit=limit, min_id=since, max_id=below).items) == ids(
                    newer[-limit:]
                ), name
    finally:
        blogs.close()


@given(histories, st.integers(1, 9), st.data())
def test_every_strategy_on_every_adapter_gives_the_defined_list_timelines(
    history: tuple[list[bool], list[Op]], limit: int, data: st.DataObject
) -> None:
    """Lists, with their replies policies and members coming and going, agree across strategies."""
    locked, ops = history
    note(f"operations: {ops}")
    blogs = lockstep(ALL_ADAPTERS, ALL_STRATEGIES)
    try:
        blogs.play(locked, ops)
        reference = blogs.first
        for made in blogs.lists:
            account_list = reference.get_list(made.owner_id, made.id)
            expected = list_by_definition(reference, account_list)
            note(f"list {account_list}: {ids(expected)}")
            bounds = sorted({p.id for p in expected} | {0, 2**62})
            since = data.draw(st.sampled_from(bounds), label="since_id")
            below = data.draw(st.sampled_from(bounds), label="max_id")
            for name, blog in blogs:
                read: Any = functools.partial(
                    blog.list_timeline, account_list.owner_id, account_list.id
                )
                assert ids(walk(read, limit)) == ids(expected), name
                newer = [p for p in expected if since < p.id < below]
                assert ids(read(limit=limit, since_id=since, max_id=below).items) == ids(
                    newer[:limit]
                ), name
                assert ids(read(limit=limit, min_id=since, max_id=below).items) == ids(
                    newer[-limit:]
                ), name
    finally:
        blogs.close()


@given(
    histories, st.integers(1, 6), st.lists(st.integers(0, ACCOUNTS - 1), min_size=1, max_size=12)
)
def test_paging_while_new_posts_arrive_neither_repeats_nor_skips(
    history: tuple[list[bool], list[Op]], limit: int, arrivals: list[int]
) -> None:
    locked, ops = history
    note(f"operations: {ops}")
    blogs = lockstep(ALL_ADAPTERS, ALL_STRATEGIES)
    try:
        blogs.play(locked, ops)
        viewer = blogs.accounts[0]
        before = home_by_definition(blogs.first, viewer)
        queue = list(arrivals)

        def arrive() -> None:
            # New posts and reposts by the viewer's followees and others, between pages.
            if queue:
                author = queue.pop()
                blogs.apply(("post", author, Visibility.PUBLIC, None, True))
                blogs.apply(("repost", author, queue[-1] if queue else 0))

        for name, blog in blogs:
            queue[:] = arrivals
            read: Any = lambda **kw: blog.home_timeline(viewer, **kw)  # noqa: B023, E731
            walked = walk(read, limit, pause=arrive)
            assert ids(walked) == ids(before), name
            before = home_by_definition(blogs.first, viewer)

        # Upwards with min_id from the oldest item: catches every arrival exactly once.
        if before:
            for name, blog in blogs:
                queue[:] = arrivals
                bottom = before[-1]
                seen: list[Post] = [bottom]
                cursor = bottom.id
                while True:
                    page = blog.home_timeline(viewer, limit=limit, min_id=cursor)
                    if not page.items:
                        if not queue:
                            break
                        arrive()
                        continue
                    seen.extend(reversed(page.items))
                    cursor = page.prev_min_id
                    arrive()
                expected = home_by_definition(blogs.first, viewer)
                assert ids(seen) == ids(reversed(expected)), name
    finally:
        blogs.close()


@pytest.fixture(params=[(a, s) for a in ALL_ADAPTERS for s in ALL_STRATEGIES])
def blogs_one(request: pytest.FixtureRequest) -> Any:
    adapter, strategy = request.param
    blogs = lockstep((adapter,), (strategy,))
    blogs.register([False, False, True, False, False])
    yield blogs
    blogs.close()


def test_home_timeline_rejects_bad_arguments(blogs_one: Any) -> None:
    blog = blogs_one.first
    viewer = blogs_one.accounts[0]
    with pytest.raises(ValidationError):
        blog.home_timeline(viewer, limit=41)
    with pytest.raises(ValidationError):
        blog.home_timeline(viewer, limit=0)
    with pytest.raises(ValidationError):
        blog.home_timeline(viewer, max_id=-5)
    with pytest.raises(ValidationError):
        blog.home_timeline(viewer, since_id="1")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        blog.home_timeline(AccountId(123456789))


def test_home_limit_defaults_to_20_and_allows_40(blogs_one: Any) -> None:
    viewer = blogs_one.accounts[0]
    for _ in range(45):
        blogs_one.apply(("post", 0, Visibility.PUBLIC, None, True))
    blog = blogs_one.first
    assert len(blog.home_timeline(viewer).items) == 20
    assert len(blog.home_timeline(viewer, limit=40).items) == 40


def test_cursors_follow_mastodon_link_headers(blogs_one: Any) -> None:
    viewer = blogs_one.accounts[0]
    for _ in range(5):
        blogs_one.apply(("post", 0, Visibility.PUBLIC, None, True))
    blog = blogs_one.first
    page = blog.home_timeline(viewer, limit=2)
    assert page.next_max_id == page.items[-1].id
    assert page.prev_min_id == page.items[0].id
    older = blog.home_timeline(viewer, limit=2, max_id=page.next_max_id)
    back = blog.home_timeline(viewer, limit=2, min_id=older.prev_min_id)
    assert ids(back.items) == ids(page.items)


def test_min_id_wins_over_since_id(blogs_one: Any) -> None:
    viewer = blogs_one.accounts[0]
    for _ in range(6):
        blogs_one.apply(("post", 0, Visibility.PUBLIC, None, True))
    blog = blogs_one.first
    everything = blog.home_timeline(viewer, limit=40).items
    oldest = everything[-1].id
    page = blog.home_timeline(viewer, limit=2, min_id=oldest, since_id=everything[1].id)
    assert ids(page.items) == ids(everything[-3:-1])


def test_a_page_carries_the_originals_of_its_reposts(blogs_one: Any) -> None:
    blogs_one.apply(("follow", 0, 1, True))
    blogs_one.apply(("post", 3, Visibility.PUBLIC, None, True))
    blogs_one.apply(("repost", 1, 0))
    blog = blogs_one.first
    page = blog.home_timeline(blogs_one.accounts[0])
    (shared,) = page.items
    assert shared.repost_of is not None
    assert page.original(shared) == blogs_one.posts[0]


@pytest.mark.parametrize(
    "strategy",
    [
        pytest.param(FanOutOnRead(), id="read"),
        pytest.param(FanOutOnWrite(), id="write"),
        pytest.param(Hybrid(), id="hybrid"),
    ],
)
def test_each_strategy_satisfies_the_protocol(strategy: TimelineStrategy) -> None:
    assert isinstance(strategy, TimelineStrategy)


def test_default_strategy_is_fan_out_on_read() -> None:
    blog = make_blog("memory", FanOutOnRead())
    try:
        assert isinstance(blog.timeline, FanOutOnRead)
    finally:
        blog.close()


def test_fan_out_on_write_defaults_to_mastodon_cap() -> None:
    assert FanOutOnWrite().cap == DEFAULT_FEED_CAP == 800
    assert FanOutOnWrite().threshold is None


@pytest.mark.parametrize("bad", [0, 3, -1, 2.5, True, "800"])
def test_bad_caps_are_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        FanOutOnWrite(cap=bad)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Hybrid(cap=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -3, 1.5, False, None])
def test_bad_thresholds_are_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        Hybrid(threshold=bad)  # type: ignore[arg-type]
