"""The memory adapter's notifications, read markers, pins and post versions, with their primitives.

Notifications are indexed by recipient (an ascending id list), by post, by
(recipient, sender) pair and by group; each group keeps its members as an
ascending id list, and each recipient its groups' newest ids as another, so
a grouped page is a binary search and a few list reads, whatever the number
of notifications. Each primitive write has its inverse here.

A simulated day makes millions of notifications, so the indexes keep no
object they can do without: the post and pair indexes hold a lone id as the
bare id (a list only from the second one; see :func:`ids_of`), a group's
key is read from its newest notification rather than stored with it, and a
notification of a kind that is never grouped (a mention, a reply...) is a
group of its own with no entry in ``members`` (its key, ``ungrouped-<id>``,
names it; its count is 1).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Hashable, Sequence
from datetime import datetime
from typing import TypeVar

from microblog_core.models import (
    GROUPABLE_KINDS,
    Follow,
    Notification,
    NotificationPolicy,
    Pin,
    PollVote,
    PostVersion,
)
from microblog_core.storage.memory._notification_table import NotificationTable
from microblog_core.storage.memory._sorted import add_sorted, drop_sorted, index_add, index_drop

__all__ = ["ActivityState", "FollowOptions", "ids_of", "pair_key"]

# The kinds that group, as a tuple: ``in`` compares members by identity, where
# the frozenset hashes each member in Python (an Enum's ``__hash__``).
_GROUPABLE = tuple(GROUPABLE_KINDS)

_K = TypeVar("_K", bound=Hashable)

IdIndex = dict[_K, "int | list[int]"]
"""An index of ascending ids per key, where a key with one id holds the bare id."""


def ids_of(found: int | list[int] | None) -> Sequence[int]:
    """The ids an :data:`IdIndex` entry holds (``index.get(key)``), ascending."""
    if found is None:
        return ()
    if isinstance(found, int):
        return (found,)
    return found


def pair_key(account: int, sender: int) -> int:
    """The key of ``by_pair`` for notifications of ``account`` from ``sender``: both ids in one int.

    An int of two 63-bit ids costs 48 bytes; a tuple of them 72.
    """
    return (account << 64) | sender


def _one_add(index: IdIndex[_K], key: _K, value: int) -> None:
    """Add ``value`` to the ids of ``key``: the bare id first, a list from the second."""
    ids = index.get(key)
    if ids is None:
        index[key] = value
    elif isinstance(ids, int):
        index[key] = [ids, value] if ids < value else [value, ids]
    else:
        add_sorted(ids, value)


def _one_drop(index: IdIndex[_K], key: _K, value: int) -> None:
    """Remove ``value`` from the ids of ``key``; a lone id left goes back to bare."""
    ids = index[key]
    if isinstance(ids, int):
        del index[key]
        return
    drop_sorted(ids, value)
    if len(ids) == 1:
        index[key] = ids[0]


class FollowOptions(dict[tuple[int, int], Follow]):
    """Follows with non-default options, also indexed by followee for those with ``notify``.

    The follow writes set and pop entries as in a plain dict; the index of
    subscribers (followers with ``notify``) follows, so ``status``
    notifications cost one set read per post, and so does a count of each
    follower's entries, so a home page asks for a follow's options only when
    its viewer has any.
    """

    __slots__ = ("per_follower", "subscribers")

    def __init__(self) -> None:
        super().__init__()
        self.subscribers: dict[int, set[int]] = {}
        self.per_follower: dict[int, int] = {}

    def __setitem__(self, key: tuple[int, int], follow: Follow) -> None:
        if key in self:
            self._unindex(key)
        else:
            counts = self.per_follower
            counts[key[0]] = counts.get(key[0], 0) + 1
        super().__setitem__(key, follow)
        if follow.notify:
            self.subscribers.setdefault(key[1], set()).add(key[0])

    def pop(self, key: tuple[int, int], default: Follow | None = None) -> Follow | None:  # type: ignore[override]
        if key not in self:
            return default
        self._unindex(key)
        counts = self.per_follower
        left = counts[key[0]] - 1
        if left:
            counts[key[0]] = left
        else:
            del counts[key[0]]
        return super().pop(key)

    def _unindex(self, key: tuple[int, int]) -> None:
        current = self.get(key)
        if current is not None and current.notify:
            followers = self.subscribers[key[1]]
            followers.discard(key[0])
            if not followers:
                del self.subscribers[key[1]]


class ActivityState:
    """Notifications, read markers, pins and post versions of one memory store."""

    def __init__(self) -> None:
        self.notifications = NotificationTable()
        self.by_account: dict[int, list[int]] = {}
        self.by_post: IdIndex[int] = {}
        self.by_pair: IdIndex[int] = {}  # keys: pair_key(recipient, sender)
        self.members: dict[tuple[int, str], list[int]] = {}  # groupable kinds only
        self.heads: dict[int, list[int]] = {}  # per recipient: each group's newest id
        self.markers: dict[int, int] = {}
        self.held: dict[int, dict[int, list[int]]] = {}  # recipient -> sender -> filtered ids
        self.policies: dict[int, NotificationPolicy] = {}
        self.permits: set[tuple[int, int]] = set()
        self.pins: dict[int, dict[int, Pin]] = {}
        self.versions: dict[int, list[PostVersion]] = {}
        self.votes: dict[int, dict[int, PollVote]] = {}
        self.vote_counts: dict[int, dict[int, int]] = {}
        self.open_polls: dict[int, datetime] = {}
        self.expiries: list[tuple[datetime, int]] = []  # open polls, soonest first

    # -- notifications

    def add_notification(self, n: Notification) -> None:
        nid, account = n.id, n.account_id
        self.notifications.add(n)
        if n.post_id is not None:
            _one_add(self.by_post, n.post_id, nid)
        _one_add(self.by_pair, (account << 64) | n.from_account_id, nid)  # pair_key, inline
        if n.filtered:
            index_add(self.held.setdefault(account, {}), n.from_account_id, nid)
            return
        index_add(self.by_account, account, nid)
        if n.kind not in _GROUPABLE:  # a group of its own
            index_add(self.heads, account, nid)
            return
        key = n.group_key
        members = self.members.get((account, key))
        if members is None:
            self.members[account, key] = [nid]
        else:
            old_head = members[-1]
            add_sorted(members, nid)
            if members[-1] == old_head:
                return
            index_drop(self.heads, account, old_head)
        index_add(self.heads, account, nid)

    def drop_notification(self, n: Notification) -> None:
        nid, account = n.id, n.account_id
        self.notifications.drop(nid)
        if n.post_id is not None:
            _one_drop(self.by_post, n.post_id, nid)
        _one_drop(self.by_pair, pair_key(account, n.from_account_id), nid)
        if n.filtered:
            senders = self.held[account]
            index_drop(senders, n.from_account_id, nid)
            if not senders:
                del self.held[account]
            return
        index_drop(self.by_account, account, nid)
        if n.kind not in _GROUPABLE:
            index_drop(self.heads, account, nid)
            return
        key = n.group_key
        members = self.members[account, key]
        was_head = members[-1] == nid
        drop_sorted(members, nid)
        if was_head:
            index_drop(self.heads, account, nid)
            if members:
                index_add(self.heads, account, members[-1])
        if not members:
            del self.members[account, key]

    def group_members(self, account: int, key: str) -> Sequence[int]:
        """The ids in ``account``'s group ``key`` (ascending; empty for no such group)."""
        members = self.members.get((account, key))
        if members is not None:
            return members
        if key.startswith("ungrouped-"):  # a group of its own: the notification it names
            n = self.notifications.get(self._ungrouped_id(key))
            # (its key compared whole, so an id written otherwise names nothing)
            if n is not None and n.account_id == account and not n.filtered and n.group_key == key:
                return (n.id,)
        return ()

    @staticmethod
    def _ungrouped_id(key: str) -> int:
        digits = key[len("ungrouped-") :]
        return int(digits) if digits.isascii() and digits.isdigit() else -1

    def set_marker(self, account: int, value: int | None) -> None:
        if value is None:
            self.markers.pop(account, None)
        else:
            self.markers[account] = value

    def set_policy(self, account: int, policy: NotificationPolicy | None) -> None:
        if policy is None:
            self.policies.pop(account, None)
        else:
            self.policies[account] = policy

    def set_permit(self, account: int, sender: int, permitted: bool) -> None:
        if permitted:
            self.permits.add((account, sender))
        else:
            self.permits.discard((account, sender))

    # -- pins and versions

    def set_pin(self, account: int, post: int, pin: Pin | None) -> None:
        pins = self.pins.setdefault(account, {})
        if pin is None:
            del pins[post]
            if not pins:
                del self.pins[account]
        else:
            pins[post] = pin

    def push_version(self, version: PostVersion) -> None:
        self.versions.setdefault(version.post_id, []).append(version)

    def pop_version(self, post_id: int) -> None:
        versions = self.versions[post_id]
        versions.pop()
        if not versions:
            del self.versions[post_id]

    def set_versions(self, post_id: int, versions: list[PostVersion] | None) -> None:
        if versions is None:
            self.versions.pop(post_id, None)
        else:
            self.versions[post_id] = versions

    # -- polls

    def put_vote(self, vote: PollVote) -> None:
        self.votes.setdefault(vote.post_id, {})[vote.account_id] = vote
        counts = self.vote_counts.setdefault(vote.post_id, {})
        for choice in vote.choices:
            counts[choice] = counts.get(choice, 0) + 1

    def drop_vote(self, vote: PollVote) -> None:
        votes = self.votes[vote.post_id]
        del votes[vote.account_id]
        counts = self.vote_counts[vote.post_id]
        for choice in vote.choices:
            counts[choice] -= 1
            if not counts[choice]:
                del counts[choice]
        if not votes:
            del self.votes[vote.post_id]
            del self.vote_counts[vote.post_id]

    def set_open(self, post_id: int, expires_at: datetime | None) -> None:
        current = self.open_polls.pop(post_id, None)
        if current is not None:
            del self.expiries[bisect_left(self.expiries, (current, post_id))]
        if expires_at is not None:
            self.open_polls[post_id] = expires_at
            insort(self.expiries, (expires_at, post_id))

    def snapshot(self) -> dict[str, object]:
        return {
            "notifications": dict(self.notifications),
            "groups": {key: tuple(ids) for key, ids in self.members.items()},
            "heads": {key: tuple(ids) for key, ids in self.heads.items()},
            "by_post": {key: tuple(ids_of(ids)) for key, ids in self.by_post.items()},
            "by_pair": {key: tuple(ids_of(ids)) for key, ids in self.by_pair.items()},
            "markers": dict(self.markers),
            "held": {k: {s: tuple(v) for s, v in d.items()} for k, d in self.held.items()},
            "policies": dict(self.policies),
            "permits": frozenset(self.permits),
            "pins": {key: dict(pins) for key, pins in self.pins.items()},
            "versions": {key: tuple(v) for key, v in self.versions.items()},
            "votes": {key: dict(v) for key, v in self.votes.items()},
            "vote_counts": {key: dict(v) for key, v in self.vote_counts.items()},
            "open_polls": dict(self.open_polls),
            "expiries": tuple(self.expiries),
        }
