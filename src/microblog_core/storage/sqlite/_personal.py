"""The SQLite bookmark and keyword-filter repositories (the tables of migration ``_V4``).

Bookmarks page by ``(account_id, id)`` through ``bookmarks_by_account``; a
filter is one ``filters`` row with its keywords and posts in
``filter_keywords`` and ``filter_posts``, numbered per filter so they read
back in the order they were written.
"""

# ruff: noqa: S608  # the column lists put into SQL are constants of this module

import sqlite3
from collections.abc import Sequence
from typing import Any, Final

from microblog_core import _checks
from microblog_core.errors import ConflictError, NotFoundError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Bookmark, Filter, FilterAction, FilterContext, FilterKeyword
from microblog_core.storage.sqlite._errors import FK, PK, UNIQUE, guarded
from microblog_core.storage.sqlite._params import bounds, lookup_key, page_size
from microblog_core.storage.sqlite._repository import Repository
from microblog_core.storage.sqlite._rows import instant, micros
from microblog_core.storage.sqlite._sql import ACCOUNT_EXISTS, POST_EXISTS

__all__ = ["PERSONAL_QUERIES", "Bookmarks", "Filters"]

_BOOKMARK_COLUMNS: Final = "id, account_id, post_id, created_at"
INSERT_BOOKMARK: Final = (
    "INSERT INTO bookmarks (id, account_id, post_id, created_at) VALUES (?, ?, ?, ?)"
)
DELETE_BOOKMARK: Final = (
    f"DELETE FROM bookmarks WHERE account_id = ? AND post_id = ? RETURNING {_BOOKMARK_COLUMNS}"
)
FIND_BOOKMARK: Final = (
    f"SELECT {_BOOKMARK_COLUMNS} FROM bookmarks WHERE account_id = ? AND post_id = ?"
)
BOOKMARKS_DESC: Final = (
    f"SELECT {_BOOKMARK_COLUMNS} FROM bookmarks"
    " WHERE account_id = ? AND id BETWEEN ? AND ? ORDER BY id DESC LIMIT ?"
)
BOOKMARKS_ASC: Final = (
    f"SELECT {_BOOKMARK_COLUMNS} FROM bookmarks"
    " WHERE account_id = ? AND id BETWEEN ? AND ? ORDER BY id LIMIT ?"
)
DELETE_POST_BOOKMARKS: Final = "DELETE FROM bookmarks WHERE post_id = ?"
_FILTER_COLUMNS: Final = "id, account_id, title, contexts, action, expires_at, created_at"
INSERT_FILTER: Final = f"INSERT INTO filters ({_FILTER_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?)"
UPDATE_FILTER: Final = (
    "UPDATE filters SET title = ?, contexts = ?, action = ?, expires_at = ?"
    " WHERE id = ? AND account_id = ?"
)
FILTER_BY_ID: Final = f"SELECT {_FILTER_COLUMNS} FROM filters WHERE id = ?"
FILTERS_OF: Final = f"SELECT {_FILTER_COLUMNS} FROM filters WHERE account_id = ? ORDER BY id"
DELETE_FILTER: Final = "DELETE FROM filters WHERE id = ?"
INSERT_KEYWORD: Final = (
    "INSERT INTO filter_keywords (filter_id, seq, keyword, whole_word) VALUES (?, ?, ?, ?)"
)
KEYWORDS_OF: Final = (
    "SELECT keyword, whole_word FROM filter_keywords WHERE filter_id = ? ORDER BY seq"
)
DELETE_KEYWORDS: Final = "DELETE FROM filter_keywords WHERE filter_id = ?"
INSERT_FILTER_POST: Final = "INSERT INTO filter_posts (filter_id, seq, post_id) VALUES (?, ?, ?)"
POSTS_OF: Final = "SELECT post_id FROM filter_posts WHERE filter_id = ? ORDER BY seq"
DELETE_FILTER_POSTS: Final = "DELETE FROM filter_posts WHERE filter_id = ?"
FILTERS_NAMING: Final = "SELECT DISTINCT filter_id FROM filter_posts WHERE post_id = ?"
DELETE_POST_FROM_FILTERS: Final = "DELETE FROM filter_posts WHERE post_id = ?"

