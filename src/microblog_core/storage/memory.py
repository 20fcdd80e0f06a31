"""The in-memory storage adapter: the reference implementation of the ports.

:class:`MemoryStore` is a real, fast store for services that need no
durability and for simulations with millions of posts and follows; it is not a
test double. It passes the whole contract suite
(:mod:`microblog_core.testing.contracts`).

How it keeps the guarantees of :mod:`microblog_core.ports`:

- **Indexes.** Each author's posts are a list of ids in id order (appended,
  or placed by binary search for back-filled ids); so are replies by parent,
  replies by thread root, reposts by root, quotes, tags, mentions and public
  posts. Pages and streams are binary searches into those lists, and
  :meth:`~microblog_core.ports.PostRepository.stream` walks one lazily.
- **Counters** are the sizes of those indexes, so they cost O(1) to read and
  can never drift from a recount.
- **Follows** live in a compact graph: one ``array('q')`` per account holding
  its followers, its followees and the follows' times (about 24 bytes per
  edge). ``Follow`` values are rebuilt on read; follows with non-default
  options are also kept as values.
- **Isolation.** One re-entrant lock per store is held for a unit's whole
  life, from ``__enter__`` to ``__exit__``: units are serializable, and a
  unit in another thread waits until the current one ends. A unit that
  writes cannot be opened inside another unit of the same thread (it would
  deadlock in a real database); a read-only unit can, and then sees the
  outer unit's writes.
- **Atomicity.** Writes apply at once and append their inverse to the unit's
  undo log; :meth:`MemoryUnitOfWork.rollback` (and leaving the ``with``
  block without committing) replays the log backwards, restoring values,
  indexes, counters and feeds exactly. A unit that wrote nothing has nothing
  to undo. :meth:`~MemoryUnitOfWork.commit` empties the log; the unit stays
  usable until the block ends.

Values are immutable, so they are stored as given, never copied.

Example:
    >>> from datetime import datetime, timezone
    >>> from microblog_core.models import Account
    >>> store = MemoryStore()
    >>> with store.unit_of_work() as uow:
    ...     uow.accounts.add(
    ...         Account.create(
    ...             id=1, handle="alice", created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)
    ...         )
    ...     )
    ...     uow.commit()
    >>> with store.unit_of_work(readonly=True) as uow:
    ...     uow.accounts.by_handle("ALICE").id
    1
"""

from __future__ import annotations

import threading
from array import array
from bisect import bisect_left, bisect_right, insort
from collections import deque
from collections.abc import Collection, Hashable, Iterable, Iterator, Sequence
from datetime import datetime, timedelta
from heapq import heapify, heappop, heapreplace, merge
from itertools import compress, repeat
from operator import attrgetter, itemgetter, not_
from types import TracebackType
from typing import Any, Generic, Self, TypeVar, cast

from microblog_core.clock import ensure_utc
from microblog_core.errors import (
    ConflictError,
    DuplicateHandleError,
    DuplicateRepostError,
    NotFoundError,
    StorageError,
    ValidationError,
)
from microblog_core.ids import EPOCH, AccountId, PostId
from microblog_core.models import (
    Account,
    AccountCounters,
    Block,
    Follow,
    FollowRequest,
    Like,
    Mute,
    Post,
    PostCounters,
    Visibility,
)
from microblog_core.storage._memory_graph import DistinctIds, FollowGraph

__all__ = ["MemoryStore", "MemoryUnitOfWork"]

_ONE_US = timedelta(microseconds=1)
_PUBLIC = Visibility.PUBLIC
_K = TypeVar("_K", bound=Hashable)
_V = TypeVar("_V")
# The undo log is flat, ``[..., arg_1, ..., arg_n, function, n, ...]``: pushing an
# entry allocates nothing that outlives the call (the functions are plain ones,
# not bound methods), which keeps the garbage collector out of bulk loads.
_UndoLog = list[Any]
_AFTER_EVERY_ID = 1 << 64
_POST_ID = attrgetter("id")
_BEFORE_EVERY_ID = -(1 << 64)


# --------------------------------------------------------------------------- argument checks


def _check_id(value: object, field: str) -> int:
    if value.__class__ is int:
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    raise ValidationError(
        f"{field} must be an integer id, got {type(value).__name__} {value!r}",
        field=field,
        value=value,
    )


def _check_optional_id(value: object, field: str) -> int | None:
    return None if value is None else _check_id(value, field)


def _check_positive(value: object, field: str) -> int:
    if value.__class__ is int and value >= 1:
        return value
    if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
        return int(value)
    raise ValidationError(
        f"{field} must be an integer of at least 1, got {value!r}", field=field, value=value
    )


def _check_optional_limit(value: object) -> int | None:
    return None if value is None else _check_positive(value, "limit")


def _check_value(value: object, kind: type, field: str) -> None:
    if not isinstance(value, kind):
        raise ValidationError(
            f"{field} must be a {kind.__name__}, got {type(value).__name__}",
            field=field,
            value=value,
        )


def _ids(values: Iterable[object], field: str) -> list[int]:
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(f"{field} must be an iterable of ids", field=field, value=values)
    return [_check_id(value, field) for value in values]


_INT_ARRAYS = frozenset("bBhHiIlLqQ")


def _reader_ids(values: Iterable[object]) -> Sequence[int]:
    """Check a fan-out's reader ids in bulk; return a private copy of them.

    An ``array`` of integers needs no check, and a :class:`DistinctIds` keeps
    its type (its ids are known to be distinct).
    """
    if isinstance(values, DistinctIds):
        copy = DistinctIds("q")
        copy.extend(values)
        return copy
    if isinstance(values, array) and values.typecode in _INT_ARRAYS:
        return cast("array[int]", values)[:]  # integers by construction, copied at C speed
    if isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValidationError(
            "reader_ids must be an iterable of ids", field="reader_ids", value=values
        )
    readers = list(values)
    if set(map(type, readers)) <= {int}:
        return cast("list[int]", readers)
    return [_check_id(value, "reader_ids") for value in readers]


# --------------------------------------------------------------------------- sorted id lists


def _add_sorted(ids: list[int], value: int) -> None:
    if not ids or ids[-1] < value:
        ids.append(value)
    else:
        insort(ids, value)


def _drop_sorted(ids: list[int], value: int) -> None:
    if ids[-1] == value:
        ids.pop()
    else:
        del ids[bisect_left(ids, value)]


def _index_add(index: dict[_K, list[int]], key: _K, value: int) -> None:
    ids = index.get(key)
    if ids is None:
        index[key] = [value]
    else:
        _add_sorted(ids, value)


def _index_drop(index: dict[_K, list[int]], key: _K, value: int) -> None:
    ids = index[key]
    _drop_sorted(ids, value)
    if not ids:
        del index[key]


