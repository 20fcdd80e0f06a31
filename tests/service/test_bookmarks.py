"""Bookmarks (Mastodon's): private to their owner, paged by bookmark, idempotent."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.models import Visibility
from microblog_core.service import Microblog
from tests.service.conftest import tick


def _all_pages(blog: Microblog, account: int, limit: int) -> list[int]:
    seen: list[int] = []
    cursor = None
    while True:
        page = blog.bookmarks(account, max_id=cursor, limit=limit)
        seen += [p.id for p in page.items]
        if page.next_max_id is None:
            return seen
        cursor = page.next_max_id


def test_bookmarks_page_newest_bookmark_first_not_newest_post(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    old, mid, new = (blog.post(bob.id, f"post {n}") for n in range(3))
    for post in (mid, new, old):  # bookmark order differs from post order
        tick(blog)
        assert blog.bookmark(ann.id, post.id) == post
    page = blog.bookmarks(ann.id)
    assert [p.id for p in page.items] == [old.id, new.id, mid.id]
    first = blog.bookmarks(ann.id, limit=2)
    assert [p.id for p in first.items] == [old.id, new.id]
    rest = blog.bookmarks(ann.id, max_id=first.next_max_id)
    assert [p.id for p in rest.items] == [mid.id]
    newer = blog.bookmarks(ann.id, min_id=rest.prev_min_id, limit=1)
    assert [p.id for p in newer.items] == [new.id]
    above = blog.bookmarks(ann.id, since_id=rest.prev_min_id, limit=1)
    assert [p.id for p in above.items] == [old.id]


def test_bookmarking_twice_is_idempotent_and_unbookmark_says_whether_it_removed(
    blog: Microblog,
) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    post = blog.post(bob.id, "keep this")
    blog.bookmark(ann.id, post.id)
    tick(blog)
    assert blog.bookmark(ann.id, post.id) == post
    assert [p.id for p in blog.bookmarks(ann.id).items] == [post.id]
    assert blog.unbookmark(ann.id, post.id) is True
    assert blog.unbookmark(ann.id, post.id) is False
    assert blog.bookmarks(ann.id).items == ()


def test_a_repost_is_bookmarked_as_its_original(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    cat = blog.register("cat")
    post = blog.post(bob.id, "original")
    repost = blog.repost(cat.id, post.id)
    assert blog.bookmark(ann.id, repost.id) == post
    assert [p.id for p in blog.bookmarks(ann.id).items] == [post.id]
    assert blog.unbookmark(ann.id, repost.id) is True


def test_bookmarks_are_private_to_their_owner(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    post = blog.post(bob.id, "hello")
    blog.bookmark(ann.id, post.id)
    assert blog.bookmarks(bob.id).items == ()
    assert blog.unbookmark(bob.id, post.id) is False
    assert [p.id for p in blog.bookmarks(ann.id).items] == [post.id]


def test_a_post_the_account_cannot_see_is_not_found(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    private = blog.post(bob.id, "followers only", visibility=Visibility.PRIVATE)
    with pytest.raises(NotFoundError):
        blog.bookmark(ann.id, private.id)
    assert blog.bookmarks(ann.id).items == ()


def test_a_bookmarked_post_the_owner_may_no_longer_see_is_left_out(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    first = blog.post(bob.id, "one")
    blog.bookmark(ann.id, first.id)
    blog.block(bob.id, ann.id)
    page = blog.bookmarks(ann.id)
    assert page.items == ()
    assert page.next_max_id is not None  # the cursor still steps over it
    blog.unblock(bob.id, ann.id)
    assert [p.id for p in blog.bookmarks(ann.id).items] == [first.id]


def test_deleting_a_post_removes_its_bookmarks(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    post = blog.post(bob.id, "soon gone")
    blog.bookmark(ann.id, post.id)
    blog.bookmark(bob.id, post.id)
    blog.delete_post(bob.id, post.id)
    assert blog.bookmarks(ann.id).items == ()
    assert blog.bookmarks(bob.id).items == ()


def test_bad_arguments_are_typed_errors(blog: Microblog) -> None:
    ann = blog.register("ann")
    with pytest.raises(ValidationError):
        blog.bookmarks(ann.id, limit=0)
    with pytest.raises(ValidationError):
        blog.bookmarks(ann.id, limit=41)
    with pytest.raises(ValidationError):
        blog.bookmarks(ann.id, max_id="x")  # type: ignore[arg-type]
    with pytest.raises(NotFoundError):
        blog.bookmarks(999)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        blog.bookmark(ann.id, "1")  # type: ignore[arg-type]


@settings(max_examples=30)
@given(
    picks=st.lists(st.tuples(st.integers(0, 2), st.integers(0, 5)), max_size=20),
    limit=st.integers(1, 5),
)
def test_bookmarks_never_show_to_another_account_and_pages_list_each_once(
    picks: list[tuple[int, int]], limit: int
) -> None:
    """For any bookmarks by three accounts, each reads its own, once, newest bookmark first."""
    blog = Microblog.in_memory(clock=ManualClock())
    people = [blog.register(f"user{n}").id for n in range(3)]
    posts = [blog.post(people[n % 3], f"post {n}").id for n in range(6)]
    expected: dict[int, list[int]] = {p: [] for p in people}
    for who, which in picks:
        tick(blog)
        account, post = people[who], posts[which]
        blog.bookmark(account, post)
        if post not in expected[account]:
            expected[account].append(post)
    for account in people:
        assert _all_pages(blog, account, limit) == expected[account][::-1]
