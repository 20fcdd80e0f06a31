"""What a simulation run produced: compact tables and the records read from them.

:func:`~microblog_core.sim.engine.simulate` returns a :class:`SimulationResult`:
the tables it recorded from the service's domain events
(:class:`RunTables`), its counts, and iterators over the impression log
(:class:`Impression`), the posts made (:class:`PostRecord`), the follows and
the engagement log. The metrics (:mod:`microblog_core.sim.report`) and
exports (:mod:`microblog_core.sim.export`) read these.

Every name here is also importable from :mod:`microblog_core.sim.engine`
and the ``microblog_core.sim`` package.
"""

from abc import abstractmethod
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import (
    Iterable,
    Iterator,
    Mapping,
    MutableMapping,
    MutableSequence,
    Sequence,
    Set,
)
from datetime import datetime, timedelta
from itertools import chain, repeat
from operator import add
from types import MappingProxyType
from typing import Protocol, TypeVar, overload

from attrs import frozen

from microblog_core.ids import EPOCH, SEQUENCE_BITS, AccountId, PostId
from microblog_core.models import Visibility
from microblog_core.service import Microblog
from microblog_core.sim.agent import Agent
from microblog_core.sim.agents import Population
from microblog_core.sim.config import SimulationConfig
from microblog_core.sim.feeds import FeedSource
from microblog_core.sim.graphs import FollowGraph
from microblog_core.sim.polarization import StanceSnapshot

__all__ = [
    "ACTION_KINDS",
    "ENGAGEMENT_KINDS",
    "EXTRA_ACTION_KINDS",
    "POST_KINDS",
    "AccountIndex",
    "FollowTable",
    "Impression",
    "PostIndex",
    "PostRecord",
    "RunTables",
    "SimulationResult",
]

_ONE_MS = timedelta(milliseconds=1)
_T = TypeVar("_T")

ACTION_KINDS = ("read", "post", "reply", "repost", "like", "follow", "block", "approve")
"""What simulated accounts do; every one is a service call, feed reads included."""

EXTRA_ACTION_KINDS = ("unfollow", "mute", "mention_reply")
"""Actions only some agents take; a result lists them only when they happened."""

# Post kinds in the post table.
_ORIGINAL, _REPLY, _REPOST = 0, 1, 2
POST_KINDS = ("post", "reply", "repost")
"""The kinds of post a run makes, as :class:`PostRecord` and the exports name them."""

# Engagement-log kinds.
_E_POST, _E_REPLY, _E_REPOST, _E_LIKE, _E_FOLLOW = 0, 1, 2, 3, 4
ENGAGEMENT_KINDS = ("post", "reply", "repost", "like", "follow")
"""The kinds of the engagement log (:meth:`SimulationResult.engagements`)."""

_VISIBILITIES = tuple(Visibility)  # canonical members only (no aliases)
_VISIBILITY_CODE = {v: i for i, v in enumerate(_VISIBILITIES)}


@frozen
class Impression:
    """One item shown to one viewer: a line of the impression log.

    Attributes:
        time: When the feed page was read.
        viewer_id: Who read it.
        post_id: The item shown (an original, a reply or a repost).
        author_id: The item's author (the reposter, for a repost).
        root_id: The content shown: the reposted original for a repost, else ``post_id``.
        root_author_id: The author of ``root_id``.
        rank: The item's position on the page, from 1.
        in_network: Whether the viewer follows ``author_id`` (or is it) at read time.
    """

    time: datetime
    viewer_id: AccountId
    post_id: PostId
    author_id: AccountId
    root_id: PostId
    root_author_id: AccountId
    rank: int
    in_network: bool


@frozen
class PostRecord:
    """One post made during a run, with its final engagement counts.

    Attributes:
        id: The post's id.
        author_id: Its author.
        created_at: When it was made.
        kind: ``"post"``, ``"reply"`` or ``"repost"``.
        visibility: Its visibility's API name (``"public"``, ``"private"``...).
        text: Its text (a repost's comment chain; empty for a plain repost).
        reply_to_id: The post replied to, for a reply.
        thread_root_id: The first post of the thread, for a reply.
        repost_of_id: The reposted original, for a repost.
        via_id: The repost it was reposted through, if any (Weibo's parent link).
        likes: Likes received during the run.
        reposts: Reposts of it during the run.
        replies: Direct replies to it during the run.
        impressions: Times it was shown.
        appeal: The latent quality the agents saw in it (a repost has its original's).
    """

    id: PostId
    author_id: AccountId
    created_at: datetime
    kind: str
    visibility: str
    text: str
    reply_to_id: PostId | None
    thread_root_id: PostId | None
    repost_of_id: PostId | None
    via_id: PostId | None
    likes: int
    reposts: int
    replies: int
    impressions: int
    appeal: float

    @property
    def cascade_parent_id(self) -> PostId | None:
        """The post a repost came through (``via``, else the original); None otherwise."""
        return self.via_id if self.via_id is not None else self.repost_of_id


