"""Keyword filters (Mastodon's filters v2): their use cases, and where they apply."""

from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.models import (
    FilterAction,
    FilterContext,
    FilterKeyword,
    NotificationKind,
    Visibility,
)
from microblog_core.rules import Placeholder
from microblog_core.service import Microblog
from microblog_core.timelines import TimelinePage
from tests.service.conftest import tick

WORDS = ("apple", "pear", "plum", "fig")


def _people(blog: Microblog) -> tuple[int, int]:
    ann = blog.register("ann").id
    bob = blog.register("bob").id
    blog.follow(ann, bob)
    return ann, bob


def _home_pages(blog: Microblog, viewer: int, limit: int) -> list[TimelinePage]:
    pages = []
    cursor = None
    while True:
        page = blog.home_timeline(viewer, limit=limit, max_id=cursor)
        pages.append(page)
        if page.next_max_id is None:
            return pages
        cursor = page.next_max_id


# --------------------------------------------------------------------------- use cases


def test_a_filter_is_created_listed_updated_and_deleted_by_its_owner(blog: Microblog) -> None:
    ann, bob = _people(blog)
    post = blog.post(bob, "news")
    created = blog.create_filter(
        ann,
        "Sport",
        contexts=("home", FilterContext.THREAD),
        action="hide",
        keywords=("goal", FilterKeyword(keyword="ball", whole_word=False)),
        post_ids=(post.id,),
        expires_in=timedelta(hours=1),
    )
    assert created.contexts == {FilterContext.HOME, FilterContext.THREAD}
    assert created.action is FilterAction.HIDE
    assert created.keywords == (
        FilterKeyword(keyword="goal"),
        FilterKeyword(keyword="ball", whole_word=False),
    )
    assert created.post_ids == (post.id,)
    assert created.expires_at == blog.now() + timedelta(hours=1)
    assert blog.filters(ann) == (created,)
    assert blog.get_filter(ann, created.id) == created
    assert blog.filters(bob) == ()
    with pytest.raises(NotFoundError):
        blog.get_filter(bob, created.id)
    updated = blog.update_filter(ann, created.id, title="Football", expires_in=None)
    assert (updated.title, updated.expires_at, updated.keywords) == (
        "Football",
        None,
        created.keywords,
    )
    with_kw = blog.add_filter_keyword(ann, created.id, "Penalty", whole_word=False)
    assert with_kw.keywords[-1] == FilterKeyword(keyword="Penalty", whole_word=False)
    assert blog.remove_filter_keyword(ann, created.id, "penalty") is True
    assert blog.remove_filter_keyword(ann, created.id, "penalty") is False
    other = blog.post(bob, "more")
    assert blog.add_filter_post(ann, created.id, other.id).post_ids == (post.id, other.id)
    assert blog.remove_filter_post(ann, created.id, post.id) is True
    assert blog.get_filter(ann, created.id).post_ids == (other.id,)
    assert blog.delete_filter(bob, created.id) is False
    assert blog.delete_filter(ann, created.id) is True
    assert blog.delete_filter(ann, created.id) is False
    assert blog.filters(ann) == ()


