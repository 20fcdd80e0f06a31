"""The home-feed repository: ``feed_entries`` and ``feed_sizes``."""

import sqlite3
from collections.abc import Iterable

from microblog_core import _checks
from microblog_core.errors import ValidationError
from microblog_core.ids import AccountId, PostId
from microblog_core.storage.sqlite._errors import guarded
from microblog_core.storage.sqlite._params import (
    bounds,
    lookup_key,
    lookup_keys,
    page_size,
    stored_keys,
)
from microblog_core.storage.sqlite._repository import Repository
from microblog_core.storage.sqlite._sql import (
    FEED_ADD,
    FEED_CLEAR,
    FEED_FORGET_SIZE,
    FEED_GROW,
    FEED_READ_ASC,
    FEED_READ_DESC,
    FEED_REMOVE_AUTHOR,
    FEED_REMOVE_POST,
    FEED_SET_SIZE,
    FEED_SHRINK,
    FEED_SIZE,
    FEED_TRIM,
)


class Feeds(Repository):
    """Home feeds in ``feed_entries``; ``feed_sizes`` keeps each feed's length for trimming."""

    __slots__ = ()

    @staticmethod
    def _trim(conn: sqlite3.Connection, reader: int, size: int, cap: int) -> None:
        if size > cap:
            conn.execute(FEED_TRIM, (reader, size - cap))
            conn.execute(FEED_SET_SIZE, (cap, reader))

    @staticmethod
    def _size(conn: sqlite3.Connection, reader: int) -> int:
        row = conn.execute(FEED_SIZE, (reader,)).fetchone()
        return 0 if row is None else int(row[0])

    @guarded
    def insert(
        self, reader_ids: Iterable[AccountId], post_id: PostId, author_id: AccountId, *, cap: int
    ) -> None:
        readers = stored_keys(reader_ids, "reader_ids")
        post, author, limit = (
            _checks.stored_id(post_id, "post_id"),
            _checks.stored_id(author_id, "author_id"),
            page_size(cap, "cap"),
        )
        conn = self._u._writer()
        for reader in readers:
            if conn.execute(FEED_ADD, (reader, post, author)).rowcount:
                size = int(conn.execute(FEED_GROW, (reader, 1)).fetchone()[0])
            else:
                size = self._size(conn, reader)
            self._trim(conn, reader, size, limit)

    @guarded
    def merge(
        self, reader_id: AccountId, entries: Iterable[tuple[PostId, AccountId]], *, cap: int
    ) -> None:
        reader = _checks.stored_id(reader_id, "reader_id")
        limit = page_size(cap, "cap")
        pairs = _checks.iterable(entries, "entries", "(post_id, author_id) pairs")
        rows = []
        for entry in pairs:
            if not isinstance(entry, tuple) or len(entry) != 2:
                raise ValidationError(
                    "each feed entry must be a (post_id, author_id) pair, got "
                    f"{_checks.quote(entry)}",
                    field="entries",
                    value=entry,
                )
            rows.append(
                (
                    reader,
                    _checks.stored_id(entry[0], "post_id"),
                    _checks.stored_id(entry[1], "author_id"),
                )
            )
        conn = self._u._writer()
        added = conn.executemany(FEED_ADD, rows).rowcount if rows else 0
        if added:
            size = int(conn.execute(FEED_GROW, (reader, added)).fetchone()[0])
        else:
            size = self._size(conn, reader)
        self._trim(conn, reader, size, limit)

    @guarded
    def remove_posts(self, reader_ids: Iterable[AccountId], post_ids: Iterable[PostId]) -> None:
        readers = lookup_keys(reader_ids, "reader_ids")
        posts = lookup_keys(post_ids, "post_ids")
        conn = self._u._writer()
        if not posts:
            return
        for reader in readers:
            removed = conn.executemany(FEED_REMOVE_POST, [(reader, p) for p in posts]).rowcount
            if removed:
                conn.execute(FEED_SHRINK, (removed, reader))

    @guarded
    def remove_author(self, reader_id: AccountId, author_id: AccountId) -> None:
        reader, author = lookup_key(reader_id, "reader_id"), lookup_key(author_id, "author_id")
        conn = self._u._writer()
        removed = conn.execute(FEED_REMOVE_AUTHOR, (reader, author)).rowcount
        if removed:
            conn.execute(FEED_SHRINK, (removed, reader))

    @guarded
    def read(
        self,
        reader_id: AccountId,
        *,
        max_id: PostId | None = None,
        min_id: PostId | None = None,
        limit: int = 20,
        ascending: bool = False,
    ) -> list[PostId]:
        reader = lookup_key(reader_id, "reader_id")
        low, high = bounds(max_id, min_id)
        sql = FEED_READ_ASC if _checks.flag(ascending, "ascending") else FEED_READ_DESC
        rows = self._u._reader().execute(sql, (reader, low, high, page_size(limit)))
        return [row[0] for row in rows]

    @guarded
    def size(self, reader_id: AccountId) -> int:
        return self._size(self._u._reader(), lookup_key(reader_id, "reader_id"))

    @guarded
    def clear(self, reader_id: AccountId) -> None:
        reader = lookup_key(reader_id, "reader_id")
        conn = self._u._writer()
        conn.execute(FEED_CLEAR, (reader,))
        conn.execute(FEED_FORGET_SIZE, (reader,))
