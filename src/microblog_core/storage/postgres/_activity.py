"""The PostgreSQL notification, pin, post-history and poll repositories (schema version 2).

Group sizes and newest ids live in ``notification_groups``, kept by the
repository in the statements that add and remove notifications (the SQLite
adapter uses triggers), so a grouped page reads at most ``limit`` group rows
through an index, whatever the number of notifications. As in the other
repositories, an expected refusal (a taken id, a missing account or post)
never makes the server raise: inserts run ``WHERE EXISTS`` and ``ON CONFLICT
DO NOTHING``, and the repository then asks what was in the way, so the
unit stays usable.
"""

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any, Final

from microblog_core import _checks
from microblog_core.errors import ConflictError, NotFoundError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import (
    Notification,
    NotificationGroupHead,
    NotificationKind,
    NotificationPolicy,
    NotificationRequest,
    Pin,
    PolicyAction,
    PollVote,
    PostVersion,
)
from microblog_core.storage.postgres._errors import guarded
from microblog_core.storage.postgres._repositories import (
    _after,
    _bounds,
    _key,
    _limit,
    _optional_limit,
    _Repository,
    _storable,
)
from microblog_core.storage.postgres._rows import instant, micros

__all__ = ["History", "Notifications", "Pins", "Polls"]

_KINDS: Final = {k.value: k for k in NotificationKind}
_ACTIONS: Final = {a.value: a for a in PolicyAction}


def _notification(row: Sequence[Any]) -> Notification:
    nid, account, kind, sender, post, created, filtered = row[:7]
    return Notification(
        id=nid,
        account_id=account,
        kind=_KINDS[kind],
        from_account_id=sender,
        post_id=post,
        created_at=instant(created),
        filtered=bool(filtered),
    )


def _caused_params(
    account_id: AccountId,
    kind: NotificationKind,
    from_account_id: AccountId,
    post_id: PostId | None,
) -> tuple[int, int, str, int | None]:
    _checks.instance(kind, NotificationKind, "kind")
    return (
        _key(account_id, "account_id"),
        _key(from_account_id, "from_account_id"),
        kind.value,
        None if post_id is None else _key(post_id, "post_id"),
    )


def _pin(row: Sequence[Any]) -> Pin:
    return Pin(account_id=row[0], post_id=row[1], created_at=instant(row[2]))


