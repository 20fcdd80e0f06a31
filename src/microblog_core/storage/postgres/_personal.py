"""The PostgreSQL bookmark and keyword-filter repositories (the tables of migration ``_V3``).

As in the other repositories, an expected refusal (a taken id, a missing
account or post) never makes the server raise: inserts run ``WHERE EXISTS``
and ``ON CONFLICT DO NOTHING``, or the repository asks first, so the unit
stays usable.
"""

from collections.abc import Sequence
from typing import Any, Final

from microblog_core import _checks
from microblog_core.errors import ConflictError, NotFoundError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Bookmark, Filter, FilterAction, FilterContext, FilterKeyword
from microblog_core.storage.postgres._errors import guarded
from microblog_core.storage.postgres._repositories import _bounds, _key, _limit, _Repository
from microblog_core.storage.postgres._rows import instant, micros

__all__ = ["Bookmarks", "Filters"]

_CONTEXTS: Final = {c.value: c for c in FilterContext}
_ACTIONS: Final = {a.value: a for a in FilterAction}


def _bookmark(row: Sequence[Any]) -> Bookmark:
    return Bookmark(id=row[0], account_id=row[1], post_id=row[2], created_at=instant(row[3]))


def _contexts(f: Filter) -> str:
    return ",".join(sorted(c.value for c in f.contexts))


def _expiry(f: Filter) -> int | None:
    return None if f.expires_at is None else micros(f.expires_at)


class Bookmarks(_Repository):
    """Bookmarks in the ``bookmarks`` table."""

    __slots__ = ()

    @guarded
    def add(self, bookmark: Bookmark) -> None:
        _checks.instance(bookmark, Bookmark, "bookmark")
        b = bookmark
        params = (b.id, b.account_id, b.post_id, micros(b.created_at), b.account_id, b.post_id)
        if self._write("insert_bookmark", params).rowcount:
            return
        if self._one("find_bookmark", (b.account_id, b.post_id)) is not None:
            raise ConflictError(
                f"account {b.account_id} already bookmarked post {b.post_id}",
                entity="bookmark",
                key=(b.account_id, b.post_id),
            )
        if self._one("bookmark_id_exists", (b.id,)) is not None:
            raise ConflictError(
                f"a bookmark with id {b.id} already exists", entity="bookmark", key=b.id
            )
        if self._one("personal_account_exists", (b.account_id,)) is None:
            raise NotFoundError("account", b.account_id)
        raise NotFoundError("post", b.post_id)

    @guarded
    def remove(self, account_id: AccountId, post_id: PostId) -> Bookmark | None:
        params = (_key(account_id, "account_id"), _key(post_id, "post_id"))
        row = self._write("delete_bookmark", params).fetchone()
        return None if row is None else _bookmark(row)

    @guarded
    def find(self, account_id: AccountId, post_id: PostId) -> Bookmark | None:
        params = (_key(account_id, "account_id"), _key(post_id, "post_id"))
        row = self._one("find_bookmark", params)
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
        account = _key(account_id, "account_id")
        low, high = _bounds(max_id, min_id)
        size = _limit(limit)
        name = "bookmarks_asc" if ascending else "bookmarks_desc"
        return [_bookmark(row) for row in self._all(name, (account, low, high, size))]

    @guarded
    def remove_post(self, post_id: PostId) -> int:
        return int(self._write("delete_post_bookmarks", (_key(post_id, "post_id"),)).rowcount)


class Filters(_Repository):
    """Filters in ``filters``, with ``filter_keywords`` and ``filter_posts``."""

    __slots__ = ()

    def _load(self, row: Sequence[Any]) -> Filter:
        """A filter from its row; its keywords and posts read for it, unless the row has them.

        ``filters_of`` rows carry them as three arrays after the filter's
        columns (keywords, their ``whole_word`` flags, post ids, in order).
        """
        fid, account, title, contexts, action, expires_at, created_at = row[:7]
        if len(row) > 7:
            words, whole, listed = row[7:]
            pairs: Sequence[tuple[Any, Any]] = list(zip(words, whole, strict=True))
            posts = tuple(listed)
        else:
            pairs = self._all("filter_keywords", (fid,))
            posts = tuple(r[0] for r in self._all("filter_posts", (fid,)))
        keywords = tuple(FilterKeyword(keyword=k, whole_word=bool(w)) for k, w in pairs)
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

    def _check_posts(self, f: Filter) -> None:
        """Refuse a filter naming a missing post before anything is written."""
        for post in f.post_ids:
            if self._write("personal_post_exists", (post,)).fetchone() is None:
                raise NotFoundError("post", post)

    def _write_parts(self, f: Filter) -> None:
        for seq, k in enumerate(f.keywords):
            self._write("insert_filter_keyword", (f.id, seq, k.keyword, k.whole_word))
        for seq, post in enumerate(f.post_ids):
            self._write("insert_filter_post", (f.id, seq, post))

    @guarded
    def add(self, filter_: Filter) -> None:
        _checks.instance(filter_, Filter, "filter_")
        f = filter_
        if self._write("personal_account_exists", (f.account_id,)).fetchone() is None:
            raise NotFoundError("account", f.account_id)
        self._check_posts(f)
        params = (
            f.id,
            f.account_id,
            f.title,
            _contexts(f),
            f.action.value,
            _expiry(f),
            micros(f.created_at),
        )
        if not self._write("insert_filter", params).rowcount:
            raise ConflictError(
                f"a filter with id {f.id} already exists", entity="filter", key=f.id
            )
        self._write_parts(f)

    @guarded
    def update(self, filter_: Filter) -> None:
        _checks.instance(filter_, Filter, "filter_")
        f = filter_
        self._check_posts(f)
        params = (f.title, _contexts(f), f.action.value, _expiry(f), f.id, f.account_id)
        if not self._write("update_filter", params).rowcount:
            raise NotFoundError("filter", f.id)
        self._write("delete_filter_keywords", (f.id,))
        self._write("delete_filter_posts", (f.id,))
        self._write_parts(f)

    @guarded
    def find(self, filter_id: int) -> Filter | None:
        row = self._one("filter_by_id", (_key(filter_id, "filter_id"),))
        return None if row is None else self._load(row)

    @guarded
    def remove(self, account_id: AccountId, filter_id: int) -> Filter | None:
        owner = _key(account_id, "account_id")
        key = _key(filter_id, "filter_id")
        row = self._write("filter_by_id", (key,)).fetchone()
        if row is None or row[1] != owner:
            return None
        found = self._load(row)
        self._write("delete_filter_keywords", (key,))
        self._write("delete_filter_posts", (key,))
        self._write("delete_filter", (key,))
        return found

    @guarded
    def of_account(self, account_id: AccountId) -> Sequence[Filter]:
        rows = self._all("filters_of", (_key(account_id, "account_id"),))
        return [self._load(row) for row in rows]

    @guarded
    def remove_post(self, post_id: PostId) -> int:
        key = _key(post_id, "post_id")
        naming = self._write("filters_naming", (key,)).fetchall()
        self._write("delete_post_from_filters", (key,))
        return len(naming)
