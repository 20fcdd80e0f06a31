"""Lazy walks over the memory adapter's id lists: one author's stream, and several merged.

A walk holds no lock of its own: it runs inside its unit (and refuses to go
on once the unit ended), and re-seeks by value when posts change meanwhile
(possible only in the same unit), so it never skips or repeats a post.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from heapq import heapify, heappop, heapreplace, merge
from operator import attrgetter
from typing import TYPE_CHECKING

from microblog_core.models import Post

if TYPE_CHECKING:
    from microblog_core.storage.memory._state import State
    from microblog_core.storage.memory._unit import MemoryUnitOfWork

__all__ = ["merged_newest_first", "newest_first", "stream"]

_AFTER_EVERY_ID = 1 << 64
_POST_ID = attrgetter("id")


def stream(
    unit: MemoryUnitOfWork,
    s: State,
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


def newest_first(unit: MemoryUnitOfWork, s: State, ids: list[int]) -> Iterator[Post]:
    """:func:`stream` from the newest post down, unbounded: the same walk, fewer checks."""
    posts = s.posts
    version = s.version
    i = len(ids) - 1
    last = _AFTER_EVERY_ID
    while True:
        if not unit._open:
            unit._refuse()
        if s.version != version:
            yield from stream(unit, s, ids, max_id=last, min_id=None, ascending=False)
            return
        if i < 0:
            return
        last = ids[i]
        yield posts[last]
        i -= 1


def merged_newest_first(
    unit: MemoryUnitOfWork, s: State, lists: list[list[int]], max_id: int | None
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
    while heap:
        if not unit._open:
            unit._refuse()
        key, i, n = heap[0]
        last = -key
        yield posts[last]
        if s.version != version:
            # The lists moved under us: re-seek every author from the last id
            # yielded, as stream() does.
            streams = [
                stream(unit, s, ids, max_id=last, min_id=None, ascending=False) for ids in lists
            ]
            yield from _merge_posts(streams)
            return
        if i:
            heapreplace(heap, (-lists[n][i - 1], i - 1, n))
        else:
            heappop(heap)


def _merge_posts(streams: list[Iterator[Post]]) -> Iterator[Post]:
    """Merge newest-first post streams (a fallback; ids are distinct across authors)."""
    return merge(*streams, key=_POST_ID, reverse=True)
