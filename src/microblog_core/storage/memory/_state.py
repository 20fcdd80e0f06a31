"""Everything one memory store holds: values, indexes and the primitive writes with their inverses.

Each write here has an inverse here (the undo log of a unit replays them
backwards); the repositories check arguments and rules, then call these.
"""

from __future__ import annotations

from array import array
from bisect import insort
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import islice
from operator import attrgetter, lt
from typing import Any, Generic, TypeVar

from microblog_core.ids import EPOCH, AccountId
from microblog_core.models import (
    Account,
    Block,
    Follow,
    FollowRequest,
    Like,
    Mute,
    Post,
    Visibility,
)
from microblog_core.storage.memory._activity_state import ActivityState, FollowOptions, pair_key
from microblog_core.storage.memory._feeds import FeedStore
from microblog_core.storage.memory._follow_index import FollowIndex
from microblog_core.storage.memory._like_table import Likers, LikeTable
from microblog_core.storage.memory._list_state import ListState
from microblog_core.storage.memory._personal_state import PersonalState
from microblog_core.storage.memory._sorted import add_sorted, drop_sorted, index_add, index_drop

__all__ = ["PairTable", "State"]

_ONE_US = timedelta(microseconds=1)
_ID = attrgetter("id")


def _handle_key(account: Account) -> str:
    """The account's handle key: its handle itself when that is already the key.

    ``casefold`` returns a new string even when nothing changes; keeping the
    handle instead saves a string per account (about 55 bytes, 55 MB at a
    million accounts).
    """
    key = account.handle_key
    handle = account.handle
    return handle if key == handle else key


_PUBLIC = Visibility.PUBLIC
_V = TypeVar("_V")


class PairTable(Generic[_V]):
    """Values keyed by an ordered pair of account ids, indexed from either end."""

    __slots__ = ("backward", "forward", "values")

    def __init__(self) -> None:
        self.values: dict[tuple[int, int], _V] = {}
        self.forward: dict[int, set[int]] = {}
        self.backward: dict[int, set[int]] = {}

    def put(self, a: int, b: int, value: _V) -> _V | None:
        key = (a, b)
        previous = self.values.get(key)
        self.values[key] = value
        if previous is None:
            self.forward.setdefault(a, set()).add(b)
            self.backward.setdefault(b, set()).add(a)
        return previous

    def pop(self, a: int, b: int) -> _V | None:
        previous = self.values.pop((a, b), None)
        if previous is not None:
            for index, key, other in ((self.forward, a, b), (self.backward, b, a)):
                ids = index[key]
                ids.discard(other)
                if not ids:
                    del index[key]
        return previous

    def restore(self, a: int, b: int, value: _V | None) -> None:
        if value is None:
            self.pop(a, b)
        else:
            self.put(a, b, value)

    def snapshot(self) -> tuple[object, ...]:
        return (
            dict(self.values),
            {k: frozenset(v) for k, v in self.forward.items()},
            {k: frozenset(v) for k, v in self.backward.items()},
        )


