"""Home feeds of the memory adapter: their layout, the fan-out, and the inverse of each write.

Layout:

- A reader's feed is a :class:`Feed`, a list of post ids in ascending order,
  found with one dict lookup in :attr:`FeedStore.feeds`. A feed object, once
  made, stays the reader's for the store's life (emptied, never replaced),
  so other structures may hold it.
- The author of an entry is kept once per post, store-wide
  (:attr:`FeedStore.authors`), not once per entry; a feed holds its own
  ``authors`` only for an entry given with another author (a merge may say
  so), which no fan-out does.
- :attr:`FeedStore.fans` holds, for each account with at least
  :data:`FANS_MIN` followers that has fanned out, its followers' feed
  objects: ``{follower id: feed}``. Follow writes keep it exact (it is an
  index of the follow edges, like a database's, not a cache that can go
  stale), and a fan-out of a new post to that account's followers is then
  one C-level ``list.append`` per follower with no lookup at all.

A fan-out is told its readers as ids (the port speaks ids). When those ids
are the very :class:`FollowerIds` value the store returned for the author's
followers, and no follow changed since, the store knows the reader set is the
author's followers and uses :attr:`FeedStore.fans`; any other collection of
ids takes the general path (one dict lookup and one append per reader, in
bulk).
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Collection, Iterable
from itertools import compress, repeat
from operator import not_
from typing import Any, Final, cast

from microblog_core.storage.memory._follow_index import DistinctIds, FollowerIds, FollowIndex
from microblog_core.storage.memory._sorted import add_sorted, drop_sorted

__all__ = ["FANS_MIN", "Feed", "FeedStore", "UndoLog"]

FANS_MIN: Final = 256
"""Accounts with at least this many followers get their followers' feeds indexed on first fan-out.

