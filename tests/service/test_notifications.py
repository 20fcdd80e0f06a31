"""Notifications: produced with their cause, removed with it, filtered, grouped and paged."""

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import NotFoundError, ValidationError
from microblog_core.models import (
    AccountKind,
    FollowRequestWithdrawn,
    NotificationKind,
    NotificationPolicy,
    PolicyAction,
    Visibility,
)
from microblog_core.service import Microblog
from microblog_core.timelines.notifications import NotificationPage
from tests.service.conftest import tick

K = NotificationKind


def kinds(page: NotificationPage) -> list[tuple[str, int]]:
    return [(n.kind.value, n.from_account_id) for n in page.items]


def test_a_post_notifies_mentioned_accounts_and_the_replied_to_author(blog: Microblog) -> None:
    police = blog.register("police", kind=AccountKind.ORGANISATION)
    ann = blog.register("ann")
    bob = blog.register("bob")
    notice = blog.post(police.id, "Road closed, thanks @ann")
    tick(blog)
    reply = blog.reply(bob.id, notice.id, "which road?")
    mention_reply = blog.reply(ann.id, notice.id, "@police thanks")
    assert kinds(blog.notifications(ann.id)) == [("mention", police.id)]
    page = blog.notifications(police.id)
    assert kinds(page) == [("mention", ann.id), ("reply", bob.id)]
    assert [n.post_id for n in page.items] == [mention_reply.id, reply.id]


