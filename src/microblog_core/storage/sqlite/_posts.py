"""The post repository: the ``posts`` table, with hashtags and mentions in side tables."""

import json
import sqlite3
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any, Final

from microblog_core import _checks
from microblog_core.errors import (
    ConflictError,
    DuplicateRepostError,
    MicroblogError,
    NotFoundError,
    ValidationError,
)
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Post, PostCounters
from microblog_core.storage.sqlite._errors import FK, PK, UNIQUE, guarded, translate
from microblog_core.storage.sqlite._params import (
    after_key,
    bounds,
    lookup_key,
    lookup_keys,
    optional_page_size,
    page_size,
    storable,
)
from microblog_core.storage.sqlite._repository import Repository
from microblog_core.storage.sqlite._rows import post_counters_from_row, post_from_row, post_params
from microblog_core.storage.sqlite._sql import (
    ANY_DANGLING,
    BY_AUTHOR_ASC,
    BY_AUTHOR_DESC,
    DELETE_MENTION,
    DELETE_POST,
    DELETE_POST_LIKES,
    DELETE_TAG,
    FORGET_DANGLING,
    IN_THREAD,
    INSERT_MENTION,
    INSERT_POST,
    INSERT_TAG,
    MENTIONING,
    MOVE_QUOTES,
    MOVE_REPLIES,
    MOVE_REPOSTS,
    POST_BY_ID,
    POST_COUNTERS,
    POSTS_BY_IDS,
    PUBLIC,
    QUOTES_OF,
    RECOUNT_POST,
    REPLIES_TO,
    REPOST_BY,
    REPOSTS_OF,
    SCAN,
    TOTAL,
    UPDATE_POST,
    WITH_TAG,
)

_MICRO: Final = timedelta(microseconds=1)
# A k-way merge reads the head of every followee's stream but pops only a
# page's worth of posts: a first chunk of one row keeps the heads cheap (a
# page over 1,000 followees reads ~1,000 rows, not 64,000), and doubling keeps
# a long scan to O(log n) queries.
_STREAM_FIRST_CHUNK: Final = 1
_STREAM_MAX_CHUNK: Final = 256