class Notifications(_Repository):
    """Notifications in ``notifications``; groups in ``notification_groups``."""

    __slots__ = ()

    @guarded
    def add(self, notification: Notification) -> None:
        _checks.instance(notification, Notification, "notification")
        n = notification
        params = (
            n.id,
            n.account_id,
            n.kind.value,
            n.from_account_id,
            n.post_id,
            micros(n.created_at),
            n.group_key,
            n.filtered,
            n.account_id,
        )
        if not self._write("insert_notification", params).rowcount:
            if self._one("notification_exists", (n.id,)) is not None:
                raise ConflictError(
                    f"a notification with id {n.id} already exists",
                    entity="notification",
                    key=n.id,
                )
            raise NotFoundError("account", n.account_id)
        if not n.filtered:
            self._write("group_notification", (n.account_id, n.group_key, n.id))

    @guarded
    def find(self, notification_id: int) -> Notification | None:
        row = self._one("notification_by_id", (_key(notification_id, "notification_id"),))
        return None if row is None else _notification(row)

    @guarded
    def last_id(self) -> int | None:
        row = self._one("last_notification_id", ())
        return None if row is None or row[0] is None else int(row[0])

    @guarded
    def page(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        min_id: int | None = None,
        limit: int = 40,
        ascending: bool = False,
    ) -> list[Notification]:
        account = _key(account_id, "account_id")
        low, high = _bounds(max_id, min_id)
        name = "notifications_asc" if ascending else "notifications_desc"
        rows = self._all(name, (account, low, high, _limit(limit)))
        return [_notification(row) for row in rows]

    @guarded
    def count(
        self, account_id: AccountId, *, min_id: int | None = None, limit: int | None = None
    ) -> int:
        account = _key(account_id, "account_id")
        low, high = _bounds(None, min_id)
        row = self._one("count_notifications", (account, low, high, _optional_limit(limit)))
        return 0 if row is None else int(row[0])

    @guarded
    def groups(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        min_id: int | None = None,
        limit: int = 40,
        ascending: bool = False,
    ) -> list[NotificationGroupHead]:
        account = _key(account_id, "account_id")
        low, high = _bounds(max_id, min_id)
        name = "groups_asc" if ascending else "groups_desc"
        rows = self._all(name, (account, low, high, _limit(limit)))
        return [NotificationGroupHead(group_key=k, latest_id=i, count=n) for k, i, n in rows]

    @guarded
    def in_group(
        self, account_id: AccountId, group_key: str, *, limit: int = 8
    ) -> list[Notification]:
        account = _key(account_id, "account_id")
        key = _checks.text(group_key, "group_key")
        size = _limit(limit)
        if not _storable(key):
            return []
        return [_notification(row) for row in self._all("in_group", (account, key, size))]

    def _delete(self, name: str, params: tuple[Any, ...]) -> list[Notification]:
        rows = self._write(name, params).fetchall()
        shrunk: dict[tuple[int, str], int] = {}
        for row in rows:
            if not row[6]:
                group = (row[1], row[7])
                shrunk[group] = shrunk.get(group, 0) + 1
        self._regroup(sorted(shrunk.items()))
        return sorted((_notification(row) for row in rows), key=lambda n: n.id)

    def _regroup(self, shrunk: Iterable[tuple[tuple[int, str], int]]) -> None:
        """Shrink the groups that lost notifications, in key order (no deadlock between units)."""
        for (account, key), removed in shrunk:
            self._write("ungroup_notifications", (removed, account, key))
            self._write("drop_empty_group", (account, key))

    @guarded
    def caused(
        self,
        account_id: AccountId,
        kind: NotificationKind,
        from_account_id: AccountId,
        post_id: PostId | None,
    ) -> list[Notification]:
        params = _caused_params(account_id, kind, from_account_id, post_id)
        return [_notification(row) for row in self._all("caused", params)]

    @guarded
    def remove_caused(
        self,
        account_id: AccountId,
        kind: NotificationKind,
        from_account_id: AccountId,
        post_id: PostId | None,
    ) -> list[Notification]:
        params = _caused_params(account_id, kind, from_account_id, post_id)
        return self._delete("remove_caused", params)

    @guarded
    def remove_about(self, post_id: PostId) -> list[Notification]:
        return self._delete("remove_about", (_key(post_id, "post_id"),))

    @guarded
    def remove_between(self, a: AccountId, b: AccountId) -> list[Notification]:
        first, second = _key(a, "a"), _key(b, "b")
        return self._delete("remove_between", (first, second, second, first))

    @guarded
    def subscribers(self, account_id: AccountId) -> list[AccountId]:
        rows = self._all("notify_subscribers", (_key(account_id, "account_id"),))
        return [AccountId(row[0]) for row in rows]

    @guarded
    def read_marker(self, account_id: AccountId) -> int | None:
        row = self._one("read_marker", (_key(account_id, "account_id"),))
        return None if row is None else int(row[0])

    @guarded
    def set_read_marker(self, account_id: AccountId, last_read_id: int) -> None:
        account = _key(account_id, "account_id")
        value = _checks.stored_id(last_read_id, "last_read_id")
        if not self._write("set_read_marker", (account, value, account)).rowcount:
            raise NotFoundError("account", account_id)

    @guarded
    def requests(self, account_id: AccountId, *, limit: int = 40) -> list[NotificationRequest]:
        account = _key(account_id, "account_id")
        rows = self._all("notification_requests", (account, _limit(limit)))
        return [
            NotificationRequest(
                account_id=AccountId(account), from_account_id=sender, count=n, latest_id=latest
            )
            for sender, n, latest in rows
        ]

    @guarded
    def filtered_from(
        self, account_id: AccountId, from_account_id: AccountId, *, limit: int = 40
    ) -> list[Notification]:
        params = (
            _key(account_id, "account_id"),
            _key(from_account_id, "from_account_id"),
            _limit(limit),
        )
        return [_notification(row) for row in self._all("held_from", params)]

    @guarded
    def remove_filtered(
        self, account_id: AccountId, from_account_id: AccountId
    ) -> list[Notification]:
        params = (_key(account_id, "account_id"), _key(from_account_id, "from_account_id"))
        return self._delete("remove_held", params)

    @guarded
    def policy(self, account_id: AccountId) -> NotificationPolicy | None:
        row = self._one("notification_policy", (_key(account_id, "account_id"),))
        if row is None:
            return None
        return NotificationPolicy(
            for_not_following=_ACTIONS[row[0]],
            for_not_followers=_ACTIONS[row[1]],
            for_new_accounts=_ACTIONS[row[2]],
            for_private_mentions=_ACTIONS[row[3]],
            new_account_days=row[4],
        )

    @guarded
    def set_policy(self, account_id: AccountId, policy: NotificationPolicy) -> None:
        account = _key(account_id, "account_id")
        _checks.instance(policy, NotificationPolicy, "policy")
        p = policy
        params = (
            account,
            p.for_not_following.value,
            p.for_not_followers.value,
            p.for_new_accounts.value,
            p.for_private_mentions.value,
            p.new_account_days,
            account,
        )
        if not self._write("set_notification_policy", params).rowcount:
            raise NotFoundError("account", account_id)

    @guarded
    def permit(self, account_id: AccountId, from_account_id: AccountId) -> None:
        params = (
            _checks.stored_id(account_id, "account_id"),
            _checks.stored_id(from_account_id, "from_account_id"),
        )
        self._write("permit_notifications", params)

    @guarded
    def is_permitted(self, account_id: AccountId, from_account_id: AccountId) -> bool:
        params = (_key(account_id, "account_id"), _key(from_account_id, "from_account_id"))
        return self._one("notifications_permitted", params) is not None


