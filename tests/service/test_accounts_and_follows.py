"""Use cases of accounts and the follow graph, on both adapters."""

from datetime import timedelta

import pytest

from microblog_core.errors import (
    DuplicateHandleError,
    InvalidHandleError,
    NotFoundError,
    PermissionDeniedError,
    TextTooLongError,
    ValidationError,
)
from microblog_core.models import (
    AccountKind,
    AccountRegistered,
    Follow,
    Followed,
    FollowRequest,
    FollowRequested,
    Unfollowed,
)
from tests.service.conftest import tick
from tests.service.snapshot import snapshot


def test_register_returns_account_and_event(blog):
    seen = []
    blog.subscribe(seen.append)
    police = blog.register("CityPolice", kind=AccountKind.ORGANISATION, verified=True)
    assert police.is_organisation and police.verified
    assert blog.get_account(police.id) == police
    assert [type(e) for e in seen] == [AccountRegistered]


def test_handles_unique_case_insensitively(blog):
    blog.register("Alice")
    with pytest.raises(DuplicateHandleError):
        blog.register("ALICE")
    assert blog.account_by_handle("aLiCe").handle == "Alice"


def test_handle_rules_enforced(blog):
    for bad in ("", "has space", "way_too_long_handle_x", "émile"):
        with pytest.raises(InvalidHandleError):
            blog.register(bad)


def test_profile_limits(blog):
    with pytest.raises(TextTooLongError) as info:
        blog.register("bob", bio="x" * 161)
    assert info.value.field == "bio"
    assert info.value.limit == 160


def test_update_profile_changes_only_given_fields(blog):
    bob = blog.register("bob", display_name="Bob")
    updated = blog.update_profile(bob.id, bio="hello")
    assert (updated.display_name, updated.bio) == ("Bob", "hello")
    blog.register("carol")
    with pytest.raises(DuplicateHandleError):
        blog.update_profile(bob.id, handle="CAROL")
    assert blog.get_account(bob.id).handle == "bob"


def test_unknown_ids_raise_not_found(blog):
    with pytest.raises(NotFoundError):
        blog.get_account(12345)
    with pytest.raises(NotFoundError):
        blog.follow(12345, 67890)
    with pytest.raises(NotFoundError):
        blog.account_by_handle("nobody")


def test_follow_and_counters(blog):
    a, b = blog.register("a"), blog.register("b")
    follow = blog.follow(a.id, b.id, notify=True)
    assert isinstance(follow, Follow)
    assert blog.account_counters(b.id).followers == 1
    assert blog.account_counters(a.id).following == 1
    rel = blog.relationship(a.id, b.id)
    assert rel.following and rel.notifying and rel.showing_reposts and not rel.followed_by


def test_refollow_only_updates_options(blog):
    a, b = blog.register("a"), blog.register("b")
    first = blog.follow(a.id, b.id)
    tick(blog)
    again = blog.follow(a.id, b.id, show_reposts=False, languages=["en"])
    assert again.created_at == first.created_at
    assert not again.show_reposts and again.languages == ("en",)
    assert blog.account_counters(b.id).followers == 1


def test_self_follow_refused(blog):
    a = blog.register("a")
    with pytest.raises(PermissionDeniedError) as info:
        blog.follow(a.id, a.id)
    assert info.value.rule == "self_follow"


def test_locked_account_gets_requests(blog):
    a, locked = blog.register("a"), blog.register("locked", locked=True)
    events = []
    blog.subscribe(events.append)
    request = blog.follow(a.id, locked.id)
    assert isinstance(request, FollowRequest)
    assert [type(e) for e in events] == [FollowRequested]
    assert blog.relationship(a.id, locked.id).requested
    assert [x.id for x in blog.follow_requests(locked.id).items] == [a.id]
    follow = blog.approve_follow(locked.id, a.id)
    assert follow.follower_id == a.id
    assert blog.account_counters(locked.id).followers == 1
    assert not blog.relationship(a.id, locked.id).requested


