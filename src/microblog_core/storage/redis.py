"""Home feeds in Redis, in Mastodon's layout (extra ``redis``).

:class:`RedisFeeds` keeps each reader's home feed as one sorted set,
``<prefix>feed:<reader id>``, scored by post id and capped (Mastodon keeps
800 entries). A member is the post id, zero-padded to 20 digits, then ``:``
and the author's id, so the author is remembered (an unfollow, block or mute
drops one author's entries) and members with equal scores still sort by post
id: a score is a double, exact only up to 2**53, and post ids are larger, so
every range query here narrows by score and then filters by the exact id in
the member.

It pairs with either SQL store, which hands each unit of work a buffer::

    PostgresStore(url, feeds=RedisFeeds(redis_url))
    SqliteStore(path, feeds=RedisFeeds(redis_url))

A unit's feed writes are buffered, applied in one pipeline after the
database commit, and dropped on rollback. Redis is a cache you can lose:
:meth:`RedisFeeds.rebuild` regenerates one reader's feed from the database
(after a flush, or a crash between the commit and the feed write), as
Mastodon regenerates a feed. A failure to apply a committed unit's feed
writes is logged, not raised (the use case did commit); rebuild then.
"""

import functools
import heapq
import itertools
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Final

from microblog_core import _checks
from microblog_core.errors import NotFoundError, StorageError, ValidationError
from microblog_core.ids import MAX_ID, AccountId, ListId, PostId
from microblog_core.models import Post, Visibility
from microblog_core.ports import DEFAULT_FEED_CAP, Store
from microblog_core.storage._external_feeds import BufferedFeeds, Guard

if TYPE_CHECKING:
    import redis as redis_py

__all__ = ["RedisFeedBuffer", "RedisFeeds"]

_log = logging.getLogger(__name__)

_WIDTH: Final = 20
_READ_SLACK: Final = 64

# Remove the members of the given post ids (ARGV: score, padded id, ...) from KEYS[1].
_REMOVE_POSTS: Final = """
local removed = 0
for i = 1, #ARGV, 2 do
  local prefix = ARGV[i + 1] .. ':'
  for _, member in ipairs(redis.call('ZRANGE', KEYS[1], ARGV[i], ARGV[i], 'BYSCORE')) do
    if string.sub(member, 1, #prefix) == prefix then
      removed = removed + redis.call('ZREM', KEYS[1], member)
    end
  end
end
return removed
"""

# Remove every member whose author part is ARGV[1] from KEYS[1].
_REMOVE_AUTHOR: Final = """
local suffix = ':' .. ARGV[1]
local removed = 0
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if string.sub(member, -#suffix) == suffix then
    removed = removed + redis.call('ZREM', KEYS[1], member)
  end
end
return removed
"""


def _newest_first(post: Post) -> int:
    return -post.id


def _member(post_id: int, author_id: int) -> str:
    return f"{post_id:0{_WIDTH}d}:{author_id}"


def _parse(member: bytes | str) -> tuple[int, int]:
    text = member.decode() if isinstance(member, bytes) else member
    post, _, author = text.partition(":")
    return int(post), int(author)


def _key_id(value: object, field: str) -> int:
    number = _checks.lookup_id(value, field)
    return number if 0 < number <= MAX_ID else 0


def _bounds(max_id: object, min_id: object) -> tuple[int, int]:
    upper = _checks.cursor(max_id, "max_id")
    lower = _checks.cursor(min_id, "min_id")
    high = MAX_ID if upper is None else upper - 1
    low = 1 if lower is None else lower + 1
    return max(low, 1), min(high, MAX_ID)


