"""Notifications: the projector that writes them and the read model that pages them.

:class:`NotificationProjector` turns the service's events into
:class:`~microblog_core.models.Notification` values inside the same unit of
work, so a notification exists if and only if its cause was committed
(Mastodon's ``NotifyService``, run in the request rather than a worker):

- a post notifies the accounts it mentions (``mention``), the author of the
  post it replies to when not mentioned (``reply``), the author of the post
  it quotes (``quote``), and the followers who follow its author with
  ``notify`` (``status``, for originals and self-replies);
- a repost, a like and a follow notify the author or account they target
  (``reblog``, ``favourite``, ``follow``), a request to a locked account
  its owner (``follow_request``); an edit notifies each account that
  reposted or quoted the post (``update``), and each account its new text
  mentions that was not told of the post yet (``mention``: Mastodon's
  ``UpdateStatusService`` runs ``ProcessMentionsService`` again and
  ``LocalNotificationWorker`` skips a mention already notified; a mention
  the edit drops keeps its notification);
- an unlike, an unrepost, an unfollow and a delete remove what their cause
  produced; a request answered (approved or rejected) or withdrawn removes
  its ``follow_request``, and an approval makes no ``follow`` notification
  (Mastodon's ``FollowRequest`` and ``Follow`` destroy their notification
  with themselves, and ``AuthorizeFollowService`` notifies no one); a block
  removes every notification between the two accounts.

No notification is made for the actor itself, from a blocked or blocking
account, from an account the recipient mutes with ``hide_notifications``
(judged when the notification would be made, as Mastodon does), or about a
post the recipient may not see.

:func:`notifications` pages them for their recipient, one by one or grouped
as in Mastodon 4.3 (likes, reposts and follows share a group per target and
12-hour window; every other kind stands alone), and leaves out any item
whose post the recipient may no longer see.
"""

import functools
from collections.abc import Callable, Container, Iterator, Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from attrs import field, frozen

from microblog_core import _checks
from microblog_core.clock import Clock
from microblog_core.ids import AccountId, IdGenerator, NotificationId, PostId
from microblog_core.models import (
    Blocked,
    Event,
    Followed,
    FollowRequestApproved,
    FollowRequested,
    FollowRequestRejected,
    FollowRequestWithdrawn,
    Liked,
    Notification,
    NotificationGroupHead,
    NotificationKind,
    NotificationPolicy,
    PolicyAction,
    PollEnded,
    Post,
    PostDeleted,
    PostEdited,
    PostPublished,
    Reposted,
    Unfollowed,
    Unliked,
    Unreposted,
    Visibility,
)
from microblog_core.ports import ReadPort, RelationRepository, UnitOfWork
from microblog_core.rules import ViewerContext
from microblog_core.rules.filters import FilterResult, freeze_marks
from microblog_core.rules.notifications import UNFILTERED_KINDS, policy_action
from microblog_core.timelines.pages import check_limit, check_page_id
from microblog_core.timelines.viewers import lookup_viewer

__all__ = [
    "SAMPLE_ACCOUNTS",
    "UNREAD_CAP",
    "NotificationGroup",
    "NotificationPage",
    "NotificationProjector",
    "notifications",
]

SAMPLE_ACCOUNTS = 8
"""Latest accounts shown per group (Mastodon 4.3 returns up to 8 ``sample_account_ids``)."""

UNREAD_CAP = 1000
"""Unread notifications are counted up to this many (Mastodon's ``unread_count`` limit)."""

_K = NotificationKind
# The kinds that tell an account a post is addressed to it: one of them is enough.
_ADDRESSED = (NotificationKind.MENTION, NotificationKind.REPLY, NotificationKind.QUOTE)
# A tuple: its ``in`` compares by identity first and never calls Enum.__hash__.
_UNFILTERED = tuple(UNFILTERED_KINDS)
# Every event class _apply has a branch for (one isinstance call rejects the rest).
_PROJECTED = (
    PostPublished,
    Reposted,
    Unreposted,
    Liked,
    Unliked,
    PostDeleted,
    Followed,
    FollowRequested,
    Unfollowed,
    FollowRequestApproved,
    FollowRequestRejected,
    FollowRequestWithdrawn,
    Blocked,
    PostEdited,
    PollEnded,
)
_MAX_BATCH = 400
_FOLLOW_PAGE = 1000


