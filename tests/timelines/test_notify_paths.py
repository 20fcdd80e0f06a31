"""The notification projector's quick paths make exactly the notifications its plain one did.

:class:`ReferenceProjector` is the projector as it was before its quick paths
(every event through the approval scan and the branches, a looked-up viewer context per
notification about a post, every policy input looked up, the policy read in
its own call). Two services on the same clock take the same random actions,
one with each projector, and must end with the same notifications: kinds,
recipients, senders, posts, ids, held-back ones and requests.
"""

import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from microblog_core import ManualClock
from microblog_core.errors import MicroblogError, ValidationError
from microblog_core.ids import AccountId, NotificationId, PostId
from microblog_core.models import (
    Event,
    Followed,
    FollowRequestApproved,
    Notification,
    NotificationKind,
    NotificationPolicy,
    PolicyAction,
    Post,
    Visibility,
)
from microblog_core.ports import UnitOfWork
from microblog_core.rules.notifications import UNFILTERED_KINDS, policy_action
from microblog_core.service import Microblog
from microblog_core.timelines.notifications import NotificationProjector
from microblog_core.timelines.viewers import lookup_viewer

T0 = datetime(2026, 3, 1, tzinfo=UTC)
PEOPLE = 5


class ReferenceProjector(NotificationProjector):
    """The projector's plain paths, as they were before the quick ones."""

    def project(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        approved = {
            (e.request.follower_id, e.request.followee_id)
            for e in events
            if isinstance(e, FollowRequestApproved)
        }
        for event in events:
            if (
                isinstance(event, Followed)
                and approved
                and ((event.follow.follower_id, event.follow.followee_id) in approved)
            ):
                continue
            self._apply(uow, event)

    def _notify(  # the projector's signature
        self,
        uow: UnitOfWork,
        recipient: AccountId,
        kind: NotificationKind,
        sender: AccountId,
        post_id: PostId | None,
        at: datetime,
        post: Post | None = None,
        *,
        self_too: bool = False,
    ) -> None:
        if recipient == sender and not self_too:
            return
        relations = uow.relations
        if post is None:
            if relations.get_block(recipient, sender) or relations.get_block(sender, recipient):
                return
            viewer = None
        else:
            viewer = lookup_viewer(uow, recipient)
            if viewer.blocked(sender):
                return
        mute = relations.get_mute(recipient, sender, at=at)
        if mute is not None and mute.hide_notifications:
            return
        if viewer is not None and post is not None and not viewer.sees(post):
            return
        filtered = False
        if not self_too and kind not in UNFILTERED_KINDS:
            action = _reference_policy_action(uow, recipient, kind, sender, post, at)
            if action is PolicyAction.DROP:
                return
            filtered = action is PolicyAction.FILTER
        if not self._floor_checked:
            last = uow.notifications.last_id()
            if last is not None:
                self._ids.observe(last)
            self._floor_checked = True
        uow.notifications.add(
            Notification(
                id=NotificationId(self._ids.next_id()),
                account_id=recipient,
                kind=kind,
                from_account_id=sender,
                post_id=post_id,
                created_at=at,
                filtered=filtered,
            )
        )


def _reference_policy_action(  # the notification's fields
    uow: UnitOfWork,
    recipient: AccountId,
    kind: NotificationKind,
    sender: AccountId,
    post: Post | None,
    at: datetime,
) -> PolicyAction:
    store = uow.notifications
    policy = store.policy(recipient)
    if policy is None or store.is_permitted(recipient, sender):
        return PolicyAction.ACCEPT
    account = uow.accounts.find(sender)
    if account is None:
        return PolicyAction.ACCEPT
    relations = uow.relations
    private_mention = (
        kind is NotificationKind.MENTION
        and post is not None
        and post.visibility is Visibility.DIRECT
        and (post.reply_to is None or post.reply_to.parent_author_id != recipient)
    )
    return policy_action(
        policy,
        kind=kind,
        follows_sender=relations.get_follow(recipient, sender) is not None,
        followed_by_sender=relations.get_follow(sender, recipient) is not None,
        sender_created_at=account.created_at,
        now=at,
        private_mention=private_mention,
    )


def _service(*, reference: bool) -> Microblog:
    clock = ManualClock(T0)
    blog = Microblog.in_memory(clock=clock)
    if reference:
        # The service builds its own projector; the reference takes its place.
        blog._projectors[:] = [
            ReferenceProjector(clock) if isinstance(p, NotificationProjector) else p
            for p in blog._projectors
        ]
    return blog


# ACCEPT twice: a policy that accepts all but one case lets that case decide.
_ACTIONS = [PolicyAction.ACCEPT, PolicyAction.ACCEPT, PolicyAction.FILTER, PolicyAction.DROP]
_VERBS = (
    ["post"] * 6
    + ["follow"] * 3
    + ["like", "repost", "edit", "unfollow", "block", "unblock", "mute", "policy", "accept"]
    + ["unlike", "unrepost", "delete"]
    + ["hours", "approve", "unlock"]
)


def _steps(seed: int, count: int) -> list[tuple[object, ...]]:
    """``count`` random steps among 5 accounts, drawn evenly (Hypothesis draws small ints)."""
    rng = random.Random(seed)

    def who() -> int:
        return rng.randrange(PEOPLE)

    def some() -> list[int]:
        return [who() for _ in range(rng.randrange(3))]

    steps: list[tuple[object, ...]] = []
    for _ in range(count):
        verb = rng.choice(_VERBS)
        if verb == "post":
            visibility = rng.choice(list(Visibility))
            steps.append((verb, who(), some(), visibility, rng.randrange(40)))
        elif verb in {"follow", "mute"}:
            steps.append((verb, who(), who(), rng.random() < 0.5))
        elif verb in {"like", "repost", "unlike", "unrepost"}:
            steps.append((verb, who(), rng.randrange(40)))
        elif verb == "edit":
            steps.append((verb, rng.randrange(40), some()))
        elif verb == "delete":
            steps.append((verb, rng.randrange(40)))
        elif verb == "policy":
            policy = NotificationPolicy(
                for_not_following=rng.choice(_ACTIONS),
                for_not_followers=rng.choice(_ACTIONS),
                for_new_accounts=rng.choice(_ACTIONS),
                for_private_mentions=rng.choice(_ACTIONS),
                new_account_days=rng.randrange(1, 3),
            )
            steps.append((verb, who(), policy))
        elif verb == "hours":
            steps.append((verb, rng.randrange(1, 40)))
        elif verb == "unlock":
            steps.append((verb, who()))
        else:
            steps.append((verb, who(), who()))
    return steps


def _run(blog: Microblog, locked: set[int], steps: list[tuple[object, ...]]) -> None:
    """Take the steps; a step the service refuses changes nothing (on either side)."""
    people = [blog.register(f"user{i}", locked=i in locked).id for i in range(PEOPLE)]
    posts: list[Post] = []

    def pick(index: object) -> Post | None:
        assert isinstance(index, int)
        return posts[index % len(posts)] if posts else None

    for step in steps:
        verb = step[0]
        try:
            if verb == "post":
                _, who, mentioned, visibility, parent = step
                assert isinstance(who, int) and isinstance(mentioned, list)
                assert isinstance(visibility, Visibility)
                text = "hi " + " ".join(f"@user{m}" for m in mentioned)
                replied = pick(parent) if isinstance(parent, int) and parent % 3 == 0 else None
                if replied is not None:
                    posts.append(blog.reply(people[who], replied.id, text, visibility=visibility))
                else:
                    quoted = pick(parent) if isinstance(parent, int) and parent % 3 == 1 else None
                    posts.append(
                        blog.post(
                            people[who],
                            text,
                            visibility=visibility,
                            quote_of=None if quoted is None else quoted.id,
                        )
                    )
            elif verb == "follow":
                _, a, b, notify = step
                assert isinstance(a, int) and isinstance(b, int) and isinstance(notify, bool)
                blog.follow(people[a], people[b], notify=notify)
            elif verb == "unfollow":
                _, a, b = step
                assert isinstance(a, int) and isinstance(b, int)
                blog.unfollow(people[a], people[b])
            elif verb == "block":
                _, a, b = step
                assert isinstance(a, int) and isinstance(b, int)
                blog.block(people[a], people[b])
            elif verb == "unblock":
                _, a, b = step
                assert isinstance(a, int) and isinstance(b, int)
                blog.unblock(people[a], people[b])
            elif verb == "mute":
                _, a, b, hide = step
                assert isinstance(a, int) and isinstance(b, int) and isinstance(hide, bool)
                blog.mute(people[a], people[b], hide_notifications=hide)
            elif verb == "policy":
                _, a, policy = step
                assert isinstance(a, int) and isinstance(policy, NotificationPolicy)
                blog.set_notification_policy(people[a], policy)
            elif verb in {"like", "repost", "unlike", "unrepost"}:
                _, a, index = step
                assert isinstance(a, int)
                target = pick(index)
                if target is not None:
                    acts: dict[object, Callable[[AccountId, PostId], object]] = {
                        "like": blog.like,
                        "repost": blog.repost,
                        "unlike": blog.unlike,
                        "unrepost": blog.unrepost,
                    }
                    acts[verb](people[a], target.id)
            elif verb == "delete":
                _, index = step
                target = pick(index)
                if target is not None:
                    blog.delete_post(target.author_id, target.id)
            elif verb == "edit":
                _, index, mentioned = step
                assert isinstance(mentioned, list)
                target = pick(index)
                if target is not None and target.repost_of is None:
                    text = "edited " + " ".join(f"@user{m}" for m in mentioned)
                    blog.edit_post(target.author_id, target.id, text)
            elif verb == "accept":
                _, a, b = step
                assert isinstance(a, int) and isinstance(b, int)
                blog.accept_notification_request(people[a], people[b])
            elif verb == "approve":
                _, a, b = step
                assert isinstance(a, int) and isinstance(b, int)
                blog.approve_follow(people[a], people[b])
            elif verb == "unlock":
                _, a = step
                assert isinstance(a, int)
                blog.update_profile(people[a], locked=False)
            else:
                _, hours = step
                assert isinstance(hours, int)
                clock = blog.clock
                assert isinstance(clock, ManualClock)
                clock.advance(timedelta(hours=hours))
        except MicroblogError:
            pass


def _everything(blog: Microblog) -> list[object]:
    """Each account's notifications, requests and unread count."""
    seen: list[object] = []
    for i in range(PEOPLE):
        account = blog.account_by_handle(f"user{i}")
        seen.append(blog.notifications(account.id, limit=80).items)
        seen.append(blog.notification_requests(account.id))
        seen.append(blog.unread_notifications(account.id))
    return seen


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    locked=st.sets(st.integers(0, PEOPLE - 1), max_size=2),
    seed=st.integers(0, 2**32),
    count=st.integers(10, 60),
)
def test_the_quick_projector_makes_what_the_reference_makes(
    locked: set[int], seed: int, count: int
) -> None:
    steps = _steps(seed, count)
    quick, reference = _service(reference=False), _service(reference=True)
    _run(quick, locked, steps)
    _run(reference, locked, steps)
    assert _everything(quick) == _everything(reference)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    locked=st.sets(st.integers(0, PEOPLE - 1), max_size=2),
    seed=st.integers(0, 2**32),
    count=st.integers(5, 20),
)
def test_in_a_batch_the_quick_projector_makes_what_the_reference_makes(
    locked: set[int], seed: int, count: int
) -> None:
    """In a batch (as an import writes), both keep the same, or both keep nothing.

    A step the service refused fails the whole batch: then both roll back.
    """
    steps = _steps(seed, count)
    quick, reference = _service(reference=False), _service(reference=True)
    outcomes = []
    for blog in (quick, reference):
        try:
            with blog.batch():
                _run(blog, locked, steps)
        except ValidationError:
            outcomes.append(False)
        else:
            outcomes.append(True)
    assert outcomes[0] == outcomes[1]
    if outcomes[0]:
        assert _everything(quick) == _everything(reference)
