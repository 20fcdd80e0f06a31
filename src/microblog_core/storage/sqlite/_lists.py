"""The SQLite list and followed-hashtag repositories (schema version 4).

Lists are rows of ``lists`` (indexed by owner); memberships are rows of
``list_members`` keyed by (list, account) with an index by account, so the
lists holding an author cost one index range; followed hashtags are rows of
``tag_follows`` keyed by (account, tag) with an index by tag.
"""

import sqlite3
from collections.abc import Collection, Sequence
from typing import Any, Final

from microblog_core import _checks
from microblog_core.errors import ConflictError, NotFoundError, ValidationError
from microblog_core.ids import AccountId, ListId
from microblog_core.models import AccountList, RepliesPolicy
from microblog_core.storage.sqlite._errors import FK, PK, guarded
from microblog_core.storage.sqlite._params import after_key, lookup_key, page_size
from microblog_core.storage.sqlite._repository import Repository

__all__ = ["STATEMENTS", "Lists", "TagFollows"]

INSERT_LIST: Final = (
    "INSERT INTO lists (id, owner_id, title, replies_policy, exclusive) VALUES (?, ?, ?, ?, ?)"
)
UPDATE_LIST: Final = "UPDATE lists SET title = ?, replies_policy = ?, exclusive = ? WHERE id = ?"
LIST_BY_ID: Final = "SELECT id, owner_id, title, replies_policy, exclusive FROM lists WHERE id = ?"
LISTS_OF: Final = (
    "SELECT id, owner_id, title, replies_policy, exclusive FROM lists"
    " WHERE owner_id = ? ORDER BY id"
)
DELETE_MEMBERS: Final = "DELETE FROM list_members WHERE list_id = ?"
DELETE_LIST: Final = "DELETE FROM lists WHERE id = ?"
INSERT_MEMBER: Final = "INSERT INTO list_members (list_id, account_id) VALUES (?, ?)"
DELETE_MEMBER: Final = "DELETE FROM list_members WHERE list_id = ? AND account_id = ?"
MEMBERS: Final = (
    "SELECT account_id FROM list_members WHERE list_id = ? AND account_id > ?"
    " ORDER BY account_id LIMIT ?"
)
MEMBER_IDS: Final = "SELECT account_id FROM list_members WHERE list_id = ?"
CONTAINING: Final = (
    "SELECT l.id, l.owner_id, l.title, l.replies_policy, l.exclusive"
    " FROM list_members AS m JOIN lists AS l ON l.id = m.list_id"
    " WHERE m.account_id = ? ORDER BY m.list_id"
)
EXCLUSIVE_MEMBERS: Final = (
    "SELECT m.account_id FROM lists AS l"
    " JOIN list_members AS m ON m.list_id = l.id"
    " WHERE l.owner_id = ? AND l.exclusive = 1"
)
INSERT_TAG: Final = "INSERT OR IGNORE INTO tag_follows (account_id, tag) VALUES (?, ?)"
DELETE_TAG: Final = "DELETE FROM tag_follows WHERE account_id = ? AND tag = ?"
FOLLOWS_TAG: Final = "SELECT 1 FROM tag_follows WHERE account_id = ? AND tag = ?"
TAGS_OF: Final = "SELECT tag FROM tag_follows WHERE account_id = ? AND tag > ? ORDER BY tag LIMIT ?"
TAG_FOLLOWERS: Final = "SELECT account_id FROM tag_follows WHERE tag = ?"
TAG_FOLLOWER_COUNT: Final = "SELECT count(*) FROM tag_follows WHERE tag = ?"

STATEMENTS: Final = {
    "lists of": LISTS_OF,
    "members": MEMBERS,
    "member ids": MEMBER_IDS,
    "containing": CONTAINING,
    "exclusive members": EXCLUSIVE_MEMBERS,
    "tags of": TAGS_OF,
    "tag followers": TAG_FOLLOWERS,
    "tag follower count": TAG_FOLLOWER_COUNT,
}
"""The read queries, by name, for the query-plan tests."""


def _list(row: Any) -> AccountList:
    return AccountList(
        id=ListId(row[0]),
        owner_id=AccountId(row[1]),
        title=row[2],
        replies_policy=RepliesPolicy(row[3]),
        exclusive=bool(row[4]),
    )


def _row(account_list: AccountList) -> tuple[object, ...]:
    a = account_list
    return (a.id, a.owner_id, a.title, a.replies_policy.value, int(a.exclusive))


