"""The memory adapter's notification, pin and post-history repositories.

Their state and primitive writes are in ``_activity_state``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from datetime import datetime

from microblog_core import _checks
from microblog_core.errors import ConflictError, NotFoundError
from microblog_core.ids import AccountId, NotificationId, PostId
from microblog_core.models import (
    Notification,
    NotificationGroupHead,
    NotificationKind,
    NotificationPolicy,
    NotificationRequest,
    Pin,
    PollVote,
    PostVersion,
)
from microblog_core.storage.memory._activity_state import (
    ActivityState,
    FollowOptions,
    ids_of,
    pair_key,
)
from microblog_core.storage.memory._repositories import Repository as _Base

__all__ = ["History", "Notifications", "Pins", "Polls"]


def _window(ids: Sequence[int], max_id: int | None, min_id: int | None) -> tuple[int, int]:
    hi = len(ids) if max_id is None else bisect_left(ids, max_id)
    lo = 0 if min_id is None else bisect_right(ids, min_id)
    return lo, hi


def _cut(
    ids: Sequence[int], max_id: int | None, min_id: int | None, limit: int, ascending: bool
) -> list[int]:
    lo, hi = _window(ids, max_id, min_id)
    if ascending:
        return list(ids[lo : min(hi, lo + limit)])
    page = list(ids[max(lo, hi - limit) : hi])
    page.reverse()
    return page


def _caused(
    a: ActivityState,
    account_id: AccountId,
    kind: NotificationKind,
    from_account_id: AccountId,
    post_id: PostId | None,
) -> list[int]:
    """The ids of ``account_id``'s notifications of ``kind`` by ``from_account_id`` about a post."""
    account = _checks.lookup_id(account_id, "account_id")
    sender = _checks.lookup_id(from_account_id, "from_account_id")
    _checks.instance(kind, NotificationKind, "kind")
    about = None if post_id is None else _checks.lookup_id(post_id, "post_id")
    return sorted(
        i
        for i in ids_of(a.by_pair.get(pair_key(account, sender)))
        if a.notifications.kind_of(i) is kind and a.notifications.post_of(i) == about
    )


