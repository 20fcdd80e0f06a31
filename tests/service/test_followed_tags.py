"""Followed hashtags: public posts with a followed tag enter home, on every strategy."""

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.models import TagFollowed, TagUnfollowed, Visibility
from microblog_core.service import Microblog
from microblog_core.timelines import FanOutOnRead, FanOutOnWrite, Hybrid, TimelineStrategy
from tests.service.conftest import tick

STRATEGIES = {
    "read": FanOutOnRead,
    "write": FanOutOnWrite,
    "hybrid": lambda: Hybrid(threshold=1),
}


@pytest.fixture(params=[(a, s) for a in ("memory", "sqlite") for s in STRATEGIES])
def any_blog(request: pytest.FixtureRequest) -> Iterator[Microblog]:
    """A blog on each adapter with each timeline strategy (a hybrid whose every tag is large)."""
    adapter, name = request.param
    strategy: TimelineStrategy = STRATEGIES[name]()
    if adapter == "memory":
        service = Microblog.in_memory(clock=ManualClock(), timeline=strategy)
    else:
        service = Microblog.sqlite(":memory:", clock=ManualClock(), timeline=strategy)
    yield service
    service.close()


def _texts(blog: Microblog, viewer: int) -> list[str]:
    return [p.text for p in blog.home_timeline(viewer, limit=40).items]  # type: ignore[arg-type]


def test_following_a_tag_brings_public_posts_into_home(any_blog: Microblog) -> None:
    blog = any_blog
    reader, writer = blog.register("reader"), blog.register("writer")
    blog.post(writer.id, "earlier #Cats")
    assert blog.follow_tag(reader.id, "#CATS") == "cats"
    tick(blog)
    blog.post(writer.id, "later #cats")
    blog.post(writer.id, "untagged")
    blog.post(writer.id, "unlisted #cats", visibility=Visibility.UNLISTED)
    blog.post(writer.id, "private #cats", visibility=Visibility.PRIVATE)
    blog.post(writer.id, "direct #cats @reader", visibility=Visibility.DIRECT)
    assert _texts(blog, reader.id) == ["later #cats", "earlier #Cats"]
    assert blog.followed_tags(reader.id) == ("cats",)


def test_reposts_of_tagged_posts_do_not_come_by_the_tag(any_blog: Microblog) -> None:
    blog = any_blog
    reader, writer, sharer = (blog.register(h) for h in ("reader", "writer", "sharer"))
    tagged = blog.post(writer.id, "#cats")
    blog.follow_tag(reader.id, "cats")
    blog.repost(sharer.id, tagged.id)
    assert [p.id for p in blog.home_timeline(reader.id).items] == [tagged.id]


def test_unfollowing_a_tag_takes_its_posts_out_but_keeps_followed_authors(
    any_blog: Microblog,
) -> None:
    blog = any_blog
    reader, friend, stranger = (blog.register(h) for h in ("reader", "friend", "stranger"))
    blog.follow(reader.id, friend.id)
    blog.follow_tag(reader.id, "cats")
    blog.follow_tag(reader.id, "dogs")
    blog.post(friend.id, "friend #cats")
    blog.post(stranger.id, "stranger #cats")
    blog.post(stranger.id, "stranger #cats #dogs")
    assert blog.unfollow_tag(reader.id, "#Cats") is True
    assert blog.unfollow_tag(reader.id, "cats") is False
    assert _texts(blog, reader.id) == ["stranger #cats #dogs", "friend #cats"]
    assert blog.followed_tags(reader.id) == ("dogs",)


def test_home_filters_apply_to_tagged_posts(any_blog: Microblog) -> None:
    """Blocks both ways, mutes, and mentions of muted accounts keep tagged posts out."""
    blog = any_blog
    reader, muted, blocked, blocker, fine = (
        blog.register(h) for h in ("reader", "muted", "blocked", "blocker", "fine")
    )
    blog.follow_tag(reader.id, "news")
    blog.mute(reader.id, muted.id)
    blog.block(reader.id, blocked.id)
    blog.block(blocker.id, reader.id)
    for author in (muted, blocked, blocker):
        blog.post(author.id, f"#news by {author.handle}")
    blog.post(fine.id, "#news mentioning @muted")
    blog.post(fine.id, "#news by fine")
    assert _texts(blog, reader.id) == ["#news by fine"]
    blog.unmute(reader.id, muted.id)
    blog.unblock(reader.id, blocked.id)
    assert _texts(blog, reader.id) == [
        "#news by fine",
        "#news mentioning @muted",
        "#news by blocked",
        "#news by muted",
    ]