class NotificationProjector:
    """Writes and removes notifications as the service's events happen (a projector).

    Args:
        clock: Where notification ids take their time from.
    """

    def __init__(self, clock: Clock) -> None:
        self._ids = IdGenerator(clock)
        self._floor_checked = False

    def project(self, uow: UnitOfWork, events: Sequence[Event]) -> None:
        """Apply ``events`` to the notifications of the accounts they concern."""
        if len(events) == 1:  # one event cannot be both an approval and its follow
            event = events[0]
            if isinstance(event, _PROJECTED):  # most events (accounts, tags...) touch none
                self._apply(uow, event)
            return
        # A follow that an approval made tells nobody: Mastodon's
        # FollowRequest#authorize! calls Account#follow!, not FollowService,
        # so only the follow_request notification existed, and it goes.
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

    def _apply(self, uow: UnitOfWork, event: Event) -> None:  # one branch per event
        store = uow.notifications
        if isinstance(event, PostPublished):
            self._published(uow, event.post, event.occurred_at)
        elif isinstance(event, Reposted):
            ref = event.repost.repost_of
            if ref is not None:
                self._notify(
                    uow,
                    ref.root_author_id,
                    _K.REPOST,
                    event.repost.author_id,
                    ref.root_id,
                    event.occurred_at,
                )
        elif isinstance(event, Unreposted):
            ref = event.repost.repost_of
            if ref is not None:
                store.remove_caused(
                    ref.root_author_id, _K.REPOST, event.repost.author_id, ref.root_id
                )
        elif isinstance(event, Liked):
            post = uow.posts.find(event.like.post_id)
            if post is not None:
                self._notify(
                    uow, post.author_id, _K.LIKE, event.like.account_id, post.id, event.occurred_at
                )
        elif isinstance(event, Unliked):
            post = uow.posts.find(event.like.post_id)
            if post is not None:
                store.remove_caused(post.author_id, _K.LIKE, event.like.account_id, post.id)
        elif isinstance(event, PostDeleted):
            store.remove_about(event.post.id)
        elif isinstance(event, Followed):
            follow = event.follow
            self._notify(
                uow, follow.followee_id, _K.FOLLOW, follow.follower_id, None, event.occurred_at
            )
        elif isinstance(event, FollowRequested):
            request = event.request
            self._notify(
                uow,
                request.followee_id,
                _K.FOLLOW_REQUEST,
                request.follower_id,
                None,
                event.occurred_at,
            )
        elif isinstance(event, Unfollowed):
            store.remove_caused(event.followee_id, _K.FOLLOW, event.follower_id, None)
        elif isinstance(
            event, FollowRequestApproved | FollowRequestRejected | FollowRequestWithdrawn
        ):
            request = event.request
            store.remove_caused(request.followee_id, _K.FOLLOW_REQUEST, request.follower_id, None)
        elif isinstance(event, Blocked):
            store.remove_between(event.block.blocker_id, event.block.blocked_id)
        elif isinstance(event, PostEdited):
            self._edited(uow, event.post, event.occurred_at)
        elif isinstance(event, PollEnded):
            self._poll_ended(uow, event.post_id, event.author_id, event.occurred_at)

    def _published(self, uow: UnitOfWork, post: Post, at: datetime) -> None:
        author = post.author_id
        if post.repost_of is not None:
            return
        for mentioned in post.mentions:
            self._notify(uow, mentioned, _K.MENTION, author, post.id, at, post)
        reply = post.reply_to
        if reply is not None and reply.parent_author_id not in post.mentions:
            self._notify(uow, reply.parent_author_id, _K.REPLY, author, post.id, at, post)
        if post.quote_of is not None:
            quoted = uow.posts.find(post.quote_of)
            if quoted is not None and quoted.author_id not in post.mentions:
                self._notify(uow, quoted.author_id, _K.QUOTE, author, post.id, at, post)
        if reply is None or reply.parent_author_id == author:
            for follower in uow.notifications.subscribers(author):
                if follower not in post.mentions:
                    self._notify(uow, follower, _K.STATUS, author, post.id, at, post)

    def _edited(self, uow: UnitOfWork, post: Post, at: datetime) -> None:
        author = post.author_id
        for mentioned in post.mentions:
            if not any(
                uow.notifications.caused(mentioned, kind, author, post.id) for kind in _ADDRESSED
            ):
                self._notify(uow, mentioned, _K.MENTION, author, post.id, at, post)
        told: set[AccountId] = set()
        sharers = [p.author_id for p in uow.posts.reposts_of(post.id)]
        sharers += [p.author_id for p in uow.posts.quotes_of(post.id)]
        for account in sharers:
            if account not in told:
                told.add(account)
                self._notify(uow, account, _K.UPDATE, post.author_id, post.id, at, post)

    def _poll_ended(
        self, uow: UnitOfWork, post_id: PostId, author: AccountId, at: datetime
    ) -> None:
        post = uow.posts.find(post_id)
        if post is None:
            return
        self._notify(uow, author, _K.POLL, author, post_id, at, post, self_too=True)
        after: AccountId | None = None
        while True:
            voters = uow.polls.voters(post_id, after=after, limit=_FOLLOW_PAGE)
            for voter in voters:
                self._notify(uow, voter, _K.POLL, author, post_id, at, post)
            if len(voters) < _FOLLOW_PAGE:
                return
            after = voters[-1]

    def _notify(  # noqa: PLR0917  # a notification's fields, in their order
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
        # One block check both ways, for every kind: with a post, the sender is
        # its author (or :func:`_sees` checks the author again), so the
        # visibility rule below needs no second look at the pair.
        if relations.get_block(recipient, sender) or relations.get_block(sender, recipient):
            return
        mute = relations.get_mute(recipient, sender, at=at)
        if mute is not None and mute.hide_notifications:
            return
        if post is not None and not _sees(uow, recipient, sender, post):
            return
        store = uow.notifications
        filtered = False
        if not self_too and kind not in _UNFILTERED:
            policy = store.policy(recipient)
            if policy is not None:
                action = self._policy_action(uow, policy, recipient, kind, sender, post, at)
                if action is PolicyAction.DROP:
                    return
                filtered = action is PolicyAction.FILTER
        if not self._floor_checked:
            last = store.last_id()
            if last is not None:
                self._ids.observe(last)
            self._floor_checked = True
        store.add(
            Notification._quick(
                NotificationId(self._ids.next_id()),
                recipient,
                kind,
                sender,
                post_id,
                at,
                filtered,
            )
        )

    @staticmethod
    def _policy_action(  # noqa: PLR0917  # the notification's fields, in their order
        uow: UnitOfWork,
        policy: NotificationPolicy,
        recipient: AccountId,
        kind: NotificationKind,
        sender: AccountId,
        post: Post | None,
        at: datetime,
    ) -> PolicyAction:
        if uow.notifications.is_permitted(recipient, sender):
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
        # A follow is looked up only when an action it gates is not ACCEPT:
        # otherwise either answer gives the same action (the strictest wins).
        accept = PolicyAction.ACCEPT
        follows_sender = (
            policy.for_not_following is accept
            and (not private_mention or policy.for_private_mentions is accept)
        ) or relations.get_follow(recipient, sender) is not None
        followed_by_sender = (
            policy.for_not_followers is accept
            or relations.get_follow(sender, recipient) is not None
        )
        return policy_action(
            policy,
            kind=kind,
            follows_sender=follows_sender,
            followed_by_sender=followed_by_sender,
            sender_created_at=account.created_at,
            now=at,
            private_mention=private_mention,
        )


_UNRELATED: frozenset[AccountId] = frozenset()


class _Follows(Container[AccountId]):
    """The accounts ``viewer`` follows, each looked up when asked (for a followers-only post)."""

    __slots__ = ("_relations", "_viewer")

    def __init__(self, relations: RelationRepository, viewer: AccountId) -> None:
        self._relations = relations
        self._viewer = viewer

    def __contains__(self, account: object) -> bool:
        return isinstance(account, int) and (
            self._relations.get_follow(self._viewer, AccountId(account)) is not None
        )


def _sees(uow: UnitOfWork, recipient: AccountId, sender: AccountId, post: Post) -> bool:
    """``lookup_viewer(uow, recipient).sees(post)``, knowing no block stands between the two.

    The projector checked blocks between ``recipient`` and ``sender`` both
    ways; when ``sender`` wrote ``post`` (always, for the projector's kinds),
    a public or unlisted post is seen, and any other needs no block lookups
    (only the follow, for a followers-only post). The projector's output
    equals its plain paths' (``tests/timelines/test_notify_paths.py``).
    """
    if post.author_id != sender or post.repost_of is not None:
        return lookup_viewer(uow, recipient).sees(post)
    visibility = post.visibility
    if visibility is Visibility.PUBLIC or visibility is Visibility.UNLISTED:
        return True  # seen by every account the author does not block (nor is blocked by)
    return ViewerContext(
        viewer_id=recipient,
        following=_Follows(uow.relations, recipient),
        blocking=_UNRELATED,
        blocked_by=_UNRELATED,
        muting=_UNRELATED,
    ).sees(post)


@frozen
class NotificationGroup:
    """A group of notifications as Mastodon 4.3 shows it.

    Attributes:
        group_key: The group's key (``ungrouped-<id>`` for a kind never grouped).
        kind: What its notifications tell.
        post_id: The post they are about, if any.
        count: How many notifications the group holds.
        sample_account_ids: The latest accounts that caused them, newest first (up to 8).
        latest: The group's newest notification; pages run by its id.
    """

    group_key: str
    kind: NotificationKind
    post_id: PostId | None
    count: int
    sample_account_ids: tuple[AccountId, ...]
    latest: Notification


@frozen
class NotificationPage:
    """A page of notifications, newest first.

    Attributes:
        items: The notifications (empty when grouped).
        groups: The groups (empty unless grouped).
        next_max_id: Pass as ``max_id`` for the next, older page (None at the end).
        prev_min_id: Pass as ``min_id`` for the page just newer than this one.
        unread: How many notifications are newer than the read marker, counted
            up to :data:`UNREAD_CAP` (1,000).
        filtered: For each post the shown notifications are about that one of
            the recipient's ``warn`` keyword filters matched, the filters that
            matched, by post id (read-only). Notifications about a post a
            ``hide`` filter matched are left out; the cursors step over them.
    """

    items: tuple[Notification, ...]
    groups: tuple[NotificationGroup, ...]
    next_max_id: int | None
    prev_min_id: int | None
    unread: int
    filtered: Mapping[PostId, tuple[FilterResult, ...]] = field(
        factory=dict, converter=freeze_marks, hash=False, repr=False
    )


def notifications(
    port: ReadPort,
    account_id: AccountId,
    *,
    grouped: bool = False,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 40,
) -> NotificationPage:
    """Return a page of ``account_id``'s notifications, with Mastodon's paging.

    Args:
        port: What to read through (the service, or any ReadPort).
        account_id: The recipient.
        grouped: Group likes, reposts and follows (Mastodon 4.3); pages then
            run by each group's newest notification.
        max_id: Only items older than this id (exclusive).
        since_id: Only items newer than this id, newest first.
        min_id: The items immediately newer than this id.
        limit: Items (or groups) per page, 1 to 80.

    Returns:
        The page.

    Raises:
        NotFoundError: No such account.
        ValidationError: A bad limit or paging id.
    """
    limit = check_limit(limit, 80)
    upper = check_page_id(max_id, "max_id")
    since = check_page_id(since_id, "since_id")
    lower = check_page_id(min_id, "min_id")
    grouped = _checks.flag(grouped, "grouped")
    with port.unit_of_work(readonly=True) as uow:
        uow.accounts.get(account_id)
        viewer = lookup_viewer(uow, account_id)
        ascending = lower is not None
        bound = lower if ascending else since
        marker = uow.notifications.read_marker(account_id)
        unread = uow.notifications.count(account_id, min_id=marker, limit=UNREAD_CAP)
        if grouped:
            groups = _groups(uow, viewer, account_id, upper, bound, limit, ascending=ascending)
            next_max_id, prev_min_id = _cursors([g.latest.id for g in groups], limit)
            return NotificationPage(
                items=(),
                groups=tuple(groups),
                unread=unread,
                next_max_id=next_max_id,
                prev_min_id=prev_min_id,
            )
        items = _items(uow, viewer, account_id, upper, bound, limit, ascending=ascending)
        next_max_id, prev_min_id = _cursors([n.id for n in items], limit)
        return NotificationPage(
            items=tuple(items),
            groups=(),
            unread=unread,
            next_max_id=next_max_id,
            prev_min_id=prev_min_id,
        )


def _cursors(ids: Sequence[int], limit: int) -> tuple[int | None, int | None]:
    """The ``next_max_id`` and ``prev_min_id`` of a page of ids."""
    return (ids[-1] if len(ids) == limit else None, ids[0] if ids else None)


def _shown(uow: UnitOfWork, viewer: ViewerContext, notification: Notification) -> bool:
    """Whether the recipient may still see what the notification is about."""
    if notification.post_id is None:
        return not viewer.blocked(notification.from_account_id)
    post = uow.posts.find(notification.post_id)
    return post is not None and viewer.sees(post)


_Row = TypeVar("_Row", Notification, NotificationGroupHead)


def _scan(
    fetch: Callable[..., Sequence[_Row]],
    key: Callable[[_Row], int],
    upper: int | None,
    lower: int | None,
    *,
    ascending: bool,
    batch: int,
) -> Iterator[_Row]:
    """Iterate over ``fetch``'s pages within the bounds, in growing batches.

    ``fetch`` is a recipient's :meth:`NotificationRepository.page
    <microblog_core.ports.NotificationRepository.page>` or ``groups``;
    ``key`` gives the id the next page continues from.
    """
    while True:
        found = fetch(max_id=upper, min_id=lower, limit=batch, ascending=ascending)
        yield from found
        if len(found) < batch:
            return
        if ascending:
            lower = key(found[-1])
        else:
            upper = key(found[-1])
        batch = min(batch * 2, _MAX_BATCH)


def _scan_items(
    uow: UnitOfWork,
    account_id: AccountId,
    upper: int | None,
    lower: int | None,
    *,
    ascending: bool,
    batch: int,
) -> Iterator[Notification]:
    """Iterate over the recipient's notifications within the bounds, in growing batches."""
    fetch = functools.partial(uow.notifications.page, account_id)
    return _scan(fetch, _notification_id, upper, lower, ascending=ascending, batch=batch)


def _scan_groups(
    uow: UnitOfWork,
    account_id: AccountId,
    upper: int | None,
    lower: int | None,
    *,
    ascending: bool,
    batch: int,
) -> Iterator[NotificationGroupHead]:
    """Iterate over the recipient's groups by newest id within the bounds, in growing batches."""
    fetch = functools.partial(uow.notifications.groups, account_id)
    return _scan(fetch, _latest_id, upper, lower, ascending=ascending, batch=batch)


def _notification_id(notification: Notification) -> int:
    return notification.id


def _latest_id(head: NotificationGroupHead) -> int:
    return head.latest_id


def _items(  # noqa: PLR0917  # the page's bounds, as _groups takes them
    uow: UnitOfWork,
    viewer: ViewerContext,
    account_id: AccountId,
    upper: int | None,
    lower: int | None,
    limit: int,
    *,
    ascending: bool,
) -> list[Notification]:
    items: list[Notification] = []
    for notification in _scan_items(
        uow, account_id, upper, lower, ascending=ascending, batch=limit
    ):
        if _shown(uow, viewer, notification):
            items.append(notification)
            if len(items) == limit:
                break
    if ascending:
        items.reverse()
    return items


def _groups(  # noqa: PLR0917  # the page's bounds, as _items takes them
    uow: UnitOfWork,
    viewer: ViewerContext,
    account_id: AccountId,
    upper: int | None,
    lower: int | None,
    limit: int,
    *,
    ascending: bool,
) -> list[NotificationGroup]:
    groups: list[NotificationGroup] = []
    for head in _scan_groups(uow, account_id, upper, lower, ascending=ascending, batch=limit):
        members = uow.notifications.in_group(account_id, head.group_key, limit=SAMPLE_ACCOUNTS)
        if not members or not _shown(uow, viewer, members[0]):
            continue
        latest = members[0]
        groups.append(
            NotificationGroup(
                group_key=head.group_key,
                kind=latest.kind,
                post_id=latest.post_id,
                count=head.count,
                sample_account_ids=tuple(n.from_account_id for n in members),
                latest=latest,
            )
        )
        if len(groups) == limit:
            break
    if ascending:
        groups.reverse()
    return groups
