"""The PostgreSQL list and followed-hashtag repositories (schema version 3).

Lists are rows of ``lists`` (indexed by owner); memberships are rows of
``list_members`` keyed by (list, account) with an index by account, so the
lists holding an author cost one index range; followed hashtags are rows of
``tag_follows`` keyed by (account, tag) with an index by tag. As in the other
repositories, an expected refusal never makes the server raise: inserts run
``WHERE EXISTS`` and ``ON CONFLICT DO NOTHING``, and the repository then asks
what was in the way.
"""

# ruff: noqa: S608  # the only text put into SQL is the checked schema identifier

from collections.abc import Collection, Sequence
from typing import Any, Final

from microblog_core import _checks
from microblog_core.errors import ConflictError, NotFoundError, ValidationError
from microblog_core.ids import AccountId, ListId
from microblog_core.models import AccountList, RepliesPolicy
from microblog_core.storage.postgres._errors import guarded
from microblog_core.storage.postgres._repositories import _after, _key, _limit, _Repository

__all__ = ["LIST_TEMPLATES", "Lists", "TagFollows"]

_L: Final = "id, owner_id, title, replies_policy, exclusive"

LIST_TEMPLATES: Final[dict[str, str]] = {
    "insert_list": (
        f"INSERT INTO {{s}}.lists ({_L}) SELECT %s, %s, %s, %s, %s"
        " WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) ON CONFLICT DO NOTHING"
    ),
    "list_by_id": f"SELECT {_L} FROM {{s}}.lists WHERE id = %s",
    "update_list": (
        "UPDATE {s}.lists SET title = %s, replies_policy = %s, exclusive = %s WHERE id = %s"
    ),
    "delete_list_members": "DELETE FROM {s}.list_members WHERE list_id = %s",
    "delete_list": f"DELETE FROM {{s}}.lists WHERE id = %s RETURNING {_L}",
    "lists_of": f"SELECT {_L} FROM {{s}}.lists WHERE owner_id = %s ORDER BY id",
    "insert_list_member": (
        "INSERT INTO {s}.list_members (list_id, account_id) SELECT %s, %s"
        " WHERE EXISTS (SELECT 1 FROM {s}.lists WHERE id = %s)"
        " AND EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) ON CONFLICT DO NOTHING"
    ),
    "list_member_exists": ("SELECT 1 FROM {s}.list_members WHERE list_id = %s AND account_id = %s"),
    "delete_list_member": "DELETE FROM {s}.list_members WHERE list_id = %s AND account_id = %s",
    "list_members": (
        "SELECT account_id FROM {s}.list_members WHERE list_id = %s AND account_id > %s"
        " ORDER BY account_id LIMIT %s"
    ),
    "list_member_ids": "SELECT account_id FROM {s}.list_members WHERE list_id = %s",
    "lists_containing": (
        "SELECT l.id, l.owner_id, l.title, l.replies_policy, l.exclusive"
        " FROM {s}.list_members AS m JOIN {s}.lists AS l ON l.id = m.list_id"
        " WHERE m.account_id = %s ORDER BY m.list_id"
    ),
    "exclusive_members": (
        "SELECT m.account_id FROM {s}.lists AS l"
        " JOIN {s}.list_members AS m ON m.list_id = l.id"
        " WHERE l.owner_id = %s AND l.exclusive"
    ),
    "insert_tag_follow": (
        "INSERT INTO {s}.tag_follows (account_id, tag) SELECT %s, %s"
        " WHERE EXISTS (SELECT 1 FROM {s}.accounts WHERE id = %s) ON CONFLICT DO NOTHING"
    ),
    "delete_tag_follow": "DELETE FROM {s}.tag_follows WHERE account_id = %s AND tag = %s",
    "tag_follow_exists": "SELECT 1 FROM {s}.tag_follows WHERE account_id = %s AND tag = %s",
    "tags_of": (
        "SELECT tag FROM {s}.tag_follows WHERE account_id = %s AND tag > %s ORDER BY tag LIMIT %s"
    ),
    "tag_followers": "SELECT account_id FROM {s}.tag_follows WHERE tag = %s",
    "tag_follower_count": "SELECT count(*) FROM {s}.tag_follows WHERE tag = %s",
}
"""The statements of this module, merged into the store's statements."""


def _list(row: Sequence[Any]) -> AccountList:
    return AccountList(
        id=ListId(row[0]),
        owner_id=AccountId(row[1]),
        title=row[2],
        replies_policy=RepliesPolicy(row[3]),
        exclusive=bool(row[4]),
    )


