"""The SQLite notification, pin and post-history repositories (schema version 3).

Group sizes and newest ids live in ``notification_groups``, kept by two
triggers on ``notifications``, so a grouped page reads at most ``limit``
group rows through an index, whatever the number of notifications.
"""

import sqlite3
from collections.abc import Sequence
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
from microblog_core.storage.sqlite._errors import FK, PK, guarded
from microblog_core.storage.sqlite._params import (
    after_key,
    bounds,
    lookup_key,
    optional_page_size,
    page_size,
)
from microblog_core.storage.sqlite._repository import Repository
from microblog_core.storage.sqlite._rows import instant, micros
from microblog_core.storage.sqlite._sql import ACCOUNT_EXISTS

__all__ = ["History", "Notifications", "Pins", "Polls"]

_KINDS: Final = {k.value: k for k in NotificationKind}
_INSERT: Final = (
    "INSERT INTO notifications"
    " (id, account_id, kind, from_account_id, post_id, created_at, group_key, filtered)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)
_BY_ID: Final = (
    "SELECT id, account_id, kind, from_account_id, post_id, created_at, filtered"
    " FROM notifications"
    " WHERE id = ?"
)
_PAGE_DESC: Final = (
    "SELECT id, account_id, kind, from_account_id, post_id, created_at, filtered"
    " FROM notifications"
    " WHERE account_id = ? AND filtered = 0 AND id BETWEEN ? AND ?"
    " ORDER BY id DESC LIMIT ?"
)
_PAGE_ASC: Final = (
    "SELECT id, account_id, kind, from_account_id, post_id, created_at, filtered"
    " FROM notifications"
    " WHERE account_id = ? AND filtered = 0 AND id BETWEEN ? AND ? ORDER BY id LIMIT ?"
)
_COUNT: Final = (
    "SELECT count(*) FROM (SELECT 1 FROM notifications"
    " WHERE account_id = ? AND filtered = 0 AND id BETWEEN ? AND ? LIMIT ?)"
)
_GROUPS_DESC: Final = (
    "SELECT group_key, latest_id, n FROM notification_groups"
    " WHERE account_id = ? AND latest_id BETWEEN ? AND ? ORDER BY latest_id DESC LIMIT ?"
)
_GROUPS_ASC: Final = (
    "SELECT group_key, latest_id, n FROM notification_groups"
    " WHERE account_id = ? AND latest_id BETWEEN ? AND ? ORDER BY latest_id LIMIT ?"
)
_IN_GROUP: Final = (
    "SELECT id, account_id, kind, from_account_id, post_id, created_at, filtered"
    " FROM notifications"
    " WHERE account_id = ? AND filtered = 0 AND group_key = ?"
    " ORDER BY id DESC LIMIT ?"
)
_CAUSED_FIND: Final = (
    "SELECT id, account_id, kind, from_account_id, post_id, created_at, filtered"
    " FROM notifications WHERE account_id = ? AND from_account_id = ? AND kind = ?"
    " AND post_id IS ? ORDER BY id"
)
_CAUSED: Final = (
    "DELETE FROM notifications WHERE account_id = ? AND from_account_id = ? AND kind = ?"
    " AND post_id IS ?"
    " RETURNING id, account_id, kind, from_account_id, post_id, created_at, filtered"
)
_ABOUT: Final = (
    "DELETE FROM notifications WHERE post_id = ?"
    " RETURNING id, account_id, kind, from_account_id, post_id, created_at, filtered"
)
_BETWEEN: Final = (
    "DELETE FROM notifications WHERE (account_id = ? AND from_account_id = ?)"
    " OR (account_id = ? AND from_account_id = ?)"
    " RETURNING id, account_id, kind, from_account_id, post_id, created_at, filtered"
)
_REQUESTS: Final = (
    "SELECT from_account_id, count(*), max(id) FROM notifications INDEXED BY notifications_held"
    " WHERE account_id = ? AND filtered = 1 GROUP BY from_account_id"
    " ORDER BY max(id) DESC LIMIT ?"
)
_HELD_FROM: Final = (
    "SELECT id, account_id, kind, from_account_id, post_id, created_at, filtered"
    " FROM notifications WHERE account_id = ? AND from_account_id = ? AND filtered = 1"
    " ORDER BY id DESC LIMIT ?"
)
_REMOVE_HELD: Final = (
    "DELETE FROM notifications WHERE account_id = ? AND from_account_id = ? AND filtered = 1"
    " RETURNING id, account_id, kind, from_account_id, post_id, created_at, filtered"
)
_POLICY: Final = (
    "SELECT for_not_following, for_not_followers, for_new_accounts, for_private_mentions,"
    " new_account_days FROM notification_policies WHERE account_id = ?"
)
_SET_POLICY: Final = (
    "INSERT OR REPLACE INTO notification_policies (account_id, for_not_following,"
    " for_not_followers, for_new_accounts, for_private_mentions, new_account_days)"
    " VALUES (?, ?, ?, ?, ?, ?)"
)
_PERMIT: Final = (
    "INSERT OR IGNORE INTO notification_permits (account_id, from_account_id) VALUES (?, ?)"
)
_PERMITTED: Final = (
    "SELECT 1 FROM notification_permits WHERE account_id = ? AND from_account_id = ?"
)
_SUBSCRIBERS: Final = (
    "SELECT follower_id FROM follows WHERE followee_id = ? AND notify = 1 ORDER BY follower_id"
)
_ACTIONS: Final = {a.value: a for a in PolicyAction}
_MARKER: Final = "SELECT last_read_id FROM notification_markers WHERE account_id = ?"
_SET_MARKER: Final = (
    "INSERT INTO notification_markers (account_id, last_read_id) VALUES (?, ?)"
    " ON CONFLICT (account_id) DO UPDATE SET last_read_id = excluded.last_read_id"
)
_INSERT_PIN: Final = "INSERT INTO pins (account_id, post_id, created_at) VALUES (?, ?, ?)"
_DELETE_PIN: Final = (
    "DELETE FROM pins WHERE account_id = ? AND post_id = ?"
    " RETURNING account_id, post_id, created_at"
)
_PINS: Final = (
    "SELECT account_id, post_id, created_at FROM pins WHERE account_id = ?"
    " ORDER BY created_at DESC, post_id DESC"
)
_INSERT_VERSION: Final = (
    "INSERT INTO post_versions (post_id, seq, text, content_warning, written_at, replaced_at)"
    " VALUES (?, (SELECT count(*) FROM post_versions WHERE post_id = ?), ?, ?, ?, ?)"
)
_VERSIONS: Final = (
    "SELECT post_id, text, content_warning, written_at, replaced_at FROM post_versions"
    " WHERE post_id = ? ORDER BY seq"
)
_DELETE_VERSIONS: Final = "DELETE FROM post_versions WHERE post_id = ?"
_OPEN_POLL: Final = (
    "INSERT INTO open_polls (post_id, expires_at) VALUES (?, ?)"
    " ON CONFLICT (post_id) DO UPDATE SET expires_at = excluded.expires_at"
)
_CLOSE_POLL: Final = "DELETE FROM open_polls WHERE post_id = ?"
_DUE: Final = (
    "SELECT post_id FROM open_polls WHERE expires_at <= ? ORDER BY expires_at, post_id LIMIT ?"
)
_INSERT_VOTE: Final = (
    "INSERT INTO poll_votes (post_id, account_id, choices, created_at) VALUES (?, ?, ?, ?)"
)
_COUNT_CHOICE: Final = (
    "INSERT INTO poll_counts (post_id, choice, n) VALUES (?, ?, 1)"
    " ON CONFLICT (post_id, choice) DO UPDATE SET n = n + 1"
)
_GET_VOTE: Final = (
    "SELECT account_id, post_id, choices, created_at FROM poll_votes"
    " WHERE post_id = ? AND account_id = ?"
)
_COUNTS: Final = "SELECT choice, n FROM poll_counts WHERE post_id = ? AND n > 0"
_VOTER_COUNT: Final = "SELECT count(*) FROM poll_votes WHERE post_id = ?"
_VOTERS: Final = (
    "SELECT account_id FROM poll_votes WHERE post_id = ? AND account_id > ?"
    " ORDER BY account_id LIMIT ?"
)
_DELETE_VOTES: Final = "DELETE FROM poll_votes WHERE post_id = ?"
_DELETE_COUNTS: Final = "DELETE FROM poll_counts WHERE post_id = ?"


def _notification(row: tuple[Any, ...]) -> Notification:
    nid, account, kind, sender, post, created, filtered = row
    return Notification(
        id=nid,
        account_id=account,
        kind=_KINDS[kind],
        from_account_id=sender,
        post_id=post,
        created_at=instant(created),
        filtered=bool(filtered),
    )


def _pin(row: tuple[Any, ...]) -> Pin:
    return Pin(account_id=row[0], post_id=row[1], created_at=instant(row[2]))


def _caused_params(
    account_id: AccountId,
    kind: NotificationKind,
    from_account_id: AccountId,
    post_id: PostId | None,
) -> tuple[int, int, str, int | None]:
    _checks.instance(kind, NotificationKind, "kind")
    return (
        lookup_key(account_id, "account_id"),
        lookup_key(from_account_id, "from_account_id"),
        kind.value,
        None if post_id is None else lookup_key(post_id, "post_id"),
    )


class Notifications(Repository):
    """Notifications in ``notifications``; groups in ``notification_groups``."""

    __slots__ = ()

    @guarded
    def add(self, notification: Notification) -> None:
        _checks.instance(notification, Notification, "notification")
        n = notification
        conn = self._u._writer()
        try:
            conn.execute(
                _INSERT,
                (
                    n.id,
                    n.account_id,
                    n.kind.value,
                    n.from_account_id,
                    n.post_id,
                    micros(n.created_at),
                    n.group_key,
                    int(n.filtered),
                ),
            )
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == PK:
                raise ConflictError(
                    f"a notification with id {n.id} already exists",
                    entity="notification",
                    key=n.id,
                ) from None
            if exc.sqlite_errorname == FK:
                raise NotFoundError("account", n.account_id) from None
            raise

    @guarded
    def find(self, notification_id: int) -> Notification | None:
        key = lookup_key(notification_id, "notification_id")
        row = self._u._reader().execute(_BY_ID, (key,)).fetchone()
        return None if row is None else _notification(row)

    @guarded
    def last_id(self) -> int | None:
        row = self._u._reader().execute("SELECT max(id) FROM notifications").fetchone()
        return None if row[0] is None else int(row[0])

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
        account = lookup_key(account_id, "account_id")
        low, high = bounds(max_id, min_id)
        sql = _PAGE_ASC if ascending else _PAGE_DESC
        rows = self._u._reader().execute(sql, (account, low, high, page_size(limit))).fetchall()
        return [_notification(row) for row in rows]

    @guarded
    def count(
        self, account_id: AccountId, *, min_id: int | None = None, limit: int | None = None
    ) -> int:
        account = lookup_key(account_id, "account_id")
        low, high = bounds(None, min_id)
        params = (account, low, high, optional_page_size(limit))
        return int(self._u._reader().execute(_COUNT, params).fetchone()[0])

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
        account = lookup_key(account_id, "account_id")
        low, high = bounds(max_id, min_id)
        sql = _GROUPS_ASC if ascending else _GROUPS_DESC
        rows = self._u._reader().execute(sql, (account, low, high, page_size(limit))).fetchall()
        return [NotificationGroupHead(group_key=k, latest_id=i, count=n) for k, i, n in rows]

    @guarded
    def in_group(
        self, account_id: AccountId, group_key: str, *, limit: int = 8
    ) -> list[Notification]:
        account = lookup_key(account_id, "account_id")
        key = _checks.text(group_key, "group_key")
        rows = self._u._reader().execute(_IN_GROUP, (account, key, page_size(limit))).fetchall()
        return [_notification(row) for row in rows]

    def _delete(self, sql: str, params: tuple[Any, ...]) -> list[Notification]:
        rows = self._u._writer().execute(sql, params).fetchall()
        return sorted((_notification(row) for row in rows), key=lambda n: n.id)

    @guarded
    def caused(
        self,
        account_id: AccountId,
        kind: NotificationKind,
        from_account_id: AccountId,
        post_id: PostId | None,
    ) -> list[Notification]:
        params = _caused_params(account_id, kind, from_account_id, post_id)
        rows = self._u._reader().execute(_CAUSED_FIND, params).fetchall()
        return [_notification(row) for row in rows]

    @guarded
    def remove_caused(
        self,
        account_id: AccountId,
        kind: NotificationKind,
        from_account_id: AccountId,
        post_id: PostId | None,
    ) -> list[Notification]:
        return self._delete(_CAUSED, _caused_params(account_id, kind, from_account_id, post_id))

    @guarded
    def remove_about(self, post_id: PostId) -> list[Notification]:
        return self._delete(_ABOUT, (lookup_key(post_id, "post_id"),))

    @guarded
    def remove_between(self, a: AccountId, b: AccountId) -> list[Notification]:
        first, second = lookup_key(a, "a"), lookup_key(b, "b")
        return self._delete(_BETWEEN, (first, second, second, first))

    @guarded
    def subscribers(self, account_id: AccountId) -> list[AccountId]:
        account = lookup_key(account_id, "account_id")
        rows = self._u._reader().execute(_SUBSCRIBERS, (account,)).fetchall()
        return [AccountId(row[0]) for row in rows]

    @guarded
    def read_marker(self, account_id: AccountId) -> int | None:
        account = lookup_key(account_id, "account_id")
        row = self._u._reader().execute(_MARKER, (account,)).fetchone()
        return None if row is None else int(row[0])

    @guarded
    def set_read_marker(self, account_id: AccountId, last_read_id: int) -> None:
        account = lookup_key(account_id, "account_id")
        value = _checks.stored_id(last_read_id, "last_read_id")
        conn = self._u._writer()
        try:
            conn.execute(_SET_MARKER, (account, value))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == FK:
                raise NotFoundError("account", account_id) from None
            raise

    @guarded
    def requests(self, account_id: AccountId, *, limit: int = 40) -> list[NotificationRequest]:
        account = lookup_key(account_id, "account_id")
        rows = self._u._reader().execute(_REQUESTS, (account, page_size(limit))).fetchall()
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
            lookup_key(account_id, "account_id"),
            lookup_key(from_account_id, "from_account_id"),
            page_size(limit),
        )
        return [_notification(row) for row in self._u._reader().execute(_HELD_FROM, params)]

    @guarded
    def remove_filtered(
        self, account_id: AccountId, from_account_id: AccountId
    ) -> list[Notification]:
        params = (
            lookup_key(account_id, "account_id"),
            lookup_key(from_account_id, "from_account_id"),
        )
        return self._delete(_REMOVE_HELD, params)

    @guarded
    def policy(self, account_id: AccountId) -> NotificationPolicy | None:
        account = lookup_key(account_id, "account_id")
        row = self._u._reader().execute(_POLICY, (account,)).fetchone()
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
        account = lookup_key(account_id, "account_id")
        _checks.instance(policy, NotificationPolicy, "policy")
        p = policy
        conn = self._u._writer()
        try:
            conn.execute(
                _SET_POLICY,
                (
                    account,
                    p.for_not_following.value,
                    p.for_not_followers.value,
                    p.for_new_accounts.value,
                    p.for_private_mentions.value,
                    p.new_account_days,
                ),
            )
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == FK:
                raise NotFoundError("account", account_id) from None
            raise

    @guarded
    def permit(self, account_id: AccountId, from_account_id: AccountId) -> None:
        params = (
            _checks.stored_id(account_id, "account_id"),
            _checks.stored_id(from_account_id, "from_account_id"),
        )
        self._u._writer().execute(_PERMIT, params)

    @guarded
    def is_permitted(self, account_id: AccountId, from_account_id: AccountId) -> bool:
        params = (
            lookup_key(account_id, "account_id"),
            lookup_key(from_account_id, "from_account_id"),
        )
        return self._u._reader().execute(_PERMITTED, params).fetchone() is not None