class Posts(Repository):
    """Posts in the ``posts`` table, hashtags and mentions in side tables."""

    __slots__ = ()

    @guarded
    def add(self, post: Post) -> None:
        if not isinstance(post, Post):
            _checks.instance(post, Post, "post")
        unit = self._u
        conn = unit._writer()
        try:
            conn.execute(INSERT_POST, post_params(post))
        except sqlite3.IntegrityError as exc:
            raise self._refused(exc, post) from None
        post_id = post.id
        if post.tags:
            conn.executemany(INSERT_TAG, [(tag, post_id) for tag in post.tags])
        if post.mentions:
            conn.executemany(INSERT_MENTION, [(account, post_id) for account in post.mentions])
        moves = unit._account_moves.get(post.author_id)
        if moves is None:
            unit._account_moves[post.author_id] = [0, 0, 1]
        else:
            moves[2] += 1
        unit._new_totals[1] += 1
        reply, shared, quoted = post.reply_to, post.repost_of, post.quote_of
        if reply is not None and not conn.execute(MOVE_REPLIES, (1, reply.parent_id)).rowcount:
            unit._note_dangling(conn, reply.parent_id)
        if shared is not None and not conn.execute(MOVE_REPOSTS, (1, shared.root_id)).rowcount:
            unit._note_dangling(conn, shared.root_id)
        if quoted is not None and not conn.execute(MOVE_QUOTES, (1, quoted)).rowcount:
            unit._note_dangling(conn, quoted)
        dangling = unit._dangling
        if dangling is None:
            dangling = unit._dangling = bool(conn.execute(ANY_DANGLING).fetchone()[0])
        if dangling and conn.execute(FORGET_DANGLING, (post_id,)).rowcount:
            # Posts already refer to this id (added before it, or kept after it was
            # removed): its counters start from a recount, as they would in memory.
            conn.execute(RECOUNT_POST, (post_id,))

    @staticmethod
    def _refused(exc: sqlite3.IntegrityError, post: Post) -> MicroblogError:
        name = exc.sqlite_errorname
        if name == PK:
            return ConflictError(
                f"a post with id {post.id} already exists", entity="post", key=post.id
            )
        if name == UNIQUE and post.repost_of is not None:
            return DuplicateRepostError(post.author_id, post.repost_of.root_id)
        if name == FK:
            return NotFoundError(
                "account",
                post.author_id,
                f"the author of post {post.id}, account {post.author_id}, does not exist",
            )
        return translate(exc)

    @guarded
    def update(self, post: Post) -> None:
        _checks.instance(post, Post, "post")
        conn = self._u._writer()
        row = conn.execute(POST_BY_ID, (post.id,)).fetchone()
        if row is None:
            raise NotFoundError("post", post.id)
        old = post_from_row(row)
        if (old.author_id, old.reply_to, old.repost_of, old.quote_of) != (
            post.author_id,
            post.reply_to,
            post.repost_of,
            post.quote_of,
        ):
            raise ValidationError(
                f"an update of post {post.id} must keep its author and what it replies to, "
                "reposts or quotes; remove it and add a new post instead",
                field="post",
                value=post,
            )
        conn.execute(UPDATE_POST, post_params(post))
        if old.tags != post.tags:
            conn.executemany(DELETE_TAG, [(tag, post.id) for tag in old.tags])
            conn.executemany(INSERT_TAG, [(tag, post.id) for tag in post.tags])
        if old.mentions != post.mentions:
            conn.executemany(DELETE_MENTION, [(account, post.id) for account in old.mentions])
            conn.executemany(INSERT_MENTION, [(account, post.id) for account in post.mentions])

    @guarded
    def remove(self, post_id: PostId) -> Post:
        key = lookup_key(post_id, "post_id")
        unit = self._u
        conn = unit._writer()
        row = conn.execute(POST_BY_ID, (key,)).fetchone()
        if row is None:
            raise NotFoundError("post", post_id)
        post = post_from_row(row)
        replies, reposts, quotes, _ = conn.execute(POST_COUNTERS, (key,)).fetchone()
        conn.execute(DELETE_POST_LIKES, (key,))
        if post.tags:
            conn.executemany(DELETE_TAG, [(tag, key) for tag in post.tags])
        if post.mentions:
            conn.executemany(DELETE_MENTION, [(account, key) for account in post.mentions])
        conn.execute(DELETE_POST, (key,))
        moves = unit._account_moves.setdefault(post.author_id, [0, 0, 0])
        moves[2] -= 1
        unit._new_totals[1] -= 1
        if post.reply_to is not None:
            conn.execute(MOVE_REPLIES, (-1, post.reply_to.parent_id))
        if post.repost_of is not None:
            conn.execute(MOVE_REPOSTS, (-1, post.repost_of.root_id))
        if post.quote_of is not None:
            conn.execute(MOVE_QUOTES, (-1, post.quote_of))
        if replies or reposts or quotes:
            unit._note_dangling(conn, key)  # its replies, reposts and quotes stay
        return post

    def get(self, post_id: PostId) -> Post:
        post = self.find(post_id)
        if post is None:
            raise NotFoundError("post", post_id)
        return post

    @guarded
    def find(self, post_id: PostId) -> Post | None:
        key = lookup_key(post_id, "post_id")
        row = self._u._reader().execute(POST_BY_ID, (key,)).fetchone()
        return None if row is None else post_from_row(row)

    @guarded
    def get_many(self, post_ids: Iterable[PostId]) -> dict[PostId, Post]:
        keys = lookup_keys(post_ids, "post_ids")
        if not keys:
            return {}
        rows = self._u._reader().execute(POSTS_BY_IDS, (json.dumps(keys),)).fetchall()
        posts = (post_from_row(row) for row in rows)
        return {post.id: post for post in posts}

    def _posts(self, sql: str, params: tuple[Any, ...]) -> list[Post]:
        rows = self._u._reader().execute(sql, params).fetchall()
        return [post_from_row(row) for row in rows]

    @guarded
    def by_author(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> list[Post]:
        author = lookup_key(author_id, "author_id")
        low, high = bounds(max_id, min_id)
        return self._posts(BY_AUTHOR_DESC, (author, low, high, page_size(limit)))

    @guarded
    def stream(
        self,
        author_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        ascending: bool = False,
    ) -> Iterator[Post]:
        """Iterate lazily: keyset pages of 1 row, doubling up to 256 rows a query."""
        author = lookup_key(author_id, "author_id")
        low, high = bounds(max_id, min_id)
        upward = _checks.flag(ascending, "ascending")
        self._u._reader()
        return self._stream(author, low, high, upward)

    def _stream(self, author: int, low: int, high: int, ascending: bool) -> Iterator[Post]:
        sql = BY_AUTHOR_ASC if ascending else BY_AUTHOR_DESC
        size = _STREAM_FIRST_CHUNK
        while low <= high:
            try:
                rows = self._u._reader().execute(sql, (author, low, high, size)).fetchall()
            except sqlite3.Error as exc:
                raise translate(exc) from exc
            for row in rows:
                yield post_from_row(row)
            if len(rows) < size:
                return
            if ascending:
                low = rows[-1][0] + 1
            else:
                high = rows[-1][0] - 1
            size = min(size * 2, _STREAM_MAX_CHUNK)

    @guarded
    def replies_to(self, post_id: PostId, *, limit: int | None = None) -> list[Post]:
        return self._posts(REPLIES_TO, (lookup_key(post_id, "post_id"), optional_page_size(limit)))

    @guarded
    def in_thread(self, root_id: PostId) -> list[Post]:
        return self._posts(IN_THREAD, (lookup_key(root_id, "root_id"),))

    @guarded
    def reposts_of(self, root_id: PostId, *, limit: int | None = None) -> list[Post]:
        return self._posts(REPOSTS_OF, (lookup_key(root_id, "root_id"), optional_page_size(limit)))

    @guarded
    def repost_by(self, account_id: AccountId, root_id: PostId) -> Post | None:
        params = (lookup_key(account_id, "account_id"), lookup_key(root_id, "root_id"))
        row = self._u._reader().execute(REPOST_BY, params).fetchone()
        return None if row is None else post_from_row(row)

    @guarded
    def quotes_of(self, post_id: PostId, *, limit: int | None = None) -> list[Post]:
        return self._posts(QUOTES_OF, (lookup_key(post_id, "post_id"), optional_page_size(limit)))

    @guarded
    def with_tag(
        self,
        tag: str,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> list[Post]:
        key = _checks.text(tag, "tag").casefold()
        low, high = bounds(max_id, min_id)
        size = page_size(limit)
        if not storable(key):
            return []  # no stored tag can hold it
        return self._posts(WITH_TAG, (key, low, high, size))

    @guarded
    def mentioning(
        self,
        account_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
    ) -> list[Post]:
        account = lookup_key(account_id, "account_id")
        low, high = bounds(max_id, min_id)
        return self._posts(MENTIONING, (account, low, high, page_size(limit)))

    @guarded
    def public(
        self,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        include_replies: bool = False,
        include_reposts: bool = False,
    ) -> list[Post]:
        low, high = bounds(max_id, min_id)
        sql = PUBLIC[
            _checks.flag(include_replies, "include_replies"),
            _checks.flag(include_reposts, "include_reposts"),
        ]
        return self._posts(sql, (low, high, page_size(limit)))

    @guarded
    def scan(self, *, after: PostId | None = None, limit: int = 1000) -> list[Post]:
        return self._posts(SCAN, (after_key(after), page_size(limit)))

    @guarded
    def count(self) -> int:
        row = self._u._reader().execute(TOTAL, ("posts",)).fetchone()
        return int(row[0]) + self._u._new_totals[1]

    @guarded
    def counters(self, post_id: PostId) -> PostCounters:
        key = lookup_key(post_id, "post_id")
        row = self._u._reader().execute(POST_COUNTERS, (key,)).fetchone()
        if row is None:
            return PostCounters()
        return post_counters_from_row(row)