def test_reject_follow(blog):
    a, locked = blog.register("a"), blog.register("locked", locked=True)
    blog.follow(a.id, locked.id)
    blog.reject_follow(locked.id, a.id)
    assert not blog.relationship(a.id, locked.id).requested
    with pytest.raises(NotFoundError):
        blog.approve_follow(locked.id, a.id)


def test_unlocking_approves_pending_requests(blog):
    locked = blog.register("locked", locked=True)
    fans = [blog.register(f"fan{i}") for i in range(3)]
    for fan in fans:
        blog.follow(fan.id, locked.id)
    blog.update_profile(locked.id, locked=False)
    assert blog.account_counters(locked.id).followers == 3


def test_unfollow_and_remove_follower_idempotent(blog):
    a, b = blog.register("a"), blog.register("b")
    blog.follow(a.id, b.id)
    events = []
    blog.subscribe(events.append)
    assert blog.unfollow(a.id, b.id)
    assert not blog.unfollow(a.id, b.id)
    assert [type(e) for e in events] == [Unfollowed]
    blog.follow(b.id, a.id)
    assert blog.remove_follower(a.id, b.id)
    assert blog.account_counters(a.id).followers == 0


def test_block_cuts_follows_both_ways_and_rejects_requests(blog):
    a, b = blog.register("a"), blog.register("b", locked=True)
    blog.follow(b.id, a.id)
    blog.follow(a.id, b.id)  # a request: b is locked
    blog.block(b.id, a.id)
    rel = blog.relationship(a.id, b.id)
    assert not rel.following and not rel.followed_by and not rel.requested and rel.blocked_by
    assert blog.account_counters(a.id).followers == 0
    with pytest.raises(PermissionDeniedError) as info:
        blog.follow(a.id, b.id)
    assert info.value.rule == "blocked"
    with pytest.raises(PermissionDeniedError):
        blog.follow(b.id, a.id)
    assert blog.unblock(b.id, a.id)
    assert isinstance(blog.follow(b.id, a.id), Follow)


def test_self_block_and_self_mute_refused(blog):
    a = blog.register("a")
    with pytest.raises(PermissionDeniedError) as info:
        blog.block(a.id, a.id)
    assert info.value.rule == "self_block"
    with pytest.raises(PermissionDeniedError) as info:
        blog.mute(a.id, a.id)
    assert info.value.rule == "self_mute"


def test_mute_with_expiry(blog):
    a, b = blog.register("a"), blog.register("b")
    blog.mute(a.id, b.id, expires_at=blog.now() + timedelta(hours=1), hide_notifications=True)
    rel = blog.relationship(a.id, b.id)
    assert rel.muting and rel.muting_notifications
    tick(blog, 3601)
    assert not blog.relationship(a.id, b.id).muting
    with pytest.raises(ValidationError):
        blog.mute(a.id, b.id, expires_at=blog.now() - timedelta(seconds=1))
    assert blog.unmute(a.id, b.id)
    assert not blog.unmute(a.id, b.id)


def test_followers_and_following_pages(blog):
    star = blog.register("star")
    fans = [blog.register(f"fan{i}") for i in range(5)]
    for fan in fans:
        blog.follow(fan.id, star.id)
    first = blog.followers(star.id, limit=2)
    assert [a.id for a in first.items] == sorted(f.id for f in fans)[:2]
    rest = blog.followers(star.id, after=first.next_after, limit=10)
    assert [a.id for a in rest.items] == sorted(f.id for f in fans)[2:]
    assert rest.next_after is None
    assert [a.id for a in blog.following(fans[0].id).items] == [star.id]
    with pytest.raises(ValidationError):
        blog.followers(star.id, limit=0)


def test_failed_follow_changes_nothing(blog):
    a, b = blog.register("a"), blog.register("b")
    blog.block(a.id, b.id)
    before = snapshot(blog)
    with pytest.raises(PermissionDeniedError):
        blog.follow(b.id, a.id)
    assert snapshot(blog) == before


def test_followed_event_after_commit(blog):
    a, b = blog.register("a"), blog.register("b")
    events = []
    blog.subscribe(events.append)
    blog.follow(a.id, b.id)
    assert isinstance(events[-1], Followed)
