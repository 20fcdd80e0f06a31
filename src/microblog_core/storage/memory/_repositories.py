"""The memory adapter's repositories: argument checks and rules over :class:`State`.

Each method checks its arguments with the shared checks
(:mod:`microblog_core._checks`, so every adapter raises the same class for
the same mistake), then reads the state or writes it through a primitive
whose inverse it pushes on the unit's undo log.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Collection, Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from typing import TYPE_CHECKING, Any, TypeVar, cast

from microblog_core import _checks
from microblog_core.errors import (
    ConflictError,
    DuplicateHandleError,
    DuplicateRepostError,
    NotFoundError,
    ValidationError,
)
from microblog_core.ids import AccountId, PostId
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
)
from microblog_core.models.accounts import handle_key
from microblog_core.storage.memory._activity_state import FollowOptions, pair_key
from microblog_core.storage.memory._feeds import UndoLog
from microblog_core.storage.memory._follow_index import DistinctIds, FollowerIds
from microblog_core.storage.memory._like_table import LikeTable
from microblog_core.storage.memory._sorted import first, newest, oldest
from microblog_core.storage.memory._state import PairTable, State
from microblog_core.storage.memory._streams import merged_newest_first, newest_first, stream

if TYPE_CHECKING:
    from microblog_core.storage.memory._unit import MemoryUnitOfWork

__all__ = ["Accounts", "Engagement", "Feeds", "Posts", "Relations", "Repository"]

_V = TypeVar("_V")
_INT_ARRAYS = frozenset("bBhHiIlLqQ")


def _reader_ids(values: object) -> Collection[int]:
    """Check a fan-out's reader ids in bulk; return them, or a private copy of them.

    A :class:`FollowerIds` is read-only and comes back as it is (the fan-out
    recognises it); an ``array`` of integers is copied at C speed and only
    its smallest value checked; anything else is checked id by id.
    """
    if values.__class__ is FollowerIds:
        return cast("Collection[int]", values)
    if isinstance(values, array) and values.typecode in _INT_ARRAYS:
        ids = cast("array[int]", values)
        if ids and min(ids) < 1:
            _checks.stored_id(min(ids), "reader_ids")
        if ids.typecode != "q" or not isinstance(ids, DistinctIds):
            return ids[:]
        copy = DistinctIds("q")
        copy.extend(ids)
        return copy
    readers = list(_checks.iterable(values, "reader_ids", "ids"))
    if set(map(type, readers)) <= {int}:
        checked = cast("list[int]", readers)
        if not checked or (min(checked) >= 1 and max(checked) <= _checks.MAX_ID):
            return checked
    return [_checks.stored_id(value, "reader_ids") for value in readers]


class Repository:
    __slots__ = ("_s", "_unit")

    def __init__(self, unit: MemoryUnitOfWork, state: State) -> None:
        self._unit = unit
        self._s = state

    def _read(self) -> State:
        if not self._unit._open:
            self._unit._refuse()
        return self._s

    def _write(self) -> UndoLog:
        log = self._unit._log
        if log is None:
            self._unit._refuse_write()
        return cast("UndoLog", log)


def _account_missing(account_id: int) -> NotFoundError:
    return NotFoundError("account", account_id, f"no account has id {_checks.quote(account_id)}")


def _post_missing(post_id: int) -> NotFoundError:
    return NotFoundError("post", post_id, f"no post has id {_checks.quote(post_id)}")


class Accounts(Repository):
    """The memory store's :class:`~microblog_core.ports.AccountRepository`."""

    __slots__ = ()

    def add(self, account: Account) -> None:
        log = self._unit._log  # _write, inline
        if log is None:
            log = self._write()
        if account.__class__ is not Account:
            _checks.instance(account, Account, "account")
        s = self._s
        if account.id in s.accounts:
            raise ConflictError(
                f"an account with id {account.id} already exists", entity="account", key=account.id
            )
        handle = account.handle
        key = handle_key(handle)  # account.handle_key, read once
        if key in s.handles:
            raise DuplicateHandleError(handle)
        s.add_account(account, handle if key == handle else key)  # no second copy of the handle
        log += (s, account, State.remove_account, 2)

    def update(self, account: Account) -> None:
        log = self._write()
        _checks.instance(account, Account, "account")
        s = self._s
        current = s.accounts.get(account.id)
        if current is None:
            raise _account_missing(account.id)
        owner = s.handles.get(account.handle_key, account.id)
        if owner != account.id:
            raise DuplicateHandleError(account.handle)
        s.replace_account(current, account)
        log += (s, account, current, State.replace_account, 3)

    def get(self, account_id: AccountId) -> Account:
        accounts = self._read().accounts
        key = (
            account_id
            if account_id.__class__ is int
            else _checks.lookup_id(account_id, "account_id")
        )
        account = accounts.get(key)
        if account is None:
            raise _account_missing(account_id)
        return account

    def find(self, account_id: AccountId) -> Account | None:
        if self._unit._open and account_id.__class__ is int:  # the common case, without a call
            return self._s.accounts.get(account_id)
        return self._read().accounts.get(_checks.lookup_id(account_id, "account_id"))

    def by_handle(self, handle: str) -> Account | None:
        s = self._read()
        account_id = s.handles.get(_checks.text(handle, "handle").casefold())
        return None if account_id is None else s.accounts[account_id]

    def get_many(self, account_ids: Iterable[AccountId]) -> dict[AccountId, Account]:
        accounts = self._read().accounts
        found = {}
        for account_id in _checks.lookup_ids(account_ids, "account_ids"):
            account = accounts.get(account_id)
            if account is not None:
                found[AccountId(account_id)] = account
        return found

    def page(self, *, after: AccountId | None = None, limit: int = 100) -> Sequence[Account]:
        s = self._read()
        cursor = _checks.cursor(after, "after")
        limit = _checks.limit(limit)
        ids = s.account_ids
        start = 0 if cursor is None else bisect_right(ids, cursor)
        return [s.accounts[account_id] for account_id in ids[start : start + limit]]

    def count(self) -> int:
        return len(self._read().accounts)

    def counters(self, account_id: AccountId) -> AccountCounters:
        s = self._read()
        account_id = AccountId(_checks.lookup_id(account_id, "account_id"))
        posts = s.by_author.get(account_id)
        return AccountCounters(
            followers=s.graph.in_degree(account_id),
            following=s.graph.out_degree(account_id),
            posts=0 if posts is None else len(posts),
        )