def _ms(instant: datetime) -> int:
    return (instant - EPOCH) // _ONE_MS


def _instant(ms: int) -> datetime:
    return EPOCH + ms * _ONE_MS


class AccountIndex(MutableMapping[int, int]):
    """The node of each account id: a dict, kept as a range while the ids are consecutive.

    A run's accounts are nodes ``0 .. n - 1``, and the bulk set-up registers
    them with consecutive ids, so node ``k`` has id ``first + k`` and a
    lookup is a subtraction: no dict of a million ids (about 75 bytes an
    account). Ids that break the run (set one by one, out of order, or
    changed) go to a dict; the answers are a dict's either way.

    Example:
        >>> from microblog_core.sim.results import AccountIndex
        >>> index = AccountIndex()
        >>> index.number([500, 501, 502])
        >>> index[501], index.get(503), len(index)
        (1, None, 3)
        >>> index[9] = 3
        >>> dict(index)
        {500: 0, 501: 1, 502: 2, 9: 3}
    """

    __slots__ = ("_count", "_first", "_rest")

    def __init__(self) -> None:
        self._first = 0
        self._count = 0  # ids first .. first + count - 1 are nodes 0 .. count - 1
        self._rest: dict[int, int] = {}

    def number(self, ids: Sequence[int]) -> None:
        """Give ``ids`` the next nodes, in order (the nodes from ``len(self)`` on)."""
        if not ids:
            return
        count = self._count
        start = ids[0]
        if (
            not self._rest
            and (count == 0 or start == self._first + count)
            and type(start) is int
            # One C-level pass: are they the ids that continue the range?
            and all(map(int.__eq__, ids, range(start, start + len(ids))))
        ):
            if count == 0:
                self._first = start
            self._count = count + len(ids)
            return
        for node, account_id in enumerate(ids, len(self)):
            self[account_id] = node

    def __getitem__(self, account_id: int) -> int:
        node = account_id - self._first if account_id.__class__ is int else -1
        if 0 <= node < self._count:
            return node
        return self._rest[account_id]

    @overload
    def get(self, account_id: int, /) -> int | None: ...
    @overload
    def get(self, account_id: int, default: _T, /) -> int | _T: ...
    def get(self, account_id: int, default: object = None, /) -> object:
        """Return the node of ``account_id``, or ``default`` if it has none."""
        node = account_id - self._first if account_id.__class__ is int else -1
        if 0 <= node < self._count:
            return node
        return self._rest.get(account_id, default)

    def __setitem__(self, account_id: int, node: int) -> None:
        count = self._count
        if account_id.__class__ is int and not self._rest and node == count:
            if count == 0:
                self._first = account_id
                self._count = 1
                return
            if account_id == self._first + count:
                self._count = count + 1
                return
        if account_id in self:
            if self[account_id] == node:
                return
            self._spill()
        self._rest[account_id] = node

    def __delitem__(self, account_id: int) -> None:
        if account_id not in self._rest:
            self[account_id]  # KeyError if it has no node
            self._spill()
        del self._rest[account_id]

    def _spill(self) -> None:
        """Move the range into the dict (before changing or removing one of its ids)."""
        rest = dict(
            zip(range(self._first, self._first + self._count), range(self._count), strict=True)
        )
        rest.update(self._rest)
        self._rest = rest
        self._count = 0

    def __contains__(self, account_id: object) -> bool:
        if account_id.__class__ is int:
            node: int = account_id - self._first
            if 0 <= node < self._count:
                return True
        return account_id in self._rest

    def __len__(self) -> int:
        return self._count + len(self._rest)

    def __iter__(self) -> Iterator[int]:
        return chain(range(self._first, self._first + self._count), self._rest)

    def __repr__(self) -> str:
        return (
            f"<account index: {self._count} consecutive ids from {self._first}, "
            f"{len(self._rest)} others>"
        )