class RedisFeeds:
    """Per-reader home feeds in Redis sorted sets, written after the database commits.

    Args:
        url: A Redis URL (``redis://host:6379/0``), or an existing
            ``redis.Redis`` client to use.
        prefix: Put before every key, so several stores (or test runs)
            share one Redis.
        timeout: Seconds to wait for the server.

    Raises:
        StorageError: The URL is malformed or the server does not answer.
        ValidationError: An argument has the wrong type.
    """

    def __init__(
        self, url: "str | redis_py.Redis", *, prefix: str = "microblog:", timeout: float = 5.0
    ) -> None:
        import redis

        self._prefix = _checks.text(prefix, "prefix")
        wait = _checks.real(timeout, "timeout")
        if isinstance(url, redis.Redis):
            self._client = url
            self._where = "the given Redis client"
        elif isinstance(url, str):
            self._where = f"Redis at {url.partition('://')[2].rpartition('@')[2] or url}"
            try:
                self._client = redis.Redis.from_url(
                    url, socket_connect_timeout=wait, socket_timeout=wait
                )
            except (ValueError, redis.RedisError) as exc:
                raise StorageError(f"not a Redis URL: {_checks.quote(url)} ({exc})") from exc
        else:
            raise ValidationError(
                f"url must be a Redis URL or a redis.Redis client, got {type(url).__name__}",
                field="url",
                value=url,
            )
        try:
            self._client.ping()
        except redis.RedisError as exc:
            raise StorageError(f"cannot connect to {self._where}: {exc}") from exc
        self._remove_posts = self._client.register_script(_REMOVE_POSTS)
        self._remove_author = self._client.register_script(_REMOVE_AUTHOR)
        self._store: Store | None = None
        self.failed_applies = 0
        """How many committed units' feed writes could not be applied (rebuild then)."""

    @property
    def prefix(self) -> str:
        """The prefix of every key this object writes."""
        return self._prefix

    def key(self, reader_id: int) -> str:
        """Return the sorted-set key of a reader's feed."""
        return f"{self._prefix}feed:{reader_id}"

    def buffer(self, guard: Guard) -> "RedisFeedBuffer":
        """Return a fresh buffer for one unit of work (the stores call this)."""
        return RedisFeedBuffer(self, guard)

    def _call(self, what: str, action: Callable[[], Any]) -> Any:
        import redis

        try:
            return action()
        except redis.RedisError as exc:
            raise StorageError(f"{self._where} failed to {what}: {exc}") from exc

    # -- reading the stored feeds --

    def entries(self, reader_id: int) -> dict[int, int]:
        """Return the whole feed of a reader as ``{post_id: author_id}``."""
        members = self._call("read a feed", lambda: self._client.zrange(self.key(reader_id), 0, -1))
        return dict(_parse(m) for m in members)

    def _read(self, reader: int, low: int, high: int, limit: int, ascending: bool) -> list[int]:
        if low > high:
            return []
        key = self.key(reader)
        found: list[int] = []
        offset = 0
        chunk = limit + _READ_SLACK
        while len(found) < limit:
            members: list[bytes] = self._call(
                "read a feed",
                functools.partial(self._range, key, low, high, offset, chunk, ascending=ascending),
            )
            for member in members:
                post = _parse(member)[0]
                if low <= post <= high:
                    found.append(post)
                    if len(found) == limit:
                        break
            if len(members) < chunk:
                break
            offset += chunk
        return found

    def _range(
        self, key: str, low: int, high: int, offset: int, count: int, *, ascending: bool
    ) -> Any:
        if ascending:
            return self._client.zrangebyscore(key, float(low), float(high), start=offset, num=count)
        return self._client.zrevrangebyscore(key, float(high), float(low), start=offset, num=count)

    def size(self, reader_id: int) -> int:
        """Return how many entries a reader's feed holds in Redis."""
        return int(self._call("count a feed", lambda: self._client.zcard(self.key(reader_id))))

    # -- writing --

    def _write(self, ops: list[tuple[Any, ...]]) -> None:
        pipe = self._client.pipeline(transaction=False)
        for op in ops:
            kind = op[0]
            if kind == "insert":
                _, readers, post, author, cap = op
                score = {_member(post, author): float(post)}
                for reader in readers:
                    key = self.key(reader)
                    pipe.zadd(key, score)
                    pipe.zremrangebyrank(key, 0, -cap - 1)
            elif kind == "merge":
                _, reader, pairs, cap = op
                key = self.key(reader)
                if pairs:
                    pipe.zadd(key, {_member(p, a): float(p) for p, a in pairs.items()})
                pipe.zremrangebyrank(key, 0, -cap - 1)
            elif kind == "remove_posts":
                _, readers, posts = op
                args: list[Any] = []
                for post in posts:
                    args += [repr(float(post)), f"{post:0{_WIDTH}d}"]
                for reader in readers:
                    self._remove_posts(keys=[self.key(reader)], args=args, client=pipe)
            elif kind == "remove_author":
                _, reader, author = op
                self._remove_author(keys=[self.key(reader)], args=[author], client=pipe)
            else:  # "clear"
                pipe.delete(self.key(op[1]))
        self._call("write feeds", pipe.execute)

    def apply(self, ops: list[tuple[Any, ...]]) -> None:
        """Apply buffered feed writes in one pipeline (a committed unit's, usually)."""
        if ops:
            self._write(ops)

    def attach(self, store: Store) -> None:
        """Remember the database the feeds derive from (the stores call this on open)."""
        self._store = store

    def _store_or_refuse(self) -> Store:
        store = self._store
        if store is None:
            raise StorageError(
                "these feeds belong to no store yet; pass them to a store as feeds=... first"
            )
        return store

    def _replace(self, key: str, entries: Sequence[tuple[int, int]]) -> None:
        pipe = self._client.pipeline(transaction=True)
        pipe.delete(key)
        if entries:
            pipe.zadd(key, {_member(p, a): float(p) for p, a in entries})
        self._call("rebuild a feed", pipe.execute)

    def rebuild(self, reader_id: AccountId, *, cap: int = DEFAULT_FEED_CAP) -> int:
        """Regenerate a reader's feed from the database, as Mastodon does; return its size.

        Use it after Redis lost its data, or when a crash fell between a
        commit and its feed write. The feed becomes the newest ``cap`` posts
        and reposts of the reader and of every account the reader follows
        (direct posts only the reader's own), with the newest ``cap // 4``
        public originals of each hashtag the reader follows, as fan-out on
        write delivers them; the home timeline applies blocks and mutes when
        reading.

        Args:
            reader_id: Whose feed to rebuild.
            cap: How many entries to keep.

        Raises:
            StorageError: Redis or the database failed, or no store uses these feeds.
            ValidationError: An argument has the wrong type.
        """
        reader = AccountId(_checks.stored_id(reader_id, "reader_id"))
        limit = _checks.limit(cap, "cap")
        store = self._store_or_refuse()
        with store.unit_of_work(readonly=True) as unit:
            authors = [reader, *unit.relations.following_ids(reader)]
            streams = [unit.posts.stream(author) for author in authors]
            newest = heapq.merge(*streams, key=_newest_first)
            delivered = (
                p for p in newest if p.visibility is not Visibility.DIRECT or p.author_id == reader
            )
            entries = {p.id: p.author_id for p in itertools.islice(delivered, limit)}
            tags: list[str] = []
            while batch := unit.tag_follows.tags_of(
                reader, after=tags[-1] if tags else None, limit=500
            ):
                tags.extend(batch)
                if len(batch) < 500:
                    break
            for tag in tags:
                for post in unit.posts.with_tag(tag, limit=max(1, limit // 4)):
                    if (
                        post.visibility is Visibility.PUBLIC
                        and post.repost_of is None
                        and post.author_id != reader
                    ):
                        entries[post.id] = post.author_id
        kept = sorted(entries.items(), reverse=True)[:limit]
        self._replace(self.key(reader), kept)
        return len(kept)

    def rebuild_list(self, list_id: int, *, cap: int = DEFAULT_FEED_CAP) -> int:
        """Regenerate a list's feed from the database; return its size.

        A list's feed is the feed whose reader id is the list's id (see
        :mod:`microblog_core.timelines.fanout`): the newest ``cap`` posts and
        reposts of its members, direct posts left out.

        Args:
            list_id: Which list.
            cap: How many entries to keep.

        Raises:
            NotFoundError: No such list.
            StorageError: Redis or the database failed, or no store uses these feeds.
            ValidationError: An argument has the wrong type.
        """
        key = _checks.stored_id(list_id, "list_id")
        limit = _checks.limit(cap, "cap")
        store = self._store_or_refuse()
        with store.unit_of_work(readonly=True) as unit:
            if unit.lists.find(ListId(key)) is None:
                raise NotFoundError("list", key)
            streams = [unit.posts.stream(m) for m in unit.lists.member_ids(ListId(key))]
            newest = heapq.merge(*streams, key=_newest_first)
            delivered = (p for p in newest if p.visibility is not Visibility.DIRECT)
            entries = [(p.id, p.author_id) for p in itertools.islice(delivered, limit)]
        self._replace(self.key(key), entries)
        return len(entries)

    def close(self) -> None:
        """Close the client's connections."""
        self._client.close()

    def __repr__(self) -> str:
        return f"<RedisFeeds {self._where} prefix={self._prefix!r}>"


class RedisFeedBuffer:
    """One unit's feed repository over :class:`RedisFeeds`: writes wait for the commit.

    Reads of a reader the unit wrote to are answered from the stored feed
    with the unit's pending writes applied, so a unit sees its own writes.
    """

    def __init__(self, feeds: RedisFeeds, guard: Guard) -> None:
        self._feeds = feeds
        self._guard = guard
        self._ops: list[tuple[Any, ...]] = []
        self._touched: set[int] = set()

    # -- writes (buffered) --

    def insert(
        self, reader_ids: Iterable[AccountId], post_id: PostId, author_id: AccountId, *, cap: int
    ) -> None:
        """Buffer one post for each reader's feed, trimmed to ``cap`` (see the port)."""
        readers = [
            _checks.stored_id(r, "reader_ids")
            for r in _checks.iterable(reader_ids, "reader_ids", "ids")
        ]
        post = _checks.stored_id(post_id, "post_id")
        author = _checks.stored_id(author_id, "author_id")
        limit = _checks.limit(cap, "cap")
        self._guard(True)
        readers = list(dict.fromkeys(readers))
        if readers:
            self._ops.append(("insert", readers, post, author, limit))
            self._touched.update(readers)

    def merge(
        self, reader_id: AccountId, entries: Iterable[tuple[PostId, AccountId]], *, cap: int
    ) -> None:
        """Buffer many ``(post_id, author_id)`` entries for one reader's feed."""
        reader = _checks.stored_id(reader_id, "reader_id")
        limit = _checks.limit(cap, "cap")
        pairs: dict[int, int] = {}
        for entry in _checks.iterable(entries, "entries", "(post_id, author_id) pairs"):
            if not isinstance(entry, tuple) or len(entry) != 2:
                raise ValidationError(
                    "each feed entry must be a (post_id, author_id) pair, got "
                    f"{_checks.quote(entry)}",
                    field="entries",
                    value=entry,
                )
            post = _checks.stored_id(entry[0], "post_id")
            pairs.setdefault(post, _checks.stored_id(entry[1], "author_id"))
        self._guard(True)
        self._ops.append(("merge", reader, pairs, limit))
        self._touched.add(reader)

    def remove_posts(self, reader_ids: Iterable[AccountId], post_ids: Iterable[PostId]) -> None:
        """Buffer dropping the posts from the readers' feeds."""
        readers = [r for r in _checks.lookup_ids(reader_ids, "reader_ids") if 0 < r <= MAX_ID]
        posts = [p for p in _checks.lookup_ids(post_ids, "post_ids") if 0 < p <= MAX_ID]
        self._guard(True)
        if readers and posts:
            self._ops.append(("remove_posts", readers, posts))
            self._touched.update(readers)

    def remove_author(self, reader_id: AccountId, author_id: AccountId) -> None:
        """Buffer dropping every entry by ``author_id`` from the reader's feed."""
        reader = _key_id(reader_id, "reader_id")
        author = _key_id(author_id, "author_id")
        self._guard(True)
        if reader and author:
            self._ops.append(("remove_author", reader, author))
            self._touched.add(reader)

    def clear(self, reader_id: AccountId) -> None:
        """Buffer emptying the reader's feed."""
        reader = _key_id(reader_id, "reader_id")
        self._guard(True)
        if reader:
            self._ops.append(("clear", reader))
            self._touched.add(reader)

    # -- reads (stored feed plus this unit's pending writes) --

    def _overlay(self, reader: int) -> dict[int, int]:
        entries = self._feeds.entries(reader)
        for op in self._ops:
            kind = op[0]
            if kind == "insert":
                _, readers, post, author, cap = op
                if reader in readers:
                    entries.setdefault(post, author)
                    entries = _trimmed(entries, cap)
            elif kind == "merge":
                if op[1] == reader:
                    for post, author in op[2].items():
                        entries.setdefault(post, author)
                    entries = _trimmed(entries, op[3])
            elif kind == "remove_posts":
                if reader in op[1]:
                    for post in op[2]:
                        entries.pop(post, None)
            elif kind == "remove_author":
                if op[1] == reader:
                    entries = {p: a for p, a in entries.items() if a != op[2]}
            elif op[1] == reader:  # "clear"
                entries = {}
        return entries

    def read(
        self,
        reader_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        ascending: bool = False,
    ) -> list[PostId]:
        """Return post ids of the reader's feed within the bounds, with this unit's writes."""
        reader = _key_id(reader_id, "reader_id")
        low, high = _bounds(max_id, min_id)
        size = _checks.limit(limit)
        upward = _checks.flag(ascending, "ascending")
        self._guard(False)
        if reader not in self._touched:
            return [PostId(p) for p in self._feeds._read(reader, low, high, size, upward)]
        posts = sorted((p for p in self._overlay(reader) if low <= p <= high), reverse=not upward)
        return [PostId(p) for p in posts[:size]]

    def size(self, reader_id: AccountId) -> int:
        """Return how many entries the reader's feed holds, with this unit's writes."""
        reader = _key_id(reader_id, "reader_id")
        self._guard(False)
        if reader not in self._touched:
            return self._feeds.size(reader)
        return len(self._overlay(reader))

    # -- the unit's end --

    def apply(self) -> None:
        """Write the pending changes to Redis; a failure is logged and counted, not raised."""
        ops, self._ops = self._ops, []
        self._touched = set()
        try:
            self._feeds.apply(ops)
        except StorageError:
            self._feeds.failed_applies += 1
            _log.warning(
                "a committed unit's feed writes did not reach Redis; rebuild the feeds of "
                "%d readers with RedisFeeds.rebuild",
                len({r for op in ops for r in (op[1] if isinstance(op[1], list) else [op[1]])}),
                exc_info=True,
            )

    def discard(self) -> None:
        """Drop the pending changes."""
        self._ops = []
        self._touched = set()


def _trimmed(entries: dict[int, int], cap: int) -> dict[int, int]:
    if len(entries) <= cap:
        return entries
    keep = sorted(entries, reverse=True)[:cap]
    return {p: entries[p] for p in keep}


if TYPE_CHECKING:

    def _satisfies_the_port(feeds: RedisFeeds) -> BufferedFeeds:
        """Never called: mypy checks here that the buffer matches the protocol."""
        return feeds.buffer(lambda write: None)