class Posts(Repository):
    """The memory store's :class:`~microblog_core.ports.PostRepository`."""

    __slots__ = ()

    def add(self, post: Post) -> None:
        log = self._unit._log  # _write, inline: every post of an import or a simulation
        if log is None:
            log = self._write()
        if post.__class__ is not Post:
            _checks.instance(post, Post, "post")
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
        if shared is not None and (author_id << 64) | shared.root_id in s.repost_by:  # pair_key
            raise DuplicateRepostError(author_id, shared.root_id)
        s.index_post(post)
        log += (s, post, State.unindex_post, 2)

    def update(self, post: Post) -> None:
        log = self._write()
        _checks.instance(post, Post, "post")
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
        log += (s, post, current, State.replace_post, 3)

    def remove(self, post_id: PostId) -> Post:
        log = self._write()
        s = self._s
        post_id = PostId(_checks.lookup_id(post_id, "post_id"))
        post = s.posts.get(post_id)
        if post is None:
            raise _post_missing(post_id)
        s.unindex_post(post)
        likes = s.likes.pop_post(post_id)
        log += (s, post, likes, State.restore_post, 3)
        return post

    def get(self, post_id: PostId) -> Post:
        posts = self._read().posts
        key = post_id if post_id.__class__ is int else _checks.lookup_id(post_id, "post_id")
        post = posts.get(key)
        if post is None:
            raise _post_missing(post_id)
        return post

    def find(self, post_id: PostId) -> Post | None:
        if self._unit._open and post_id.__class__ is int:  # the common case, without a call
            return self._s.posts.get(post_id)
        return self._read().posts.get(_checks.lookup_id(post_id, "post_id"))

    def get_many(self, post_ids: Iterable[PostId]) -> dict[PostId, Post]:
        posts = self._read().posts
        found = {}
        for post_id in _checks.lookup_ids(post_ids, "post_ids"):
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
        hi = _checks.cursor(max_id, "max_id")
        lo = _checks.cursor(min_id, "min_id")
        limit = _checks.limit(limit)
        ids = index.get(key)
        if not ids:
            return []
        posts = s.posts
        return [posts[post_id] for post_id in newest(ids, hi, lo, limit)]

    def by_author(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> Sequence[Post]:
        key = _checks.lookup_id(author_id, "author_id")
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
            own = s.by_author.get(author_id)
            if own is None:
                return iter(())
            return newest_first(self._unit, s, own)
        key = _checks.lookup_id(author_id, "author_id")
        hi = _checks.cursor(max_id, "max_id")
        lo = _checks.cursor(min_id, "min_id")
        ids = s.by_author.get(key)
        if ids is None:
            return iter(())
        return stream(self._unit, s, ids, max_id=hi, min_id=lo, ascending=bool(ascending))

    def merged_streams(
        self, author_ids: Iterable[AccountId], *, max_id: PostId | None = None
    ) -> Iterator[Post]:
        """Merge several authors' posts newest first (a fast path of this adapter).

        The same items as merging :meth:`stream` of each author (authors named
        twice count once), without a generator per author: the home timeline's
        fan-out-on-read uses it when the adapter offers it.
        """
        s = self._read()
        hi = _checks.cursor(max_id, "max_id")
        authors = _checks.iterable(author_ids, "author_ids", "ids")
        keys = cast("dict[int, None]", dict.fromkeys(authors))  # each author once
        if not all(author.__class__ is int for author in keys):
            keys = dict.fromkeys(_checks.lookup_id(author, "author_id") for author in authors)
        lists = [ids for ids in map(s.by_author.get, keys) if ids]
        return merged_newest_first(self._unit, s, lists, hi)

    def _oldest_first(
        self, index: dict[int, list[int]], key: object, field: str, limit: int | None
    ) -> list[Post]:
        s = self._read()
        ids = index.get(_checks.lookup_id(key, field))
        posts = s.posts
        return [posts[post_id] for post_id in first(ids, _checks.optional_limit(limit))]

    def replies_to(self, post_id: PostId, *, limit: int | None = None) -> Sequence[Post]:
        return self._oldest_first(self._s.replies, post_id, "post_id", limit)

    def in_thread(self, root_id: PostId) -> Sequence[Post]:
        return self._oldest_first(self._s.thread, root_id, "root_id", None)

    def reposts_of(self, root_id: PostId, *, limit: int | None = None) -> Sequence[Post]:
        return self._oldest_first(self._s.reposts, root_id, "root_id", limit)

    def earliest_repost_by(
        self, root_id: PostId, before_id: PostId, authors: Collection[AccountId]
    ) -> PostId | None:
        """The lowest id of a repost of ``root_id`` below ``before_id`` by one of ``authors``.

        The :class:`~microblog_core.ports.EarlierReposts` capability. The
        original's repost ids are sorted: a bisection finds those below the
        bound, and then either they are walked oldest first (when fewer than
        the authors) or each author's one repost of the original is looked up.
        """
        s = self._read()
        # A home page asks once for each repost it meets: ints and a set, checked cheaply.
        root = root_id if root_id.__class__ is int else _checks.lookup_id(root_id, "root_id")
        before = (
            before_id if before_id.__class__ is int else _checks.lookup_id(before_id, "before_id")
        )
        if authors.__class__ not in _SETS and (
            isinstance(authors, str | bytes) or not isinstance(authors, Collection)
        ):
            # Refused with a line naming the value; any other iterable is read once.
            authors = cast("tuple[AccountId, ...]", _checks.iterable(authors, "authors", "ids"))
        ids = s.reposts.get(root)
        if not ids:
            return None
        end = bisect_left(ids, before)
        if end <= len(authors):
            posts = s.posts
            for post_id in islice(ids, end):
                if posts[post_id].author_id in authors:
                    return PostId(post_id)
            return None
        lowest: int | None = None
        repost_by = s.repost_by
        for author in authors:
            key = author if author.__class__ is int else _equal_int(author)
            if key is None:
                continue  # equal to no account id: it reposted nothing
            found = repost_by.get((key << 64) | root)  # pair_key, inline
            if found is not None and found < before and (lowest is None or found < lowest):
                lowest = found
        return None if lowest is None else PostId(lowest)

    def repost_by(self, account_id: AccountId, root_id: PostId) -> Post | None:
        s = self._read()
        if account_id.__class__ is int and root_id.__class__ is int:  # the common case
            post_id = s.repost_by.get((account_id << 64) | root_id)  # pair_key, inline
        else:
            account = _checks.lookup_id(account_id, "account_id")
            post_id = s.repost_by.get(pair_key(account, _checks.lookup_id(root_id, "root_id")))
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
        key = _checks.text(tag, "tag").casefold()
        return self._page(self._s.tags, key, max_id, min_id, limit)

    def mentioning(
        self,
        account_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> Sequence[Post]:
        key = _checks.lookup_id(account_id, "account_id")
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
        hi = _checks.cursor(max_id, "max_id")
        lo = _checks.cursor(min_id, "min_id")
        limit = _checks.limit(limit)
        page = newest(s.public_originals, hi, lo, limit)
        if include_replies or include_reposts:
            if include_replies:
                page += newest(s.public_replies, hi, lo, limit)
            if include_reposts:
                page += newest(s.public_reposts, hi, lo, limit)
            page.sort(reverse=True)
            del page[limit:]
        posts = s.posts
        return [posts[post_id] for post_id in page]

    def scan(self, *, after: PostId | None = None, limit: int = 1000) -> Sequence[Post]:
        s = self._read()
        cursor = _checks.cursor(after, "after")
        limit = _checks.limit(limit)
        posts = s.posts
        return [posts[post_id] for post_id in oldest(s.post_ids, None, cursor, limit)]

    def count(self) -> int:
        return len(self._read().posts)

    def counters(self, post_id: PostId) -> PostCounters:
        s = self._read()
        key = _checks.lookup_id(post_id, "post_id")
        if key not in s.posts:
            return PostCounters()
        return PostCounters(
            replies=len(s.replies.get(key, ())),
            reposts=len(s.reposts.get(key, ())),
            quotes=len(s.quotes.get(key, ())),
            likes=s.likes.count(key),
        )


class Relations(Repository):
    """The memory store's :class:`~microblog_core.ports.RelationRepository`."""

    __slots__ = ()

    def _both_exist(self, a: int, b: int) -> None:
        accounts = self._s.accounts
        for account_id in (a, b):
            if account_id not in accounts:
                raise _account_missing(account_id)

    def add_follow(self, follow: Follow) -> None:
        log = self._write()
        _checks.instance(follow, Follow, "follow")
        s = self._s
        a, b = follow.follower_id, follow.followee_id
        if a not in s.accounts or b not in s.accounts:
            self._both_exist(a, b)
        us = s.micros(follow.created_at)
        previous = s.add_follow(a, b, us)
        has_options = not follow.show_reposts or follow.notify or follow.languages is not None
        if previous is None:
            if has_options:
                s.follow_options[a, b] = follow
            log += (s, a, b, State.drop_follow, 3)
            return
        old_options = s.follow_options.pop((a, b), None)
        if has_options:
            s.follow_options[a, b] = follow
        log += (s, a, b, previous, old_options, State.restore_follow, 5)

    def remove_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        log = self._write()
        s = self._s
        a = _checks.lookup_id(follower_id, "follower_id")
        b = _checks.lookup_id(followee_id, "followee_id")
        us = s.remove_follow(a, b)
        if us is None:
            return None
        follow = s.follow_value(a, b, us)
        options = s.follow_options.pop((a, b), None)
        log += (s, a, b, us, options, State.restore_follow, 5)
        return follow

    def has_follow_options(self, follower_id: AccountId) -> bool:
        """Whether any follow by ``follower_id`` has an option other than the defaults.

        The :class:`~microblog_core.ports.FollowOptionsHint` capability: one
        dictionary read, kept by the follow writes of any unit.
        """
        options = self._read().follow_options
        if not isinstance(options, FollowOptions):
            return True  # no count kept: the caller looks each follow up
        return _checks.lookup_id(follower_id, "follower_id") in options.per_follower

    def get_follow(self, follower_id: AccountId, followee_id: AccountId) -> Follow | None:
        s = self._read()
        a = _checks.lookup_id(follower_id, "follower_id")
        b = _checks.lookup_id(followee_id, "followee_id")
        us = s.graph.time(a, b)
        return None if us is None else s.follow_value(a, b, us)

    def followers_of(
        self, account_id: AccountId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[Follow]:
        s = self._read()
        b = _checks.lookup_id(account_id, "account_id")
        cursor = _checks.cursor(after, "after")
        limit = _checks.limit(limit)
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
        a = _checks.lookup_id(account_id, "account_id")
        cursor = _checks.cursor(after, "after")
        limit = _checks.limit(limit)
        return [s.follow_value(a, b, us) for b, us in s.graph.targets(a, after=cursor, limit=limit)]

    def follower_ids(self, account_id: AccountId) -> Collection[AccountId]:
        s = self._read()
        ids = s.graph.source_ids(_checks.lookup_id(account_id, "account_id"))
        return cast("Collection[AccountId]", ids)

    def following_ids(self, account_id: AccountId) -> Collection[AccountId]:
        s = self._read()
        ids = s.graph.target_ids(_checks.lookup_id(account_id, "account_id"))
        return cast("Collection[AccountId]", ids)

    def _put_pair(self, table: PairTable[_V], value: _V, a: int, b: int) -> None:
        log = self._write()
        self._both_exist(a, b)
        previous = table.put(a, b, value)
        log += (table, a, b, previous, PairTable.restore, 4)

    def _pop_pair(self, table: PairTable[_V], a: object, b: object, names: str) -> _V | None:
        log = self._write()
        first, second = names.split()
        key_a, key_b = _checks.lookup_id(a, first), _checks.lookup_id(b, second)
        previous = table.pop(key_a, key_b)
        if previous is not None:
            log += (table, key_a, key_b, previous, PairTable.restore, 4)
        return previous

    def _get_pair(self, table: PairTable[_V], a: object, b: object, names: str) -> _V | None:
        self._read()
        if a.__class__ is int and b.__class__ is int:  # the common case: no names to split
            return table.values.get((a, b))
        first, second = names.split()
        return table.values.get((_checks.lookup_id(a, first), _checks.lookup_id(b, second)))

    def add_request(self, request: FollowRequest) -> None:
        self._write()
        _checks.instance(request, FollowRequest, "request")
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
        b = _checks.lookup_id(account_id, "account_id")
        cursor = _checks.cursor(after, "after")
        limit = _checks.limit(limit)
        requesters = sorted(s.requests.backward.get(b, ()))
        start = 0 if cursor is None else bisect_right(requesters, cursor)
        values = s.requests.values
        return [values[a, b] for a in requesters[start : start + limit]]

    def add_block(self, block: Block) -> None:
        self._write()
        _checks.instance(block, Block, "block")
        self._put_pair(self._s.blocks, block, block.blocker_id, block.blocked_id)

    def remove_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        return self._pop_pair(self._s.blocks, blocker_id, blocked_id, "blocker_id blocked_id")

    def get_block(self, blocker_id: AccountId, blocked_id: AccountId) -> Block | None:
        if self._unit._open and blocker_id.__class__ is int and blocked_id.__class__ is int:
            # _get_pair, inline: the service asks this several times per write
            return self._s.blocks.values.get((blocker_id, blocked_id))
        return self._get_pair(self._s.blocks, blocker_id, blocked_id, "blocker_id blocked_id")

    def blocked_ids(self, blocker_id: AccountId) -> Collection[AccountId]:
        s = self._read()
        ids = s.blocks.forward.get(_checks.lookup_id(blocker_id, "blocker_id"), ())
        return cast("Collection[AccountId]", frozenset(ids))

    def blocker_ids(self, blocked_id: AccountId) -> Collection[AccountId]:
        s = self._read()
        ids = s.blocks.backward.get(_checks.lookup_id(blocked_id, "blocked_id"), ())
        return cast("Collection[AccountId]", frozenset(ids))

    def add_mute(self, mute: Mute) -> None:
        self._write()
        _checks.instance(mute, Mute, "mute")
        self._put_pair(self._s.mutes, mute, mute.muter_id, mute.muted_id)

    def remove_mute(self, muter_id: AccountId, muted_id: AccountId) -> Mute | None:
        return self._pop_pair(self._s.mutes, muter_id, muted_id, "muter_id muted_id")

    def get_mute(
        self, muter_id: AccountId, muted_id: AccountId, *, at: datetime | None = None
    ) -> Mute | None:
        if self._unit._open and muter_id.__class__ is int and muted_id.__class__ is int:
            mute = self._s.mutes.values.get((muter_id, muted_id))  # _get_pair, inline
        else:
            mute = self._get_pair(self._s.mutes, muter_id, muted_id, "muter_id muted_id")
        if at is not None:
            moment = _checks.aware(at, "at")
            if mute is not None and not mute.active_at(moment):
                return None
        return mute

    def muted_ids(self, muter_id: AccountId, *, at: datetime) -> Collection[AccountId]:
        s = self._read()
        a = _checks.lookup_id(muter_id, "muter_id")
        moment = _checks.aware(at, "at")
        values = s.mutes.values
        return cast(
            "Collection[AccountId]",
            frozenset(b for b in s.mutes.forward.get(a, ()) if values[a, b].active_at(moment)),
        )


class Engagement(Repository):
    """The memory store's :class:`~microblog_core.ports.EngagementRepository`."""

    __slots__ = ()

    def add_like(self, like: Like) -> None:
        log = self._unit._log  # _write, inline: every simulated like
        if log is None:
            log = self._write()
        if like.__class__ is not Like:
            _checks.instance(like, Like, "like")
        s = self._s
        account_id, post_id = like.account_id, like.post_id
        if account_id not in s.accounts:
            raise _account_missing(account_id)
        if post_id not in s.posts:
            raise _post_missing(post_id)
        likes = s.likes
        if not likes.add(like):
            raise ConflictError(
                f"account {account_id} already likes post {post_id}",
                entity="like",
                key=(account_id, post_id),
            )
        log += (likes, post_id, account_id, LikeTable.drop, 3)

    def remove_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        log = self._write()
        s = self._s
        a = _checks.lookup_id(account_id, "account_id")
        p = _checks.lookup_id(post_id, "post_id")
        like = s.likes.get(p, a)
        if like is not None:
            s.set_like(p, a, None)
            log += (s, p, a, like, State.set_like, 4)
        return like

    def get_like(self, account_id: AccountId, post_id: PostId) -> Like | None:
        s = self._read()
        a = _checks.lookup_id(account_id, "account_id")
        return s.likes.get(_checks.lookup_id(post_id, "post_id"), a)

    def likes_of(
        self, post_id: PostId, *, after: AccountId | None = None, limit: int = 100
    ) -> Sequence[Like]:
        s = self._read()
        p = _checks.lookup_id(post_id, "post_id")
        cursor = _checks.cursor(after, "after")
        limit = _checks.limit(limit)
        return s.likes.page(p, cursor, limit)


class Feeds(Repository):
    """The memory store's :class:`~microblog_core.ports.FeedRepository` (layout in ``_feeds``)."""

    __slots__ = ()

    def _entries(self, entries: Iterable[tuple[PostId, AccountId]]) -> list[tuple[int, int]]:
        checked = []
        for entry in _checks.iterable(entries, "entries", "(post_id, author_id) pairs"):
            if not isinstance(entry, tuple) or len(entry) != 2:
                raise ValidationError(
                    "each feed entry must be a (post_id, author_id) pair, "
                    f"got {_checks.quote(entry)}",
                    field="entries",
                    value=entry,
                )
            checked.append(
                (_checks.stored_id(entry[0], "post_id"), _checks.stored_id(entry[1], "author_id"))
            )
        return checked

    def insert(
        self, reader_ids: Iterable[AccountId], post_id: PostId, author_id: AccountId, *, cap: int
    ) -> None:
        log = self._write()
        p = _checks.stored_id(post_id, "post_id")
        author = _checks.stored_id(author_id, "author_id")
        cap = _checks.limit(cap, "cap")
        readers = _reader_ids(reader_ids)
        if readers:
            self._s.feeds.send(log, readers, p, author, cap)

    def merge(
        self, reader_id: AccountId, entries: Iterable[tuple[PostId, AccountId]], *, cap: int
    ) -> None:
        log = self._write()
        reader = _checks.stored_id(reader_id, "reader_id")
        cap = _checks.limit(cap, "cap")
        self._s.feeds.merge(log, reader, self._entries(entries), cap)

    def remove_posts(self, reader_ids: Iterable[AccountId], post_ids: Iterable[PostId]) -> None:
        log = self._write()
        readers = _checks.lookup_ids(reader_ids, "reader_ids")
        doomed = _checks.lookup_ids(post_ids, "post_ids")
        self._s.feeds.remove_posts(log, readers, doomed)

    def remove_author(self, reader_id: AccountId, author_id: AccountId) -> None:
        log = self._write()
        reader = _checks.lookup_id(reader_id, "reader_id")
        author = _checks.lookup_id(author_id, "author_id")
        self._s.feeds.remove_author(log, reader, author)

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
        reader = _checks.lookup_id(reader_id, "reader_id")
        hi = _checks.cursor(max_id, "max_id")
        lo = _checks.cursor(min_id, "min_id")
        limit = _checks.limit(limit)
        feed = s.feeds.feeds.get(reader)
        if not feed:
            return []
        page = (oldest if ascending else newest)(feed, hi, lo, limit)
        return cast("list[PostId]", page)

    def size(self, reader_id: AccountId) -> int:
        feed = self._read().feeds.feeds.get(_checks.lookup_id(reader_id, "reader_id"))
        return 0 if feed is None else len(feed)

    def clear(self, reader_id: AccountId) -> None:
        log = self._write()
        reader = _checks.lookup_id(reader_id, "reader_id")
        self._s.feeds.clear(log, reader)


_SETS = (frozenset, set)


def _equal_int(value: object) -> int | None:
    """The int ``value`` equals (as ``in`` compares), or None: ``2.0`` is 2, ``"2"`` is none."""
    try:
        number = int(value)  # type: ignore[call-overload]  # any object: failures are caught
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number == value else None