class FollowTable(Sequence[Set[int]]):
    """Who follows whom during a run: for each node, the nodes it follows.

    ``table[node]`` is a live, read-only set view of the nodes ``node``
    follows, and ``table.followees[node]`` a live sequence of them in follow
    order. The starting graph is held column-wise, as compressed sparse rows
    (about 4 bytes a follow, where a Python set per account costs about
    700 bytes); a node gets a list of its own when one of its follows
    changes during the run, and a set as well only when it unfollows (until
    then ``x in`` scans the list, as it scans a starting row). A set view
    iterates in the order a ``set`` built by following in that order (and
    unfollowing) would, so sums over it come out the same to the last bit.

    Example:
        >>> from array import array
        >>> from microblog_core.sim.results import FollowTable
        >>> table = FollowTable(3)
        >>> table.load(array("i", [0, 0, 2]), array("i", [1, 2, 0]))
        >>> sorted(table[0]), 2 in table[0], len(table[1]), table.add(1, 2)
        ([1, 2], True, 0, True)
        >>> list(table.followees[1]), table.discard(0, 1), list(table.followees[0])
        ([2], True, [2])
    """

    __slots__ = ("_lists", "_n", "_offsets", "_sets", "_targets", "followees")

    def __init__(self, n: int) -> None:
        self._n = n
        self._offsets = array("q", bytes(8 * (n + 1)))
        self._targets = array("i")
        self._sets: dict[int, set[int]] = {}
        self._lists: dict[int, list[int]] = {}
        self.followees: Sequence[Sequence[int]] = _FolloweeLists(self)

    def load(self, followers: Sequence[int], followees: Sequence[int]) -> None:
        """Start from these follows (a graph's edge columns: followers non-decreasing).

        Replaces what the table held. ``followers`` must be sorted; each
        node's followees keep their order (the order they were followed in).
        """
        n = self._n
        # Node v's row starts at the first follow whose follower is >= v.
        self._offsets = array("q", map(bisect_left, repeat(followers), range(n + 1)))
        self._targets = array("i", followees)
        self._sets.clear()
        self._lists.clear()

    def __len__(self) -> int:
        return self._n

    def __getitem__(self, node: int) -> Set[int]:  # type: ignore[override]
        if node.__class__ is not int:
            raise TypeError(f"a FollowTable is indexed by node (int), got {type(node).__name__}")
        if node < 0:
            node += self._n
        if not 0 <= node < self._n:
            raise IndexError(node)
        return _Following(self, node)

    def __iter__(self) -> Iterator[Set[int]]:
        return map(_Following, repeat(self, self._n), range(self._n))

    def row(self, node: int) -> Sequence[int]:
        """Return the nodes ``node`` follows now, in follow order (read-only).

        A copy of the starting row (an ``array``) until the node's follows
        change, then the node's own list (do not change it).
        """
        own = self._lists.get(node)
        if own is not None:
            return own
        offsets = self._offsets
        return self._targets[offsets[node] : offsets[node + 1]]

    def followee(self, node: int, index: int) -> int:
        """The ``index``-th node ``node`` follows, in follow order (no copy of its row)."""
        own = self._lists.get(node)
        if own is not None or index.__class__ is not int:
            return self.row(node)[index]
        offsets = self._offsets
        start = offsets[node]
        size = offsets[node + 1] - start
        if index < 0:
            index += size
        if not 0 <= index < size:
            raise IndexError("followee index out of range")
        return self._targets[start + index]

    def degree(self, node: int) -> int:
        """How many nodes ``node`` follows now (no copy of its starting row)."""
        own = self._lists.get(node)
        if own is not None:
            return len(own)
        offsets = self._offsets
        return offsets[node + 1] - offsets[node]

    def holds(self, node: int) -> Set[int] | Sequence[int]:
        """What ``x in ...`` answers fastest from until ``node``'s follows change.

        The node's own set, its own list, or its starting row (an ``array``
        slice); a list or a row is a scan in C.
        """
        own = self._sets.get(node)
        if own is not None:
            return own
        return self.row(node)

    def _own_list(self, node: int) -> list[int]:
        order = self._lists.get(node)
        if order is None:
            offsets = self._offsets
            order = self._lists[node] = self._targets[offsets[node] : offsets[node + 1]].tolist()
        return order

    def add(self, follower: int, followee: int) -> bool:
        """Record that ``follower`` follows ``followee``; False if it already did."""
        order = self._own_list(follower)
        own = self._sets.get(follower)
        if followee in (order if own is None else own):
            return False
        if own is not None:
            own.add(followee)
        order.append(followee)
        return True

    def discard(self, follower: int, followee: int) -> bool:
        """Record that ``follower`` stopped following ``followee``; False if it did not."""
        if followee not in self.holds(follower):
            return False
        order = self._own_list(follower)
        own = self._sets.get(follower)
        if own is None:
            # Until now the node only followed: the set it would have built,
            # adding in follow order, is the set of its list.
            own = self._sets[follower] = set(order)
        own.discard(followee)
        order.remove(followee)
        return True


class _Following(Set[int]):
    """A live, read-only view of the nodes one node follows."""

    __slots__ = ("_node", "_table")

    def __init__(self, table: FollowTable, node: int) -> None:
        self._table = table
        self._node = node

    def __contains__(self, other: object) -> bool:
        return other in self._table.holds(self._node)

    def __len__(self) -> int:
        return self._table.degree(self._node)

    def __iter__(self) -> Iterator[int]:
        table = self._table
        own = table._sets.get(self._node)
        # A set built in follow order iterates as the engine's sets always have.
        return iter(own if own is not None else set(table.row(self._node)))

    def __repr__(self) -> str:
        return f"<following of {self._node}: {sorted(self)}>"


