"""Edits with history (Mastodon, or Twitter's limits) and pinned posts."""

from datetime import timedelta

import pytest

from microblog_core import ManualClock
from microblog_core.errors import NotFoundError, PermissionDeniedError, TextTooLongError
from microblog_core.models import NotificationKind, PostEdited, Visibility
from microblog_core.rules.edits import TWITTER_EDITS, EditPolicy
from microblog_core.service import Microblog
from tests.service.conftest import tick


def test_an_edit_keeps_every_earlier_version_with_its_time(blog: Microblog) -> None:
    police = blog.register("police")
    notice = blog.post(police.id, "Road closed #traffic")
    tick(blog, 60)
    first = blog.edit_post(police.id, notice.id, "Road closed until 18:00 #traffic #roads")
    tick(blog, 60)
    blog.edit_post(police.id, notice.id, "Road open again", content_warning="update")
    history = blog.post_history(notice.id)
    assert [v.text for v in history] == [
        "Road closed #traffic",
        "Road closed until 18:00 #traffic #roads",
    ]
    assert history[0].written_at == notice.created_at
    assert (
        history[0].replaced_at == history[1].written_at == notice.created_at + timedelta(seconds=60)
    )
    assert first.tags == ("traffic", "roads")
    current = blog.get_post(notice.id)
    assert (current.text, current.content_warning, current.tags) == (
        "Road open again",
        "update",
        (),
    )
    assert blog.hashtag_timeline("traffic").items == ()


def test_a_repost_shows_the_current_version(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    notice = blog.post(police.id, "Road closed")
    repost = blog.repost(ann.id, notice.id)
    blog.edit_post(police.id, notice.id, "Road open")
    page = blog.account_timeline(ann.id)
    assert page.items[0].id == repost.id
    assert page.original(page.items[0]).text == "Road open"


def test_reposters_and_quoters_are_told_of_an_edit(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    bob = blog.register("bob")
    notice = blog.post(police.id, "Road closed")
    blog.repost(ann.id, notice.id)
    blog.post(bob.id, "look", quote_of=notice.id)
    events: list[object] = []
    blog.subscribe(events.append)
    blog.edit_post(police.id, notice.id, "Road open")
    assert [type(e) for e in events] == [PostEdited]
    for account in (ann, bob):
        latest = blog.notifications(account.id).items[0]
        assert (latest.kind, latest.post_id) == (NotificationKind.UPDATE, notice.id)


def test_an_edit_is_measured_again_and_only_by_the_author(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    notice = blog.post(police.id, "Road closed")
    with pytest.raises(TextTooLongError):
        blog.edit_post(police.id, notice.id, "x" * 300)
    with pytest.raises(PermissionDeniedError) as refused:
        blog.edit_post(ann.id, notice.id, "mine now")
    assert refused.value.rule == "not_author"
    assert blog.post_history(notice.id) == ()
    assert blog.get_post(notice.id).text == "Road closed"


def test_twitter_allows_five_edits_within_an_hour() -> None:
    clock = ManualClock()
    blog = Microblog.in_memory(clock=clock, edit_policy=TWITTER_EDITS)
    police = blog.register("police")
    notice = blog.post(police.id, "v0")
    for n in range(1, 6):
        blog.edit_post(police.id, notice.id, f"v{n}")
    with pytest.raises(PermissionDeniedError) as too_many:
        blog.edit_post(police.id, notice.id, "v6")
    assert too_many.value.rule == "edit_limit"
    late = blog.post(police.id, "late")
    clock.advance(timedelta(hours=1, seconds=1))
    with pytest.raises(PermissionDeniedError) as too_late:
        blog.edit_post(police.id, late.id, "later")
    assert too_late.value.rule == "edit_window"


def test_an_edit_policy_may_forbid_edits() -> None:
    blog = Microblog.in_memory(clock=ManualClock(), edit_policy=EditPolicy(allow=False))
    police = blog.register("police")
    notice = blog.post(police.id, "v0")
    with pytest.raises(PermissionDeniedError):
        blog.edit_post(police.id, notice.id, "v1")


def test_history_is_hidden_from_who_may_not_see_the_post(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    secret = blog.post(ann.id, "for followers", visibility=Visibility.PRIVATE)
    blog.edit_post(ann.id, secret.id, "still for followers")
    assert len(blog.post_history(secret.id, viewer_id=ann.id)) == 1
    with pytest.raises(NotFoundError):
        blog.post_history(secret.id, viewer_id=bob.id)


def test_pinned_posts_come_first_on_the_profile(blog: Microblog) -> None:
    police = blog.register("police")
    old = blog.post(police.id, "Standing notice")
    tick(blog)
    newer = blog.post(police.id, "News")
    tick(blog)
    newest = blog.post(police.id, "More news")
    blog.pin(police.id, old.id)
    assert blog.pin(police.id, old.id).post_id == old.id  # pinning again is a no-op
    page = blog.account_timeline(police.id)
    assert [p.id for p in page.items] == [old.id, newest.id, newer.id]
    assert page.next_max_id == old.id  # the cursor of the regular page below the pins
    later = blog.account_timeline(police.id, max_id=newest.id)
    assert [p.id for p in later.items] == [newer.id, old.id]
    assert blog.unpin(police.id, old.id) is True
    assert blog.unpin(police.id, old.id) is False
    assert [p.id for p in blog.account_timeline(police.id).items] == [newest.id, newer.id, old.id]


def test_only_your_own_public_or_unlisted_posts_up_to_the_limit(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    theirs = blog.post(ann.id, "hi")
    private = blog.post(police.id, "followers", visibility=Visibility.PRIVATE)
    repost = blog.repost(police.id, theirs.id)
    for post_id, rule in (
        (theirs.id, "not_author"),
        (private.id, "visibility"),
        (repost.id, "repost"),
    ):
        with pytest.raises(PermissionDeniedError) as refused:
            blog.pin(police.id, post_id)
        assert refused.value.rule == rule
    posts = [blog.post(police.id, f"notice {n}", visibility=Visibility.UNLISTED) for n in range(6)]
    for post in posts[:5]:
        blog.pin(police.id, post.id)
    with pytest.raises(PermissionDeniedError) as full:
        blog.pin(police.id, posts[5].id)
    assert full.value.rule == "pin_limit"
    assert len(blog.pinned_posts(police.id)) == 5


def test_the_pin_limit_is_configurable() -> None:
    blog = Microblog.in_memory(clock=ManualClock(), max_pins=1)
    police = blog.register("police")
    first, second = blog.post(police.id, "a"), blog.post(police.id, "b")
    blog.pin(police.id, first.id)
    with pytest.raises(PermissionDeniedError):
        blog.pin(police.id, second.id)


def test_pins_are_hidden_from_blocked_viewers_and_go_with_their_post(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    notice = blog.post(police.id, "Standing notice")
    blog.pin(police.id, notice.id)
    assert [p.id for p in blog.pinned_posts(police.id, viewer_id=ann.id)] == [notice.id]
    blog.block(police.id, ann.id)
    assert blog.pinned_posts(police.id, viewer_id=ann.id) == ()
    blog.edit_post(police.id, notice.id, "Standing notice, revised")
    blog.delete_post(police.id, notice.id)
    assert blog.pinned_posts(police.id) == ()
    with pytest.raises(NotFoundError):
        blog.post_history(notice.id)