class Notifications(_Base):
    """The memory store's :class:`~microblog_core.ports.NotificationRepository`."""

    __slots__ = ()

    def _a(self) -> ActivityState:
        return self._read().activity

    def add(self, notification: Notification) -> None:
        log = self._unit._log  # _write, inline: a notification per post, like, repost...
        if log is None:
            log = self._write()
        if notification.__class__ is not Notification:
            _checks.instance(notification, Notification, "notification")
        s = self._s
        a = s.activity
        if notification.id in a.notifications:
            raise ConflictError(
                f"a notification with id {notification.id} already exists",
                entity="notification",
                key=notification.id,
            )
        if notification.account_id not in s.accounts:
            raise NotFoundError("account", notification.account_id)
        a.add_notification(notification)
        log += (a, notification, ActivityState.drop_notification, 2)

    def find(self, notification_id: int) -> Notification | None:
        key = _checks.lookup_id(notification_id, "notification_id")
        return self._a().notifications.get(key)

    def last_id(self) -> int | None:
        return self._a().notifications.last_id()

    def page(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        min_id: int | None = None,
        limit: int = 40,
        ascending: bool = False,
    ) -> list[Notification]:
        a = self._a()
        account = _checks.lookup_id(account_id, "account_id")
        _checks.limit(limit, "limit")
        ids = a.by_account.get(account, ())
        page = _cut(
            ids,
            _checks.cursor(max_id, "max_id"),
            _checks.cursor(min_id, "min_id"),
            limit,
            bool(ascending),
        )
        found = a.notifications
        return [found[i] for i in page]

    def count(
        self, account_id: AccountId, *, min_id: int | None = None, limit: int | None = None
    ) -> int:
        a = self._a()
        ids = a.by_account.get(_checks.lookup_id(account_id, "account_id"), ())
        cap = _checks.optional_limit(limit)
        lo, hi = _window(ids, None, _checks.cursor(min_id, "min_id"))
        return hi - lo if cap is None else min(hi - lo, cap)

    def groups(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        min_id: int | None = None,
        limit: int = 40,
        ascending: bool = False,
    ) -> list[NotificationGroupHead]:
        a = self._a()
        account = _checks.lookup_id(account_id, "account_id")
        _checks.limit(limit, "limit")
        heads = a.heads.get(account, ())
        page = _cut(
            heads,
            _checks.cursor(max_id, "max_id"),
            _checks.cursor(min_id, "min_id"),
            limit,
            bool(ascending),
        )
        result = []
        found = a.notifications
        for nid in page:
            key = found[nid].group_key
            result.append(
                NotificationGroupHead(
                    group_key=key,
                    latest_id=NotificationId(nid),
                    count=len(a.group_members(account, key)),
                )
            )
        return result

    def in_group(
        self, account_id: AccountId, group_key: str, *, limit: int = 8
    ) -> list[Notification]:
        a = self._a()
        account = _checks.lookup_id(account_id, "account_id")
        _checks.text(group_key, "group_key")
        _checks.limit(limit, "limit")
        members = a.group_members(account, group_key)
        return [a.notifications[i] for i in reversed(members[-limit:])]

    def _remove(self, ids: Sequence[int]) -> list[Notification]:
        log = self._write()
        a = self._s.activity
        removed = [a.notifications[i] for i in ids]
        for n in removed:
            a.drop_notification(n)
            log += (a, n, ActivityState.add_notification, 2)
        return removed

    def caused(
        self,
        account_id: AccountId,
        kind: NotificationKind,
        from_account_id: AccountId,
        post_id: PostId | None,
    ) -> list[Notification]:
        a = self._a()
        return [a.notifications[i] for i in _caused(a, account_id, kind, from_account_id, post_id)]

    def remove_caused(
        self,
        account_id: AccountId,
        kind: NotificationKind,
        from_account_id: AccountId,
        post_id: PostId | None,
    ) -> list[Notification]:
        self._write()
        a = self._s.activity
        return self._remove(_caused(a, account_id, kind, from_account_id, post_id))

    def remove_about(self, post_id: PostId) -> list[Notification]:
        self._write()
        a = self._s.activity
        return self._remove(list(ids_of(a.by_post.get(_checks.lookup_id(post_id, "post_id")))))

    def remove_between(self, a_id: AccountId, b_id: AccountId) -> list[Notification]:
        self._write()
        a = self._s.activity
        first = _checks.lookup_id(a_id, "a")
        second = _checks.lookup_id(b_id, "b")
        pairs = a.by_pair
        ids = [
            *ids_of(pairs.get(pair_key(first, second))),
            *ids_of(pairs.get(pair_key(second, first))),
        ]
        return self._remove(ids)

    def subscribers(self, account_id: AccountId) -> list[AccountId]:
        options = self._read().follow_options
        account = _checks.lookup_id(account_id, "account_id")
        found = options.subscribers.get(account, ()) if isinstance(options, FollowOptions) else ()
        return [AccountId(a) for a in sorted(found)]

    def read_marker(self, account_id: AccountId) -> int | None:
        return self._a().markers.get(_checks.lookup_id(account_id, "account_id"))

    def set_read_marker(self, account_id: AccountId, last_read_id: int) -> None:
        log = self._write()
        s = self._s
        account = _checks.lookup_id(account_id, "account_id")
        value = _checks.stored_id(last_read_id, "last_read_id")
        if account not in s.accounts:
            raise NotFoundError("account", account_id)
        a = s.activity
        log += (a, account, a.markers.get(account), ActivityState.set_marker, 3)
        a.set_marker(account, value)

    def requests(self, account_id: AccountId, *, limit: int = 40) -> list[NotificationRequest]:
        a = self._a()
        account = _checks.lookup_id(account_id, "account_id")
        _checks.limit(limit, "limit")
        senders = a.held.get(account, {})
        found = [
            NotificationRequest(
                account_id=AccountId(account),
                from_account_id=AccountId(sender),
                count=len(ids),
                latest_id=NotificationId(ids[-1]),
            )
            for sender, ids in senders.items()
        ]
        found.sort(key=lambda r: r.latest_id, reverse=True)
        return found[:limit]

    def filtered_from(
        self, account_id: AccountId, from_account_id: AccountId, *, limit: int = 40
    ) -> list[Notification]:
        a = self._a()
        account = _checks.lookup_id(account_id, "account_id")
        sender = _checks.lookup_id(from_account_id, "from_account_id")
        _checks.limit(limit, "limit")
        ids = a.held.get(account, {}).get(sender, [])
        return [a.notifications[i] for i in reversed(ids[-limit:])]

    def remove_filtered(
        self, account_id: AccountId, from_account_id: AccountId
    ) -> list[Notification]:
        self._write()
        a = self._s.activity
        account = _checks.lookup_id(account_id, "account_id")
        sender = _checks.lookup_id(from_account_id, "from_account_id")
        return self._remove(list(a.held.get(account, {}).get(sender, ())))

    def policy(self, account_id: AccountId) -> NotificationPolicy | None:
        policies = self._a().policies  # read for every notification a write makes
        if account_id.__class__ is int:
            return policies.get(account_id)
        return policies.get(_checks.lookup_id(account_id, "account_id"))

    def set_policy(self, account_id: AccountId, policy: NotificationPolicy) -> None:
        log = self._write()
        s = self._s
        account = _checks.lookup_id(account_id, "account_id")
        _checks.instance(policy, NotificationPolicy, "policy")
        if account not in s.accounts:
            raise NotFoundError("account", account_id)
        a = s.activity
        log += (a, account, a.policies.get(account), ActivityState.set_policy, 3)
        a.set_policy(account, policy)

    def permit(self, account_id: AccountId, from_account_id: AccountId) -> None:
        log = self._write()
        a = self._s.activity
        account = _checks.stored_id(account_id, "account_id")
        sender = _checks.stored_id(from_account_id, "from_account_id")
        log += (a, account, sender, (account, sender) in a.permits, ActivityState.set_permit, 4)
        a.set_permit(account, sender, True)

    def is_permitted(self, account_id: AccountId, from_account_id: AccountId) -> bool:
        a = self._a()
        key = (
            _checks.lookup_id(account_id, "account_id"),
            _checks.lookup_id(from_account_id, "from_account_id"),
        )
        return key in a.permits