class _Followees(Sequence[int]):
    """A live, read-only view of the nodes one node follows, in follow order."""

    __slots__ = ("_node", "_table")

    def __init__(self, table: FollowTable, node: int) -> None:
        self._table = table
        self._node = node

    def __len__(self) -> int:
        return self._table.degree(self._node)

    def __getitem__(self, index: int) -> int:  # type: ignore[override]
        return self._table.followee(self._node, index)

    def __iter__(self) -> Iterator[int]:
        return iter(self._table.row(self._node))

    def __repr__(self) -> str:
        return f"<followees of {self._node}: {list(self)}>"


class _FolloweeLists(Sequence[Sequence[int]]):
    """``FollowTable.followees``: each node's :class:`_Followees`."""

    __slots__ = ("_table",)

    def __init__(self, table: FollowTable) -> None:
        self._table = table

    def __len__(self) -> int:
        return len(self._table)

    def __getitem__(self, node: int) -> Sequence[int]:  # type: ignore[override]
        n = len(self._table)
        if node.__class__ is not int:
            raise TypeError(f"followees are indexed by node (int), got {type(node).__name__}")
        if node < 0:
            node += n
        if not 0 <= node < n:
            raise IndexError(node)
        return _Followees(self._table, node)


class _PagedColumn(Sequence[int]):
    """A per-impression column computed from the impression log's page ends.

    Subclasses say what item ``index`` of page ``page`` holds
    (:meth:`_item`) and how to iterate; this reads the length off the last
    page end and answers indexes and slices.
    """

    __slots__ = ("_ends",)

    def __init__(self, ends: Sequence[int]) -> None:
        self._ends = ends

    def __len__(self) -> int:
        ends = self._ends
        return ends[-1] if ends else 0

    @overload
    def __getitem__(self, index: int) -> int: ...
    @overload
    def __getitem__(self, index: slice) -> list[int]: ...
    def __getitem__(self, index: int | slice) -> int | list[int]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        size = len(self)
        page = _page_of(self._ends, index, size)
        return self._item(page, index + size if index < 0 else index)

    @abstractmethod
    def _item(self, page: int, index: int) -> int:
        """The value of item ``index`` (0 to the length), which is on page ``page``."""

    @abstractmethod
    def __iter__(self) -> Iterator[int]:
        """The column's items in order, without indexing each."""


class _PageColumn(_PagedColumn):
    """A per-impression column whose value is the same for every item of a page.

    The impression log keeps such a value once per page (its time, its
    viewer), with the end of each page; this view repeats each page's value
    over the page's items, so that it reads like the full column. Its items
    are computed on access: iterate it rather than index it in a loop.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Sequence[int], ends: Sequence[int]) -> None:
        super().__init__(ends)
        self._values = values

    def _item(self, page: int, index: int) -> int:
        return self._values[page]

    def __iter__(self) -> Iterator[int]:
        return chain.from_iterable(map(repeat, self._values, _page_sizes(self._ends)))

    def __repr__(self) -> str:
        return f"<page column of {len(self)} items, {len(self._values)} pages>"


class _RankColumn(_PagedColumn):
    """The impression log's rank column: 1, 2, ... over each page's items."""

    __slots__ = ()

    def _item(self, page: int, index: int) -> int:
        return index - (self._ends[page - 1] if page else 0) + 1

    def __iter__(self) -> Iterator[int]:
        sizes = _page_sizes(self._ends)
        return chain.from_iterable(map(range, repeat(1), map(add, sizes, repeat(1))))

    def __repr__(self) -> str:
        return f"<rank column of {len(self)} items, {len(self._ends)} pages>"


def _page_of(ends: Sequence[int], index: int, size: int) -> int:
    """The page holding item ``index`` (negative counts from the end) of a log of ``size``."""
    if index.__class__ is not int:
        raise TypeError(f"an impression column is indexed by int, got {type(index).__name__}")
    if index < 0:
        index += size
    if not 0 <= index < size:
        raise IndexError(index)
    return bisect_right(ends, index)


def _page_sizes(ends: Sequence[int]) -> Iterable[int]:
    """How many items each page holds, from the pages' ends."""
    return map(int.__sub__, ends, chain((0,), ends))


# A post id's bucket is its time in units of 2**_FIRST_SHIFT ids (256 ms) at
# first; buckets widen (halve in number) whenever there would be more of them
# than posts plus _SPARE_BUCKETS, so they cost at most 8 bytes a post.
_FIRST_SHIFT = SEQUENCE_BITS + 8
_SPARE_BUCKETS = 1024
# The newest posts (those feeds show most) are also in a dict, for dict-speed
# lookups: at most this many (about 2.5 MiB).
_RECENT_POSTS = 1 << 15


