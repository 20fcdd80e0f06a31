"""Fan-out-on-write and hybrid feeds: what the projector writes, caps, rebuilds, thresholds.

And the home rules and the 40-item window seen through the service, the same
on every strategy and adapter.
"""

from collections.abc import Iterator
from datetime import timedelta

import pytest

from microblog_core import ManualClock
from microblog_core.errors import NotFoundError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Account, Visibility
from microblog_core.service import Microblog
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid, TimelineStrategy
from tests.timelines.helpers import ids

ADAPTERS = ["memory", "sqlite"]


def make(adapter: str, strategy: TimelineStrategy) -> Microblog:
    clock = ManualClock()
    if adapter == "memory":
        return Microblog.in_memory(clock=clock, timeline=strategy)
    return Microblog.sqlite(":memory:", clock=clock, timeline=strategy)


@pytest.fixture(params=ADAPTERS)
def adapter(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(
    params=[
        pytest.param(FanOutOnRead, id="read"),
        pytest.param(FanOutOnWrite, id="write"),
        pytest.param(lambda: Hybrid(threshold=2), id="hybrid"),
    ]
)
def blog(request: pytest.FixtureRequest, adapter: str) -> Iterator[Microblog]:
    service = make(adapter, request.param())
    yield service
    service.close()


def feed(blog: Microblog, reader: AccountId) -> list[PostId]:
    with blog.unit_of_work(readonly=True) as uow:
        return list(uow.feeds.read(reader, limit=10_000))


def accounts(blog: Microblog, *handles: str) -> list[Account]:
    return [blog.register(h) for h in handles]


def home(blog: Microblog, viewer: AccountId, **kwargs: object) -> list[int]:
    return ids(blog.home_timeline(viewer, limit=40, **kwargs).items)  # type: ignore[arg-type]


# -- the home rules, on every strategy -----------------------------------------------


def test_home_holds_own_and_followees_posts_newest_first(blog: Microblog) -> None:
    ann, bob, cat = accounts(blog, "ann", "bob", "cat")
    blog.follow(ann.id, bob.id)
    own = blog.post(ann.id, "mine")
    theirs = blog.post(bob.id, "bob's")
    blog.post(cat.id, "not followed")
    assert home(blog, ann.id) == [theirs.id, own.id]


def test_home_drops_blocked_and_muted_authors_and_mentions(blog: Microblog) -> None:
    ann, bob, cat, dan = accounts(blog, "ann", "bob", "cat", "dan")
    for other in (bob, cat):
        blog.follow(ann.id, other.id)
    blog.post(bob.id, "about @dan")
    kept = blog.post(cat.id, "plain")
    blog.post(cat.id, "hello @bob")
    blog.mute(ann.id, dan.id)
    blog.mute(ann.id, bob.id, expires_at=blog.now() + timedelta(hours=1))
    assert home(blog, ann.id) == [kept.id]
    clock = blog.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(hours=2))  # bob's mute expires: his posts come back
    assert len(home(blog, ann.id)) == 2
    blog.unmute(ann.id, dan.id)
    assert len(home(blog, ann.id)) == 3
    blog.block(cat.id, ann.id)
    assert len(home(blog, ann.id)) == 1


def test_home_hides_reposts_when_the_follow_says_so(blog: Microblog) -> None:
    ann, bob, cat = accounts(blog, "ann", "bob", "cat")
    blog.follow(ann.id, bob.id, show_reposts=False)
    shared = blog.repost(bob.id, blog.post(cat.id, "cat's").id)
    assert home(blog, ann.id) == []
    blog.follow(ann.id, bob.id, show_reposts=True)
    assert home(blog, ann.id) == [shared.id]


def test_home_shows_replies_only_to_people_the_viewer_follows(blog: Microblog) -> None:
    ann, bob, cat = accounts(blog, "ann", "bob", "cat")
    blog.follow(ann.id, bob.id)
    to_stranger = blog.reply(bob.id, blog.post(cat.id, "q").id, "a")
    to_viewer = blog.reply(bob.id, blog.post(ann.id, "q2").id, "a2")
    self_reply = blog.reply(bob.id, blog.post(bob.id, "1/2").id, "2/2")
    shown = home(blog, ann.id)
    assert to_stranger.id not in shown
    assert {to_viewer.id, self_reply.id} <= set(shown)
    blog.follow(ann.id, cat.id)
    assert to_stranger.id in home(blog, ann.id)