def test_bad_filters_are_refused_and_change_nothing(blog: Microblog) -> None:
    ann, bob = _people(blog)
    for kwargs in (
        {"contexts": ()},
        {"contexts": ("home", "inbox")},
        {"contexts": ("home",), "action": "mute"},
        {"contexts": ("home",), "keywords": ("  ",)},
        {"contexts": ("home",), "keywords": ("a", "A")},
        {"contexts": ("home",), "expires_in": -5},
        {"contexts": ("home",), "expires_in": 1e300},
        {"contexts": ("home",), "expires_in": timedelta(days=4_000_000)},
        {"contexts": ("home",), "expires_in": True},
    ):
        with pytest.raises(ValidationError):
            blog.create_filter(ann, "t", **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        blog.create_filter(ann, " ", contexts=("home",))
    with pytest.raises(NotFoundError):
        blog.create_filter(ann, "t", contexts=("home",), post_ids=(12345,))
    hidden = blog.post(bob, "secret", visibility=Visibility.DIRECT)
    with pytest.raises(NotFoundError):  # a post the owner cannot see cannot be named
        blog.create_filter(ann, "t", contexts=("home",), post_ids=(hidden.id,))
    assert blog.filters(ann) == ()
    made = blog.create_filter(ann, "t", contexts=("home",), keywords=("x",))
    with pytest.raises(ValidationError):
        blog.add_filter_keyword(ann, made.id, "X")
    with pytest.raises(NotFoundError):
        blog.update_filter(bob, made.id, title="mine now")
    assert blog.filters(ann) == (made,)


def test_deleting_a_post_takes_it_out_of_filters(blog: Microblog) -> None:
    ann, bob = _people(blog)
    post = blog.post(bob, "gone soon")
    made = blog.create_filter(ann, "t", contexts=("home",), post_ids=(post.id,))
    blog.delete_post(bob, post.id)
    assert blog.get_filter(ann, made.id).post_ids == ()


# --------------------------------------------------------------------------- application


def test_warn_marks_home_items_with_the_filter_and_the_keywords(blog: Microblog) -> None:
    ann, bob = _people(blog)
    plain = blog.post(bob, "a sunny day")
    tick(blog)
    hit = blog.post(bob, "Apple and pear pie", content_warning="food")
    made = blog.create_filter(ann, "fruit", contexts=("home",), keywords=("pear", "apple", "fig"))
    page = blog.home_timeline(ann)
    assert [p.id for p in page.items] == [hit.id, plain.id]
    ((result,),) = page.filtered.values()
    assert set(page.filtered) == {hit.id}
    assert result.filter == made
    assert result.keyword_matches == ("pear", "apple")


def test_hide_removes_matched_items_and_the_cursor_steps_over_them(blog: Microblog) -> None:
    ann, bob = _people(blog)
    kept = blog.post(bob, "fine")
    tick(blog)
    blog.post(bob, "spoiler: the end")
    blog.create_filter(ann, "spoilers", contexts=("home",), action="hide", keywords=("spoiler",))
    page = blog.home_timeline(ann, limit=1)
    assert page.items == ()
    assert page.next_max_id is not None
    assert [p.id for p in blog.home_timeline(ann, max_id=page.next_max_id).items] == [kept.id]


def test_the_ranked_home_feed_hides_and_marks_as_the_home_timeline_does(
    blog: Microblog,
) -> None:
    ann, bob = _people(blog)
    plain = blog.post(bob, "a sunny day")
    tick(blog)
    warned = blog.post(bob, "pear season")
    tick(blog)
    hidden = blog.post(bob, "spoiler: the end")
    tick(blog)
    repost_of_hidden = blog.repost(ann, hidden.id)  # her own repost of bob's post
    blog.create_filter(ann, "fruit", contexts=("home",), keywords=("pear",))
    blog.create_filter(ann, "spoilers", contexts=("home",), action="hide", keywords=("spoiler",))
    blog.create_filter(ann, "elsewhere", contexts=("public",), action="hide", keywords=("sunny",))
    unfiltered = {item.post.id for item in blog.ranked_timeline(bob).items}
    page = blog.ranked_timeline(ann, limit=40)
    shown = {item.post.id for item in page.items}
    assert plain.id in shown and warned.id in shown
    assert hidden.id not in shown
    assert repost_of_hidden.id not in shown  # matched on its original's text
    assert set(page.filtered) == {warned.id}
    ((result,),) = page.filtered.values()
    assert result.keyword_matches == ("pear",)
    assert hidden.repost_of is None and hidden.id not in page.roots
    assert blog.ranked_timeline(bob).items  # bob has no filters: his feed is as it was
    assert {item.post.id for item in blog.ranked_timeline(bob).items} == unfiltered


def test_a_list_timeline_hides_and_marks_as_home_does(blog: Microblog) -> None:
    ann, bob = _people(blog)
    plain = blog.post(bob, "a sunny day")
    tick(blog)
    warned = blog.post(bob, "pear season")
    tick(blog)
    blog.post(bob, "spoiler: the end")
    friends = blog.create_list(ann, "Friends")
    blog.add_to_list(ann, friends.id, [bob])
    assert len(blog.list_timeline(ann, friends.id).items) == 3
    blog.create_filter(ann, "fruit", contexts=("home",), keywords=("pear",))
    blog.create_filter(ann, "spoilers", contexts=("home",), action="hide", keywords=("spoiler",))
    page = blog.list_timeline(ann, friends.id)
    assert [p.id for p in page.items] == [warned.id, plain.id]
    assert set(page.filtered) == {warned.id}


def test_a_filter_applies_only_in_its_contexts(blog: Microblog) -> None:
    ann, bob = _people(blog)
    post = blog.post(bob, "apple #fruit")
    blog.create_filter(ann, "f", contexts=("public",), action="hide", keywords=("apple",))
    assert [p.id for p in blog.home_timeline(ann).items] == [post.id]
    assert [p.id for p in blog.account_timeline(bob, viewer_id=ann).items] == [post.id]
    assert blog.public_timeline(viewer_id=ann).items == ()
    assert blog.hashtag_timeline("fruit", viewer_id=ann).items == ()
    assert [p.id for p in blog.public_timeline(viewer_id=bob).items] == [post.id]
    assert [p.id for p in blog.public_timeline().items] == [post.id]


def test_the_account_context_covers_pinned_posts(blog: Microblog) -> None:
    ann, bob = _people(blog)
    post = blog.post(bob, "apple notice")
    blog.pin(bob, post.id)
    blog.create_filter(ann, "f", contexts=("account",), action="hide", keywords=("apple",))
    assert blog.account_timeline(bob, viewer_id=ann).items == ()
    assert [p.id for p in blog.account_timeline(bob, viewer_id=bob).items] == [post.id]


def test_own_posts_are_never_filtered(blog: Microblog) -> None:
    ann, _bob = _people(blog)
    mine = blog.post(ann, "apple")
    blog.create_filter(ann, "f", contexts=("home", "account"), action="hide", keywords=("apple",))
    assert [p.id for p in blog.home_timeline(ann).items] == [mine.id]
    assert [p.id for p in blog.account_timeline(ann, viewer_id=ann).items] == [mine.id]


def test_a_repost_is_matched_on_its_originals_text(blog: Microblog) -> None:
    ann, bob = _people(blog)
    cat = blog.register("cat").id
    original = blog.post(cat, "apple harvest")
    repost = blog.repost(bob, original.id)
    made = blog.create_filter(ann, "f", contexts=("home",), keywords=("apple",))
    page = blog.home_timeline(ann)
    assert [p.id for p in page.items] == [repost.id]
    assert page.filtered[repost.id][0].filter == made
    assert page.original(page.items[0]) == original


def test_a_filter_naming_a_post_matches_it_and_its_reposts(blog: Microblog) -> None:
    ann, bob = _people(blog)
    cat = blog.register("cat").id
    original = blog.post(cat, "nothing special")
    repost = blog.repost(bob, original.id)
    blog.create_filter(ann, "f", contexts=("home",), post_ids=(original.id,))
    page = blog.home_timeline(ann)
    assert page.filtered[repost.id][0].status_matches == (original.id,)
    assert page.filtered[repost.id][0].keyword_matches == ()


def test_an_expired_filter_stops_applying(blog: Microblog) -> None:
    ann, bob = _people(blog)
    post = blog.post(bob, "apple")
    blog.create_filter(
        ann, "f", contexts=("home",), action="hide", keywords=("apple",), expires_in=60
    )
    assert blog.home_timeline(ann).items == ()
    tick(blog, 59)
    assert blog.home_timeline(ann).items == ()
    tick(blog, 1)
    assert [p.id for p in blog.home_timeline(ann).items] == [post.id]


def test_the_thread_view_hides_with_a_placeholder_and_marks_warnings(blog: Microblog) -> None:
    ann, bob = _people(blog)
    root = blog.post(ann, "what fruit?")
    hidden = blog.reply(bob, root.id, "apple, obviously")
    warned = blog.reply(bob, root.id, "a fig")
    blog.create_filter(ann, "h", contexts=("thread",), action="hide", keywords=("apple",))
    made = blog.create_filter(ann, "w", contexts=("thread",), keywords=("fig",))
    view = blog.thread(root.id, viewer_id=ann)
    nodes = {n.post_id: n for n in view.flatten()}
    assert nodes[hidden.id].placeholder is Placeholder.FILTERED
    assert nodes[hidden.id].post is None
    assert nodes[warned.id].post == warned
    assert [r.filter for r in view.filtered[warned.id]] == [made]
    assert set(view.filtered) == {warned.id}
    plain = blog.thread(root.id, viewer_id=bob)
    assert {n.post_id: n.placeholder for n in plain.flatten()}[hidden.id] is None


def test_notifications_about_a_matched_post_are_hidden_or_marked(blog: Microblog) -> None:
    ann, bob = _people(blog)
    noisy = blog.post(bob, "@ann apple time")
    quiet = blog.post(bob, "@ann a fig")
    blog.follow(bob, ann)
    blog.create_filter(ann, "h", contexts=("notifications",), action="hide", keywords=("apple",))
    made = blog.create_filter(ann, "w", contexts=("notifications",), keywords=("fig",))
    page = blog.notifications(ann)
    assert {(n.kind, n.post_id) for n in page.items} == {
        (NotificationKind.MENTION, quiet.id),
        (NotificationKind.FOLLOW, None),
    }
    assert [r.filter for r in page.filtered[quiet.id]] == [made]
    grouped = blog.notifications(ann, grouped=True)
    assert noisy.id not in {g.post_id for g in grouped.groups}
    assert set(grouped.filtered) == {quiet.id}


# --------------------------------------------------------------------------- properties

texts = st.lists(
    st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map(" ".join), max_size=12
)


@settings(max_examples=25)
@given(
    posts=texts,
    keywords=st.sets(st.sampled_from(WORDS), min_size=1, max_size=2),
    action=st.sampled_from(FilterAction),
    limit=st.integers(1, 5),
)
def test_hide_leaves_no_match_and_warn_marks_exactly_the_matches(
    posts: list[str], keywords: set[str], action: FilterAction, limit: int
) -> None:
    """Over every page of home: hide leaves no matched item; warn marks each match and no other."""
    blog = Microblog.in_memory(clock=ManualClock())
    ann, bob = _people(blog)
    made = [blog.post(bob, text) for text in posts]
    blog.create_filter(ann, "f", contexts=("home",), action=action, keywords=sorted(keywords))
    matched = {p.id for p in made if set(p.text.split()) & keywords}
    shown: list[int] = []
    for page in _home_pages(blog, ann, limit):
        shown += [p.id for p in page.items]
        if action is FilterAction.HIDE:
            assert not matched & {p.id for p in page.items}
            assert not page.filtered
        else:
            assert set(page.filtered) == matched & {p.id for p in page.items}
            for pid, (result,) in page.filtered.items():
                text = next(p.text for p in made if p.id == pid)
                assert set(result.keyword_matches) == set(text.split()) & keywords
    expected = [p.id for p in reversed(made)]
    if action is FilterAction.HIDE:
        expected = [pid for pid in expected if pid not in matched]
    assert shown == expected


@settings(max_examples=20)
@given(posts=texts, lifetime=st.integers(1, 100), later=st.integers(0, 200))
def test_a_hide_filter_applies_until_it_expires_and_never_after(
    posts: list[str], lifetime: int, later: int
) -> None:
    blog = Microblog.in_memory(clock=ManualClock())
    ann, bob = _people(blog)
    made = [blog.post(bob, text) for text in posts]
    blog.create_filter(
        ann, "f", contexts=("home",), action="hide", keywords=("apple",), expires_in=lifetime
    )
    tick(blog, later)
    shown = {p.id for page in _home_pages(blog, ann, 40) for p in page.items}
    matched = {p.id for p in made if "apple" in p.text.split()}
    if later < lifetime:
        assert shown == {p.id for p in made} - matched
    else:
        assert shown == {p.id for p in made}


def test_a_home_page_and_its_filters_are_read_through_one_unit(blog: Microblog) -> None:
    """home_timeline reads the page and the viewer's filters in one read-only unit (one
    transaction, one snapshot), and gives what filtering the page afterwards gives."""
    ann, bob = _people(blog)
    blog.post(bob, "a sunny day")
    tick(blog)
    blog.post(bob, "spoiler: the end")
    blog.create_filter(ann, "spoilers", contexts=("home",), action="hide", keywords=("spoiler",))
    opened: list[bool] = []
    factory = blog._unit_of_work

    def counting(*, readonly: bool = False) -> Any:
        opened.append(readonly)
        return factory(readonly=readonly)

    blog._unit_of_work = counting  # type: ignore[method-assign]
    try:
        page = blog.home_timeline(ann)
    finally:
        blog._unit_of_work = factory  # type: ignore[method-assign]
    assert opened == [True]
    unfiltered = blog.timeline.home(blog, ann)
    assert page == blog.filter_page(unfiltered, ann, FilterContext.HOME)
    assert [p.text for p in page.items] == ["a sunny day"]