class PostIndex(Mapping[int, int]):
    """The row (post index) of each post id, read off the run's id column.

    The run's posts are rows in the order the service made them, and the
    service mints ids that only grow (time-sortable ids from one
    generator), so the id column is sorted and a binary search in it finds
    a row: no dict of ids (about 80 bytes a post). To keep each search
    short, the index also keeps, for each slice of time (bucket), the first
    row made in it: a lookup searches one bucket's rows. Buckets start 256 ms
    wide and double in width while there would be more buckets than posts,
    so they cost at most 8 bytes a post. The newest 32,768 posts, those feeds
    show most, are also in a dict, so that their lookups cost a dict's.

    ``index[post_id]`` raises ``KeyError`` for an id that is not a row;
    :meth:`get`, ``in`` and ``len`` work as on a dict, and iteration yields
    the ids in row order. Rows are added with :meth:`append` only (the id
    column must not be appended to directly).

    Example:
        >>> from array import array
        >>> from microblog_core.sim.results import PostIndex
        >>> index = PostIndex(array("q"))
        >>> [index.append(post_id) for post_id in (70, 5_000_000_000, 5_000_000_007)]
        [0, 1, 2]
        >>> index[5_000_000_000], index.get(71), 70 in index, len(index)
        (1, None, True, 3)
    """

    __slots__ = ("_base", "_ids", "_recent", "_shift", "_starts")

    def __init__(self, ids: MutableSequence[int]) -> None:
        """Index ``ids`` (an empty, or increasing, id column: the index appends to it).

        Raises:
            ValueError: ``ids`` does not increase strictly.
        """
        self._ids = ids
        self._shift = _FIRST_SHIFT
        self._base = 0
        # starts[b] is the first row of bucket b; the last item is len(ids).
        self._starts = array("q", [0])
        self._recent: dict[int, int] = {}
        existing = list(ids)
        del ids[:]
        for post_id in existing:
            self.append(post_id)

    def append(self, post_id: int) -> int:
        """Add ``post_id`` as the next row (to the id column too); return its row.

        Raises:
            ValueError: ``post_id`` is not greater than every id before it.
        """
        ids = self._ids
        row = len(ids)
        if row:
            if post_id <= ids[-1]:
                raise ValueError(f"post ids must increase in row order: {post_id} after {ids[-1]}")
        else:
            self._base = post_id >> self._shift
        bucket = (post_id >> self._shift) - self._base
        while bucket > row + _SPARE_BUCKETS:
            self._widen()
            bucket = (post_id >> self._shift) - self._base
        starts = self._starts
        missing = bucket + 2 - len(starts)
        if missing > 0:
            # Empty buckets between start (and end) where this row does.
            starts.extend(repeat(row, missing))
        starts[-1] = row + 1
        ids.append(post_id)
        recent = self._recent
        recent[post_id] = row
        if row >= _RECENT_POSTS:
            del recent[ids[row - _RECENT_POSTS]]
        return row

    def _widen(self) -> None:
        """Merge the buckets two by two (each twice as wide)."""
        starts = self._starts
        body = starts[:-1]
        # Bucket k joins old buckets 2k and 2k + 1, or, when the base is odd,
        # 2k - 1 and 2k (the first bucket then stays alone).
        merged = body[:1] + body[1::2] if self._base & 1 else body[::2]
        merged.append(starts[-1])
        self._starts = merged
        self._shift += 1
        self._base >>= 1

    def find(self, post_id: int) -> int:
        """Return the row of ``post_id``, or -1 if it is not one."""
        row = self._recent.get(post_id)
        if row is not None:
            return row
        starts = self._starts
        bucket = (post_id >> self._shift) - self._base
        if bucket < 0 or bucket >= len(starts) - 1:
            return -1
        ids = self._ids
        end = starts[bucket + 1]
        row = bisect_left(ids, post_id, starts[bucket], end)
        return row if row < end and ids[row] == post_id else -1

    @property
    def newest(self) -> Mapping[int, int]:
        """A dict of the newest posts' rows by id (up to 32,768 of them), for a hot loop's ``get``.

        A post missing here may still be a row: ask the index itself then.
        """
        return self._recent

    def rows(self, post_ids: Iterable[int]) -> list[int]:
        """Return the row of each of ``post_ids``, in order.

        Raises:
            KeyError: One of them is not a row.
        """
        return [self[post_id] for post_id in post_ids]

    def __getitem__(self, post_id: int) -> int:
        row = self.find(post_id) if isinstance(post_id, int) else -1
        if row < 0:
            raise KeyError(post_id)
        return row

    @overload
    def get(self, post_id: int, /) -> int | None: ...
    @overload
    def get(self, post_id: int, default: _T, /) -> int | _T: ...
    def get(self, post_id: int, default: object = None, /) -> object:
        """Return the row of ``post_id``, or ``default`` if it is not one."""
        row = self.find(post_id) if isinstance(post_id, int) else -1
        return default if row < 0 else row

    def __contains__(self, post_id: object) -> bool:
        return isinstance(post_id, int) and self.find(post_id) >= 0

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __repr__(self) -> str:
        return f"<post index of {len(self._ids)} posts, {len(self._starts) - 1} buckets>"


