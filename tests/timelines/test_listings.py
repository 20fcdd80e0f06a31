"""Account, hashtag, mentions and public timelines: contents, paging, and visibility."""

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, note

from microblog_core import ManualClock
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.ids import AccountId
from microblog_core.models import Account, Post, Visibility
from microblog_core.service import Microblog
from microblog_core.timelines import (
    account_timeline,
    hashtag_timeline,
    mentions_timeline,
    public_timeline,
)
from tests.timelines.helpers import ids
from tests.timelines.history import Op, histories, lockstep, walk


@pytest.fixture(params=["memory", "sqlite"])
def blog(request: pytest.FixtureRequest) -> Iterator[Microblog]:
    clock = ManualClock()
    if request.param == "memory":
        service = Microblog.in_memory(clock=clock)
    else:
        service = Microblog.sqlite(":memory:", clock=clock)
    yield service
    service.close()


def people(blog: Microblog, *handles: str) -> list[Account]:
    return [blog.register(h) for h in handles]


# -- account timeline ----------------------------------------------------------


def test_account_timeline_holds_posts_and_reposts_newest_first(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    first = blog.post(ann.id, "first")
    shared = blog.repost(ann.id, blog.post(bob.id, "bob's").id)
    last = blog.post(ann.id, "last")
    page = blog.account_timeline(ann.id, viewer_id=bob.id)
    assert ids(page.items) == [last.id, shared.id, first.id]
    assert page.original(shared).text == "bob's"


def test_without_replies_keeps_self_threads_only(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    root = blog.post(ann.id, "thread 1/2")
    own = blog.reply(ann.id, root.id, "thread 2/2")
    other = blog.reply(ann.id, blog.post(bob.id, "question").id, "answer")
    assert ids(blog.account_timeline(ann.id).items) == [own.id, root.id]
    with_replies = blog.account_timeline(ann.id, with_replies=True)
    assert ids(with_replies.items) == [other.id, own.id, root.id]


def test_account_timeline_hides_what_the_viewer_may_not_see(blog: Microblog) -> None:
    ann, fan, stranger, named = people(blog, "ann", "fan", "stranger", "named")
    blog.follow(fan.id, ann.id)
    public = blog.post(ann.id, "hello")
    unlisted = blog.post(ann.id, "quiet", visibility=Visibility.UNLISTED)
    private = blog.post(ann.id, "fans only", visibility=Visibility.PRIVATE)
    direct = blog.post(ann.id, "psst @named", visibility=Visibility.DIRECT)
    everything = [direct.id, private.id, unlisted.id, public.id]
    assert ids(blog.account_timeline(ann.id, viewer_id=ann.id).items) == everything
    assert ids(blog.account_timeline(ann.id, viewer_id=fan.id).items) == everything[1:]
    assert ids(blog.account_timeline(ann.id, viewer_id=stranger.id).items) == everything[2:]
    assert ids(blog.account_timeline(ann.id).items) == everything[2:]
    assert ids(blog.account_timeline(ann.id, viewer_id=named.id).items) == [
        direct.id,
        *everything[2:],
    ]


def test_a_block_either_way_empties_the_account_timeline(blog: Microblog) -> None:
    ann, bob, cat = people(blog, "ann", "bob", "cat")
    blog.post(ann.id, "hello")
    blog.block(ann.id, bob.id)
    assert blog.account_timeline(ann.id, viewer_id=bob.id).items == ()
    blog.block(cat.id, ann.id)
    assert blog.account_timeline(ann.id, viewer_id=cat.id).items == ()


def test_reposts_of_an_account_that_blocks_the_viewer_are_hidden(blog: Microblog) -> None:
    ann, bob, cat = people(blog, "ann", "bob", "cat")
    shared = blog.repost(bob.id, blog.post(ann.id, "ann's").id)
    assert ids(blog.account_timeline(bob.id, viewer_id=cat.id).items) == [shared.id]
    blog.block(ann.id, cat.id)
    assert blog.account_timeline(bob.id, viewer_id=cat.id).items == ()


def test_account_timeline_pages_like_mastodon(blog: Microblog) -> None:
    (ann,) = people(blog, "ann")
    posts = [blog.post(ann.id, f"n{i}") for i in range(7)]
    newest_first = ids(reversed(posts))
    page = blog.account_timeline(ann.id, limit=3)
    assert ids(page.items) == newest_first[:3]
    assert (
        ids(blog.account_timeline(ann.id, limit=3, max_id=page.next_max_id).items)
        == (newest_first[3:6])
    )
    assert ids(blog.account_timeline(ann.id, limit=2, min_id=posts[1].id).items) == [
        posts[3].id,
        posts[2].id,
    ]
    assert (
        ids(blog.account_timeline(ann.id, limit=2, since_id=posts[1].id).items)
        == (newest_first[:2])
    )


def test_account_timeline_refuses_unknown_accounts_and_bad_arguments(blog: Microblog) -> None:
    (ann,) = people(blog, "ann")
    with pytest.raises(NotFoundError):
        blog.account_timeline(AccountId(999_999))
    with pytest.raises(NotFoundError):
        blog.account_timeline(ann.id, viewer_id=AccountId(999_999))
    with pytest.raises(ValidationError):
        blog.account_timeline(ann.id, limit=41)
    with pytest.raises(ValidationError):
        account_timeline(blog, ann.id, with_replies="yes")  # type: ignore[arg-type]


# -- hashtag timeline -----------------------------------------------------------


def test_hashtag_timeline_holds_public_posts_and_replies_but_no_reposts(blog: Microblog) -> None:
    ann, bob, cat = people(blog, "ann", "bob", "cat")
    tagged = blog.post(ann.id, "sunny #Weather")
    blog.post(ann.id, "unlisted #weather", visibility=Visibility.UNLISTED)
    blog.post(ann.id, "private #weather", visibility=Visibility.PRIVATE)
    reply = blog.reply(bob.id, tagged.id, "rain here #weather")
    blog.repost(cat.id, tagged.id, comment="#weather")
    for tag in ("weather", "#Weather", "WEATHER"):
        assert ids(blog.hashtag_timeline(tag).items) == [reply.id, tagged.id]


def test_hashtag_timeline_leaves_out_blocked_and_muted_accounts(blog: Microblog) -> None:
    ann, bob, cat, dan = people(blog, "ann", "bob", "cat", "dan")
    a = blog.post(ann.id, "#x one")
    b = blog.post(bob.id, "#x two")
    c = blog.post(cat.id, "#x three")
    blog.block(dan.id, ann.id)
    blog.block(bob.id, dan.id)
    blog.mute(dan.id, cat.id)
    assert blog.hashtag_timeline("x", viewer_id=dan.id).items == ()
    assert ids(blog.hashtag_timeline("x").items) == [c.id, b.id, a.id]


@pytest.mark.parametrize("tag", ["", "#", "  ", 7])
def test_empty_hashtags_are_refused(blog: Microblog, tag: Any) -> None:
    with pytest.raises(ValidationError):
        hashtag_timeline(blog, tag)


def test_hashtag_timeline_pages(blog: Microblog) -> None:
    (ann,) = people(blog, "ann")
    posts = [blog.post(ann.id, f"#p {i}") for i in range(90)]
    walked = walk(lambda **kw: blog.hashtag_timeline("p", **kw), 7)
    assert ids(walked) == ids(reversed(posts))
    page = blog.hashtag_timeline("p", limit=3, min_id=posts[10].id)
    assert ids(page.items) == [posts[13].id, posts[12].id, posts[11].id]


# -- mentions timeline ------------------------------------------------------------


def test_mentions_timeline_holds_what_the_account_may_see(blog: Microblog) -> None:
    ann, bob, cat = people(blog, "ann", "bob", "cat")
    hello = blog.post(bob.id, "hi @ann")
    private = blog.post(bob.id, "@ann between us", visibility=Visibility.PRIVATE)
    direct = blog.post(bob.id, "@ann dm", visibility=Visibility.DIRECT)
    blog.post(ann.id, "me, @ann")
    blog.post(cat.id, "about @bob")
    assert ids(blog.mentions_timeline(ann.id).items) == [direct.id, private.id, hello.id]


def test_mentions_leave_out_blocks_and_mutes_that_hide_notifications(blog: Microblog) -> None:
    ann, bob, cat, dan = people(blog, "ann", "bob", "cat", "dan")
    blog.post(bob.id, "@ann from bob")
    cat_post = blog.post(cat.id, "@ann from cat")
    blog.post(dan.id, "@ann from dan")
    blog.block(ann.id, bob.id)
    blog.mute(ann.id, cat.id)
    blog.mute(ann.id, dan.id, hide_notifications=True)
    assert ids(blog.mentions_timeline(ann.id).items) == [cat_post.id]


def test_an_expired_mute_no_longer_hides_mentions(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    mention = blog.post(bob.id, "@ann hi")
    blog.mute(ann.id, bob.id, hide_notifications=True, expires_at=blog.now() + timedelta(hours=1))
    assert blog.mentions_timeline(ann.id).items == ()
    clock = blog.clock
    assert isinstance(clock, ManualClock)
    clock.advance(timedelta(hours=2))
    assert ids(blog.mentions_timeline(ann.id).items) == [mention.id]


def test_mentions_of_an_unknown_account_are_not_found(blog: Microblog) -> None:
    with pytest.raises(NotFoundError):
        mentions_timeline(blog, AccountId(424242))


# -- public timeline ----------------------------------------------------------------


def test_public_timeline_is_public_originals_and_self_threads(blog: Microblog) -> None:
    ann, bob = people(blog, "ann", "bob")
    root = blog.post(ann.id, "1/2")
    own = blog.reply(ann.id, root.id, "2/2")
    blog.reply(bob.id, root.id, "nice")
    blog.repost(bob.id, root.id)
    blog.post(bob.id, "quiet", visibility=Visibility.UNLISTED)
    blog.post(bob.id, "fans", visibility=Visibility.PRIVATE)
    assert ids(blog.public_timeline().items) == [own.id, root.id]


def test_public_timeline_leaves_out_accounts_the_viewer_blocks_or_mutes(blog: Microblog) -> None:
    ann, bob, cat, dan = people(blog, "ann", "bob", "cat", "dan")
    blog.post(ann.id, "a")
    blog.post(bob.id, "b")
    c = blog.post(cat.id, "c")
    blog.mute(dan.id, ann.id)
    blog.block(bob.id, dan.id)
    assert ids(blog.public_timeline(viewer_id=dan.id).items) == [c.id]
    with pytest.raises(NotFoundError):
        public_timeline(blog, viewer_id=AccountId(5))


def test_public_timeline_pages(blog: Microblog) -> None:
    (ann,) = people(blog, "ann")
    posts = [blog.post(ann.id, f"p{i}") for i in range(50)]
    assert ids(walk(blog.public_timeline, 9)) == ids(reversed(posts))
    page = blog.public_timeline(limit=4, since_id=posts[40].id)
    assert ids(page.items) == ids(reversed(posts[46:]))


# -- visibility in every query ----------------------------------------------------


def _may_see(blog: Microblog, viewer: AccountId | None, post: Post) -> bool:
    with blog.unit_of_work(readonly=True) as uow:
        relations = uow.relations

        def sees(p: Post) -> bool:
            author = p.author_id
            if viewer == author:
                return True
            if viewer is not None and (
                relations.get_block(author, viewer) or relations.get_block(viewer, author)
            ):
                return False
            if p.visibility in (Visibility.PUBLIC, Visibility.UNLISTED):
                return True
            if viewer is None:
                return False
            if p.visibility is Visibility.PRIVATE and relations.get_follow(viewer, author):
                return True
            return viewer in p.mentions

        if not sees(post):
            return False
        if post.repost_of is None:
            return True
        root = uow.posts.find(post.repost_of.root_id)
        return root is not None and sees(root)


@given(histories)
def test_no_query_shows_a_post_the_viewer_may_not_see(history: tuple[list[bool], list[Op]]) -> None:
    locked, ops = history
    note(f"operations: {ops}")
    blogs = lockstep(("memory", "sqlite"), ("read",))
    try:
        blogs.play(locked, ops)
        viewers: list[AccountId | None] = [None, *blogs.accounts]
        pages: dict[str, list[list[int]]] = {}
        for name, blog in blogs:
            seen = pages.setdefault(name, [])
            for viewer in viewers:
                queries: list[Any] = [
                    lambda v=viewer, **kw: blog.public_timeline(viewer_id=v, **kw),  # noqa: B023
                    lambda v=viewer, **kw: blog.hashtag_timeline("tag0", viewer_id=v, **kw),  # noqa: B023
                ]
                for account in blogs.accounts:
                    for replies in (False, True):
                        queries.append(
                            lambda v=viewer, a=account, r=replies, **kw: blog.account_timeline(  # noqa: B023
                                a, viewer_id=v, with_replies=r, **kw
                            )
                        )
                if viewer is not None:
                    queries.append(lambda v=viewer, **kw: blog.mentions_timeline(v, **kw))  # noqa: B023
                    queries.append(lambda v=viewer, **kw: blog.home_timeline(v, **kw))  # noqa: B023
                for query in queries:
                    items = walk(query, 40)
                    seen.append(ids(items))
                    for post in items:
                        assert _may_see(blog, viewer, post), (name, viewer, post)
        first, *others = pages.values()
        assert all(other == first for other in others)
    finally:
        blogs.close()