class State:
    """Every stored value and index of one store, with the primitive writes and their inverses."""

    def __init__(self) -> None:
        self.accounts: dict[int, Account] = {}
        self.handles: dict[str, int] = {}
        self.account_ids: list[int] = []
        self.graph = FollowIndex()
        self.follow_options: dict[tuple[int, int], Follow] = FollowOptions()
        self.requests: PairTable[FollowRequest] = PairTable()
        self.blocks: PairTable[Block] = PairTable()
        self.mutes: PairTable[Mute] = PairTable()
        self.posts: dict[int, Post] = {}
        self.post_ids: list[int] = []
        self.by_author: dict[int, list[int]] = {}
        self.public_originals: list[int] = []
        self.public_replies: list[int] = []
        self.public_reposts: list[int] = []
        self.replies: dict[int, list[int]] = {}
        self.thread: dict[int, list[int]] = {}
        self.reposts: dict[int, list[int]] = {}
        self.repost_by: dict[int, int] = {}  # pair_key(author, root) -> the author's repost
        self.quotes: dict[int, list[int]] = {}
        self.tags: dict[str, list[int]] = {}
        self.mentions: dict[int, list[int]] = {}
        self.likes = LikeTable()
        self.feeds = FeedStore(self.graph)
        self.activity = ActivityState()
        self.personal = PersonalState()
        self.lists = ListState()
        self.version = 0  # moves on every post write, so that live streams re-seek
        self._to_us: tuple[datetime | None, int] = (None, 0)
        self._from_us: tuple[int | None, datetime] = (None, EPOCH)

    # -- time, compactly

    def micros(self, instant: datetime) -> int:
        last, us = self._to_us
        if instant is not last:
            us = (instant - EPOCH) // _ONE_US
            self._to_us = (instant, us)
        return us

    def instant(self, us: int) -> datetime:
        last, moment = self._from_us
        if us != last:
            moment = EPOCH + timedelta(microseconds=us)
            self._from_us = (us, moment)
        return moment

    # -- accounts

    def add_account(self, account: Account, key: str | None = None) -> None:
        """Add ``account``; ``key``, its handle key, when the caller has it already."""
        account_id = account.id
        self.accounts[account_id] = account
        self.handles[_handle_key(account) if key is None else key] = account_id
        add_sorted(self.account_ids, account_id)
        self.graph.add_node(account_id)

    def remove_account(self, account: Account) -> None:
        account_id = account.id
        del self.accounts[account_id]
        del self.handles[account.handle_key]
        drop_sorted(self.account_ids, account_id)
        self.graph.remove_node(account_id)
        self.feeds.account_removed(account_id)

    def replace_account(self, current: Account, replacement: Account) -> None:
        old_key, new_key = current.handle_key, replacement.handle_key
        if old_key != new_key:
            del self.handles[old_key]
            self.handles[_handle_key(replacement)] = replacement.id
        self.accounts[replacement.id] = replacement

    # -- posts

    def _public_list(self, post: Post) -> list[int]:
        if post.repost_of is not None:
            return self.public_reposts
        if post.reply_to is not None:
            return self.public_replies
        return self.public_originals

    def index_post(self, post: Post) -> None:
        # Every post write of an import or a simulation runs this: each field
        # is read once, and an id list grows by an append when the id is the
        # newest (nearly always: ids grow with time), without a call.
        post_id = post.id
        author_id = post.author_id
        self.posts[post_id] = post
        ids = self.post_ids
        if ids and ids[-1] < post_id:
            ids.append(post_id)
        else:
            insort(ids, post_id)
        index_add(self.by_author, author_id, post_id)
        reply = post.reply_to
        if reply is not None:
            index_add(self.replies, reply.parent_id, post_id)
            index_add(self.thread, reply.root_id, post_id)
        shared = post.repost_of
        if shared is not None:
            root_id = shared.root_id
            index_add(self.reposts, root_id, post_id)
            self.repost_by[(author_id << 64) | root_id] = post_id  # pair_key, inline
        quoted = post.quote_of
        if quoted is not None:
            index_add(self.quotes, quoted, post_id)
        tags = post.tags
        if tags:
            by_tag = self.tags
            for tag in tags:
                index_add(by_tag, tag, post_id)
        mentions = post.mentions
        if mentions:
            by_mention = self.mentions
            for mentioned in mentions:
                index_add(by_mention, mentioned, post_id)
        if post.visibility is _PUBLIC:
            if shared is not None:
                ids = self.public_reposts
            elif reply is not None:
                ids = self.public_replies
            else:
                ids = self.public_originals
            if ids and ids[-1] < post_id:
                ids.append(post_id)
            else:
                insort(ids, post_id)
        self.version += 1

    def unindex_post(self, post: Post) -> None:
        post_id = post.id
        del self.posts[post_id]
        drop_sorted(self.post_ids, post_id)
        index_drop(self.by_author, post.author_id, post_id)
        reply = post.reply_to
        if reply is not None:
            index_drop(self.replies, reply.parent_id, post_id)
            index_drop(self.thread, reply.root_id, post_id)
        shared = post.repost_of
        if shared is not None:
            index_drop(self.reposts, shared.root_id, post_id)
            del self.repost_by[pair_key(post.author_id, shared.root_id)]
        if post.quote_of is not None:
            index_drop(self.quotes, post.quote_of, post_id)
        for tag in post.tags:
            index_drop(self.tags, tag, post_id)
        for mentioned in post.mentions:
            index_drop(self.mentions, mentioned, post_id)
        if post.visibility is _PUBLIC:
            drop_sorted(self._public_list(post), post_id)
        self.version += 1

    def replace_post(self, current: Post, replacement: Post) -> None:
        self.unindex_post(current)
        self.index_post(replacement)

    def restore_post(self, post: Post, likes: Likers | None) -> None:
        self.index_post(post)
        self.likes.restore_post(post.id, likes)

    # -- follows

    def follow_value(self, follower: int, followee: int, us: int) -> Follow:
        stored = self.follow_options.get((follower, followee))
        if stored is not None:
            return stored
        return Follow._from_store(AccountId(follower), AccountId(followee), self.instant(us))

    def add_follow(self, follower: int, followee: int, us: int) -> int | None:
        """Add the follow edge (or set its time); return its previous time, or None."""
        previous = self.graph.add(follower, followee, us)
        if previous is None:
            self.feeds.follow_added(follower, followee)
        return previous

    def remove_follow(self, follower: int, followee: int) -> int | None:
        """Remove the follow edge; return its time, or None if there was none."""
        us = self.graph.remove(follower, followee)
        if us is not None:
            self.feeds.follow_removed(follower, followee)
        return us

    def drop_follow(self, follower: int, followee: int) -> None:
        self.remove_follow(follower, followee)
        self.follow_options.pop((follower, followee), None)

    def restore_follow(self, follower: int, followee: int, us: int, options: Follow | None) -> None:
        self.add_follow(follower, followee, us)
        if options is None:
            self.follow_options.pop((follower, followee), None)
        else:
            self.follow_options[follower, followee] = options

    def load_network(
        self,
        accounts: Sequence[Account],
        outs: dict[int, list[int]],
        ins: dict[int, list[int]],
        us: int,
    ) -> None:
        """Add new accounts, then new follow edges grouped both ways (all made at ``us``)."""
        for account in accounts:
            self.add_account(account)
        self.graph.add_grouped(outs, ins, us)
        if self.feeds.fans:
            follow_added = self.feeds.follow_added
            for follower, followees in outs.items():
                for followee in followees:
                    follow_added(follower, followee)

    def load_new_network(
        self,
        accounts: Sequence[Account],
        ids: Sequence[int],
        *,
        out_offsets: Sequence[int],
        out_targets: array[int],
        in_offsets: Sequence[int],
        in_sources: array[int],
        us: int,
    ) -> None:
        """Add new accounts (``ids``: theirs, in order) and follows among them, all made at ``us``.

        The accounts are added a column at a time; the follow index gets each
        one's row straight from the compressed sparse rows: rows by position
        in ``ids``, ``out_*`` by follower and ``in_*`` by followee, holding ids.
        Every index keys an account by its own ``id`` object (``ids`` may be an
        ``array``, whose every read makes a new int: four copies of each id).
        """
        if len(ids) != len(accounts):
            raise ValueError(f"{len(ids)} ids for {len(accounts)} accounts")
        ids = list(map(_ID, accounts))
        self.accounts.update(zip(ids, accounts, strict=True))
        self.handles.update(zip(map(_handle_key, accounts), ids, strict=True))
        account_ids = self.account_ids
        ascending = all(map(lt, ids, islice(ids, 1, None)))
        if ids and ascending and (not account_ids or account_ids[-1] < ids[0]):
            account_ids.extend(ids)
        else:
            for account_id in ids:
                add_sorted(account_ids, account_id)
        self.graph.load_rows(
            ids,
            out_offsets=out_offsets,
            out_targets=out_targets,
            in_offsets=in_offsets,
            in_sources=in_sources,
            time=us,
        )

    def unload_new_network(self, accounts: Sequence[Account], edges: int) -> None:
        """Undo :meth:`load_new_network`."""
        self.graph.unload_rows([account.id for account in accounts], edges)
        for account in reversed(accounts):
            self.remove_account(account)

    def unload_network(self, accounts: Sequence[Account], outs: dict[int, list[int]]) -> None:
        """Undo :meth:`load_network`."""
        for follower, followees in outs.items():
            for followee in followees:
                self.remove_follow(follower, followee)
        for account in reversed(accounts):
            self.remove_account(account)

    # -- likes

    def set_like(self, post_id: int, account_id: int, like: Like | None) -> None:
        if like is None:
            self.likes.drop(post_id, account_id)
        else:
            self.likes.put(like)

    # -- for tests

    def snapshot(self) -> dict[str, object]:
        def lists(index: dict[Any, list[int]]) -> dict[Any, tuple[int, ...]]:
            return {key: tuple(ids) for key, ids in index.items()}

        return {
            "accounts": dict(self.accounts),
            "handles": dict(self.handles),
            "account_ids": tuple(self.account_ids),
            "graph": self.graph.snapshot(),
            "follow_options": dict(self.follow_options),
            "requests": self.requests.snapshot(),
            "blocks": self.blocks.snapshot(),
            "mutes": self.mutes.snapshot(),
            "posts": dict(self.posts),
            "post_ids": tuple(self.post_ids),
            "by_author": lists(self.by_author),
            "public": (
                tuple(self.public_originals),
                tuple(self.public_replies),
                tuple(self.public_reposts),
            ),
            "replies": lists(self.replies),
            "thread": lists(self.thread),
            "reposts": lists(self.reposts),
            "repost_by": dict(self.repost_by),
            "quotes": lists(self.quotes),
            "tags": lists(self.tags),
            "mentions": lists(self.mentions),
            "likes": self.likes.snapshot(),
            "feeds": self.feeds.snapshot(),
            "activity": self.activity.snapshot(),
            "personal": self.personal.snapshot(),
            "lists": self.lists.snapshot(),
        }