class Pins(_Repository):
    """Pins in the ``pins`` table."""

    __slots__ = ()

    @guarded
    def add(self, pin: Pin) -> None:
        _checks.instance(pin, Pin, "pin")
        account, post = pin.account_id, pin.post_id
        params = (account, post, micros(pin.created_at), account, post)
        if self._write("insert_pin", params).rowcount:
            return
        if self._one("pin_exists", (account, post)) is not None:
            raise ConflictError(
                f"account {account} already pinned post {post}",
                entity="pin",
                key=(account, post),
            )
        if self._one("account_exists", (account,)) is None:
            raise NotFoundError("account", account)
        raise NotFoundError("post", post)

    @guarded
    def remove(self, account_id: AccountId, post_id: PostId) -> Pin | None:
        params = (_key(account_id, "account_id"), _key(post_id, "post_id"))
        row = self._write("delete_pin", params).fetchone()
        return None if row is None else _pin(row)

    @guarded
    def pinned_by(self, account_id: AccountId) -> Sequence[Pin]:
        return [_pin(row) for row in self._all("pins_of", (_key(account_id, "account_id"),))]


class History(_Repository):
    """Earlier versions of posts in ``post_versions``, numbered per post."""

    __slots__ = ()

    @guarded
    def add(self, version: PostVersion) -> None:
        _checks.instance(version, PostVersion, "version")
        v = version
        # Locking the post row numbers the versions of one post one writer at a time.
        if self._write("lock_post_versions", (v.post_id,)).fetchone() is None:
            raise NotFoundError("post", v.post_id)
        params = (
            v.post_id,
            v.post_id,
            v.text,
            v.content_warning,
            micros(v.written_at),
            micros(v.replaced_at),
        )
        self._write("insert_version", params)

    @guarded
    def versions(self, post_id: PostId) -> tuple[PostVersion, ...]:
        rows = self._all("versions", (_key(post_id, "post_id"),))
        return tuple(
            PostVersion(
                post_id=row[0],
                text=row[1],
                content_warning=row[2],
                written_at=instant(row[3]),
                replaced_at=instant(row[4]),
            )
            for row in rows
        )

    @guarded
    def remove_all(self, post_id: PostId) -> int:
        return int(self._write("delete_versions", (_key(post_id, "post_id"),)).rowcount)


class Polls(_Repository):
    """Votes in ``poll_votes``, counts in ``poll_counts``, open polls in ``open_polls``."""

    __slots__ = ()

    @guarded
    def open(self, post_id: PostId, expires_at: datetime) -> None:
        key = _key(post_id, "post_id")
        when = micros(_checks.aware(expires_at, "expires_at"))
        if not self._write("open_poll", (key, when, key)).rowcount:
            raise NotFoundError("post", post_id)

    @guarded
    def close(self, post_id: PostId) -> bool:
        return bool(self._write("close_poll", (_key(post_id, "post_id"),)).rowcount)

    @guarded
    def due(self, at: datetime, *, limit: int = 100) -> list[PostId]:
        when = micros(_checks.aware(at, "at"))
        return [PostId(row[0]) for row in self._all("due_polls", (when, _limit(limit)))]

    @guarded
    def add_vote(self, vote: PollVote) -> None:
        _checks.instance(vote, PollVote, "vote")
        account, post = vote.account_id, vote.post_id
        choices = ",".join(map(str, vote.choices))
        params = (post, account, choices, micros(vote.created_at), account, post)
        if not self._write("insert_vote", params).rowcount:
            if self._one("get_vote", (post, account)) is not None:
                raise ConflictError(
                    f"account {account} already voted in the poll of post {post}",
                    entity="vote",
                    key=(account, post),
                )
            if self._one("account_exists", (account,)) is None:
                raise NotFoundError("account", account)
            raise NotFoundError("post", post)
        self._write("count_choices", (post, list(vote.choices)))

    @guarded
    def get_vote(self, account_id: AccountId, post_id: PostId) -> PollVote | None:
        params = (_key(post_id, "post_id"), _key(account_id, "account_id"))
        row = self._one("get_vote", params)
        if row is None:
            return None
        return PollVote(
            account_id=row[0],
            post_id=row[1],
            choices=tuple(int(c) for c in row[2].split(",")),
            created_at=instant(row[3]),
        )

    @guarded
    def counts(self, post_id: PostId) -> dict[int, int]:
        rows = self._all("poll_counts", (_key(post_id, "post_id"),))
        return {int(choice): int(n) for choice, n in rows}

    @guarded
    def voter_count(self, post_id: PostId) -> int:
        row = self._one("voter_count", (_key(post_id, "post_id"),))
        return 0 if row is None else int(row[0])

    @guarded
    def voters(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[AccountId]:
        params = (_key(post_id, "post_id"), _after(after), _limit(limit))
        return [AccountId(row[0]) for row in self._all("voters", params)]

    @guarded
    def remove_all(self, post_id: PostId) -> int:
        key = _key(post_id, "post_id")
        removed = int(self._write("delete_votes", (key,)).rowcount)
        self._write("delete_counts", (key,))
        self._write("close_poll", (key,))
        return removed