class Pins(_Base):
    """The memory store's :class:`~microblog_core.ports.PinRepository`."""

    __slots__ = ()

    def add(self, pin: Pin) -> None:
        log = self._write()
        _checks.instance(pin, Pin, "pin")
        s = self._s
        a = s.activity
        if pin.post_id in a.pins.get(pin.account_id, {}):
            raise ConflictError(
                f"account {pin.account_id} already pinned post {pin.post_id}",
                entity="pin",
                key=(pin.account_id, pin.post_id),
            )
        if pin.account_id not in s.accounts:
            raise NotFoundError("account", pin.account_id)
        if pin.post_id not in s.posts:
            raise NotFoundError("post", pin.post_id)
        a.set_pin(pin.account_id, pin.post_id, pin)
        log += (a, pin.account_id, pin.post_id, None, ActivityState.set_pin, 4)

    def remove(self, account_id: AccountId, post_id: PostId) -> Pin | None:
        log = self._write()
        a = self._s.activity
        account = _checks.lookup_id(account_id, "account_id")
        post = _checks.lookup_id(post_id, "post_id")
        pin = a.pins.get(account, {}).get(post)
        if pin is not None:
            a.set_pin(account, post, None)
            log += (a, account, post, pin, ActivityState.set_pin, 4)
        return pin

    def pinned_by(self, account_id: AccountId) -> list[Pin]:
        pins = self._read().activity.pins.get(_checks.lookup_id(account_id, "account_id"), {})
        return sorted(pins.values(), key=lambda p: (p.created_at, p.post_id), reverse=True)


