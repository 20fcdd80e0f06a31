"""The memory adapter's account lists and followed hashtags: their state and primitive writes.

Each list is kept with its members as an ascending id list and an index from
member to lists; each account's followed tags are kept sorted, with an index
from tag to followers. Each primitive write has its inverse here.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from microblog_core.models import AccountList
from microblog_core.storage.memory._sorted import add_sorted, drop_sorted

__all__ = ["ListState"]


class ListState:
    """Lists, memberships and followed tags of one memory store."""

    __slots__ = ("by_owner", "lists", "member_of", "members", "tag_followers", "tags")

    def __init__(self) -> None:
        self.lists: dict[int, AccountList] = {}
        self.by_owner: dict[int, list[int]] = {}
        self.members: dict[int, list[int]] = {}
        self.member_of: dict[int, set[int]] = {}
        self.tags: dict[int, list[str]] = {}
        self.tag_followers: dict[str, set[int]] = {}

    # -- lists

    def put_list(self, account_list: AccountList, members: Sequence[int]) -> None:
        key = account_list.id
        self.lists[key] = account_list
        owned = self.by_owner.setdefault(account_list.owner_id, [])
        add_sorted(owned, key)
        self.members[key] = []
        for member in members:
            self.set_member(key, member, present=True)

    def drop_list(self, list_id: int) -> None:
        account_list = self.lists.pop(list_id)
        for member in tuple(self.members[list_id]):
            self.set_member(list_id, member, present=False)
        del self.members[list_id]
        owned = self.by_owner[account_list.owner_id]
        drop_sorted(owned, list_id)
        if not owned:
            del self.by_owner[account_list.owner_id]

    def replace_list(self, account_list: AccountList) -> None:
        self.lists[account_list.id] = account_list

    def set_member(self, list_id: int, account: int, *, present: bool) -> None:
        members = self.members[list_id]
        if present:
            add_sorted(members, account)
            self.member_of.setdefault(account, set()).add(list_id)
        else:
            drop_sorted(members, account)
            lists = self.member_of[account]
            lists.discard(list_id)
            if not lists:
                del self.member_of[account]

    # -- tags

    def set_tag(self, account: int, tag: str, *, present: bool) -> None:
        tags = self.tags.setdefault(account, [])
        followers = self.tag_followers.setdefault(tag, set())
        if present:
            tags.insert(bisect_right(tags, tag), tag)
            followers.add(account)
        else:
            tags.remove(tag)
            followers.discard(account)
        if not tags:
            del self.tags[account]
        if not followers:
            del self.tag_followers[tag]

    def snapshot(self) -> dict[str, object]:
        return {
            "lists": dict(self.lists),
            "by_owner": {key: tuple(ids) for key, ids in self.by_owner.items()},
            "members": {key: tuple(ids) for key, ids in self.members.items()},
            "member_of": {key: frozenset(ids) for key, ids in self.member_of.items()},
            "tags": {key: tuple(tags) for key, tags in self.tags.items()},
            "tag_followers": {key: frozenset(ids) for key, ids in self.tag_followers.items()},
        }