class Pins(Repository):
    """Pins in the ``pins`` table."""

    __slots__ = ()

    @guarded
    def add(self, pin: Pin) -> None:
        _checks.instance(pin, Pin, "pin")
        conn = self._u._writer()
        try:
            conn.execute(_INSERT_PIN, (pin.account_id, pin.post_id, micros(pin.created_at)))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == PK:
                raise ConflictError(
                    f"account {pin.account_id} already pinned post {pin.post_id}",
                    entity="pin",
                    key=(pin.account_id, pin.post_id),
                ) from None
            if exc.sqlite_errorname == FK:
                if conn.execute(ACCOUNT_EXISTS, (pin.account_id,)).fetchone() is None:
                    raise NotFoundError("account", pin.account_id) from None
                raise NotFoundError("post", pin.post_id) from None
            raise

    @guarded
    def remove(self, account_id: AccountId, post_id: PostId) -> Pin | None:
        params = (lookup_key(account_id, "account_id"), lookup_key(post_id, "post_id"))
        row = self._u._writer().execute(_DELETE_PIN, params).fetchone()
        return None if row is None else _pin(row)

    @guarded
    def pinned_by(self, account_id: AccountId) -> Sequence[Pin]:
        account = lookup_key(account_id, "account_id")
        return [_pin(row) for row in self._u._reader().execute(_PINS, (account,)).fetchall()]