class History(_Base):
    """The memory store's :class:`~microblog_core.ports.PostHistoryRepository`."""

    __slots__ = ()

    def add(self, version: PostVersion) -> None:
        log = self._write()
        _checks.instance(version, PostVersion, "version")
        s = self._s
        if version.post_id not in s.posts:
            raise NotFoundError("post", version.post_id)
        s.activity.push_version(version)
        log += (s.activity, version.post_id, ActivityState.pop_version, 2)

    def versions(self, post_id: PostId) -> tuple[PostVersion, ...]:
        versions = self._read().activity.versions.get(_checks.lookup_id(post_id, "post_id"), ())
        return tuple(versions)

    def remove_all(self, post_id: PostId) -> int:
        log = self._write()
        a = self._s.activity
        key = _checks.lookup_id(post_id, "post_id")
        versions = a.versions.get(key)
        if versions is None:
            return 0
        a.set_versions(key, None)
        log += (a, key, versions, ActivityState.set_versions, 3)
        return len(versions)


class Polls(_Base):
    """The memory store's :class:`~microblog_core.ports.PollRepository`."""

    __slots__ = ()

    def open(self, post_id: PostId, expires_at: datetime) -> None:
        log = self._write()
        key = _checks.lookup_id(post_id, "post_id")
        when = _checks.aware(expires_at, "expires_at")
        s = self._s
        if key not in s.posts:
            raise NotFoundError("post", post_id)
        a = s.activity
        log += (a, key, a.open_polls.get(key), ActivityState.set_open, 3)
        a.set_open(key, when)

    def close(self, post_id: PostId) -> bool:
        log = self._write()
        a = self._s.activity
        key = _checks.lookup_id(post_id, "post_id")
        current = a.open_polls.get(key)
        if current is None:
            return False
        a.set_open(key, None)
        log += (a, key, current, ActivityState.set_open, 3)
        return True

    def due(self, at: datetime, *, limit: int = 100) -> list[PostId]:
        a = self._a()
        when = _checks.aware(at, "at")
        _checks.limit(limit, "limit")
        found: list[PostId] = []
        for expires_at, post_id in a.expiries:
            if expires_at > when or len(found) == limit:
                break
            found.append(PostId(post_id))
        return found

    def _a(self) -> ActivityState:
        return self._read().activity

    def add_vote(self, vote: PollVote) -> None:
        log = self._write()
        _checks.instance(vote, PollVote, "vote")
        s = self._s
        a = s.activity
        if vote.account_id in a.votes.get(vote.post_id, {}):
            raise ConflictError(
                f"account {vote.account_id} already voted in the poll of post {vote.post_id}",
                entity="vote",
                key=(vote.account_id, vote.post_id),
            )
        if vote.account_id not in s.accounts:
            raise NotFoundError("account", vote.account_id)
        if vote.post_id not in s.posts:
            raise NotFoundError("post", vote.post_id)
        a.put_vote(vote)
        log += (a, vote, ActivityState.drop_vote, 2)

    def get_vote(self, account_id: AccountId, post_id: PostId) -> PollVote | None:
        a = self._a()
        post = _checks.lookup_id(post_id, "post_id")
        return a.votes.get(post, {}).get(_checks.lookup_id(account_id, "account_id"))

    def counts(self, post_id: PostId) -> dict[int, int]:
        return dict(self._a().vote_counts.get(_checks.lookup_id(post_id, "post_id"), {}))

    def voter_count(self, post_id: PostId) -> int:
        return len(self._a().votes.get(_checks.lookup_id(post_id, "post_id"), {}))

    def voters(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[AccountId]:
        a = self._a()
        votes = a.votes.get(_checks.lookup_id(post_id, "post_id"), {})
        cursor = _checks.cursor(after, "after")
        _checks.limit(limit, "limit")
        ids = sorted(v for v in votes if cursor is None or v > cursor)
        return [AccountId(v) for v in ids[:limit]]

    def remove_all(self, post_id: PostId) -> int:
        log = self._write()
        a = self._s.activity
        key = _checks.lookup_id(post_id, "post_id")
        votes = list(a.votes.get(key, {}).values())
        for vote in votes:
            a.drop_vote(vote)
            log += (a, vote, ActivityState.put_vote, 2)
        current = a.open_polls.get(key)
        if current is not None:
            a.set_open(key, None)
            log += (a, key, current, ActivityState.set_open, 3)
        return len(votes)
