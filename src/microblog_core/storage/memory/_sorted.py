"""Ascending lists of ids: the memory adapter's indexes, and pages cut from them."""

from bisect import bisect_left, bisect_right, insort
from collections.abc import Hashable, Sequence
from typing import TypeVar

__all__ = [
    "add_sorted",
    "drop_sorted",
    "first",
    "index_add",
    "index_drop",
    "newest",
    "oldest",
]

_K = TypeVar("_K", bound=Hashable)


def add_sorted(ids: list[int], value: int) -> None:
    """Put ``value`` in place in ``ids`` (an append when it is the largest, as it mostly is)."""
    if not ids or ids[-1] < value:
        ids.append(value)
    else:
        insort(ids, value)


def drop_sorted(ids: list[int], value: int) -> None:
    """Remove ``value``, which ``ids`` holds."""
    if ids[-1] == value:
        ids.pop()
    else:
        del ids[bisect_left(ids, value)]


def index_add(index: dict[_K, list[int]], key: _K, value: int) -> None:
    """Add ``value`` to the list of ``key``, making the list if needed."""
    ids = index.get(key)
    if ids is None:
        index[key] = [value]
    elif ids and ids[-1] < value:  # add_sorted's common case, inline: one call a write saved
        ids.append(value)
    else:
        insort(ids, value)


def index_drop(index: dict[_K, list[int]], key: _K, value: int) -> None:
    """Remove ``value`` from the list of ``key``, and the list once it is empty."""
    ids = index[key]
    drop_sorted(ids, value)
    if not ids:
        del index[key]


def newest(ids: Sequence[int], max_id: int | None, min_id: int | None, limit: int) -> list[int]:
    """Up to ``limit`` ids strictly between the bounds, newest first."""
    hi = len(ids) if max_id is None else bisect_left(ids, max_id)
    lo = 0 if min_id is None else bisect_right(ids, min_id)
    page = list(ids[max(lo, hi - limit) : hi])
    page.reverse()
    return page


def oldest(ids: Sequence[int], max_id: int | None, min_id: int | None, limit: int) -> list[int]:
    """Up to ``limit`` ids strictly between the bounds, oldest first."""
    hi = len(ids) if max_id is None else bisect_left(ids, max_id)
    lo = 0 if min_id is None else bisect_right(ids, min_id)
    return list(ids[lo : min(hi, lo + limit)])


def first(ids: Sequence[int] | None, limit: int | None) -> Sequence[int]:
    """The first ``limit`` ids (all with None); nothing for a missing list."""
    if ids is None:
        return ()
    return ids if limit is None else ids[:limit]