def test_home_applies_visibility_and_language_filters(blog: Microblog) -> None:
    ann, bob, cat = accounts(blog, "ann", "bob", "cat")
    blog.follow(ann.id, bob.id, languages=["en"])
    blog.follow(ann.id, cat.id)
    english = blog.post(bob.id, "hello", language="en-GB")
    blog.post(bob.id, "bonjour", language="fr")
    unknown = blog.post(bob.id, "?", language=None)
    private = blog.post(cat.id, "fans", visibility=Visibility.PRIVATE)
    blog.post(cat.id, "dm @ann", visibility=Visibility.DIRECT)
    own_dm = blog.post(ann.id, "note to @cat", visibility=Visibility.DIRECT)
    assert home(blog, ann.id) == [own_dm.id, private.id, unknown.id, english.id]


def test_home_hides_own_reposts_of_an_account_that_blocks_the_viewer(blog: Microblog) -> None:
    ann, bob = accounts(blog, "ann", "bob")
    mine = blog.repost(ann.id, blog.post(bob.id, "bob's").id)
    assert home(blog, ann.id) == [mine.id]
    blog.block(bob.id, ann.id)
    assert home(blog, ann.id) == []


def test_a_repost_of_a_post_shown_in_the_last_40_items_is_dropped(blog: Microblog) -> None:
    ann, bob, cat = accounts(blog, "ann", "bob", "cat")
    blog.follow(ann.id, bob.id)
    blog.follow(ann.id, cat.id)
    original = blog.post(bob.id, "news")
    for i in range(39):
        blog.post(bob.id, f"filler {i}")
    near = blog.repost(cat.id, original.id)
    assert near.id not in home(blog, ann.id)
    blog.unrepost(cat.id, original.id)
    blog.post(bob.id, "one more")  # now 40 items lie between
    far = blog.repost(cat.id, original.id)
    assert home(blog, ann.id)[0] == far.id


# -- what fan-out-on-write and hybrid store --------------------------------------------


@pytest.fixture(
    params=[
        pytest.param(FanOutOnWrite(cap=8), id="write"),
        pytest.param(Hybrid(threshold=3, cap=8), id="hybrid"),
    ]
)
def fed(request: pytest.FixtureRequest, adapter: str) -> Iterator[Microblog]:
    service = make(adapter, request.param)
    yield service
    service.close()


def test_posts_go_to_the_author_and_each_follower(fed: Microblog) -> None:
    ann, bob, cat = accounts(fed, "ann", "bob", "cat")
    fed.follow(ann.id, bob.id)
    post = fed.post(bob.id, "hi")
    assert feed(fed, ann.id) == [post.id]
    assert feed(fed, bob.id) == [post.id]
    assert feed(fed, cat.id) == []


def test_direct_posts_go_to_the_author_only(fed: Microblog) -> None:
    ann, bob = accounts(fed, "ann", "bob")
    fed.follow(ann.id, bob.id)
    dm = fed.post(bob.id, "@ann psst", visibility=Visibility.DIRECT)
    assert feed(fed, ann.id) == []
    assert feed(fed, bob.id) == [dm.id]


def test_feeds_keep_the_newest_cap_entries(fed: Microblog) -> None:
    ann, bob = accounts(fed, "ann", "bob")
    fed.follow(ann.id, bob.id)
    posts = [fed.post(bob.id, f"n{i}") for i in range(12)]
    assert feed(fed, ann.id) == ids(reversed(posts[-8:]))
    assert home(fed, ann.id) == ids(reversed(posts[-8:]))


def test_a_follow_merges_the_newest_quarter_cap(fed: Microblog) -> None:
    ann, bob = accounts(fed, "ann", "bob")
    posts = [fed.post(bob.id, f"n{i}") for i in range(5)]
    fed.follow(ann.id, bob.id)
    assert feed(fed, ann.id) == ids(reversed(posts[-2:]))


def test_unfollow_unrepost_and_delete_remove_entries(fed: Microblog) -> None:
    ann, bob, cat = accounts(fed, "ann", "bob", "cat")
    fed.follow(ann.id, bob.id)
    fed.follow(ann.id, cat.id)
    kept = fed.post(cat.id, "kept")
    shared = fed.repost(bob.id, kept.id)
    gone = fed.post(cat.id, "gone")
    assert feed(fed, ann.id) == [gone.id, shared.id, kept.id]
    fed.delete_post(cat.id, gone.id)
    fed.unrepost(bob.id, kept.id)
    assert feed(fed, ann.id) == [kept.id]
    fed.unfollow(ann.id, cat.id)
    assert feed(fed, ann.id) == []