class Lists(Repository):
    """Lists in ``lists``, their members in ``list_members``."""

    __slots__ = ()

    @guarded
    def add(self, account_list: AccountList) -> None:
        _checks.instance(account_list, AccountList, "account_list")
        conn = self._u._writer()
        try:
            conn.execute(INSERT_LIST, _row(account_list))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == PK:
                raise ConflictError(
                    f"a list with id {account_list.id} already exists",
                    entity="list",
                    key=account_list.id,
                ) from None
            if exc.sqlite_errorname == FK:
                raise NotFoundError("account", account_list.owner_id) from None
            raise

    @guarded
    def update(self, account_list: AccountList) -> None:
        _checks.instance(account_list, AccountList, "account_list")
        conn = self._u._writer()
        row = conn.execute(LIST_BY_ID, (account_list.id,)).fetchone()
        if row is None:
            raise NotFoundError("list", account_list.id)
        if row[1] != account_list.owner_id:
            raise ValidationError(
                f"list {row[0]} belongs to account {row[1]}; its owner cannot change",
                field="owner_id",
                value=account_list.owner_id,
            )
        a = account_list
        conn.execute(UPDATE_LIST, (a.title, a.replies_policy.value, int(a.exclusive), a.id))

    @guarded
    def remove(self, list_id: ListId) -> AccountList | None:
        key = lookup_key(list_id, "list_id")
        conn = self._u._writer()
        row = conn.execute(LIST_BY_ID, (key,)).fetchone()
        if row is None:
            return None
        conn.execute(DELETE_MEMBERS, (key,))
        conn.execute(DELETE_LIST, (key,))
        return _list(row)

    @guarded
    def find(self, list_id: ListId) -> AccountList | None:
        key = lookup_key(list_id, "list_id")
        row = self._u._reader().execute(LIST_BY_ID, (key,)).fetchone()
        return None if row is None else _list(row)

    @guarded
    def lists_of(self, owner_id: AccountId) -> Sequence[AccountList]:
        owner = lookup_key(owner_id, "owner_id")
        return [_list(row) for row in self._u._reader().execute(LISTS_OF, (owner,))]

    @guarded
    def add_member(self, list_id: ListId, account_id: AccountId) -> None:
        key = lookup_key(list_id, "list_id")
        account = lookup_key(account_id, "account_id")
        conn = self._u._writer()
        try:
            conn.execute(INSERT_MEMBER, (key, account))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == PK:
                raise ConflictError(
                    f"account {account} is on list {key} already",
                    entity="list member",
                    key=(key, account),
                ) from None
            if exc.sqlite_errorname == FK:
                if conn.execute(LIST_BY_ID, (key,)).fetchone() is None:
                    raise NotFoundError("list", list_id) from None
                raise NotFoundError("account", account_id) from None
            raise

    @guarded
    def remove_member(self, list_id: ListId, account_id: AccountId) -> bool:
        params = (lookup_key(list_id, "list_id"), lookup_key(account_id, "account_id"))
        return self._u._writer().execute(DELETE_MEMBER, params).rowcount > 0

    @guarded
    def members(
        self, list_id: ListId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[AccountId]:
        params = (lookup_key(list_id, "list_id"), after_key(after), page_size(limit))
        return [AccountId(row[0]) for row in self._u._reader().execute(MEMBERS, params)]

    @guarded
    def member_ids(self, list_id: ListId) -> Collection[AccountId]:
        key = lookup_key(list_id, "list_id")
        return [AccountId(row[0]) for row in self._u._reader().execute(MEMBER_IDS, (key,))]

    @guarded
    def containing(
        self, account_id: AccountId, *, owner_id: AccountId | None = None
    ) -> Sequence[AccountList]:
        account = lookup_key(account_id, "account_id")
        owner = None if owner_id is None else lookup_key(owner_id, "owner_id")
        found = [_list(row) for row in self._u._reader().execute(CONTAINING, (account,))]
        return found if owner is None else [lst for lst in found if lst.owner_id == owner]

    @guarded
    def exclusive_members(self, owner_id: AccountId) -> Collection[AccountId]:
        owner = lookup_key(owner_id, "owner_id")
        rows = self._u._reader().execute(EXCLUSIVE_MEMBERS, (owner,))
        return frozenset(AccountId(row[0]) for row in rows)


def _tag(value: object) -> str:
    return _checks.hashtag(value)


class TagFollows(Repository):
    """Followed hashtags in ``tag_follows``."""

    __slots__ = ()

    @guarded
    def add(self, account_id: AccountId, tag: str) -> bool:
        account = lookup_key(account_id, "account_id")
        name = _tag(tag)
        conn = self._u._writer()
        try:
            return conn.execute(INSERT_TAG, (account, name)).rowcount > 0
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == FK:
                raise NotFoundError("account", account_id) from None
            raise

    @guarded
    def remove(self, account_id: AccountId, tag: str) -> bool:
        params = (lookup_key(account_id, "account_id"), _tag(tag))
        return self._u._writer().execute(DELETE_TAG, params).rowcount > 0

    @guarded
    def follows(self, account_id: AccountId, tag: str) -> bool:
        params = (lookup_key(account_id, "account_id"), _tag(tag))
        return self._u._reader().execute(FOLLOWS_TAG, params).fetchone() is not None

    @guarded
    def tags_of(
        self, account_id: AccountId, *, after: str | None = None, limit: int = 100
    ) -> Sequence[str]:
        cursor = "" if after is None else _tag(after)
        params = (lookup_key(account_id, "account_id"), cursor, page_size(limit))
        return [row[0] for row in self._u._reader().execute(TAGS_OF, params)]

    @guarded
    def followers_of(self, tag: str) -> Collection[AccountId]:
        rows = self._u._reader().execute(TAG_FOLLOWERS, (_tag(tag),))
        return [AccountId(row[0]) for row in rows]

    @guarded
    def follower_count(self, tag: str) -> int:
        row = self._u._reader().execute(TAG_FOLLOWER_COUNT, (_tag(tag),)).fetchone()
        return int(row[0])