class RunTables:
    """The compact tables a run records, indexed by graph node and by post index.

    Accounts are numbered like the follower graph's nodes (``0 .. n - 1``),
    posts in the order they were made (``0 .. posts - 1``). Columns are
    ``array.array`` values (``numpy.frombuffer`` reads them without a copy)
    or lists; ``-1`` marks "none" in an index column.

    Attributes:
        setup_ms: When the starting graph's follows were made (ms since the epoch).
        ids: Account id of each node.
        handles: Handle of each node.
        index_of: Node of each account id (an :class:`AccountIndex`: a dict's
            answers; :meth:`AccountIndex.number` numbers the next accounts).
        following: For each node, the nodes it follows (a :class:`FollowTable`,
            kept in step with the service's ``Followed`` / ``Unfollowed`` events).
        follow_ms: For follows made during the run, ``follower * n + followee``
            to the time they were made.
        post_index: Post index of each post id (a :class:`PostIndex` over
            ``p_id``; add a post's row with ``post_index.append(post_id)``).
        p_id: Post id, increasing.
        p_author: Author's node.
        p_kind: 0 original, 1 reply, 2 repost.
        p_ref: A reply's parent, a repost's original, else -1.
        p_extra: A reply's thread root, a repost's ``via``, else -1.
        p_time: Creation time (ms since the epoch).
        p_visibility: Index into ``Visibility`` members (public, unlisted, private, direct).
        p_text: Text.
        p_appeal: The latent appeal agents saw (a repost has its original's).
        p_likes: Likes received.
        p_reposts: Reposts of it.
        p_replies: Direct replies.
        p_impressions: Times the post itself was shown.
        p_topic: The topic the agent gave the post (-1: none; a repost has its original's).
        p_stance: The stance the post carries (NaN: none; a repost has its original's).
        i_post: Post index of the item shown.
        i_in: 1 when in-network.
        page_time: Time (ms) of each page of the impression log (each feed
            read that showed something).
        page_viewer: Viewer's node, for each page.
        page_end: For each page, the number of impressions up to its end
            (its items are ``i_post[page_end[k - 1]:page_end[k]]``).
        i_time: Impression time (ms): a read-only view repeating ``page_time``.
        i_viewer: Viewer's node: a read-only view repeating ``page_viewer``.
        i_rank: Rank on the page, from 1: a read-only view over ``page_end``.
        e_time: Engagement-log time (ms).
        e_kind: 0 post, 1 reply, 2 repost, 3 like, 4 follow.
        e_account: Who acted (node).
        e_post: The post made, or liked (-1 for a follow).
        e_target: The post replied to, reposted or liked, or the node followed (-1: none).
        stance_snapshots: The stance measures taken during the run (stance agents only).
    """

    def __init__(self, n: int, setup_ms: int = 0) -> None:
        self.setup_ms = setup_ms
        self.ids: list[AccountId] = []
        self.handles: list[str] = []
        self.index_of = AccountIndex()
        self.following = FollowTable(n)
        self.follow_ms: dict[int, int] = {}
        self.p_id = array("q")
        self.post_index = PostIndex(self.p_id)
        self.p_author = array("i")
        self.p_kind = array("b")
        self.p_ref = array("i")
        self.p_extra = array("i")
        self.p_time = array("q")
        self.p_visibility = array("b")
        self.p_text: list[str] = []
        self.p_appeal = array("d")
        self.p_likes = array("i")
        self.p_reposts = array("i")
        self.p_replies = array("i")
        self.p_impressions = array("i")
        self.p_topic = array("i")
        self.p_stance = array("d")
        self.i_post = array("i")
        self.i_in = array("b")
        # What is the same for every item of a page is kept once a page.
        self.page_time = array("q")
        self.page_viewer = array("i")
        self.page_end = array("q")
        self.i_time: Sequence[int] = _PageColumn(self.page_time, self.page_end)
        self.i_viewer: Sequence[int] = _PageColumn(self.page_viewer, self.page_end)
        self.i_rank: Sequence[int] = _RankColumn(self.page_end)
        self.e_time = array("q")
        self.e_kind = array("b")
        self.e_account = array("i")
        self.e_post = array("i")
        self.e_target = array("i")
        self.stance_snapshots: list[StanceSnapshot] = []

    def end_page(self, time_ms: int, viewer: int) -> None:
        """Close a page of the impression log: the items appended since the last one.

        Its items (``i_post`` and ``i_in``, ranked 1, 2, ... in the order
        appended) were shown to ``viewer`` at ``time_ms``. A page with no
        items is not recorded.
        """
        end = len(self.i_post)
        ends = self.page_end
        if end > (ends[-1] if ends else 0):
            self.page_time.append(time_ms)
            self.page_viewer.append(viewer)
            ends.append(end)

    def root_of(self, post: int) -> int:
        """Return the post index of the content ``post`` shows (a repost's original)."""
        return self.p_ref[post] if self.p_kind[post] == _REPOST else post