def _newest(ids: Sequence[int], max_id: int | None, min_id: int | None, limit: int) -> list[int]:
    """Up to ``limit`` ids strictly between the bounds, newest first."""
    hi = len(ids) if max_id is None else bisect_left(ids, max_id)
    lo = 0 if min_id is None else bisect_right(ids, min_id)
    page = list(ids[max(lo, hi - limit) : hi])
    page.reverse()
    return page


def _oldest(ids: Sequence[int], max_id: int | None, min_id: int | None, limit: int) -> list[int]:
    """Up to ``limit`` ids strictly between the bounds, oldest first."""
    hi = len(ids) if max_id is None else bisect_left(ids, max_id)
    lo = 0 if min_id is None else bisect_right(ids, min_id)
    return list(ids[lo : min(hi, lo + limit)])


def _first(ids: Sequence[int] | None, limit: int | None) -> Sequence[int]:
    if ids is None:
        return ()
    return ids if limit is None else ids[:limit]


# --------------------------------------------------------------------------- state


class _PairTable(Generic[_V]):
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


class _Feed(list[int]):
    """One reader's home feed: the post ids, ascending, never empty while stored.

    The author of an entry is the store-wide one (:attr:`_State.feed_authors`)
    unless ``authors`` holds another for it: a post fanned out to many
    readers costs one append per reader, not one dict entry per reader.
    """

    __slots__ = ("authors", "reader")

    def __init__(self, reader: int, ids: Iterable[int] = ()) -> None:
        super().__init__(ids)
        self.reader = reader
        self.authors: dict[int, int] | None = None


class _FeedTable(dict[int, "_Feed"]):
    """The readers' feeds, with an epoch that moves on every add, replace or drop.

    A cached list of feed objects compares epochs to know whether it is stale.
    """

    __slots__ = ("epoch",)

    def __init__(self) -> None:
        super().__init__()
        self.epoch = 0

    def __setitem__(self, key: int, value: _Feed) -> None:
        self.epoch += 1
        super().__setitem__(key, value)

    def __delitem__(self, key: int) -> None:
        self.epoch += 1
        super().__delitem__(key)

    def pop(self, key: int, *default: Any) -> Any:
        self.epoch += 1
        return super().pop(key, *default)

    def setdefault(self, key: int, default: _Feed) -> _Feed:
        self.epoch += 1
        return super().setdefault(key, default)

    def popitem(self) -> tuple[int, _Feed]:
        self.epoch += 1
        return super().popitem()

    def clear(self) -> None:
        self.epoch += 1
        super().clear()

    def update(self, *args: Any, **kwargs: Any) -> None:
        self.epoch += 1
        super().update(*args, **kwargs)