def test_a_followees_tagged_post_passes_by_the_tag_where_home_rules_would_drop_it(
    any_blog: Microblog,
) -> None:
    """As Mastodon delivers to hashtag followers apart from follows: a reply to a stranger."""
    blog = any_blog
    reader, friend, stranger = (blog.register(h) for h in ("reader", "friend", "stranger"))
    blog.follow(reader.id, friend.id)
    parent = blog.post(stranger.id, "question")
    blog.reply(friend.id, parent.id, "plain answer")
    blog.reply(friend.id, parent.id, "answer #cats")
    assert _texts(blog, reader.id) == []
    blog.follow_tag(reader.id, "cats")
    assert _texts(blog, reader.id) == ["answer #cats"]


def test_unfollowing_the_author_keeps_its_posts_with_followed_tags(any_blog: Microblog) -> None:
    blog = any_blog
    reader, friend = blog.register("reader"), blog.register("friend")
    blog.follow(reader.id, friend.id)
    blog.follow_tag(reader.id, "cats")
    blog.post(friend.id, "plain")
    blog.post(friend.id, "#cats")
    blog.unfollow(reader.id, friend.id)
    assert _texts(blog, reader.id) == ["#cats"]


def test_deleting_a_tagged_post_takes_it_out(any_blog: Microblog) -> None:
    blog = any_blog
    reader, writer = blog.register("reader"), blog.register("writer")
    blog.follow_tag(reader.id, "cats")
    post = blog.post(writer.id, "#cats")
    blog.delete_post(writer.id, post.id)
    assert _texts(blog, reader.id) == []


def test_tag_follow_events_and_bad_tags(blog: Microblog) -> None:
    reader = blog.register("reader")
    events: list[object] = []
    blog.subscribe(events.append)
    blog.follow_tag(reader.id, "#Cats")
    blog.follow_tag(reader.id, "cats")  # already followed: no event
    blog.unfollow_tag(reader.id, "cats")
    blog.unfollow_tag(reader.id, "cats")
    assert [type(e) for e in events] == [TagFollowed, TagUnfollowed]
    for bad in ("", "#", "  ", 5, None, "a\x00b"):
        with pytest.raises(ValidationError):
            blog.follow_tag(reader.id, bad)  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        blog.follow_tag(123456789, "cats")  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        blog.followed_tags(reader.id, limit=0)


def test_followed_tags_page_alphabetically(blog: Microblog) -> None:
    reader = blog.register("reader")
    for tag in ("zebra", "#Apple", "mango", "微博"):
        blog.follow_tag(reader.id, tag)
    assert blog.followed_tags(reader.id) == ("apple", "mango", "zebra", "微博")
    assert blog.followed_tags(reader.id, after="apple", limit=2) == ("mango", "zebra")


def test_a_weibo_topic_is_followed_by_its_name(blog: Microblog) -> None:
    reader, bureau = blog.register("reader"), blog.register("bureau")
    assert blog.follow_tag(reader.id, "#交通#") == "交通"
    blog.post(bureau.id, "#交通# 道路封闭")
    assert _texts(blog, reader.id) == ["#交通# 道路封闭"]


@given(st.lists(st.tuples(st.booleans(), st.sampled_from(["a", "#A", "b", "#c#"])), max_size=12))
def test_followed_tags_equal_the_follows_made(moves: list[tuple[bool, str]]) -> None:
    """After any follows and unfollows, ``followed_tags`` is the model's set, sorted."""
    blog = Microblog.in_memory(clock=ManualClock())
    try:
        reader = blog.register("reader")
        model: set[str] = set()
        for follow, raw in moves:
            name = raw.strip("#").casefold()
            if follow:
                assert blog.follow_tag(reader.id, raw) == name
                model.add(name)
            else:
                assert blog.unfollow_tag(reader.id, raw) is (name in model)
                model.discard(name)
        assert blog.followed_tags(reader.id) == tuple(sorted(model))
    finally:
        blog.close()