class History(Repository):
    """Earlier versions of posts in ``post_versions``, numbered per post."""

    __slots__ = ()

    @guarded
    def add(self, version: PostVersion) -> None:
        _checks.instance(version, PostVersion, "version")
        v = version
        conn = self._u._writer()
        try:
            conn.execute(
                _INSERT_VERSION,
                (
                    v.post_id,
                    v.post_id,
                    v.text,
                    v.content_warning,
                    micros(v.written_at),
                    micros(v.replaced_at),
                ),
            )
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == FK:
                raise NotFoundError("post", v.post_id) from None
            raise

    @guarded
    def versions(self, post_id: PostId) -> tuple[PostVersion, ...]:
        key = lookup_key(post_id, "post_id")
        rows = self._u._reader().execute(_VERSIONS, (key,)).fetchall()
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
        key = lookup_key(post_id, "post_id")
        return self._u._writer().execute(_DELETE_VERSIONS, (key,)).rowcount


class Polls(Repository):
    """Votes in ``poll_votes``, counts in ``poll_counts``, open polls in ``open_polls``."""

    __slots__ = ()

    @guarded
    def open(self, post_id: PostId, expires_at: datetime) -> None:
        key = lookup_key(post_id, "post_id")
        when = micros(_checks.aware(expires_at, "expires_at"))
        conn = self._u._writer()
        try:
            conn.execute(_OPEN_POLL, (key, when))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == FK:
                raise NotFoundError("post", post_id) from None
            raise

    @guarded
    def close(self, post_id: PostId) -> bool:
        key = lookup_key(post_id, "post_id")
        return self._u._writer().execute(_CLOSE_POLL, (key,)).rowcount > 0

    @guarded
    def due(self, at: datetime, *, limit: int = 100) -> list[PostId]:
        when = micros(_checks.aware(at, "at"))
        rows = self._u._reader().execute(_DUE, (when, page_size(limit))).fetchall()
        return [PostId(row[0]) for row in rows]

    @guarded
    def add_vote(self, vote: PollVote) -> None:
        _checks.instance(vote, PollVote, "vote")
        conn = self._u._writer()
        choices = ",".join(map(str, vote.choices))
        try:
            conn.execute(
                _INSERT_VOTE, (vote.post_id, vote.account_id, choices, micros(vote.created_at))
            )
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == PK:
                raise ConflictError(
                    f"account {vote.account_id} already voted in the poll of post {vote.post_id}",
                    entity="vote",
                    key=(vote.account_id, vote.post_id),
                ) from None
            if exc.sqlite_errorname == FK:
                if conn.execute(ACCOUNT_EXISTS, (vote.account_id,)).fetchone() is None:
                    raise NotFoundError("account", vote.account_id) from None
                raise NotFoundError("post", vote.post_id) from None
            raise
        conn.executemany(_COUNT_CHOICE, [(vote.post_id, choice) for choice in vote.choices])

    @guarded
    def get_vote(self, account_id: AccountId, post_id: PostId) -> PollVote | None:
        params = (lookup_key(post_id, "post_id"), lookup_key(account_id, "account_id"))
        row = self._u._reader().execute(_GET_VOTE, params).fetchone()
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
        rows = self._u._reader().execute(_COUNTS, (lookup_key(post_id, "post_id"),)).fetchall()
        return {int(choice): int(n) for choice, n in rows}

    @guarded
    def voter_count(self, post_id: PostId) -> int:
        key = lookup_key(post_id, "post_id")
        return int(self._u._reader().execute(_VOTER_COUNT, (key,)).fetchone()[0])

    @guarded
    def voters(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[AccountId]:
        params = (lookup_key(post_id, "post_id"), after_key(after), page_size(limit))
        rows = self._u._reader().execute(_VOTERS, params).fetchall()
        return [AccountId(row[0]) for row in rows]

    @guarded
    def remove_all(self, post_id: PostId) -> int:
        key = lookup_key(post_id, "post_id")
        conn = self._u._writer()
        removed = conn.execute(_DELETE_VOTES, (key,)).rowcount
        conn.execute(_DELETE_COUNTS, (key,))
        conn.execute(_CLOSE_POLL, (key,))
        return int(removed)