class _State:
    """Every stored value and index of one store, with the primitive writes and their inverses."""

    def __init__(self) -> None:
        self.accounts: dict[int, Account] = {}
        self.handles: dict[str, int] = {}
        self.account_ids: list[int] = []
        self.graph = FollowGraph()
        self.follow_options: dict[tuple[int, int], Follow] = {}
        self.requests: _PairTable[FollowRequest] = _PairTable()
        self.blocks: _PairTable[Block] = _PairTable()
        self.mutes: _PairTable[Mute] = _PairTable()
        self.posts: dict[int, Post] = {}
        self.post_ids: list[int] = []
        self.by_author: dict[int, list[int]] = {}
        self.public_originals: list[int] = []
        self.public_replies: list[int] = []
        self.public_reposts: list[int] = []
        self.replies: dict[int, list[int]] = {}
        self.thread: dict[int, list[int]] = {}
        self.reposts: dict[int, list[int]] = {}
        self.repost_by: dict[tuple[int, int], int] = {}
        self.quotes: dict[int, list[int]] = {}
        self.tags: dict[str, list[int]] = {}
        self.mentions: dict[int, list[int]] = {}
        self.likes: dict[int, dict[int, Like]] = {}
        self.like_order: dict[int, list[int]] = {}  # cache of sorted likers, per post
        self.feeds: _FeedTable = _FeedTable()
        # The last fan-out's readers (as bytes) and their feeds, valid while the
        # feed table keeps its epoch: an author's next post skips 100k lookups.
        self.fanout_cache: tuple[bytes, int, list[_Feed | None]] | None = None
        # The author of each post id ever put in a feed (entries may override
        # it), and an upper bound of every id ever put in a feed: a post above
        # it is in no feed, so fanning it out needs no membership checks.
        self.feed_authors: dict[int, int] = {}
        self.feed_top = _BEFORE_EVERY_ID
        self.feed_longest = 0  # an upper bound of every feed's length
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

    def add_account(self, account: Account) -> None:
        account_id = account.id
        self.accounts[account_id] = account
        self.handles[account.handle_key] = account_id
        _add_sorted(self.account_ids, account_id)
        self.graph.add_node(account_id)

    def remove_account(self, account: Account) -> None:
        account_id = account.id
        del self.accounts[account_id]
        del self.handles[account.handle_key]
        _drop_sorted(self.account_ids, account_id)
        self.graph.remove_node(account_id)

    def replace_account(self, current: Account, replacement: Account) -> None:
        old_key, new_key = current.handle_key, replacement.handle_key
        if old_key != new_key:
            del self.handles[old_key]
            self.handles[new_key] = replacement.id
        self.accounts[replacement.id] = replacement

    # -- posts

    def _public_list(self, post: Post) -> list[int]:
        if post.repost_of is not None:
            return self.public_reposts
        if post.reply_to is not None:
            return self.public_replies
        return self.public_originals

    def index_post(self, post: Post) -> None:
        post_id = post.id
        self.posts[post_id] = post
        _add_sorted(self.post_ids, post_id)
        _index_add(self.by_author, post.author_id, post_id)
        reply = post.reply_to
        if reply is not None:
            _index_add(self.replies, reply.parent_id, post_id)
            _index_add(self.thread, reply.root_id, post_id)
        shared = post.repost_of
        if shared is not None:
            _index_add(self.reposts, shared.root_id, post_id)
            self.repost_by[post.author_id, shared.root_id] = post_id
        if post.quote_of is not None:
            _index_add(self.quotes, post.quote_of, post_id)
        for tag in post.tags:
            _index_add(self.tags, tag, post_id)
        for mentioned in post.mentions:
            _index_add(self.mentions, mentioned, post_id)
        if post.visibility is _PUBLIC:
            _add_sorted(self._public_list(post), post_id)
        self.version += 1

    def unindex_post(self, post: Post) -> None:
        post_id = post.id
        del self.posts[post_id]
        _drop_sorted(self.post_ids, post_id)
        _index_drop(self.by_author, post.author_id, post_id)
        reply = post.reply_to
        if reply is not None:
            _index_drop(self.replies, reply.parent_id, post_id)
            _index_drop(self.thread, reply.root_id, post_id)
        shared = post.repost_of
        if shared is not None:
            _index_drop(self.reposts, shared.root_id, post_id)
            del self.repost_by[post.author_id, shared.root_id]
        if post.quote_of is not None:
            _index_drop(self.quotes, post.quote_of, post_id)
        for tag in post.tags:
            _index_drop(self.tags, tag, post_id)
        for mentioned in post.mentions:
            _index_drop(self.mentions, mentioned, post_id)
        if post.visibility is _PUBLIC:
            _drop_sorted(self._public_list(post), post_id)
        self.version += 1

    def replace_post(self, current: Post, replacement: Post) -> None:
        self.unindex_post(current)
        self.index_post(replacement)

    def restore_post(self, post: Post, likes: dict[int, Like] | None) -> None:
        self.index_post(post)
        if likes:
            self.likes[post.id] = likes
        self.like_order.pop(post.id, None)

    # -- follows

    def follow_value(self, follower: int, followee: int, us: int) -> Follow:
        stored = self.follow_options.get((follower, followee))
        if stored is not None:
            return stored
        return Follow(
            follower_id=AccountId(follower),
            followee_id=AccountId(followee),
            created_at=self.instant(us),
        )

    def drop_follow(self, follower: int, followee: int) -> None:
        self.graph.remove(follower, followee)
        self.follow_options.pop((follower, followee), None)

    def restore_follow(self, follower: int, followee: int, us: int, options: Follow | None) -> None:
        self.graph.add(follower, followee, us)
        if options is None:
            self.follow_options.pop((follower, followee), None)
        else:
            self.follow_options[follower, followee] = options

    # -- likes

    def set_like(self, post_id: int, account_id: int, like: Like | None) -> None:
        self.like_order.pop(post_id, None)
        if like is not None:
            self.likes.setdefault(post_id, {})[account_id] = like
            return
        likes = self.likes[post_id]
        del likes[account_id]
        if not likes:
            del self.likes[post_id]

    def likers(self, post_id: int) -> list[int]:
        order = self.like_order.get(post_id)
        if order is None:
            order = sorted(self.likes.get(post_id, ()))
            self.like_order[post_id] = order
        return order

    # -- feeds

    def feed_author(self, feed: _Feed, post_id: int) -> int:
        """Return the author of the entry ``post_id`` of ``feed``."""
        own = feed.authors
        if own is not None:
            author = own.get(post_id)
            if author is not None:
                return author
        return self.feed_authors[post_id]

    def feed_note(self, feed: _Feed, post_id: int, author: int) -> None:
        """Remember the author of a new entry of ``feed`` (just added to it)."""
        self.feed_top = max(self.feed_top, post_id)
        self.feed_longest = max(self.feed_longest, len(feed))
        known = self.feed_authors.setdefault(post_id, author)
        if known != author:
            if feed.authors is None:
                feed.authors = {}
            feed.authors[post_id] = author

    def feed_put(self, reader: int, entries: Iterable[tuple[int, int]]) -> None:
        feed = self.feeds.get(reader)
        if feed is None:
            feed = _Feed(reader)
        for post_id, author_id in entries:
            _add_sorted(feed, post_id)
            self.feed_note(feed, post_id, author_id)
        if feed:
            self.feeds[reader] = feed

    def feed_drop(self, reader: int, post_ids: Collection[int]) -> None:
        feed = self.feeds[reader]
        own = feed.authors
        if own is not None:
            for post_id in post_ids:
                own.pop(post_id, None)
            if not own:
                feed.authors = None
        if len(post_ids) <= 4:
            for post_id in post_ids:
                _drop_sorted(feed, post_id)
        else:
            doomed = set(post_ids)
            feed[:] = [post_id for post_id in feed if post_id not in doomed]
        if not feed:
            del self.feeds[reader]

    def feed_unsend(self, readers: Iterable[int], post_id: int) -> None:
        """Undo a fan-out: drop ``post_id`` from each reader's feed that holds it."""
        feeds = self.feeds
        for reader in readers:
            feed = feeds.get(reader)
            if feed is None:
                continue
            i = bisect_left(feed, post_id)
            if i < len(feed) and feed[i] == post_id:
                del feed[i]
                if feed.authors is not None:
                    feed.authors.pop(post_id, None)
                if not feed:
                    del feeds[reader]

    def feed_restore(self, reader: int, feed: _Feed) -> None:
        self.feeds[reader] = feed

    def feed_trim(self, feed: _Feed, cap: int) -> list[tuple[int, int]]:
        excess = len(feed) - cap
        gone = [(post_id, self.feed_author(feed, post_id)) for post_id in feed[:excess]]
        del feed[:excess]
        own = feed.authors
        if own is not None:
            for post_id, _ in gone:
                own.pop(post_id, None)
        return gone

    def feed_entries(self, feed: _Feed) -> dict[int, int]:
        """Return each entry of ``feed`` with its author."""
        authors = self.feed_authors
        entries = {post_id: authors[post_id] for post_id in feed}
        if feed.authors:
            entries.update(feed.authors)
        return entries

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
            "likes": {post_id: dict(likes) for post_id, likes in self.likes.items()},
            "feeds": {r: (tuple(f), self.feed_entries(f)) for r, f in self.feeds.items()},
        }


# --------------------------------------------------------------------------- repositories


class _Repository:
    __slots__ = ("_s", "_unit")

    def __init__(self, unit: MemoryUnitOfWork, state: _State) -> None:
        self._unit = unit
        self._s = state

    def _read(self) -> _State:
        if not self._unit._open:
            self._unit._refuse()
        return self._s

    def _write(self) -> _UndoLog:
        log = self._unit._log
        if log is None:
            self._unit._refuse_write()
        return cast("_UndoLog", log)


def _account_missing(account_id: int) -> NotFoundError:
    return NotFoundError("account", account_id, f"no account has id {account_id}")


def _post_missing(post_id: int) -> NotFoundError:
    return NotFoundError("post", post_id, f"no post has id {post_id}")