def test_a_block_purges_both_feeds(fed: Microblog) -> None:
    ann, bob = accounts(fed, "ann", "bob")
    fed.follow(ann.id, bob.id)
    fed.follow(bob.id, ann.id)
    fed.post(ann.id, "a")
    fed.post(bob.id, "b")
    fed.block(ann.id, bob.id)
    assert [fed.get_post(p).author_id for p in feed(fed, ann.id)] == [ann.id]
    assert [fed.get_post(p).author_id for p in feed(fed, bob.id)] == [bob.id]


def test_a_mute_keeps_entries_and_hides_them_when_reading(fed: Microblog) -> None:
    ann, bob = accounts(fed, "ann", "bob")
    fed.follow(ann.id, bob.id)
    post = fed.post(bob.id, "b")
    fed.mute(ann.id, bob.id)
    assert feed(fed, ann.id) == [post.id]
    assert home(fed, ann.id) == []
    fed.unmute(ann.id, bob.id)
    assert home(fed, ann.id) == [post.id]


def test_reposts_deleted_with_their_original_are_skipped(fed: Microblog) -> None:
    ann, bob, cat = accounts(fed, "ann", "bob", "cat")
    fed.follow(ann.id, bob.id)
    original = fed.post(cat.id, "soon gone")
    fed.repost(bob.id, original.id)
    later = fed.post(bob.id, "stays")
    fed.delete_post(cat.id, original.id)
    assert home(fed, ann.id) == [later.id]


def test_rebuild_regenerates_a_feed(fed: Microblog) -> None:
    ann, bob, cat = accounts(fed, "ann", "bob", "cat")
    fed.follow(ann.id, bob.id)
    fed.follow(ann.id, cat.id)
    for i in range(6):
        fed.post(bob.id if i % 2 else cat.id, f"n{i}")
    fed.post(bob.id, "@ann dm", visibility=Visibility.DIRECT)
    before = feed(fed, ann.id)
    pages = fed.home_timeline(ann.id)
    with fed.unit_of_work() as uow:
        uow.feeds.clear(ann.id)
        uow.commit()
    assert feed(fed, ann.id) == []
    strategy = fed.timeline
    assert isinstance(strategy, FanOutOnWrite | Hybrid)
    assert strategy.rebuild(fed, ann.id) == len(before)
    assert feed(fed, ann.id) == before
    assert fed.home_timeline(ann.id) == pages
    with pytest.raises(NotFoundError):
        strategy.rebuild(fed, AccountId(987_654))


def test_rebuild_keeps_at_most_cap_entries(adapter: str) -> None:
    blog = make(adapter, FanOutOnWrite(cap=4))
    try:
        ann, bob = accounts(blog, "ann", "bob")
        posts = [blog.post(bob.id, f"n{i}") for i in range(7)]
        blog.follow(ann.id, bob.id)
        timeline = blog.timeline
        assert isinstance(timeline, FanOutOnWrite)
        assert timeline.rebuild(blog, ann.id) == 4
        assert feed(blog, ann.id) == ids(reversed(posts[-4:]))
    finally:
        blog.close()


# -- hybrid ------------------------------------------------------------------------------


def test_hybrid_merges_large_accounts_at_read_time(adapter: str) -> None:
    blog = make(adapter, Hybrid(threshold=2))
    try:
        star, ann, bob = accounts(blog, "star", "ann", "bob")
        blog.follow(ann.id, star.id)
        blog.follow(bob.id, star.id)
        hit = blog.post(star.id, "to my fans")
        assert feed(blog, ann.id) == []
        assert feed(blog, star.id) == [hit.id]
        assert home(blog, ann.id) == [hit.id]
        # star falls below the threshold: its posts are merged into the feeds left.
        blog.unfollow(bob.id, star.id)
        assert feed(blog, ann.id) == [hit.id]
        later = blog.post(star.id, "fewer fans now")
        assert feed(blog, ann.id) == [later.id, hit.id]
        # and back above it: old entries and the stream overlap, shown once.
        blog.follow(bob.id, star.id)
        latest = blog.post(star.id, "back")
        assert home(blog, ann.id) == [latest.id, later.id, hit.id]
    finally:
        blog.close()


def test_hybrid_timeline_reaches_back_as_far_as_a_full_feed(adapter: str) -> None:
    blog = make(adapter, Hybrid(threshold=2, cap=4))
    try:
        star, ann, bob, cat = accounts(blog, "star", "ann", "bob", "cat")
        blog.follow(ann.id, star.id)
        blog.follow(bob.id, star.id)
        blog.follow(ann.id, cat.id)
        early = blog.post(star.id, "early")
        small = [blog.post(cat.id, f"c{i}") for i in range(6)]
        shown = home(blog, ann.id)
        assert early.id not in shown
        assert shown == ids(reversed(small[-4:]))
    finally:
        blog.close()
