"""The memory adapter's follow index: every follow edge, compactly.

Simulations hold millions of follow edges, so the graph keeps no Python
object per edge. Each account owns one ``array('q')`` of 64-bit integers::

    [header, in_0 ... in_{m-1}, out_0 ... out_{k-1}, t_0 ... t_{k-1}]

The header holds ``k``, how many accounts it follows, and one flag bit saying
that the follower segment may be out of order. ``in`` holds the ids of its followers,
appended as they come and sorted only when someone pages through them (a
celebrity's follower list takes appends cheaply). ``out`` holds the ids it
follows, kept sorted so that a lookup is a binary search, and ``t`` the
creation time of each of those follows, in microseconds since the Unix epoch,
parallel to ``out``. That is 24 bytes per edge plus the array's small
over-allocation, against about 150 for a ``networkx.DiGraph``.

(Named an index, not a graph: :class:`microblog_core.sim.graphs.FollowGraph`
is the simulation's value of a whole graph; this is a store's mutable index.)

The array of an account is made when the account is registered
(:meth:`FollowIndex.add_node`), as networkx makes a node's adjacency dicts in
``add_node``, so adding an edge never allocates a container.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Collection, Iterator, Sequence
from itertools import islice
from operator import gt
from typing import TYPE_CHECKING

__all__ = ["DistinctIds", "FollowIndex", "FollowerIds"]

_UNSORTED = 1 << 62
_COUNT = _UNSORTED - 1


if TYPE_CHECKING:
    _IntArray = array[int]
else:
    _IntArray = array


class DistinctIds(_IntArray):
    """An ``array('q')`` of ids known to hold each id at most once (a follower list).

    Bulk writes can skip their duplicate checks for it.
    """

    __slots__ = ()


class FollowerIds(Collection[int]):
    """The ids following one account, as a :class:`FollowIndex` held them (read-only).

    What :meth:`~microblog_core.ports.RelationRepository.follower_ids` returns.
    It remembers whose followers these are and the index's write count when
    they were read, so a fan-out handed this very value back can tell that
    it still names exactly the account's followers (see ``Feeds.send``).
    """

    __slots__ = ("_ids", "followee", "index", "writes")

    def __init__(self, ids: DistinctIds, followee: int, index: FollowIndex) -> None:
        self._ids = ids
        self.followee = followee
        self.index = index
        self.writes = index.writes

    @property
    def ids(self) -> DistinctIds:
        """The ids themselves (not a copy: do not change them)."""
        return self._ids

    def is_current(self, index: FollowIndex) -> bool:
        """Whether these are still all of the followee's followers in ``index``."""
        return index is self.index and index.writes == self.writes

    def __len__(self) -> int:
        return len(self._ids)

    def __iter__(self) -> Iterator[int]:
        return iter(self._ids)

    def __contains__(self, value: object) -> bool:
        return value in self._ids

    def __repr__(self) -> str:
        return f"<FollowerIds of {self.followee}: {len(self._ids)} ids>"