class _Accounts(_Repository):
    """The memory store's :class:`~microblog_core.ports.AccountRepository`."""

    __slots__ = ()

    def add(self, account: Account) -> None:
        log = self._write()
        _check_value(account, Account, "account")
        s = self._s
        if account.id in s.accounts:
            raise ConflictError(
                f"an account with id {account.id} already exists", entity="account", key=account.id
            )
        if account.handle_key in s.handles:
            raise DuplicateHandleError(account.handle)
        s.add_account(account)
        log += (s, account, _State.remove_account, 2)

    def update(self, account: Account) -> None:
        log = self._write()
        _check_value(account, Account, "account")
        s = self._s
        current = s.accounts.get(account.id)
        if current is None:
            raise _account_missing(account.id)
        owner = s.handles.get(account.handle_key, account.id)
        if owner != account.id:
            raise DuplicateHandleError(account.handle)
        s.replace_account(current, account)
        log += (s, account, current, _State.replace_account, 3)

    def get(self, account_id: AccountId) -> Account:
        account = self.find(account_id)
        if account is None:
            raise _account_missing(account_id)
        return account

    def find(self, account_id: AccountId) -> Account | None:
        return self._read().accounts.get(_check_id(account_id, "account_id"))

    def by_handle(self, handle: str) -> Account | None:
        s = self._read()
        if not isinstance(handle, str):
            raise ValidationError("handle must be a str", field="handle", value=handle)
        account_id = s.handles.get(handle.casefold())
        return None if account_id is None else s.accounts[account_id]

    def get_many(self, account_ids: Iterable[AccountId]) -> dict[AccountId, Account]:
        accounts = self._read().accounts
        found = {}
        for account_id in _ids(account_ids, "account_ids"):
            account = accounts.get(account_id)
            if account is not None:
                found[AccountId(account_id)] = account
        return found

    def page(self, *, after: AccountId | None = None, limit: int = 100) -> Sequence[Account]:
        s = self._read()
        cursor = _check_optional_id(after, "after")
        limit = _check_positive(limit, "limit")
        ids = s.account_ids
        start = 0 if cursor is None else bisect_right(ids, cursor)
        return [s.accounts[account_id] for account_id in ids[start : start + limit]]

    def count(self) -> int:
        return len(self._read().accounts)

    def counters(self, account_id: AccountId) -> AccountCounters:
        s = self._read()
        account_id = AccountId(_check_id(account_id, "account_id"))
        posts = s.by_author.get(account_id)
        return AccountCounters(
            followers=s.graph.in_degree(account_id),
            following=s.graph.out_degree(account_id),
            posts=0 if posts is None else len(posts),
        )


def _stream(
    unit: MemoryUnitOfWork,
    s: _State,
    ids: list[int],
    *,
    max_id: int | None,
    min_id: int | None,
    ascending: bool,
) -> Iterator[Post]:
    """Walk ``ids`` lazily between the bounds; re-seek by value if posts change meanwhile."""
    posts = s.posts
    version = s.version
    if ascending:
        last = -1 if min_id is None else min_id
        i = bisect_right(ids, last)
        while True:
            if not unit._open:
                unit._refuse()
            if s.version != version:
                version = s.version
                i = bisect_right(ids, last)
            if i >= len(ids):
                return
            last = ids[i]
            if max_id is not None and last >= max_id:
                return
            yield posts[last]
            i += 1
    else:
        last = _AFTER_EVERY_ID if max_id is None else max_id
        i = bisect_left(ids, last) - 1
        while True:
            if not unit._open:
                unit._refuse()
            if s.version != version:
                version = s.version
                i = bisect_left(ids, last) - 1
            if i < 0:
                return
            last = ids[i]
            if min_id is not None and last <= min_id:
                return
            yield posts[last]
            i -= 1


def _newest_first(unit: MemoryUnitOfWork, s: _State, ids: list[int]) -> Iterator[Post]:
    """:func:`_stream` from the newest post down, unbounded: the same walk, fewer checks."""
    posts = s.posts
    version = s.version
    i = len(ids) - 1
    last = _AFTER_EVERY_ID
    while True:
        if not unit._open:
            unit._refuse()
        if s.version != version:
            yield from _stream(unit, s, ids, max_id=last, min_id=None, ascending=False)
            return
        if i < 0:
            return
        last = ids[i]
        yield posts[last]
        i -= 1


def _merged_newest_first(
    unit: MemoryUnitOfWork, s: _State, lists: list[list[int]], max_id: int | None
) -> Iterator[Post]:
    """Merge authors' id lists newest first without opening a stream per author.

    The heap holds ``(-id, position, list index)``: each author costs one
    integer comparison to seed, and only the authors whose posts are taken are
    walked further. A write during the walk (possible only in the same unit)
    hands over to the general per-author streams from the last id yielded.
    """
    posts = s.posts
    version = s.version
    if max_id is None:
        heap = [(-ids[-1], len(ids) - 1, n) for n, ids in enumerate(lists) if ids]
    else:
        heap = []
        for n, ids in enumerate(lists):
            i = bisect_left(ids, max_id) - 1
            if i >= 0:
                heap.append((-ids[i], i, n))
    heapify(heap)
    last = _AFTER_EVERY_ID if max_id is None else max_id
    while heap:
        if not unit._open:
            unit._refuse()
        if s.version != version:
            # Re-seek every author from the last id yielded, as stream() does.
            streams = [
                _stream(unit, s, ids, max_id=last, min_id=None, ascending=False) for ids in lists
            ]
            yield from _merge_posts(streams)
            return
        key, i, n = heap[0]
        last = -key
        yield posts[last]
        if s.version != version:
            continue  # the lists moved under us: re-seek at the top of the loop
        if i:
            heapreplace(heap, (-lists[n][i - 1], i - 1, n))
        else:
            heappop(heap)


def _merge_posts(streams: list[Iterator[Post]]) -> Iterator[Post]:
    """Merge newest-first post streams (a fallback; ids are distinct across authors)."""
    return merge(*streams, key=_POST_ID, reverse=True)