class Lists(_Repository):
    """Lists in ``lists``, their members in ``list_members``."""

    __slots__ = ()

    @guarded
    def add(self, account_list: AccountList) -> None:
        _checks.instance(account_list, AccountList, "account_list")
        a = account_list
        params = (a.id, a.owner_id, a.title, a.replies_policy.value, a.exclusive, a.owner_id)
        if self._write("insert_list", params).rowcount:
            return
        if self._one("list_by_id", (a.id,)) is not None:
            raise ConflictError(f"a list with id {a.id} already exists", entity="list", key=a.id)
        raise NotFoundError("account", a.owner_id)

    @guarded
    def update(self, account_list: AccountList) -> None:
        _checks.instance(account_list, AccountList, "account_list")
        a = account_list
        row = self._one("list_by_id", (a.id,))
        if row is None:
            raise NotFoundError("list", a.id)
        if row[1] != a.owner_id:
            raise ValidationError(
                f"list {a.id} belongs to account {row[1]}; its owner cannot change",
                field="owner_id",
                value=a.owner_id,
            )
        self._write("update_list", (a.title, a.replies_policy.value, a.exclusive, a.id))

    @guarded
    def remove(self, list_id: ListId) -> AccountList | None:
        key = _key(list_id, "list_id")
        self._write("delete_list_members", (key,))
        row = self._write("delete_list", (key,)).fetchone()
        return None if row is None else _list(row)

    @guarded
    def find(self, list_id: ListId) -> AccountList | None:
        row = self._one("list_by_id", (_key(list_id, "list_id"),))
        return None if row is None else _list(row)

    @guarded
    def lists_of(self, owner_id: AccountId) -> Sequence[AccountList]:
        return [_list(row) for row in self._all("lists_of", (_key(owner_id, "owner_id"),))]

    @guarded
    def add_member(self, list_id: ListId, account_id: AccountId) -> None:
        key = _key(list_id, "list_id")
        account = _key(account_id, "account_id")
        if self._write("insert_list_member", (key, account, key, account)).rowcount:
            return
        if self._one("list_member_exists", (key, account)) is not None:
            raise ConflictError(
                f"account {account} is on list {key} already",
                entity="list member",
                key=(key, account),
            )
        if self._one("list_by_id", (key,)) is None:
            raise NotFoundError("list", list_id)
        raise NotFoundError("account", account_id)

    @guarded
    def remove_member(self, list_id: ListId, account_id: AccountId) -> bool:
        params = (_key(list_id, "list_id"), _key(account_id, "account_id"))
        return bool(self._write("delete_list_member", params).rowcount)

    @guarded
    def members(
        self, list_id: ListId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[AccountId]:
        params = (_key(list_id, "list_id"), _after(after), _limit(limit))
        return [AccountId(row[0]) for row in self._all("list_members", params)]

    @guarded
    def member_ids(self, list_id: ListId) -> Collection[AccountId]:
        rows = self._all("list_member_ids", (_key(list_id, "list_id"),))
        return [AccountId(row[0]) for row in rows]

    @guarded
    def containing(
        self, account_id: AccountId, *, owner_id: AccountId | None = None
    ) -> Sequence[AccountList]:
        account = _key(account_id, "account_id")
        owner = None if owner_id is None else _key(owner_id, "owner_id")
        found = [_list(row) for row in self._all("lists_containing", (account,))]
        return found if owner is None else [lst for lst in found if lst.owner_id == owner]

    @guarded
    def exclusive_members(self, owner_id: AccountId) -> Collection[AccountId]:
        rows = self._all("exclusive_members", (_key(owner_id, "owner_id"),))
        return frozenset(AccountId(row[0]) for row in rows)


class TagFollows(_Repository):
    """Followed hashtags in ``tag_follows``."""

    __slots__ = ()

    @guarded
    def add(self, account_id: AccountId, tag: str) -> bool:
        account = _key(account_id, "account_id")
        name = _checks.hashtag(tag)
        if self._write("insert_tag_follow", (account, name, account)).rowcount:
            return True
        if self._one("tag_follow_exists", (account, name)) is not None:
            return False
        raise NotFoundError("account", account_id)

    @guarded
    def remove(self, account_id: AccountId, tag: str) -> bool:
        params = (_key(account_id, "account_id"), _checks.hashtag(tag))
        return bool(self._write("delete_tag_follow", params).rowcount)

    @guarded
    def follows(self, account_id: AccountId, tag: str) -> bool:
        params = (_key(account_id, "account_id"), _checks.hashtag(tag))
        return self._one("tag_follow_exists", params) is not None

    @guarded
    def tags_of(
        self, account_id: AccountId, *, after: str | None = None, limit: int = 100
    ) -> Sequence[str]:
        cursor = "" if after is None else _checks.hashtag(after, "after")
        params = (_key(account_id, "account_id"), cursor, _limit(limit))
        return [row[0] for row in self._all("tags_of", params)]

    @guarded
    def followers_of(self, tag: str) -> Collection[AccountId]:
        return [AccountId(row[0]) for row in self._all("tag_followers", (_checks.hashtag(tag),))]

    @guarded
    def follower_count(self, tag: str) -> int:
        row = self._one("tag_follower_count", (_checks.hashtag(tag),))
        return 0 if row is None else int(row[0])