class _FinishedRun(Protocol):
    """What :class:`SimulationResult` reads from the engine's run state."""

    @property
    def config(self) -> SimulationConfig: ...
    @property
    def feed(self) -> FeedSource: ...
    @property
    def graph(self) -> FollowGraph: ...
    @property
    def population(self) -> Population: ...
    @property
    def ids(self) -> Sequence[AccountId]: ...
    @property
    def handles(self) -> Sequence[str]: ...
    @property
    def actions(self) -> Mapping[str, int]: ...
    @property
    def refused(self) -> Mapping[tuple[str, str], int]: ...
    @property
    def setup_refused(self) -> Mapping[str, int]: ...
    @property
    def session_count(self) -> int: ...
    @property
    def blog(self) -> Microblog: ...
    @property
    def tables(self) -> "RunTables": ...
    @property
    def agent(self) -> Agent: ...


class SimulationResult:
    """What a run did: the tables recorded from the service's events, and counts.

    Index-based tables keep memory small (a few dozen bytes per post and per
    impression). Read them through the record iterators
    (:meth:`impressions`, :meth:`posts`, :meth:`follows`,
    :meth:`engagements`), the metrics in :mod:`microblog_core.sim.report`, or
    the exports in :mod:`microblog_core.sim.export`.

    Attributes:
        config: The run's config.
        feed: The name of the feed the accounts read.
        agent: The agent that decided what the accounts did.
        graph: The follower graph the run started from.
        population: Each account's activity.
        account_ids: The account id of each graph node.
        handles: The handle of each graph node.
        actions: Successful actions by kind (see :data:`ACTION_KINDS`).
        refused: Refused actions by ``(kind, reason)``.
        setup_refused: Graph follows the service refused during setup, by reason.
        sessions: Sessions run.
        blog: The service the run acted on (still open; see :meth:`close`).
        tables: The recorded tables (see :class:`RunTables`).
    """

    def __init__(self, run: _FinishedRun) -> None:
        self.config: SimulationConfig = run.config
        self.feed: str = run.feed.name
        self.graph: FollowGraph = run.graph
        self.population: Population = run.population
        self.account_ids: tuple[AccountId, ...] = tuple(run.ids)
        self.handles: tuple[str, ...] = tuple(run.handles)
        counted = {kind: run.actions.get(kind, 0) for kind in ACTION_KINDS}
        counted.update(
            {kind: run.actions[kind] for kind in EXTRA_ACTION_KINDS if kind in run.actions}
        )
        self.actions: Mapping[str, int] = MappingProxyType(counted)
        self.refused: Mapping[tuple[str, str], int] = MappingProxyType(
            dict(sorted(run.refused.items()))
        )
        self.setup_refused: Mapping[str, int] = MappingProxyType(
            dict(sorted(run.setup_refused.items()))
        )
        self.sessions: int = run.session_count
        self.blog: Microblog = run.blog
        self.tables: RunTables = run.tables
        self.agent: Agent = run.agent

    @property
    def stance_snapshots(self) -> tuple[StanceSnapshot, ...]:
        """The stance measures over time (empty unless the agent holds stances)."""
        return tuple(self.tables.stance_snapshots)

    # -- sizes -------------------------------------------------------------

    @property
    def account_count(self) -> int:
        """The number of accounts."""
        return len(self.account_ids)

    @property
    def post_count(self) -> int:
        """Posts made during the run (originals, replies and reposts)."""
        return len(self.tables.p_id)

    @property
    def impression_count(self) -> int:
        """Items shown, over all feed reads."""
        return len(self.tables.i_post)

    @property
    def follow_count(self) -> int:
        """Follows at the end of the run."""
        return sum(map(len, self.tables.following))

    def posts_of_kind(self, kind: str) -> int:
        """Return how many posts of ``kind`` (``"post"``, ``"reply"``, ``"repost"``) were made."""
        code = POST_KINDS.index(kind)
        return self.tables.p_kind.count(code)

    @property
    def refused_total(self) -> int:
        """Actions the rules refused."""
        return sum(self.refused.values())

    def refused_count(self, kind: str) -> int:
        """Return how many actions of ``kind`` the rules refused, whatever the reason."""
        return sum(count for (action, _), count in self.refused.items() if action == kind)

    @property
    def attempted_total(self) -> int:
        """Actions attempted (successful and refused)."""
        return sum(self.actions.values()) + self.refused_total

    # -- records -------------------------------------------------------------

    def impressions(self) -> Iterator[Impression]:
        """Iterate over the impression log in the order items were shown."""
        run = self.tables
        ids = self.account_ids
        p_id, p_author, p_kind, p_ref = run.p_id, run.p_author, run.p_kind, run.p_ref
        for time_ms, viewer, post, rank, inside in zip(
            run.i_time, run.i_viewer, run.i_post, run.i_rank, run.i_in, strict=True
        ):
            root = p_ref[post] if p_kind[post] == _REPOST else post
            yield Impression(
                time=_instant(time_ms),
                viewer_id=ids[viewer],
                post_id=PostId(p_id[post]),
                author_id=ids[p_author[post]],
                root_id=PostId(p_id[root]),
                root_author_id=ids[p_author[root]],
                rank=rank,
                in_network=bool(inside),
            )

    def posts(self) -> Iterator[PostRecord]:
        """Iterate over the posts made during the run, oldest first."""
        run = self.tables
        ids = self.account_ids
        p_id = run.p_id

        def post_id(index: int) -> PostId | None:
            return PostId(p_id[index]) if index >= 0 else None

        for index in range(len(p_id)):
            kind = run.p_kind[index]
            ref = run.p_ref[index]
            yield PostRecord(
                id=PostId(p_id[index]),
                author_id=ids[run.p_author[index]],
                created_at=_instant(run.p_time[index]),
                kind=POST_KINDS[kind],
                visibility=_VISIBILITIES[run.p_visibility[index]].value,
                text=run.p_text[index],
                reply_to_id=post_id(ref) if kind == _REPLY else None,
                thread_root_id=post_id(run.p_extra[index]) if kind == _REPLY else None,
                repost_of_id=post_id(ref) if kind == _REPOST else None,
                via_id=post_id(run.p_extra[index]) if kind == _REPOST else None,
                likes=run.p_likes[index],
                reposts=run.p_reposts[index],
                replies=run.p_replies[index],
                impressions=run.p_impressions[index],
                appeal=run.p_appeal[index],
            )

    def follows(self) -> Iterator[tuple[AccountId, AccountId, datetime, bool]]:
        """Iterate over the follows at the end of the run.

        Yields:
            ``(follower_id, followee_id, created_at, from_graph)``, by follower
            then followee graph index; ``from_graph`` is True for the follows
            the run started with.
        """
        run = self.tables
        ids = self.account_ids
        n = len(ids)
        setup = _instant(run.setup_ms)
        made = run.follow_ms
        for follower, followees in enumerate(run.following):
            for followee in sorted(followees):
                ms = made.get(follower * n + followee)
                yield (
                    ids[follower],
                    ids[followee],
                    setup if ms is None else _instant(ms),
                    ms is None,
                )

    def engagements(self) -> Iterator[tuple[datetime, str, AccountId, PostId | None, int]]:
        """Iterate over the run's actions that created something, in order.

        Yields:
            ``(time, kind, account_id, post_id, target)``: ``kind`` is one of
            ``post``, ``reply``, ``repost``, ``like``, ``follow``; ``post_id`` is
            the post made (the post liked, for a like; None for a follow);
            ``target`` is the post replied to, reposted or liked, or the
            account followed (0 for an original post).
        """
        run = self.tables
        ids = self.account_ids
        p_id = run.p_id
        for time_ms, kind, account, post, target in zip(
            run.e_time, run.e_kind, run.e_account, run.e_post, run.e_target, strict=True
        ):
            name = ENGAGEMENT_KINDS[kind]
            if kind == _E_FOLLOW:
                yield _instant(time_ms), name, ids[account], None, ids[target]
            else:
                yield (
                    _instant(time_ms),
                    name,
                    ids[account],
                    PostId(p_id[post]),
                    p_id[target] if target >= 0 else 0,
                )

    def cascade_records(self) -> Iterator[tuple[int, int | None]]:
        """Iterate over ``(post_id, parent_id)`` for every post made.

        A post that is not a repost (an original or a reply, which can be
        reposted too) is a root, with parent None; a repost's parent is the
        repost it came through (``via``), else its original. Feed these to
        :func:`~microblog_core.sim.metrics.cascades_from`.
        """
        run = self.tables
        p_id = run.p_id
        for index in range(len(p_id)):
            if run.p_kind[index] == _REPOST:
                via = run.p_extra[index]
                yield p_id[index], p_id[via if via >= 0 else run.p_ref[index]]
            else:
                yield p_id[index], None

    def final_graph(self) -> FollowGraph:
        """Return the follower graph at the end of the run (nodes are graph indices)."""
        run = self.tables
        edges = [(a, b) for a, followees in enumerate(run.following) for b in sorted(followees)]
        return FollowGraph(n=len(self.account_ids), edges=edges)

    def close(self) -> None:
        """Close the service's store (a SQLite connection, for instance)."""
        self.blog.close()

    def __repr__(self) -> str:
        return (
            f"SimulationResult(feed={self.feed!r}, accounts={self.account_count}, "
            f"posts={self.post_count}, impressions={self.impression_count})"
        )