class _Posts(_Repository):
    """The memory store's :class:`~microblog_core.ports.PostRepository`."""

    __slots__ = ()

    def add(self, post: Post) -> None:
        log = self._write()
        _check_value(post, Post, "post")
        s = self._s
        post_id = post.id
        if post_id in s.posts:
            raise ConflictError(
                f"a post with id {post_id} already exists", entity="post", key=post_id
            )
        author_id = post.author_id
        if author_id not in s.accounts:
            raise _account_missing(author_id)
        shared = post.repost_of
        if shared is not None and (author_id, shared.root_id) in s.repost_by:
            raise DuplicateRepostError(author_id, shared.root_id)
        s.index_post(post)
        log += (s, post, _State.unindex_post, 2)

    def update(self, post: Post) -> None:
        log = self._write()
        _check_value(post, Post, "post")
        s = self._s
        current = s.posts.get(post.id)
        if current is None:
            raise _post_missing(post.id)
        for name in ("author_id", "reply_to", "repost_of", "quote_of"):
            if getattr(post, name) != getattr(current, name):
                raise ValidationError(
                    f"update cannot change a post's {name} (post {post.id}); "
                    "delete it and publish a new one instead",
                    field=name,
                    value=getattr(post, name),
                )
        s.replace_post(current, post)
        log += (s, post, current, _State.replace_post, 3)

    def remove(self, post_id: PostId) -> Post:
        log = self._write()
        s = self._s
        post_id = PostId(_check_id(post_id, "post_id"))
        post = s.posts.get(post_id)
        if post is None:
            raise _post_missing(post_id)
        s.unindex_post(post)
        likes = s.likes.pop(post_id, None)
        s.like_order.pop(post_id, None)
        log += (s, post, likes, _State.restore_post, 3)
        return post

    def get(self, post_id: PostId) -> Post:
        post = self.find(post_id)
        if post is None:
            raise _post_missing(post_id)
        return post

    def find(self, post_id: PostId) -> Post | None:
        return self._read().posts.get(_check_id(post_id, "post_id"))

    def get_many(self, post_ids: Iterable[PostId]) -> dict[PostId, Post]:
        posts = self._read().posts
        found = {}
        for post_id in _ids(post_ids, "post_ids"):
            post = posts.get(post_id)
            if post is not None:
                found[PostId(post_id)] = post
        return found

    def _page(
        self,
        index: dict[Any, list[int]],
        key: object,
        max_id: PostId | None,
        min_id: PostId | None,
        limit: int,
    ) -> list[Post]:
        s = self._read()
        hi = _check_optional_id(max_id, "max_id")
        lo = _check_optional_id(min_id, "min_id")
        limit = _check_positive(limit, "limit")
        ids = index.get(key)
        if not ids:
            return []
        posts = s.posts
        return [posts[post_id] for post_id in _newest(ids, hi, lo, limit)]

    def by_author(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> Sequence[Post]:
        key = _check_id(author_id, "author_id")
        return self._page(self._s.by_author, key, max_id, min_id, limit)

    def stream(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        ascending: bool = False,
    ) -> Iterator[Post]:
        s = self._read()
        if author_id.__class__ is int and max_id is None and min_id is None and not ascending:
            # The home merge opens one stream per followee: the common case, lean.
            newest = s.by_author.get(author_id)
            if newest is None:
                return iter(())
            return _newest_first(self._unit, s, newest)
        key = _check_id(author_id, "author_id")
        hi = _check_optional_id(max_id, "max_id")
        lo = _check_optional_id(min_id, "min_id")
        ids = s.by_author.get(key)
        if ids is None:
            return iter(())
        return _stream(self._unit, s, ids, max_id=hi, min_id=lo, ascending=bool(ascending))

    def merged_streams(
        self, author_ids: Iterable[AccountId], *, max_id: PostId | None = None
    ) -> Iterator[Post]:
        """Merge several authors' posts newest first (a fast path of this adapter).

        The same items as merging :meth:`stream` of each author (authors named
        twice count once), without a generator per author: the home timeline's
        fan-out-on-read uses it when the adapter offers it.
        """
        s = self._read()
        hi = _check_optional_id(max_id, "max_id")
        by_author = s.by_author
        seen: set[int] = set()
        lists: list[list[int]] = []
        for author in author_ids:
            key = author if author.__class__ is int else _check_id(author, "author_id")
            if key in seen:
                continue
            seen.add(key)
            ids = by_author.get(key)
            if ids:
                lists.append(ids)
        return _merged_newest_first(self._unit, s, lists, hi)

    def _oldest_first(
        self, index: dict[int, list[int]], key: object, field: str, limit: int | None
    ) -> list[Post]:
        s = self._read()
        ids = index.get(_check_id(key, field))
        posts = s.posts
        return [posts[post_id] for post_id in _first(ids, _check_optional_limit(limit))]

    def replies_to(self, post_id: PostId, *, limit: int | None = None) -> Sequence[Post]:
        return self._oldest_first(self._s.replies, post_id, "post_id", limit)

    def in_thread(self, root_id: PostId) -> Sequence[Post]:
        return self._oldest_first(self._s.thread, root_id, "root_id", None)

    def reposts_of(self, root_id: PostId, *, limit: int | None = None) -> Sequence[Post]:
        return self._oldest_first(self._s.reposts, root_id, "root_id", limit)

    def repost_by(self, account_id: AccountId, root_id: PostId) -> Post | None:
        s = self._read()
        key = (_check_id(account_id, "account_id"), _check_id(root_id, "root_id"))
        post_id = s.repost_by.get(key)
        return None if post_id is None else s.posts[post_id]

    def quotes_of(self, post_id: PostId, *, limit: int | None = None) -> Sequence[Post]:
        return self._oldest_first(self._s.quotes, post_id, "post_id", limit)

    def with_tag(
        self,
        tag: str,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> Sequence[Post]:
        if not isinstance(tag, str):
            raise ValidationError("tag must be a str", field="tag", value=tag)
        return self._page(self._s.tags, tag.casefold(), max_id, min_id, limit)

    def mentioning(
        self,
        account_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> Sequence[Post]:
        key = _check_id(account_id, "account_id")
        return self._page(self._s.mentions, key, max_id, min_id, limit)

    def public(
        self,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        include_replies: bool = False,
        include_reposts: bool = False,
    ) -> Sequence[Post]:
        s = self._read()
        hi = _check_optional_id(max_id, "max_id")
        lo = _check_optional_id(min_id, "min_id")
        limit = _check_positive(limit, "limit")
        page = _newest(s.public_originals, hi, lo, limit)
        if include_replies or include_reposts:
            if include_replies:
                page += _newest(s.public_replies, hi, lo, limit)
            if include_reposts:
                page += _newest(s.public_reposts, hi, lo, limit)
            page.sort(reverse=True)
            del page[limit:]
        posts = s.posts
        return [posts[post_id] for post_id in page]

    def scan(self, *, after: PostId | None = None, limit: int = 1000) -> Sequence[Post]:
        s = self._read()
        cursor = _check_optional_id(after, "after")
        limit = _check_positive(limit, "limit")
        posts = s.posts
        return [posts[post_id] for post_id in _oldest(s.post_ids, None, cursor, limit)]

    def count(self) -> int:
        return len(self._read().posts)

    def counters(self, post_id: PostId) -> PostCounters:
        s = self._read()
        key = _check_id(post_id, "post_id")
        if key not in s.posts:
            return PostCounters()
        return PostCounters(
            replies=len(s.replies.get(key, ())),
            reposts=len(s.reposts.get(key, ())),
            quotes=len(s.quotes.get(key, ())),
            likes=len(s.likes.get(key, ())),
        )


class _Relations(_Repository):
    """The memory store's :class:`~microblog_core.ports.RelationRepository`."""

    __slots__ = ()

    def _both_exist(self, a: int, b: int) -> None:
        accounts = self._s.accounts
        for account_id in (a, b):
            if account_id not in accounts:
                raise _account_missing(account_id)

    def add_follow(self, follow: Follow) -> None:
        log = self._write()
        _check_value(follow, Follow, "follow")
        s = self._s
        a, b = follow.follower_id, follow.followee_id
        if a not in s.accounts or b not in s.accounts:
            self._both_exist(a, b)
        us = s.micros(follow.created_at)
        previous = s.graph.add(a, b, us)
        has_options = not follow.show_reposts or follow.notify or follow.languages is not None
        if previous is None:
            if has_options:
                s.follow_options[a, b] = follow
            log += (s, a, b, _State.drop_follow, 3)
            return
        old_options = s.follow_options.pop((a, b), None)
        if has_options:
            s.follow_options[a, b] = follow
        log += (s, a, b, previous, old_options, _State.restore_follow, 5)

    def remove_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        log = self._write()
        s = self._s
        a = _check_id(follower_id, "follower_id")
        b = _check_id(followee_id, "followee_id")
        us = s.graph.remove(a, b)
        if us is None:
            return None
        follow = s.follow_value(a, b, us)
        options = s.follow_options.pop((a, b), None)
        log += (s, a, b, us, options, _State.restore_follow, 5)
        return follow

    def get_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        s = self._read()
        a = _check_id(follower_id, "follower_id")
        b = _check_id(followee_id, "followee_id")
        us = s.graph.time(a, b)
        return None if us is None else s.follow_value(a, b, us)

    def followers_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[Follow]:
        s = self._read()
        b = _check_id(account_id, "account_id")
        cursor = _check_optional_id(after, "after")
        limit = _check_positive(limit, "limit")
        graph = s.graph
        follows = []
        for a in graph.sources(b, after=cursor, limit=limit):
            us = graph.time(a, b)
            follows.append(s.follow_value(a, b, cast("int", us)))
        return follows

    def following_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[Follow]:
        s = self._read()
        a = _check_id(account_id, "account_id")
        cursor = _check_optional_id(after, "after")
        limit = _check_positive(limit, "limit")
        return [s.follow_value(a, b, us) for b, us in s.graph.targets(a, after=cursor, limit=limit)]

    def follower_ids(self, account_id: AccountId) -> Collection[AccountId]:
        s = self._read()
        ids = s.graph.source_ids(_check_id(account_id, "account_id"))
        return cast("Collection[AccountId]", ids)

    def following_ids(self, account_id: AccountId) -> Collection[AccountId]:
        s = self._read()
        ids = s.graph.target_ids(_check_id(account_id, "account_id"))
        return cast("Collection[AccountId]", ids)

    def _put_pair(self, table: _PairTable[_V], value: _V, a: int, b: int) -> None:
        log = self._write()
        self._both_exist(a, b)
        previous = table.put(a, b, value)
        log += (table, a, b, previous, _PairTable.restore, 4)

    def _pop_pair(self, table: _PairTable[_V], a: object, b: object, names: str) -> _V | None:
        log = self._write()
        first, second = names.split()
        key_a, key_b = _check_id(a, first), _check_id(b, second)
        previous = table.pop(key_a, key_b)
        if previous is not None:
            log += (table, key_a, key_b, previous, _PairTable.restore, 4)
        return previous

    def _get_pair(self, table: _PairTable[_V], a: object, b: object, names: str) -> _V | None:
        self._read()
        first, second = names.split()
        return table.values.get((_check_id(a, first), _check_id(b, second)))

    def add_request(self, request: FollowRequest) -> None:
        self._write()
        _check_value(request, FollowRequest, "request")
        self._put_pair(self._s.requests, request, request.follower_id, request.followee_id)

    def remove_request(
        self, follower_id: AccountId, followee_id: AccountId
    ) -> FollowRequest | None:
        return self._pop_pair(self._s.requests, follower_id, followee_id, "follower_id followee_id")

    def get_request(self, follower_id: AccountId, followee_id: AccountId) -> FollowRequest | None:
        return self._get_pair(self._s.requests, follower_id, followee_id, "follower_id followee_id")

    def requests_for(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[FollowRequest]:
        s = self._read()
        b = _check_id(account_id, "account_id")
        cursor = _check_optional_id(after, "after")
        limit = _check_positive(limit, "limit")
        requesters = sorted(s.requests.backward.get(b, ()))
        start = 0 if cursor is None else bisect_right(requesters, cursor)
        values = s.requests.values
        return [values[a, b] for a in requesters[start : start + limit]]

    def add_block(self, block: Block) -> None:
        self._write()
        _check_value(block, Block, "block")
        self._put_pair(self._s.blocks, block, block.blocker_id, block.blocked_id)

    def remove_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        return self._pop_pair(self._s.blocks, blocker_id, blocked_id, "blocker_id blocked_id")

    def get_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        return self._get_pair(self._s.blocks, blocker_id, blocked_id, "blocker_id blocked_id")

    def blocked_ids(self, blocker_id: AccountId) -> Collection[AccountId]:
        s = self._read()
        ids = s.blocks.forward.get(_check_id(blocker_id, "blocker_id"), ())
        return cast("Collection[AccountId]", frozenset(ids))

    def blocker_ids(self, blocked_id: AccountId) -> Collection[AccountId]:
        s = self._read()
        ids = s.blocks.backward.get(_check_id(blocked_id, "blocked_id"), ())
        return cast("Collection[AccountId]", frozenset(ids))

    def add_mute(self, mute: Mute) -> None:
        self._write()
        _check_value(mute, Mute, "mute")
        self._put_pair(self._s.mutes, mute, mute.muter_id, mute.muted_id)

    def remove_mute(self, muter_id: AccountId, muted_id: AccountId) -> Mute | None:
        return self._pop_pair(self._s.mutes, muter_id, muted_id, "muter_id muted_id")

    def get_mute(
        self, muter_id: AccountId, muted_id: AccountId, *, at: datetime | None = None
    ) -> Mute | None:
        mute = self._get_pair(self._s.mutes, muter_id, muted_id, "muter_id muted_id")
        if at is not None:
            moment = ensure_utc(at, field="at")
            if mute is not None and not mute.active_at(moment):
                return None
        return mute

    def muted_ids(self, muter_id: AccountId, *, at: datetime) -> Collection[AccountId]:
        s = self._read()
        a = _check_id(muter_id, "muter_id")
        moment = ensure_utc(at, field="at")
        values = s.mutes.values
        return cast(
            "Collection[AccountId]",
            frozenset(b for b in s.mutes.forward.get(a, ()) if values[a, b].active_at(moment)),
        )


class _Engagement(_Repository):
    """The memory store's :class:`~microblog_core.ports.EngagementRepository`."""

    __slots__ = ()

    def add_like(self, like: Like) -> None:
        log = self._write()
        _check_value(like, Like, "like")
        s = self._s
        account_id, post_id = like.account_id, like.post_id
        if account_id not in s.accounts:
            raise _account_missing(account_id)
        if post_id not in s.posts:
            raise _post_missing(post_id)
        likes = s.likes.get(post_id)
        if likes is not None and account_id in likes:
            raise ConflictError(
                f"account {account_id} already likes post {post_id}",
                entity="like",
                key=(account_id, post_id),
            )
        s.set_like(post_id, account_id, like)
        log += (s, post_id, account_id, None, _State.set_like, 4)

    def remove_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        log = self._write()
        s = self._s
        a = _check_id(account_id, "account_id")
        p = _check_id(post_id, "post_id")
        likes = s.likes.get(p)
        like = None if likes is None else likes.get(a)
        if like is not None:
            s.set_like(p, a, None)
            log += (s, p, a, like, _State.set_like, 4)
        return like

    def get_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        s = self._read()
        a = _check_id(account_id, "account_id")
        likes = s.likes.get(_check_id(post_id, "post_id"))
        return None if likes is None else likes.get(a)

    def likes_of(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[Like]:
        s = self._read()
        p = _check_id(post_id, "post_id")
        cursor = _check_optional_id(after, "after")
        limit = _check_positive(limit, "limit")
        likes = s.likes.get(p)
        if likes is None:
            return []
        order = s.likers(p)
        start = 0 if cursor is None else bisect_right(order, cursor)
        return [likes[a] for a in order[start : start + limit]]


class _Feeds(_Repository):
    """The memory store's :class:`~microblog_core.ports.FeedRepository`."""

    __slots__ = ()

    def _entries(self, entries: Iterable[tuple[PostId, AccountId]]) -> list[tuple[int, int]]:
        if not isinstance(entries, Iterable):
            raise ValidationError("entries must be an iterable", field="entries", value=entries)
        checked = []
        for entry in entries:
            if not isinstance(entry, tuple) or len(entry) != 2:
                raise ValidationError(
                    "each feed entry must be a (post_id, author_id) pair",
                    field="entries",
                    value=entry,
                )
            checked.append((_check_id(entry[0], "post_id"), _check_id(entry[1], "author_id")))
        return checked

    def insert(
        self, reader_ids: Iterable[AccountId], post_id: PostId, author_id: AccountId, *, cap: int
    ) -> None:
        log = self._write()
        p = _check_id(post_id, "post_id")
        author = _check_id(author_id, "author_id")
        cap = _check_positive(cap, "cap")
        readers = _reader_ids(reader_ids)
        if not readers:
            return
        s = self._s
        if p > s.feed_top:
            self._send_new(log, readers, p, author, cap)
            return
        # An older post (a back-fill, or one already delivered): reader by
        # reader. The undo records keep the order of the writes: the readers
        # that got the post since the last trim, then that trim, and so on.
        feeds = s.feeds
        override = s.feed_authors.setdefault(p, author) != author
        longest = s.feed_longest
        added: list[int] = []
        for reader in readers:
            feed = feeds.get(reader)
            if feed is None:
                feed = feeds[reader] = _Feed(reader)
            size = len(feed)
            i = bisect_left(feed, p)
            if i == size or feed[i] != p:
                feed.insert(i, p)
                if override:
                    if feed.authors is None:
                        feed.authors = {}
                    feed.authors[p] = author
                added.append(reader)
                size += 1
                longest = max(longest, size)
            if size > cap:
                if added:
                    log += (s, added, p, _State.feed_unsend, 3)
                    added = []
                log += (s, reader, s.feed_trim(feed, cap), _State.feed_put, 3)
        if added:
            log += (s, added, p, _State.feed_unsend, 3)
        s.feed_top = max(s.feed_top, p)
        s.feed_longest = longest

    def _feeds_of(self, readers: Sequence[int]) -> list[_Feed | None]:
        """Return each reader's feed (None where it has none), cached per reader set."""
        s = self._s
        feeds = s.feeds
        if not isinstance(readers, array):
            return list(map(feeds.get, readers))
        key = readers.tobytes()
        cache = s.fanout_cache
        if cache is not None and cache[1] == feeds.epoch and cache[0] == key:
            return cache[2]
        found = list(map(feeds.get, readers))
        s.fanout_cache = (key, feeds.epoch, found)
        return found

    def _send_new(
        self, log: _UndoLog, readers: Sequence[int], p: int, author: int, cap: int
    ) -> None:
        """Fan out a post newer than every feed entry: a bulk append to each feed.

        No feed holds ``p`` and each feed is ascending, so ``p`` goes at the end
        of every feed; the appends, the duplicate check and the cap check run
        at C speed over the feeds, and one undo record covers every reader.
        """
        s = self._s
        feeds = s.feeds
        s.feed_authors[p] = author
        s.feed_top = p
        found = self._feeds_of(readers)
        existing: list[_Feed]
        if not all(found):
            fresh = list(compress(readers, map(not_, found)))
            existing = list(filter(None, found))
        else:
            fresh, existing = [], cast("list[_Feed]", found)
        deque(map(list.append, existing, repeat(p)), maxlen=0)
        longest = s.feed_longest + 1 if existing else max(s.feed_longest, 1)
        s.feed_longest = longest
        if not isinstance(readers, DistinctIds) and p in map(itemgetter(-2), existing):
            # A reader named twice: keep one entry.
            for feed in existing:
                while feed[-2] == p:
                    feed.pop()
        for reader in fresh:
            new = feeds.get(reader)
            if new is None:
                feeds[reader] = _Feed(reader, (p,))
            elif not new or new[-1] != p:  # not named earlier in this call
                new.append(p)
        log += (s, readers, p, _State.feed_unsend, 3)
        if longest <= cap:
            return
        for feed in compress(existing, map(cap.__lt__, map(len, existing))):
            log += (s, feed.reader, s.feed_trim(feed, cap), _State.feed_put, 3)

    def merge(
        self, reader_id: AccountId, entries: Iterable[tuple[PostId, AccountId]], *, cap: int
    ) -> None:
        log = self._write()
        reader = _check_id(reader_id, "reader_id")
        cap = _check_positive(cap, "cap")
        checked = self._entries(entries)
        s = self._s
        feed = s.feeds.get(reader)
        if feed is None:
            if not checked:
                return
            feed = s.feeds[reader] = _Feed(reader)
        present = set(feed)
        added = []
        for p, author in checked:
            if p not in present:
                present.add(p)
                s.feed_note(feed, p, author)
                added.append(p)
        if len(added) <= 4:
            for p in added:
                _add_sorted(feed, p)
        else:
            feed.extend(added)
            feed.sort()
        if added:
            s.feed_longest = max(s.feed_longest, len(feed))
            log += (s, reader, added, _State.feed_drop, 3)
        if len(feed) > cap:
            log += (s, reader, s.feed_trim(feed, cap), _State.feed_put, 3)

    def remove_posts(self, reader_ids: Iterable[AccountId], post_ids: Iterable[PostId]) -> None:
        log = self._write()
        readers = _ids(reader_ids, "reader_ids")
        doomed = sorted(set(_ids(post_ids, "post_ids")))
        s = self._s
        for reader in readers:
            feed = s.feeds.get(reader)
            if feed is None:
                continue
            gone = []
            for p in doomed:
                i = bisect_left(feed, p)
                if i < len(feed) and feed[i] == p:
                    gone.append((p, s.feed_author(feed, p)))
            if gone:
                s.feed_drop(reader, [p for p, _ in gone])
                log += (s, reader, gone, _State.feed_put, 3)

    def remove_author(self, reader_id: AccountId, author_id: AccountId) -> None:
        log = self._write()
        reader = _check_id(reader_id, "reader_id")
        author = _check_id(author_id, "author_id")
        s = self._s
        feed = s.feeds.get(reader)
        if feed is None:
            return
        gone = [(p, a) for p, a in s.feed_entries(feed).items() if a == author]
        if gone:
            s.feed_drop(reader, [p for p, _ in gone])
            log += (s, reader, gone, _State.feed_put, 3)

    def read(
        self,
        reader_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        ascending: bool = False,
    ) -> Sequence[PostId]:
        s = self._read()
        reader = _check_id(reader_id, "reader_id")
        hi = _check_optional_id(max_id, "max_id")
        lo = _check_optional_id(min_id, "min_id")
        limit = _check_positive(limit, "limit")
        feed = s.feeds.get(reader)
        if feed is None:
            return []
        page = (_oldest if ascending else _newest)(feed, hi, lo, limit)
        return cast("list[PostId]", page)

    def size(self, reader_id: AccountId) -> int:
        feed = self._read().feeds.get(_check_id(reader_id, "reader_id"))
        return 0 if feed is None else len(feed)

    def clear(self, reader_id: AccountId) -> None:
        log = self._write()
        reader = _check_id(reader_id, "reader_id")
        s = self._s
        feed = s.feeds.pop(reader, None)
        if feed is not None:
            log += (s, reader, feed, _State.feed_restore, 3)


# --------------------------------------------------------------------------- unit and store


class MemoryUnitOfWork:
    """A unit of work on a :class:`MemoryStore` (see the module docstring).

    Made by :meth:`MemoryStore.unit_of_work`; use it as a context manager,
    once. Its repositories refuse work before ``__enter__`` and after
    ``__exit__`` with :class:`~microblog_core.errors.StorageError`.

    Attributes:
        accounts: The account repository of this unit.
        posts: The post repository of this unit.
        relations: The relation repository of this unit.
        engagement: The engagement repository of this unit.
        feeds: The home-feed repository of this unit.
    """

    __slots__ = (
        "_ended",
        "_log",
        "_open",
        "_readonly",
        "_store",
        "accounts",
        "engagement",
        "feeds",
        "posts",
        "relations",
    )

    def __init__(self, store: MemoryStore, state: _State, *, readonly: bool) -> None:
        self._store = store
        self._readonly = readonly
        self._open = False
        self._ended = False
        self._log: _UndoLog | None = None
        self.accounts = _Accounts(self, state)
        self.posts = _Posts(self, state)
        self.relations = _Relations(self, state)
        self.engagement = _Engagement(self, state)
        self.feeds = _Feeds(self, state)

    @property
    def readonly(self) -> bool:
        """Whether the unit refuses writes."""
        return self._readonly

    def __enter__(self) -> Self:
        """Take the store's lock and begin.

        Raises:
            StorageError: The unit was entered before, the store is closed, the
                lock did not come within the store's ``lock_timeout``, or a unit
                that writes is opened inside another unit of the same thread.
        """
        if self._open or self._ended:
            raise StorageError("a unit of work can be entered only once; make a new one")
        self._store._enter(self)
        self._open = True
        self._log = None if self._readonly else []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Roll back what was not committed, then release the store's lock."""
        if not self._open:
            return
        try:
            if self._log:
                self._undo(self._log)
        finally:
            self._open = False
            self._ended = True
            self._log = None
            self._store._leave()

    def commit(self) -> None:
        """Keep every write made so far; later writes start a new transaction.

        Raises:
            StorageError: The unit is not open.
        """
        if not self._open:
            self._refuse()
        if self._log:
            self._log = []

    def rollback(self) -> None:
        """Undo every write made since the unit began or last committed.

        Raises:
            StorageError: The unit is not open.
        """
        if not self._open:
            self._refuse()
        if self._log:
            self._undo(self._log)
            self._log = []

    @staticmethod
    def _undo(log: _UndoLog) -> None:
        pop = log.pop
        while log:
            count = pop()
            function = pop()
            args = log[-count:]
            del log[-count:]
            function(*args)

    def _refuse(self) -> None:
        if self._ended:
            raise StorageError("this unit of work has ended; open a new one")
        raise StorageError("this unit of work is not open; use it in a 'with' block")

    def _refuse_write(self) -> None:
        if not self._open:
            self._refuse()
        raise StorageError("this unit of work is read-only (readonly=True); it cannot write")

    def __repr__(self) -> str:
        phase = "open" if self._open else "ended" if self._ended else "new"
        kind = "readonly" if self._readonly else "read-write"
        return f"<MemoryUnitOfWork {phase} {kind}>"


class MemoryStore:
    """An in-memory store: fast, serializable, atomic, and gone when the process ends.

    Args:
        lock_timeout: Seconds a unit waits for the store's lock before
            ``__enter__`` raises :class:`~microblog_core.errors.StorageError`;
            None (the default) waits as long as it takes.

    Raises:
        ValidationError: ``lock_timeout`` is not a positive number or None.
    """

    def __init__(self, *, lock_timeout: float | None = None) -> None:
        if lock_timeout is not None and (
            isinstance(lock_timeout, bool)
            or not isinstance(lock_timeout, int | float)
            or lock_timeout <= 0
        ):
            raise ValidationError(
                "lock_timeout must be a positive number of seconds or None",
                field="lock_timeout",
                value=lock_timeout,
            )
        self._lock = threading.RLock()
        self._timeout = -1.0 if lock_timeout is None else float(lock_timeout)
        self._state = _State()
        self._closed = False
        self._depth = 0

    def unit_of_work(self, *, readonly: bool = False) -> MemoryUnitOfWork:
        """Return a new, not yet entered, unit of work.

        Args:
            readonly: Whether the unit refuses writes (it still takes the lock,
                so that it never reads another unit's uncommitted writes).

        Raises:
            StorageError: The store is closed.
        """
        if self._closed:
            raise StorageError("the store is closed")
        return MemoryUnitOfWork(self, self._state, readonly=bool(readonly))

    def close(self) -> None:
        """Drop every stored value; later units raise StorageError. Closing twice is fine.

        Raises:
            StorageError: Called inside a unit of this store in the same thread.
        """
        with self._lock:
            if self._depth:
                raise StorageError("a store cannot be closed inside one of its units of work")
            self._closed = True
            self._state = _State()

    def _enter(self, unit: MemoryUnitOfWork) -> None:
        if not self._lock.acquire(timeout=self._timeout):
            raise StorageError(
                f"the store stayed locked by another unit of work for {self._timeout} s"
            )
        if self._closed:
            self._lock.release()
            raise StorageError("the store is closed")
        if self._depth and not unit.readonly:
            self._lock.release()
            raise StorageError(
                "a unit of work that writes cannot be opened inside another unit of the "
                "same thread; finish the outer unit first, or open this one readonly=True"
            )
        self._depth += 1

    def _leave(self) -> None:
        self._depth -= 1
        self._lock.release()

    def _snapshot(self) -> dict[str, object]:
        """Return a comparable copy of every value and index (for tests)."""
        with self._lock:
            return self._state.snapshot()

    def __repr__(self) -> str:
        state = self._state
        return (
            f"<MemoryStore accounts={len(state.accounts)} posts={len(state.posts)}"
            f"{' closed' if self._closed else ''}>"
        )
