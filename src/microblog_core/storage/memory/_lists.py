"""The memory adapter's list and followed-hashtag repositories.

Their state and primitive writes are in ``_list_state``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Collection

from microblog_core import _checks
from microblog_core.errors import ConflictError, NotFoundError, ValidationError
from microblog_core.ids import AccountId, ListId
from microblog_core.models import AccountList
from microblog_core.storage.memory._list_state import ListState
from microblog_core.storage.memory._repositories import Repository as _Base

__all__ = ["Lists", "TagFollows"]


def _set_member(state: ListState, list_id: int, account: int, present: bool) -> None:
    state.set_member(list_id, account, present=present)


def _set_tag(state: ListState, account: int, tag: str, present: bool) -> None:
    state.set_tag(account, tag, present=present)


class Lists(_Base):
    """The memory store's :class:`~microblog_core.ports.ListRepository`."""

    __slots__ = ()

    def add(self, account_list: AccountList) -> None:
        log = self._write()
        _checks.instance(account_list, AccountList, "account_list")
        s = self._s
        ls = s.lists
        if account_list.id in ls.lists:
            raise ConflictError(
                f"a list with id {account_list.id} already exists",
                entity="list",
                key=account_list.id,
            )
        if account_list.owner_id not in s.accounts:
            raise NotFoundError("account", account_list.owner_id)
        ls.put_list(account_list, ())
        log += (ls, account_list.id, ListState.drop_list, 2)

    def update(self, account_list: AccountList) -> None:
        log = self._write()
        _checks.instance(account_list, AccountList, "account_list")
        ls = self._s.lists
        stored = ls.lists.get(account_list.id)
        if stored is None:
            raise NotFoundError("list", account_list.id)
        if stored.owner_id != account_list.owner_id:
            raise ValidationError(
                f"list {stored.id} belongs to account {stored.owner_id}; its owner cannot change",
                field="owner_id",
                value=account_list.owner_id,
            )
        ls.replace_list(account_list)
        log += (ls, stored, ListState.replace_list, 2)

    def remove(self, list_id: ListId) -> AccountList | None:
        log = self._write()
        key = _checks.lookup_id(list_id, "list_id")
        ls = self._s.lists
        account_list = ls.lists.get(key)
        if account_list is None:
            return None
        members = tuple(ls.members[key])
        ls.drop_list(key)
        log += (ls, account_list, members, ListState.put_list, 3)
        return account_list

    def find(self, list_id: ListId) -> AccountList | None:
        return self._read().lists.lists.get(_checks.lookup_id(list_id, "list_id"))

    def lists_of(self, owner_id: AccountId) -> list[AccountList]:
        ls = self._read().lists
        owned = ls.by_owner.get(_checks.lookup_id(owner_id, "owner_id"), ())
        return [ls.lists[key] for key in owned]

    def add_member(self, list_id: ListId, account_id: AccountId) -> None:
        log = self._write()
        key = _checks.lookup_id(list_id, "list_id")
        account = _checks.lookup_id(account_id, "account_id")
        s = self._s
        ls = s.lists
        if key not in ls.lists:
            raise NotFoundError("list", key)
        if account not in s.accounts:
            raise NotFoundError("account", account)
        if key in ls.member_of.get(account, ()):
            raise ConflictError(
                f"account {account} is on list {key} already",
                entity="list member",
                key=(key, account),
            )
        ls.set_member(key, account, present=True)
        log += (ls, key, account, False, _set_member, 4)

    def remove_member(self, list_id: ListId, account_id: AccountId) -> bool:
        log = self._write()
        key = _checks.lookup_id(list_id, "list_id")
        account = _checks.lookup_id(account_id, "account_id")
        ls = self._s.lists
        if key not in ls.member_of.get(account, ()):
            return False
        ls.set_member(key, account, present=False)
        log += (ls, key, account, True, _set_member, 4)
        return True

    def members(
        self, list_id: ListId, *, after: AccountId | None = None, limit: int = 100
    ) -> list[AccountId]:
        ls = self._read().lists
        key = _checks.lookup_id(list_id, "list_id")
        cursor = _checks.cursor(after, "after")
        limit = _checks.limit(limit, "limit")
        ids = ls.members.get(key, [])
        start = 0 if cursor is None else bisect_right(ids, cursor)
        return [AccountId(a) for a in ids[start : start + limit]]

    def member_ids(self, list_id: ListId) -> Collection[AccountId]:
        ls = self._read().lists
        return tuple(ls.members.get(_checks.lookup_id(list_id, "list_id"), ()))  # type: ignore[arg-type]

    def containing(
        self, account_id: AccountId, *, owner_id: AccountId | None = None
    ) -> list[AccountList]:
        ls = self._read().lists
        account = _checks.lookup_id(account_id, "account_id")
        owner = None if owner_id is None else _checks.lookup_id(owner_id, "owner_id")
        found = [ls.lists[key] for key in sorted(ls.member_of.get(account, ()))]
        return found if owner is None else [lst for lst in found if lst.owner_id == owner]

    def exclusive_members(self, owner_id: AccountId) -> Collection[AccountId]:
        ls = self._read().lists
        owner = _checks.lookup_id(owner_id, "owner_id")
        members: set[AccountId] = set()
        for key in ls.by_owner.get(owner, ()):
            if ls.lists[key].exclusive:
                members.update(ls.members[key])  # type: ignore[arg-type]
        return frozenset(members)


def _tag(value: object) -> str:
    return _checks.hashtag(value)


class TagFollows(_Base):
    """The memory store's :class:`~microblog_core.ports.TagFollowRepository`."""

    __slots__ = ()

    def add(self, account_id: AccountId, tag: str) -> bool:
        log = self._write()
        account = _checks.lookup_id(account_id, "account_id")
        name = _tag(tag)
        s = self._s
        if account not in s.accounts:
            raise NotFoundError("account", account)
        ls = s.lists
        if account in ls.tag_followers.get(name, ()):
            return False
        ls.set_tag(account, name, present=True)
        log += (ls, account, name, False, _set_tag, 4)
        return True

    def remove(self, account_id: AccountId, tag: str) -> bool:
        log = self._write()
        account = _checks.lookup_id(account_id, "account_id")
        name = _tag(tag)
        ls = self._s.lists
        if account not in ls.tag_followers.get(name, ()):
            return False
        ls.set_tag(account, name, present=False)
        log += (ls, account, name, True, _set_tag, 4)
        return True

    def follows(self, account_id: AccountId, tag: str) -> bool:
        ls = self._read().lists
        return _checks.lookup_id(account_id, "account_id") in ls.tag_followers.get(_tag(tag), ())

    def tags_of(
        self, account_id: AccountId, *, after: str | None = None, limit: int = 100
    ) -> list[str]:
        ls = self._read().lists
        account = _checks.lookup_id(account_id, "account_id")
        cursor = None if after is None else _tag(after)
        limit = _checks.limit(limit, "limit")
        tags = ls.tags.get(account, [])
        start = 0 if cursor is None else bisect_right(tags, cursor)
        return tags[start : start + limit]

    def followers_of(self, tag: str) -> Collection[AccountId]:
        return frozenset(self._read().lists.tag_followers.get(_tag(tag), ()))  # type: ignore[arg-type]

    def follower_count(self, tag: str) -> int:
        return len(self._read().lists.tag_followers.get(_tag(tag), ()))