class FollowIndex:
    """Directed edges between integer nodes, each with an integer time.

    Nodes must be added before edges touch them; self-loops are not supported
    (the caller refuses them). Not thread-safe: the store's lock guards it.
    """

    __slots__ = ("_adj", "writes")

    def __init__(self) -> None:
        self._adj: dict[int, array[int]] = {}
        self.writes = 0  # edges added or removed so far: a FollowerIds is current while it holds

    def add_node(self, node: int) -> None:
        """Make room for ``node``'s edges."""
        self._adj[node] = array("q", (0,))

    def remove_node(self, node: int) -> None:
        """Forget a node that has no edges (the undo of :meth:`add_node`)."""
        del self._adj[node]

    def __contains__(self, node: object) -> bool:
        return node in self._adj

    def out_degree(self, node: int) -> int:
        """Return how many nodes ``node`` points to."""
        arr = self._adj.get(node)
        return 0 if arr is None else arr[0] & _COUNT

    def in_degree(self, node: int) -> int:
        """Return how many nodes point to ``node``."""
        arr = self._adj.get(node)
        return 0 if arr is None else len(arr) - 1 - 2 * (arr[0] & _COUNT)

    def time(self, source: int, target: int) -> int | None:
        """Return the time of the edge ``source -> target``, or None if there is none."""
        arr = self._adj.get(source)
        if arr is None:
            return None
        k = arr[0] & _COUNT
        hi = len(arr) - k
        i = bisect_left(arr, target, hi - k, hi)
        if i < hi and arr[i] == target:
            return arr[i + k]
        return None

    def add(self, source: int, target: int, time: int) -> int | None:
        """Add the edge, or set its time if it exists; return the previous time or None."""
        arr = self._adj[source]
        header = arr[0]
        k = header & _COUNT
        hi = len(arr) - k
        lo = hi - k
        i = bisect_left(arr, target, lo, hi)
        if i < hi and arr[i] == target:
            previous = arr[i + k]
            arr[i + k] = time
            return previous
        # Insert the time first: its slot, hi + (i - lo), lies after i, so inserting
        # the target at i afterwards moves it, and every later time, one step right.
        arr.insert(hi + i - lo, time)
        arr.insert(i, target)
        arr[0] = header + 1
        self.writes += 1
        back = self._adj[target]
        back_header = back[0]
        end = len(back) - 2 * (back_header & _COUNT)
        if end > 1 and back[end - 1] > source:
            back[0] = back_header | _UNSORTED
        back.insert(end, source)
        return None

    @staticmethod
    def group(
        sources: Sequence[int], targets: Sequence[int]
    ) -> tuple[dict[int, list[int]], dict[int, list[int]]]:
        """Group edges by source (their targets) and by target (their sources, in order).

        Every pass runs at C speed (``map`` over bound methods), so ten
        million edges group in a few seconds.
        """
        outs: dict[int, list[int]] = {node: [] for node in dict.fromkeys(sources)}
        ins: dict[int, list[int]] = {node: [] for node in dict.fromkeys(targets)}
        deque(map(list.append, map(outs.__getitem__, sources), targets), maxlen=0)
        deque(map(list.append, map(ins.__getitem__, targets), sources), maxlen=0)
        return outs, ins

    def add_grouped(self, outs: dict[int, list[int]], ins: dict[int, list[int]], time: int) -> None:
        """Add new edges grouped by :meth:`group`, all with ``time``, in bulk.

        What :meth:`add` would leave, edge by edge. The caller guarantees that
        every node exists and that no edge is a self-loop, repeats another or
        exists already (the store checks). Each touched array is rebuilt once.
        """
        adj = self._adj
        added = 0
        for node in outs.keys() | ins.keys():
            arr = adj[node]
            new_followers = ins.get(node, [])
            new_targets = outs.get(node, [])
            added += len(new_targets)
            if len(arr) == 1 and not arr[0]:  # no edges yet: the usual case
                unsorted = _UNSORTED if sorted(new_followers) != new_followers else 0
                new_targets.sort()
                rebuilt = array("q", (len(new_targets) | unsorted,))
                rebuilt.extend(new_followers)
                rebuilt.extend(new_targets)
                rebuilt.extend(array("q", (time,)) * len(new_targets))
                adj[node] = rebuilt
                continue
            header = arr[0]
            k = header & _COUNT
            hi = len(arr) - k
            lo = hi - k
            followers = arr[1:lo].tolist() + new_followers
            unsorted = header & _UNSORTED
            if not unsorted and followers != sorted(followers):
                unsorted = _UNSORTED
            pairs = sorted(
                [*zip(arr[lo:hi].tolist(), arr[hi:].tolist(), strict=True)]
                + [(target, time) for target in new_targets]
            )
            rebuilt = array("q", (len(pairs) | unsorted,))
            rebuilt.extend(followers)
            rebuilt.extend([target for target, _ in pairs])
            rebuilt.extend([when for _, when in pairs])
            adj[node] = rebuilt
        self.writes += added

    def load_rows(
        self,
        nodes: Sequence[int],
        *,
        out_offsets: Sequence[int],
        out_targets: array[int],
        in_offsets: Sequence[int],
        in_sources: array[int],
        time: int,
    ) -> None:
        """Give new nodes their edges, from compressed sparse rows, all with ``time``.

        Node ``nodes[i]`` points to ``out_targets[out_offsets[i]:out_offsets[i + 1]]``
        (ascending) and is pointed to by ``in_sources[in_offsets[i]:in_offsets[i + 1]]``.
        The caller guarantees the nodes are new (or have no edges), the rows
        hold only these nodes, and no edge is a self-loop or repeats (the
        store checks). Each node's array is built once, by slicing.
        """
        adj = self._adj
        times = array("q", (time,)) * max(
            (b - a for a, b in zip(out_offsets, islice(out_offsets, 1, None), strict=False)),
            default=0,
        )
        for i, node in enumerate(nodes):
            lo, hi = out_offsets[i], out_offsets[i + 1]
            followers = in_sources[in_offsets[i] : in_offsets[i + 1]]
            unsorted = _UNSORTED if any(map(gt, followers, islice(followers, 1, None))) else 0
            # Concatenated, not extended: the result is exactly its size (extending
            # over-allocates by an eighth, about 60 bytes an account).
            header = array("q", ((hi - lo) | unsorted,))
            adj[node] = header + followers + out_targets[lo:hi] + times[: hi - lo]
        self.writes += len(out_targets)

    def unload_rows(self, nodes: Sequence[int], edges: int) -> None:
        """Undo :meth:`load_rows` (the nodes stay, without edges)."""
        adj = self._adj
        for node in nodes:
            adj[node] = array("q", (0,))
        self.writes += edges

    def remove(self, source: int, target: int) -> int | None:
        """Remove the edge and return its time, or return None if there was none."""
        arr = self._adj.get(source)
        if arr is None:
            return None
        header = arr[0]
        k = header & _COUNT
        hi = len(arr) - k
        i = bisect_left(arr, target, hi - k, hi)
        if i == hi or arr[i] != target:
            return None
        time = arr[i + k]
        del arr[i + k]
        del arr[i]
        arr[0] = header - 1
        self.writes += 1
        back = self._adj[target]
        back_header = back[0]
        end = len(back) - 2 * (back_header & _COUNT)
        if back_header & _UNSORTED:
            j = back.index(source, 1, end)
            if end == 2:
                back[0] = back_header & _COUNT
        else:
            j = bisect_left(back, source, 1, end)
        del back[j]
        return time

    def _sorted_in(self, node: int) -> tuple[array[int], int]:
        """Return the node's array with its follower segment sorted, and the segment's end."""
        arr = self._adj[node]
        header = arr[0]
        end = len(arr) - 2 * (header & _COUNT)
        if header & _UNSORTED:
            arr[1:end] = array("q", sorted(arr[1:end]))
            arr[0] = header & _COUNT
        return arr, end

    def sources(self, node: int, *, after: int | None, limit: int) -> list[int]:
        """Return up to ``limit`` nodes pointing to ``node``, ascending, greater than ``after``."""
        if node not in self._adj:
            return []
        arr, end = self._sorted_in(node)
        start = 1 if after is None else bisect_right(arr, after, 1, end)
        return arr[start : min(end, start + limit)].tolist()

    def targets(self, node: int, *, after: int | None, limit: int) -> list[tuple[int, int]]:
        """Return up to ``limit`` ``(target, time)`` pairs of ``node``, by target ascending."""
        arr = self._adj.get(node)
        if arr is None:
            return []
        k = arr[0] & _COUNT
        hi = len(arr) - k
        lo = hi - k
        start = lo if after is None else bisect_right(arr, after, lo, hi)
        stop = min(hi, start + limit)
        return list(zip(arr[start:stop].tolist(), arr[start + k : stop + k].tolist(), strict=True))

    def source_ids(self, node: int) -> FollowerIds:
        """Return a copy of the ids pointing to ``node`` (in no particular order)."""
        ids = DistinctIds("q")
        arr = self._adj.get(node)
        if arr is not None:
            ids.extend(arr[1 : len(arr) - 2 * (arr[0] & _COUNT)])
        return FollowerIds(ids, node, self)

    def target_ids(self, node: int) -> array[int]:
        """Return a copy of the ids ``node`` points to, ascending."""
        arr = self._adj.get(node)
        if arr is None:
            return array("q")
        k = arr[0] & _COUNT
        hi = len(arr) - k
        return arr[hi - k : hi]

    def snapshot(self) -> dict[int, tuple[tuple[int, ...], tuple[tuple[int, int], ...]]]:
        """Return every node's sorted sources and ``(target, time)`` pairs (for tests)."""
        result = {}
        for node, arr in self._adj.items():
            k = arr[0] & _COUNT
            hi = len(arr) - k
            lo = hi - k
            pairs = tuple(zip(arr[lo:hi].tolist(), arr[hi:].tolist(), strict=True))
            result[node] = (tuple(sorted(arr[1:lo])), pairs)
        return result