PERSONAL_QUERIES: Final = {
    "find bookmark": FIND_BOOKMARK,
    "bookmarks desc": BOOKMARKS_DESC,
    "bookmarks asc": BOOKMARKS_ASC,
    "post bookmarks": DELETE_POST_BOOKMARKS,
    "filter": FILTER_BY_ID,
    "filters of": FILTERS_OF,
    "keywords": KEYWORDS_OF,
    "filter posts": POSTS_OF,
    "filters naming": FILTERS_NAMING,
    "posts out of filters": DELETE_POST_FROM_FILTERS,
}
"""The queries that look rows up, by name, for the query-plan tests."""

_CONTEXTS: Final = {c.value: c for c in FilterContext}
_ACTIONS: Final = {a.value: a for a in FilterAction}


def _bookmark(row: tuple[Any, ...]) -> Bookmark:
    return Bookmark(id=row[0], account_id=row[1], post_id=row[2], created_at=instant(row[3]))


def _contexts(f: Filter) -> str:
    return ",".join(sorted(c.value for c in f.contexts))


def _expiry(f: Filter) -> int | None:
    return None if f.expires_at is None else micros(f.expires_at)


class Bookmarks(Repository):
    """Bookmarks in the ``bookmarks`` table."""

    __slots__ = ()

    @guarded
    def add(self, bookmark: Bookmark) -> None:
        _checks.instance(bookmark, Bookmark, "bookmark")
        b = bookmark
        conn = self._u._writer()
        try:
            conn.execute(INSERT_BOOKMARK, (b.id, b.account_id, b.post_id, micros(b.created_at)))
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname in (PK, UNIQUE):
                raise ConflictError(
                    f"account {b.account_id} already bookmarked post {b.post_id}, "
                    f"or bookmark id {b.id} is taken",
                    entity="bookmark",
                    key=(b.account_id, b.post_id),
                ) from None
            if exc.sqlite_errorname == FK:
                if conn.execute(ACCOUNT_EXISTS, (b.account_id,)).fetchone() is None:
                    raise NotFoundError("account", b.account_id) from None
                raise NotFoundError("post", b.post_id) from None
            raise

    @guarded
    def remove(self, account_id: AccountId, post_id: PostId) -> Bookmark | None:
        params = (lookup_key(account_id, "account_id"), lookup_key(post_id, "post_id"))
        row = self._u._writer().execute(DELETE_BOOKMARK, params).fetchone()
        return None if row is None else _bookmark(row)

    @guarded
    def find(self, account_id: AccountId, post_id: PostId) -> Bookmark | None:
        params = (lookup_key(account_id, "account_id"), lookup_key(post_id, "post_id"))
        row = self._u._reader().execute(FIND_BOOKMARK, params).fetchone()
        return None if row is None else _bookmark(row)

    @guarded
    def page(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
        ascending: bool = False,
    ) -> Sequence[Bookmark]:
        account = lookup_key(account_id, "account_id")
        low, high = bounds(max_id, min_id)
        size = page_size(limit)
        sql = BOOKMARKS_ASC if ascending else BOOKMARKS_DESC
        rows = self._u._reader().execute(sql, (account, low, high, size)).fetchall()
        return [_bookmark(row) for row in rows]

    @guarded
    def remove_post(self, post_id: PostId) -> int:
        key = lookup_key(post_id, "post_id")
        return self._u._writer().execute(DELETE_POST_BOOKMARKS, (key,)).rowcount