Below it, the general path (a dict lookup per reader) costs next to nothing,
and simulations with millions of small accounts keep their memory.
"""

# The undo log is flat, ``[..., arg_1, ..., arg_n, function, n, ...]``: pushing an
# entry allocates nothing that outlives the call (the functions are plain ones,
# not bound methods), which keeps the garbage collector out of bulk loads.
UndoLog = list[Any]

_BEFORE_EVERY_ID = -(1 << 64)


class Feed(list[int]):
    """One reader's home feed: the post ids, ascending.

    ``authors`` holds the author of an entry only where it differs from the
    store-wide one (:attr:`FeedStore.authors`).
    """

    __slots__ = ("authors", "reader")

    def __init__(self, reader: int, ids: Iterable[int] = ()) -> None:
        super().__init__(ids)
        self.reader = reader
        self.authors: dict[int, int] | None = None


class FeedStore:
    """Every reader's feed, with the primitive writes and their inverses."""

    __slots__ = ("authors", "fans", "feeds", "follows", "longest", "top")

    def __init__(self, follows: FollowIndex) -> None:
        self.follows = follows
        self.feeds: dict[int, Feed] = {}
        # The author of each post id ever put in a feed (entries may override it).
        self.authors: dict[int, int] = {}
        self.fans: dict[int, dict[int, Feed]] = {}
        # An upper bound of every id ever put in a feed: a post above it is in
        # no feed, so fanning it out is an append to each feed, with no checks.
        self.top = _BEFORE_EVERY_ID
        self.longest = 0  # an upper bound of every feed's length

    # -- lookups

    def feed(self, reader: int) -> Feed:
        """Return the reader's feed, making it (empty) if the reader has none yet."""
        feed = self.feeds.get(reader)
        if feed is None:
            feed = self.feeds[reader] = Feed(reader)
        return feed

    def author(self, feed: Feed, post_id: int) -> int:
        """Return the author of the entry ``post_id`` of ``feed``."""
        own = feed.authors
        if own is not None:
            author = own.get(post_id)
            if author is not None:
                return author
        return self.authors[post_id]

    def entries(self, feed: Feed) -> dict[int, int]:
        """Return each entry of ``feed`` with its author."""
        authors = self.authors
        entries = {post_id: authors[post_id] for post_id in feed}
        if feed.authors:
            entries.update(feed.authors)
        return entries

    # -- the follower index

    def follow_added(self, follower: int, followee: int) -> None:
        """Keep :attr:`fans` exact after a follow edge was added (or its time changed)."""
        fans = self.fans.get(followee)
        if fans is not None:
            fans[follower] = self.feed(follower)

    def follow_removed(self, follower: int, followee: int) -> None:
        """Keep :attr:`fans` exact after a follow edge was removed."""
        fans = self.fans.get(followee)
        if fans is not None:
            fans.pop(follower, None)

    def account_removed(self, account: int) -> None:
        """Forget the followers' feeds of an account that is gone (it had no follows left)."""
        self.fans.pop(account, None)

    def _fans_of(self, readers: Collection[int]) -> dict[int, Feed] | None:
        """Return the followers' feeds if ``readers`` are exactly some account's followers."""
        if readers.__class__ is not FollowerIds:
            return None
        followers = readers
        if not followers.is_current(self.follows):
            return None
        fans = self.fans.get(followers.followee)
        if fans is None:
            if len(followers) < FANS_MIN:
                return None
            feed = self.feed
            fans = self.fans[followers.followee] = {r: feed(r) for r in followers.ids}
        return fans

    # -- writes, each with its inverse

    def note(self, feed: Feed, post_id: int, author: int) -> None:
        """Remember the author of a new entry of ``feed`` (just added to it)."""
        self.top = max(self.top, post_id)
        self.longest = max(self.longest, len(feed))
        known = self.authors.setdefault(post_id, author)
        if known != author:
            if feed.authors is None:
                feed.authors = {}
            feed.authors[post_id] = author

    def put(self, reader: int, entries: Iterable[tuple[int, int]]) -> None:
        """Add ``(post id, author)`` entries to the reader's feed (the inverse of drop and trim)."""
        feed = self.feed(reader)
        for post_id, author_id in entries:
            add_sorted(feed, post_id)
            self.note(feed, post_id, author_id)

    def drop(self, reader: int, post_ids: Collection[int]) -> None:
        """Remove entries the reader's feed holds (the inverse of a merge)."""
        feed = self.feeds[reader]
        own = feed.authors
        if own is not None:
            for post_id in post_ids:
                own.pop(post_id, None)
            if not own:
                feed.authors = None
        if len(post_ids) <= 4:
            for post_id in post_ids:
                drop_sorted(feed, post_id)
        else:
            doomed = set(post_ids)
            feed[:] = [post_id for post_id in feed if post_id not in doomed]

    def unsend(self, readers: Iterable[int], post_id: int) -> None:
        """Drop ``post_id`` from each reader's feed that holds it (the inverse of a fan-out)."""
        feeds = self.feeds
        for reader in readers:
            feed = feeds.get(reader)
            if feed:
                i = bisect_left(feed, post_id)
                if i < len(feed) and feed[i] == post_id:
                    del feed[i]
                    if feed.authors is not None:
                        feed.authors.pop(post_id, None)

    def unsend_fans(self, fans: dict[int, Feed], post_id: int) -> None:
        """The inverse of a fan-out through :attr:`fans`: ``post_id`` is each feed's last entry.

        The undo log runs backwards, so every later write to these feeds and
        to the follows is already undone: the set of feeds is the one the
        fan-out appended to.
        """
        for feed in fans.values():
            if feed and feed[-1] == post_id:
                feed.pop()
            else:  # trimmed and refilled meanwhile: search for it
                self.unsend((feed.reader,), post_id)

    def refill(self, reader: int, ids: list[int], authors: dict[int, int] | None) -> None:
        """Give the reader's (emptied) feed back its entries (the inverse of :meth:`clear`)."""
        feed = self.feed(reader)
        feed[:] = ids
        feed.authors = authors

    def trim(self, feed: Feed, cap: int) -> list[tuple[int, int]]:
        """Drop the oldest entries beyond ``cap``; return them with their authors."""
        excess = len(feed) - cap
        gone = [(post_id, self.author(feed, post_id)) for post_id in feed[:excess]]
        del feed[:excess]
        own = feed.authors
        if own is not None:
            for post_id, _ in gone:
                own.pop(post_id, None)
        return gone

    # -- the repository's writes: each pushes its inverse on ``log``

    def send(self, log: UndoLog, readers: Collection[int], p: int, author: int, cap: int) -> None:
        """Fan out the post ``p`` by ``author`` to ``readers``, trimming each feed to ``cap``."""
        if p > self.top:
            fans = self._fans_of(readers)
            if fans is not None:
                self._send_to_fans(log, fans, p, author, cap)
            else:
                self._send_new(log, readers, p, author, cap)
            return
        # An older post (a back-fill, or one already delivered): reader by
        # reader. The undo records keep the order of the writes: the readers
        # that got the post since the last trim, then that trim, and so on.
        override = self.authors.setdefault(p, author) != author
        longest = self.longest
        added: list[int] = []
        for reader in readers:
            feed = self.feed(reader)
            size = len(feed)
            i = bisect_left(feed, p)
            if i == size or feed[i] != p:
                feed.insert(i, p)
                if override:
                    if feed.authors is None:
                        feed.authors = {}
                    feed.authors[p] = author
                added.append(reader)
                size += 1
                longest = max(longest, size)
            if size > cap:
                if added:
                    log += (self, added, p, FeedStore.unsend, 3)
                    added = []
                log += (self, reader, self.trim(feed, cap), FeedStore.put, 3)
        if added:
            log += (self, added, p, FeedStore.unsend, 3)
        self.top = max(self.top, p)
        self.longest = longest

    def _send_to_fans(
        self, log: UndoLog, fans: dict[int, Feed], p: int, author: int, cap: int
    ) -> None:
        """Append ``p`` to each follower's feed: no lookup, no check, one undo record."""
        self.authors[p] = author
        self.top = p
        feeds = fans.values()
        deque(map(list.append, feeds, repeat(p)), maxlen=0)
        log += (self, fans, p, FeedStore.unsend_fans, 3)
        self._cap(log, feeds, cap)

    def _send_new(
        self, log: UndoLog, readers: Collection[int], p: int, author: int, cap: int
    ) -> None:
        """Fan out a post newer than every feed entry: a bulk append to each feed.

        No feed holds ``p`` and each feed is ascending, so ``p`` goes at the end
        of every feed; the lookups and appends run at C speed over the feeds,
        and one undo record covers every reader.
        """
        if not isinstance(readers, DistinctIds | FollowerIds):
            readers = list(dict.fromkeys(readers))  # a reader named twice gets one entry
        feeds = self.feeds
        self.authors[p] = author
        self.top = p
        found = list(map(feeds.get, readers))
        if all(found):
            existing = cast("list[Feed]", found)
        else:  # some readers have no feed yet, or an empty one: those one by one
            existing = list(filter(None, found))
            for reader in compress(readers, map(not_, found)):
                self.feed(reader).append(p)
        deque(map(list.append, existing, repeat(p)), maxlen=0)
        log += (self, readers, p, FeedStore.unsend, 3)
        self._cap(log, existing, cap)

    def _cap(self, log: UndoLog, feeds: Iterable[Feed], cap: int) -> None:
        """After appending one entry to each of ``feeds``: trim those beyond ``cap``."""
        longest = self.longest + 1
        if longest <= cap:
            self.longest = longest
            return
        for feed in compress(feeds, map(cap.__lt__, map(len, feeds))):
            log += (self, feed.reader, self.trim(feed, cap), FeedStore.put, 3)
        self.longest = longest  # still a bound: feeds outside this fan-out may be longer

    def merge(self, log: UndoLog, reader: int, entries: list[tuple[int, int]], cap: int) -> None:
        """Add ``(post id, author)`` entries to one reader's feed, trimming it to ``cap``."""
        feed = self.feeds.get(reader)
        if feed is None:
            if not entries:
                return
            feed = self.feed(reader)
        present = set(feed)
        added = []
        for p, author in entries:
            if p not in present:
                present.add(p)
                self.note(feed, p, author)
                added.append(p)
        if len(added) <= 4:
            for p in added:
                add_sorted(feed, p)
        else:
            feed.extend(added)
            feed.sort()
        if added:
            self.longest = max(self.longest, len(feed))
            log += (self, reader, added, FeedStore.drop, 3)
        if len(feed) > cap:
            log += (self, reader, self.trim(feed, cap), FeedStore.put, 3)

    def remove_posts(self, log: UndoLog, readers: Iterable[int], post_ids: list[int]) -> None:
        """Drop the given posts from the given readers' feeds."""
        doomed = sorted(set(post_ids))
        for reader in readers:
            feed = self.feeds.get(reader)
            if not feed:
                continue
            gone = []
            for p in doomed:
                i = bisect_left(feed, p)
                if i < len(feed) and feed[i] == p:
                    gone.append((p, self.author(feed, p)))
            if gone:
                self.drop(reader, [p for p, _ in gone])
                log += (self, reader, gone, FeedStore.put, 3)

    def remove_author(self, log: UndoLog, reader: int, author: int) -> None:
        """Drop every entry by ``author`` from the reader's feed."""
        feed = self.feeds.get(reader)
        if not feed:
            return
        gone = [(p, a) for p, a in self.entries(feed).items() if a == author]
        if gone:
            self.drop(reader, [p for p, _ in gone])
            log += (self, reader, gone, FeedStore.put, 3)

    def clear(self, log: UndoLog, reader: int) -> None:
        """Empty the reader's feed (the object stays the reader's)."""
        feed = self.feeds.get(reader)
        if feed:
            log += (self, reader, list(feed), feed.authors, FeedStore.refill, 4)
            feed.clear()
            feed.authors = None

    # -- for tests

    def snapshot(self) -> dict[int, tuple[tuple[int, ...], dict[int, int]]]:
        """Every non-empty feed's entries and their authors."""
        return {r: (tuple(f), self.entries(f)) for r, f in self.feeds.items() if f}
