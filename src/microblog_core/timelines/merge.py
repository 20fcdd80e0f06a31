"""Lazy k-way merges of id-ordered post streams (fan-out-on-read).

A home timeline is the merge of the viewer's own stream and one stream per
followed account, each already in id order
(:meth:`~microblog_core.ports.PostRepository.stream`). The merge only ever
touches the head of each stream: it takes the first post of each, heapifies
them (O(k)), and then pops one post and pulls the next one from the same
stream per item (O(log k)). A page of L items from k streams costs
O(k + L log k); nothing is sorted and no stream is read past what the page
needs.

Ids are unique per post, so equal ids in two streams are the same post (a
hybrid timeline merges a feed with author streams that may overlap): the
merges yield each id once.
"""

from collections.abc import Iterable, Iterator
from heapq import heapify, heappop, heapreplace
from itertools import compress, count, repeat
from operator import attrgetter, neg, truth
from typing import cast

from microblog_core.models import Post

__all__ = ["merge_newest_first", "merge_oldest_first"]

_ID = attrgetter("id")


def _merge(streams: Iterable[Iterator[Post]], sign: int) -> Iterator[Post]:
    # Heap entries are (key, index, post, stream): key = sign * id orders the
    # heap, index breaks ties between equal ids so posts are never compared.
    # The heads are read and keyed with C-level maps: a home page opens one
    # stream per followee, and this is most of its cost.
    opened = list(streams)
    firsts = list(map(next, opened, repeat(None)))
    if not all(firsts):  # some streams are empty (a post is always truthy)
        present = list(map(truth, firsts))
        opened = list(compress(opened, present))
        firsts = list(compress(firsts, present))
    heads = cast("list[Post]", firsts)
    ids = map(_ID, heads)
    heap = list(zip(map(neg, ids) if sign < 0 else ids, count(), heads, opened))
    heapify(heap)
    last: int | None = None
    while len(heap) > 1:
        key, index, post, stream = heap[0]
        if key != last:
            last = key
            yield post
        following = next(stream, None)
        if following is None:
            heappop(heap)
        else:
            heapreplace(heap, (sign * following.id, index, following, stream))
    if heap:
        # One stream left: drain it without the heap (ids within a stream are unique).
        key, _, post, stream = heap[0]
        if key != last:
            yield post
        yield from stream


def merge_newest_first(streams: Iterable[Iterator[Post]]) -> Iterator[Post]:
    """Merge streams that each run newest first into one stream, newest first.

    Args:
        streams: Iterators of posts, each in descending id order.

    Returns:
        A lazy iterator over every post of every stream, by id descending,
        each id once.

    Example:
        >>> from datetime import datetime, timezone
        >>> when = datetime(2026, 1, 1, tzinfo=timezone.utc)
        >>> def post(i):
        ...     return Post(id=i, author_id=1, created_at=when, text="hi")
        >>> merged = merge_newest_first([iter([post(9), post(4)]), iter([post(7), post(4)])])
        >>> [p.id for p in merged]
        [9, 7, 4]
    """
    return _merge(streams, -1)


def merge_oldest_first(streams: Iterable[Iterator[Post]]) -> Iterator[Post]:
    """Merge streams that each run oldest first into one stream, oldest first.

    Args:
        streams: Iterators of posts, each in ascending id order.

    Returns:
        A lazy iterator over every post of every stream, by id ascending,
        each id once.
    """
    return _merge(streams, 1)
