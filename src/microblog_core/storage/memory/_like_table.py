"""The memory adapter's likes, one array per liked post: no Python object per like.

A liked post owns one ``array('q')`` of ``2 * n`` values: its likers' ids,
ascending, then the time of each like (microseconds since the Unix epoch,
UTC), in the same order. A like is found by binary search, a page of likers
is a slice, and a :class:`~microblog_core.models.Like` is built only when
read. That is 16 bytes a like and about 100 a liked post, against a ``Like``
object, its ``created_at``, a dict entry and a dict per post (about 140
bytes a like and 230 a post).
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from datetime import timedelta
from typing import TYPE_CHECKING

from microblog_core.ids import EPOCH, AccountId, PostId
from microblog_core.models import Like

__all__ = ["LikeTable", "Likers"]

_ONE_US = timedelta(microseconds=1)

if TYPE_CHECKING:
    Likers = array[int]
else:
    Likers = array


class LikeTable:
    """Likes by post, then by liker (a post without likes has no entry)."""

    __slots__ = ("_posts",)

    def __init__(self) -> None:
        self._posts: dict[int, Likers] = {}

    def __len__(self) -> int:
        """How many posts have likes."""
        return len(self._posts)

    def count(self, post_id: int) -> int:
        """How many likes ``post_id`` has."""
        row = self._posts.get(post_id)
        return 0 if row is None else len(row) >> 1

    def get(self, post_id: int, account_id: int) -> Like | None:
        """The like of ``account_id`` on ``post_id``, if any."""
        row = self._posts.get(post_id)
        if row is None:
            return None
        n = len(row) >> 1
        i = bisect_left(row, account_id, 0, n)
        if i == n or row[i] != account_id:
            return None
        return _like(row[i], post_id, row[n + i])

    def page(self, post_id: int, after: int | None, limit: int) -> list[Like]:
        """Up to ``limit`` likes of ``post_id``, by liker id, those after ``after``."""
        row = self._posts.get(post_id)
        if row is None:
            return []
        n = len(row) >> 1
        start = 0 if after is None else bisect_right(row, after, 0, n)
        stop = min(n, start + limit)
        return [_like(row[i], post_id, row[n + i]) for i in range(start, stop)]

    def put(self, like: Like) -> None:
        """Add ``like`` (its liker does not like the post yet)."""
        post_id, account_id = like.post_id, like.account_id
        us = (like.created_at - EPOCH) // _ONE_US
        row = self._posts.get(post_id)
        if row is None:
            self._posts[post_id] = array("q", (account_id, us))
            return
        n = len(row) >> 1
        i = bisect_left(row, account_id, 0, n)
        row.insert(i, account_id)
        row.insert(n + 1 + i, us)

    def add(self, like: Like) -> bool:
        """Add ``like`` unless its liker likes the post already; return whether it did.

        :meth:`get` then :meth:`put` in one search, building no value.
        """
        post_id, account_id = like.post_id, like.account_id
        row = self._posts.get(post_id)
        if row is None:
            us = (like.created_at - EPOCH) // _ONE_US
            self._posts[post_id] = array("q", (account_id, us))
            return True
        n = len(row) >> 1
        i = bisect_left(row, account_id, 0, n)
        if i < n and row[i] == account_id:
            return False
        row.insert(i, account_id)
        row.insert(n + 1 + i, (like.created_at - EPOCH) // _ONE_US)
        return True

    def drop(self, post_id: int, account_id: int) -> None:
        """Remove the like of ``account_id`` on ``post_id``, which there is."""
        row = self._posts[post_id]
        n = len(row) >> 1
        i = bisect_left(row, account_id, 0, n)
        if n == 1:
            del self._posts[post_id]
            return
        del row[n + i]
        del row[i]

    def pop_post(self, post_id: int) -> Likers | None:
        """Take away every like of ``post_id`` (for :meth:`restore_post`)."""
        return self._posts.pop(post_id, None)

    def restore_post(self, post_id: int, likes: Likers | None) -> None:
        """Put back what :meth:`pop_post` took."""
        if likes:
            self._posts[post_id] = likes

    def snapshot(self) -> dict[int, dict[int, Like]]:
        """Every like, by post then liker (for tests)."""
        return {
            post_id: {like.account_id: like for like in self.page(post_id, None, len(row))}
            for post_id, row in self._posts.items()
        }


def _like(account_id: int, post_id: int, us: int) -> Like:
    return Like(
        account_id=AccountId(account_id),
        post_id=PostId(post_id),
        created_at=EPOCH + us * _ONE_US,
    )
