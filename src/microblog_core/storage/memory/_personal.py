"""The memory adapter's bookmark and keyword-filter repositories.

Their state and primitive writes are in ``_personal_state``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

import attrs

from microblog_core import _checks
from microblog_core.errors import ConflictError, NotFoundError
from microblog_core.ids import AccountId, PostId
from microblog_core.models import Bookmark, Filter
from microblog_core.storage.memory._personal_state import PersonalState
from microblog_core.storage.memory._repositories import Repository
from microblog_core.storage.memory._sorted import newest

__all__ = ["Bookmarks", "Filters"]


class Bookmarks(Repository):
    """The memory store's :class:`~microblog_core.ports.BookmarkRepository`."""

    __slots__ = ()

    def add(self, bookmark: Bookmark) -> None:
        log = self._write()
        _checks.instance(bookmark, Bookmark, "bookmark")
        s = self._s
        p = s.personal
        b = bookmark
        if b.id in p.bookmarks or (b.account_id, b.post_id) in p.bookmark_of:
            raise ConflictError(
                f"account {b.account_id} already bookmarked post {b.post_id}"
                if (b.account_id, b.post_id) in p.bookmark_of
                else f"a bookmark with id {b.id} already exists",
                entity="bookmark",
                key=(b.account_id, b.post_id),
            )
        if b.account_id not in s.accounts:
            raise NotFoundError("account", b.account_id)
        if b.post_id not in s.posts:
            raise NotFoundError("post", b.post_id)
        p.put_bookmark(b)
        log += (p, b, PersonalState.drop_bookmark, 2)

    def remove(self, account_id: AccountId, post_id: PostId) -> Bookmark | None:
        log = self._write()
        p = self._s.personal
        key = (_checks.lookup_id(account_id, "account_id"), _checks.lookup_id(post_id, "post_id"))
        bid = p.bookmark_of.get(key)
        if bid is None:
            return None
        b = p.bookmarks[bid]
        p.drop_bookmark(b)
        log += (p, b, PersonalState.put_bookmark, 2)
        return b

    def find(self, account_id: AccountId, post_id: PostId) -> Bookmark | None:
        p = self._read().personal
        key = (_checks.lookup_id(account_id, "account_id"), _checks.lookup_id(post_id, "post_id"))
        bid = p.bookmark_of.get(key)
        return None if bid is None else p.bookmarks[bid]

    def page(
        self,
        account_id: AccountId,
        *,
        max_id: int | None = None,
        min_id: int | None = None,
        limit: int = 20,
        ascending: bool = False,
    ) -> list[Bookmark]:
        p = self._read().personal
        ids = p.bookmark_ids.get(_checks.lookup_id(account_id, "account_id"), [])
        upper = _checks.cursor(max_id, "max_id")
        lower = _checks.cursor(min_id, "min_id")
        _checks.limit(limit, "limit")
        if ascending:
            lo = 0 if lower is None else bisect_right(ids, lower)
            hi = len(ids) if upper is None else bisect_left(ids, upper)
            page = ids[lo : min(hi, lo + limit)]
        else:
            page = newest(ids, upper, lower, limit)
        return [p.bookmarks[i] for i in page]

    def remove_post(self, post_id: PostId) -> int:
        log = self._write()
        p = self._s.personal
        ids = list(p.bookmarked.get(_checks.lookup_id(post_id, "post_id"), ()))
        for bid in ids:
            b = p.bookmarks[bid]
            p.drop_bookmark(b)
            log += (p, b, PersonalState.put_bookmark, 2)
        return len(ids)


class Filters(Repository):
    """The memory store's :class:`~microblog_core.ports.FilterRepository`."""

    __slots__ = ()

    def _check_posts(self, f: Filter) -> None:
        posts = self._s.posts
        for post in f.post_ids:
            if post not in posts:
                raise NotFoundError("post", post)

    def add(self, filter_: Filter) -> None:
        log = self._write()
        _checks.instance(filter_, Filter, "filter_")
        s = self._s
        p = s.personal
        if filter_.id in p.filters:
            raise ConflictError(
                f"a filter with id {filter_.id} already exists", entity="filter", key=filter_.id
            )
        if filter_.account_id not in s.accounts:
            raise NotFoundError("account", filter_.account_id)
        self._check_posts(filter_)
        p.put_filter(filter_)
        log += (p, filter_, PersonalState.drop_filter, 2)

    def update(self, filter_: Filter) -> None:
        log = self._write()
        _checks.instance(filter_, Filter, "filter_")
        p = self._s.personal
        current = p.filters.get(filter_.id)
        if current is None or current.account_id != filter_.account_id:
            raise NotFoundError("filter", filter_.id)
        self._check_posts(filter_)
        p.replace_filter(current, filter_)
        log += (p, filter_, current, PersonalState.replace_filter, 3)

    def find(self, filter_id: int) -> Filter | None:
        return self._read().personal.filters.get(_checks.lookup_id(filter_id, "filter_id"))

    def remove(self, account_id: AccountId, filter_id: int) -> Filter | None:
        log = self._write()
        p = self._s.personal
        owner = _checks.lookup_id(account_id, "account_id")
        current = p.filters.get(_checks.lookup_id(filter_id, "filter_id"))
        if current is None or current.account_id != owner:
            return None
        p.drop_filter(current)
        log += (p, current, PersonalState.put_filter, 2)
        return current

    def of_account(self, account_id: AccountId) -> list[Filter]:
        p = self._read().personal
        ids = p.filter_ids.get(_checks.lookup_id(account_id, "account_id"), ())
        return [p.filters[i] for i in ids]

    def remove_post(self, post_id: PostId) -> int:
        log = self._write()
        p = self._s.personal
        post = _checks.lookup_id(post_id, "post_id")
        ids = list(p.filtering.get(post, ()))
        for fid in ids:
            current = p.filters[fid]
            replacement = attrs.evolve(
                current, post_ids=tuple(i for i in current.post_ids if i != post)
            )
            p.replace_filter(current, replacement)
            log += (p, replacement, current, PersonalState.replace_filter, 3)
        return len(ids)