class Filters(Repository):
    """Filters in ``filters``, with ``filter_keywords`` and ``filter_posts``."""

    __slots__ = ()

    def _load(self, conn: sqlite3.Connection, row: tuple[Any, ...]) -> Filter:
        fid, account, title, contexts, action, expires_at, created_at = row
        keywords = tuple(
            FilterKeyword(keyword=k, whole_word=bool(w))
            for k, w in conn.execute(KEYWORDS_OF, (fid,)).fetchall()
        )
        posts = tuple(r[0] for r in conn.execute(POSTS_OF, (fid,)).fetchall())
        return Filter(
            id=fid,
            account_id=account,
            title=title,
            contexts=frozenset(_CONTEXTS[c] for c in contexts.split(",")),
            action=_ACTIONS[action],
            expires_at=None if expires_at is None else instant(expires_at),
            keywords=keywords,
            post_ids=posts,
            created_at=instant(created_at),
        )

    @staticmethod
    def _check_posts(conn: sqlite3.Connection, f: Filter) -> None:
        """Refuse a filter naming a missing post before anything is written."""
        for post in f.post_ids:
            if conn.execute(POST_EXISTS, (post,)).fetchone() is None:
                raise NotFoundError("post", post)

    @staticmethod
    def _write_parts(conn: sqlite3.Connection, f: Filter) -> None:
        conn.executemany(
            INSERT_KEYWORD,
            [(f.id, seq, k.keyword, int(k.whole_word)) for seq, k in enumerate(f.keywords)],
        )
        conn.executemany(
            INSERT_FILTER_POST, [(f.id, seq, post) for seq, post in enumerate(f.post_ids)]
        )

    @guarded
    def add(self, filter_: Filter) -> None:
        _checks.instance(filter_, Filter, "filter_")
        f = filter_
        conn = self._u._writer()
        if conn.execute(ACCOUNT_EXISTS, (f.account_id,)).fetchone() is None:
            raise NotFoundError("account", f.account_id)
        self._check_posts(conn, f)
        try:
            conn.execute(
                INSERT_FILTER,
                (
                    f.id,
                    f.account_id,
                    f.title,
                    _contexts(f),
                    f.action.value,
                    _expiry(f),
                    micros(f.created_at),
                ),
            )
        except sqlite3.IntegrityError as exc:
            if exc.sqlite_errorname == PK:
                raise ConflictError(
                    f"a filter with id {f.id} already exists", entity="filter", key=f.id
                ) from None
            raise
        self._write_parts(conn, f)

    @guarded
    def update(self, filter_: Filter) -> None:
        _checks.instance(filter_, Filter, "filter_")
        f = filter_
        conn = self._u._writer()
        self._check_posts(conn, f)
        changed = conn.execute(
            UPDATE_FILTER,
            (f.title, _contexts(f), f.action.value, _expiry(f), f.id, f.account_id),
        ).rowcount
        if not changed:
            raise NotFoundError("filter", f.id)
        conn.execute(DELETE_KEYWORDS, (f.id,))
        conn.execute(DELETE_FILTER_POSTS, (f.id,))
        self._write_parts(conn, f)

    @guarded
    def find(self, filter_id: int) -> Filter | None:
        conn = self._u._reader()
        row = conn.execute(FILTER_BY_ID, (lookup_key(filter_id, "filter_id"),)).fetchone()
        return None if row is None else self._load(conn, row)

    @guarded
    def remove(self, account_id: AccountId, filter_id: int) -> Filter | None:
        owner = lookup_key(account_id, "account_id")
        key = lookup_key(filter_id, "filter_id")
        conn = self._u._writer()
        row = conn.execute(FILTER_BY_ID, (key,)).fetchone()
        if row is None or row[1] != owner:
            return None
        found = self._load(conn, row)
        conn.execute(DELETE_KEYWORDS, (key,))
        conn.execute(DELETE_FILTER_POSTS, (key,))
        conn.execute(DELETE_FILTER, (key,))
        return found

    @guarded
    def of_account(self, account_id: AccountId) -> Sequence[Filter]:
        conn = self._u._reader()
        rows = conn.execute(FILTERS_OF, (lookup_key(account_id, "account_id"),)).fetchall()
        return [self._load(conn, row) for row in rows]

    @guarded
    def remove_post(self, post_id: PostId) -> int:
        key = lookup_key(post_id, "post_id")
        conn = self._u._writer()
        naming = conn.execute(FILTERS_NAMING, (key,)).fetchall()
        conn.execute(DELETE_POST_FROM_FILTERS, (key,))
        return len(naming)