def test_reposts_likes_quotes_and_follows_notify_their_target(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    blog.follow(ann.id, police.id)
    notice = blog.post(police.id, "Notice")
    blog.like(ann.id, notice.id)
    blog.repost(ann.id, notice.id)
    quote = blog.post(ann.id, "see this", quote_of=notice.id)
    assert kinds(blog.notifications(police.id)) == [
        ("quote", ann.id),
        ("reblog", ann.id),
        ("favourite", ann.id),
        ("follow", ann.id),
    ]
    assert blog.notifications(police.id).items[0].post_id == quote.id


def test_withdrawing_a_cause_removes_its_notification(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    notice = blog.post(police.id, "Notice")
    blog.like(ann.id, notice.id)
    blog.repost(ann.id, notice.id)
    blog.unlike(ann.id, notice.id)
    assert kinds(blog.notifications(police.id)) == [("reblog", ann.id)]
    blog.unrepost(ann.id, notice.id)
    assert kinds(blog.notifications(police.id)) == []
    mention = blog.post(ann.id, "hey @police")
    blog.like(ann.id, notice.id)
    blog.delete_post(ann.id, mention.id)
    blog.delete_post(police.id, notice.id)
    assert kinds(blog.notifications(police.id)) == []


def test_follow_requests_notify_until_answered(blog: Microblog) -> None:
    """An answered request leaves nothing: Mastodon's authorize! makes no follow notification."""
    police = blog.register("police", locked=True)
    ann = blog.register("ann")
    bob = blog.register("bob")
    blog.follow(ann.id, police.id)
    blog.follow(bob.id, police.id)
    assert {k for k, _ in kinds(blog.notifications(police.id))} == {"follow_request"}
    blog.approve_follow(police.id, ann.id)
    assert kinds(blog.notifications(police.id)) == [("follow_request", bob.id)]
    blog.reject_follow(police.id, bob.id)
    assert kinds(blog.notifications(police.id)) == []
    assert blog.unread_notifications(police.id) == 0


def test_a_withdrawn_follow_request_takes_its_notification_with_it(blog: Microblog) -> None:
    """Unfollowing a pending request removes its follow_request (Mastodon's UnfollowService)."""
    police = blog.register("police", locked=True)
    ann = blog.register("ann")
    bob = blog.register("bob")
    blog.follow(ann.id, police.id)
    blog.follow(bob.id, police.id)
    events: list[object] = []
    blog.subscribe(events.append)
    assert blog.unfollow(ann.id, police.id)
    assert [type(e) for e in events] == [FollowRequestWithdrawn]
    assert kinds(blog.notifications(police.id)) == [("follow_request", bob.id)]
    blog.follow(ann.id, police.id)  # asking again notifies again, once
    assert sorted(kinds(blog.notifications(police.id))) == sorted(
        [("follow_request", ann.id), ("follow_request", bob.id)]
    )


def test_unlocking_approves_pending_requests_without_follow_notifications(
    blog: Microblog,
) -> None:
    police = blog.register("police", locked=True)
    ann = blog.register("ann")
    blog.follow(ann.id, police.id)
    blog.update_profile(police.id, locked=False)
    assert blog.relationship(police.id, ann.id).followed_by
    assert kinds(blog.notifications(police.id)) == []


def test_an_unfollow_removes_the_follow_notification(blog: Microblog) -> None:
    """Mastodon's Follow destroys its notification with itself; following again notifies anew."""
    police = blog.register("police")
    ann = blog.register("ann")
    blog.follow(ann.id, police.id)
    blog.unfollow(ann.id, police.id)
    assert kinds(blog.notifications(police.id)) == []
    blog.follow(ann.id, police.id)
    blog.remove_follower(police.id, ann.id)
    assert kinds(blog.notifications(police.id)) == []
    blog.follow(ann.id, police.id)
    assert kinds(blog.notifications(police.id)) == [("follow", ann.id)]


def test_follow_with_notify_brings_new_posts(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    bob = blog.register("bob")
    blog.follow(ann.id, police.id, notify=True)
    blog.follow(bob.id, police.id)
    notice = blog.post(police.id, "Notice")
    blog.reply(police.id, notice.id, "update: reopened")  # a self-reply notifies too
    blog.reply(police.id, blog.post(bob.id, "hi").id, "hello")  # a reply to others does not
    assert [k for k, _ in kinds(blog.notifications(ann.id))] == ["status", "status"]
    assert kinds(blog.notifications(bob.id)) == [("reply", police.id)]


def test_no_notification_from_blocked_or_notification_muted_accounts(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    bob = blog.register("bob")
    cat = blog.register("cat")
    notice = blog.post(police.id, "Notice")
    blog.like(ann.id, notice.id)
    blog.block(police.id, ann.id)
    blog.mute(police.id, bob.id, hide_notifications=True)
    blog.mute(police.id, cat.id)
    blog.like(bob.id, notice.id)
    blog.like(cat.id, notice.id)
    assert kinds(blog.notifications(police.id)) == [("favourite", cat.id)]


def test_a_post_the_recipient_may_not_see_notifies_nobody(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    cat = blog.register("cat")
    root = blog.post(ann.id, "hello")
    blog.reply(bob.id, root.id, "@cat between us", visibility=Visibility.DIRECT)
    assert kinds(blog.notifications(ann.id)) == []
    assert kinds(blog.notifications(cat.id)) == [("mention", bob.id)]


def test_a_notification_whose_post_became_invisible_is_not_shown(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    blog.follow(bob.id, ann.id, notify=True)
    blog.post(ann.id, "followers only", visibility=Visibility.PRIVATE)
    assert [k for k, _ in kinds(blog.notifications(bob.id))] == ["status"]
    blog.unfollow(bob.id, ann.id)
    assert kinds(blog.notifications(bob.id)) == []


def test_grouped_notifications_count_and_sample_accounts(blog: Microblog) -> None:
    police = blog.register("police")
    fans = [blog.register(f"fan{i}") for i in range(5)]
    notice = blog.post(police.id, "Notice")
    for fan in fans:
        blog.like(fan.id, notice.id)
        blog.follow(fan.id, police.id)
    blog.post(fans[0].id, "@police one")
    blog.post(fans[1].id, "@police two")
    page = blog.notifications(police.id, grouped=True)
    assert [(g.kind, g.count) for g in page.groups] == [
        (K.MENTION, 1),
        (K.MENTION, 1),
        (K.FOLLOW, 5),
        (K.LIKE, 5),
    ]
    assert page.groups[2].sample_account_ids == tuple(f.id for f in reversed(fans))
    assert page.items == ()


def test_likes_twelve_hours_apart_fall_in_two_groups(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    bob = blog.register("bob")
    notice = blog.post(police.id, "Notice")
    blog.like(ann.id, notice.id)
    tick(blog, 13 * 3600)
    blog.like(bob.id, notice.id)
    groups = blog.notifications(police.id, grouped=True).groups
    assert [(g.kind, g.count) for g in groups] == [(K.LIKE, 1), (K.LIKE, 1)]


def test_paging_with_max_since_and_min_id(blog: Microblog) -> None:
    police = blog.register("police")
    fans = [blog.register(f"fan{i}") for i in range(7)]
    for fan in fans:
        blog.follow(fan.id, police.id)
    everything = blog.notifications(police.id).items
    first = blog.notifications(police.id, limit=3)
    assert first.items == everything[:3]
    second = blog.notifications(police.id, limit=3, max_id=first.next_max_id)
    assert second.items == everything[3:6]
    newer = blog.notifications(police.id, limit=2, min_id=second.prev_min_id)
    assert newer.items == everything[1:3]
    since = blog.notifications(police.id, limit=2, since_id=everything[3].id)
    assert since.items == everything[:2]
    grouped = blog.notifications(police.id, grouped=True, limit=1)
    assert grouped.groups[0].count == 7
    assert grouped.next_max_id == everything[0].id


def test_the_read_marker_counts_what_is_unread(blog: Microblog) -> None:
    police = blog.register("police")
    fans = [blog.register(f"fan{i}") for i in range(4)]
    for fan in fans:
        blog.follow(fan.id, police.id)
    items = blog.notifications(police.id).items
    assert blog.unread_notifications(police.id) == 4
    assert blog.mark_notifications_read(police.id, items[1].id) == 1
    assert blog.mark_notifications_read(police.id, items[3].id) == 1  # never moves back
    assert blog.notifications(police.id).unread == 1


def test_bad_arguments_and_unknown_accounts(blog: Microblog) -> None:
    ann = blog.register("ann")
    with pytest.raises(NotFoundError):
        blog.notifications(999)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        blog.notifications(ann.id, limit=0)
    with pytest.raises(ValidationError):
        blog.notifications(ann.id, max_id=-1)
    with pytest.raises(ValidationError):
        blog.mark_notifications_read(ann.id, "x")  # type: ignore[arg-type]


def test_notifications_survive_reopening_a_sqlite_file(tmp_path: object) -> None:
    path = f"{tmp_path}/blog.db"
    clock = ManualClock()
    with Microblog.sqlite(path, clock=clock) as blog:
        police = blog.register("police")
        ann = blog.register("ann")
        bob = blog.register("bob")
        blog.follow(ann.id, police.id)
    with Microblog.sqlite(path, clock=clock) as blog:
        blog.follow(bob.id, police.id)  # a fresh service, same instant: no id is reused
        assert [n.from_account_id for n in blog.notifications(police.id).items] == [
            bob.id,
            ann.id,
        ]


@settings(max_examples=25, deadline=None)
@given(
    ops=st.lists(
        st.tuples(
            st.sampled_from(["like", "unlike", "repost", "unrepost", "follow", "unfollow"]),
            st.integers(0, 3),
        ),
        max_size=25,
    )
)
def test_counts_equal_a_recount_of_the_causes(ops: list[tuple[str, int]]) -> None:
    """After any likes, reposts, follows and their withdrawals, each group counts its causes."""
    blog = Microblog.in_memory(clock=ManualClock())
    police = blog.register("police")
    fans = [blog.register(f"fan{i}") for i in range(4)]
    notice = blog.post(police.id, "Notice")
    for op, who in ops:
        fan = fans[who].id
        if op == "like":
            if not _likes(blog, fan, notice.id):
                blog.like(fan, notice.id)
        elif op == "unlike":
            blog.unlike(fan, notice.id)
        elif op == "repost":
            if all(r.author_id != fan for r in blog.reposts(notice.id)):
                blog.repost(fan, notice.id)
        elif op == "unrepost":
            blog.unrepost(fan, notice.id)
        elif op == "unfollow":
            blog.unfollow(fan, police.id)
        else:
            blog.follow(fan, police.id)
    counts = {g.kind: g.count for g in blog.notifications(police.id, grouped=True).groups}
    assert counts.get(K.LIKE, 0) == blog.post_counters(notice.id).likes
    assert counts.get(K.REPOST, 0) == blog.post_counters(notice.id).reposts
    assert counts.get(K.FOLLOW, 0) == blog.account_counters(police.id).followers


def _likes(blog: Microblog, account: int, post: int) -> bool:
    return any(a.id == account for a in blog.likes(post).items)


def test_a_fresh_clock_after_twelve_hours_keeps_groups_apart() -> None:
    clock = ManualClock()
    blog = Microblog.in_memory(clock=clock)
    police = blog.register("police")
    ann = blog.register("ann")
    blog.follow(ann.id, police.id)
    clock.advance(timedelta(hours=12))
    bob = blog.register("bob")
    blog.follow(bob.id, police.id)
    assert [g.count for g in blog.notifications(police.id, grouped=True).groups] == [1, 1]


def test_a_policy_holds_back_strangers_until_the_request_is_accepted(blog: Microblog) -> None:
    police = blog.register("police")
    friend = blog.register("friend")
    stranger = blog.register("stranger")
    blog.follow(police.id, friend.id)
    blog.set_notification_policy(
        police.id, NotificationPolicy(for_not_following=PolicyAction.FILTER)
    )
    assert blog.notification_policy(police.id) == NotificationPolicy(
        for_not_following=PolicyAction.FILTER
    )
    blog.post(friend.id, "@police hi")
    blog.post(stranger.id, "@police one")
    blog.post(stranger.id, "@police two")
    assert kinds(blog.notifications(police.id)) == [("mention", friend.id)]
    assert blog.unread_notifications(police.id) == 1
    requests = blog.notification_requests(police.id)
    assert [(r.from_account_id, r.count) for r in requests] == [(stranger.id, 2)]
    assert blog.accept_notification_request(police.id, stranger.id) == 2
    assert blog.notification_requests(police.id) == ()
    blog.post(stranger.id, "@police three")  # accepted senders pass from now on
    assert [s for _, s in kinds(blog.notifications(police.id))] == [stranger.id] * 3 + [friend.id]


def test_dismissing_a_request_deletes_it_and_drop_makes_nothing(blog: Microblog) -> None:
    police = blog.register("police")
    stranger = blog.register("stranger")
    blog.set_notification_policy(
        police.id,
        NotificationPolicy(
            for_not_followers=PolicyAction.FILTER, for_new_accounts=PolicyAction.ACCEPT
        ),
    )
    blog.post(stranger.id, "@police hi")
    assert blog.dismiss_notification_request(police.id, stranger.id) == 1
    assert blog.notification_requests(police.id) == ()
    blog.set_notification_policy(police.id, NotificationPolicy(for_new_accounts=PolicyAction.DROP))
    blog.post(stranger.id, "@police again")
    assert blog.notification_requests(police.id) == ()
    assert kinds(blog.notifications(police.id)) == []
    tick(blog, 31 * 86400)  # no longer a new account
    blog.post(stranger.id, "@police a month on")
    assert kinds(blog.notifications(police.id)) == [("mention", stranger.id)]


def test_private_mentions_are_held_unless_they_answer(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    blog.set_notification_policy(police.id, NotificationPolicy())
    question = blog.post(police.id, "@ann did you see it?", visibility=Visibility.DIRECT)
    blog.reply(ann.id, question.id, "@police yes", visibility=Visibility.DIRECT)
    blog.post(ann.id, "@police unrelated", visibility=Visibility.DIRECT)
    assert kinds(blog.notifications(police.id)) == [("mention", ann.id)]
    assert [r.count for r in blog.notification_requests(police.id)] == [1]


# -- mentions added by an edit (Mastodon's UpdateStatusService) ---------------


def mentions_of(blog: Microblog, account: int, post: int) -> list[int]:
    """The senders of ``account``'s mention notifications about ``post`` (held back or not)."""
    with blog.unit_of_work(readonly=True) as uow:
        return [
            n.from_account_id
            for n in uow.notifications.page(account, limit=1000)  # type: ignore[arg-type]
            if n.kind is K.MENTION and n.post_id == post
        ]


def test_an_edit_notifies_the_accounts_it_newly_mentions_once(blog: Microblog) -> None:
    """New mentions are told; a dropped mention keeps its notification; re-adding tells no one."""
    police = blog.register("police")
    ann = blog.register("ann")
    bob = blog.register("bob")
    notice = blog.post(police.id, "Road closed, thanks @ann")
    tick(blog)
    blog.edit_post(police.id, notice.id, "Road closed, thanks @ann and @bob")
    assert kinds(blog.notifications(bob.id)) == [("mention", police.id)]
    assert kinds(blog.notifications(ann.id)) == [("mention", police.id)]
    blog.edit_post(police.id, notice.id, "Road closed, thanks @bob")
    assert kinds(blog.notifications(ann.id)) == [("mention", police.id)]
    blog.edit_post(police.id, notice.id, "Road closed, thanks @ann and @bob")
    for account in (ann, bob):
        assert mentions_of(blog, account.id, notice.id) == [police.id]


def test_an_edit_does_not_mention_again_whoever_was_told_as_replied_to(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    cat = blog.register("cat")
    root = blog.post(ann.id, "hello")
    reply = blog.reply(bob.id, root.id, "hi")
    quote = blog.post(bob.id, "see", quote_of=root.id)
    blog.edit_post(bob.id, reply.id, "hi @ann and @cat")
    blog.edit_post(bob.id, quote.id, "see @ann")
    assert sorted(kinds(blog.notifications(ann.id))) == [("quote", bob.id), ("reply", bob.id)]
    assert kinds(blog.notifications(cat.id)) == [("mention", bob.id)]


def test_an_edited_direct_post_lets_a_newly_mentioned_account_see_it(blog: Microblog) -> None:
    ann = blog.register("ann")
    bob = blog.register("bob")
    secret = blog.post(ann.id, "between us", visibility=Visibility.DIRECT)
    blog.edit_post(ann.id, secret.id, "between us, @bob")
    assert [n.post_id for n in blog.notifications(bob.id).items] == [secret.id]
    assert blog.get_post(secret.id, viewer_id=bob.id).id == secret.id


def test_an_edit_mentions_no_blocked_or_notification_muted_account(blog: Microblog) -> None:
    police = blog.register("police")
    ann = blog.register("ann")
    bob = blog.register("bob")
    notice = blog.post(police.id, "Notice")
    blog.block(ann.id, police.id)
    blog.mute(bob.id, police.id, hide_notifications=True)
    blog.edit_post(police.id, notice.id, "Notice for @ann and @bob and @police")
    assert kinds(blog.notifications(ann.id)) == []
    assert kinds(blog.notifications(bob.id)) == []
    assert kinds(blog.notifications(police.id)) == []


def test_an_edit_mention_from_a_stranger_is_held_back_by_the_policy(blog: Microblog) -> None:
    police = blog.register("police")
    stranger = blog.register("stranger")
    blog.set_notification_policy(
        police.id, NotificationPolicy(for_not_following=PolicyAction.FILTER)
    )
    post = blog.post(stranger.id, "hello")
    blog.edit_post(stranger.id, post.id, "hello @police")
    assert kinds(blog.notifications(police.id)) == []
    assert [r.from_account_id for r in blog.notification_requests(police.id)] == [stranger.id]
    blog.edit_post(stranger.id, post.id, "hello again @police")  # held back already: not twice
    assert [r.count for r in blog.notification_requests(police.id)] == [1]


_WHO = st.frozensets(st.integers(0, 3))


@settings(max_examples=30, deadline=None)
@given(first=_WHO, edits=st.lists(_WHO, max_size=6))
def test_every_account_mentioned_by_some_version_is_told_exactly_once(
    first: frozenset[int], edits: list[frozenset[int]]
) -> None:
    """Whatever the edits, each account any version mentioned has one mention notification."""
    blog = Microblog.in_memory(clock=ManualClock())
    police = blog.register("police")
    people = [blog.register(f"p{i}") for i in range(4)]

    def text(who: frozenset[int]) -> str:
        return "Notice " + " ".join(f"@p{i}" for i in sorted(who))

    notice = blog.post(police.id, text(first))
    ever = set(first)
    for who in edits:
        tick(blog)
        blog.edit_post(police.id, notice.id, text(who))
        ever |= who
    for i, person in enumerate(people):
        expected = [police.id] if i in ever else []
        assert mentions_of(blog, person.id, notice.id) == expected
