"""The memory adapter's notifications, column-wise: no Python object per notification.

A simulated day writes millions of notifications and reads few of them back
(a session reads its notifications only when asked to), so the table keeps
each field in an ``array`` column, a row per notification, ordered by id,
and builds a :class:`~microblog_core.models.Notification` only when one is
read. A notification object, its ``created_at`` and its dict entry cost
about 160 bytes; a row costs 42.

* ``ids`` ascending (notification ids are time-sortable, so a new one is
  nearly always an append), found by binary search;
* ``account``, ``sender`` and ``post`` (``0`` for none: ids are positive);
* ``us``, ``created_at`` in microseconds since the Unix epoch (UTC);
* ``flags``: the kind's position in :class:`NotificationKind`, plus
  ``_FILTERED`` for a held-back one; ``_DEAD`` marks a removed row.

A removed row stays as a tombstone (a removal is a flag write, and putting
the same notification back, as a unit's undo does, revives it in place);
trailing tombstones are cut off at once, and the table is compacted when
tombstones outnumber live rows.
"""

from __future__ import annotations

from array import array
from bisect import bisect_left
from collections.abc import Iterator, Mapping
from datetime import timedelta
from itertools import compress

from microblog_core.ids import EPOCH, AccountId, NotificationId, PostId
from microblog_core.models import Notification, NotificationKind

__all__ = ["NotificationTable"]

_KINDS = tuple(NotificationKind)
_FILTERED = 64
_DEAD = -1
_ONE_US = timedelta(microseconds=1)


class NotificationTable(Mapping[int, Notification]):
    """Notifications by id, column-wise: a read-only mapping, with :meth:`add` and :meth:`drop`.

    Reads return a new :class:`Notification` equal to the one added.
    """

    __slots__ = ("_account", "_dead", "_flags", "_ids", "_last", "_post", "_sender", "_us")

    def __init__(self) -> None:
        self._ids = array("q")
        self._account = array("q")
        self._sender = array("q")
        self._post = array("q")
        self._us = array("q")
        self._flags = array("b")
        self._dead = 0
        self._last: tuple[object, int] = (None, 0)  # the last created_at read, in microseconds

    def _row(self, nid: object) -> int:
        """The row of live notification ``nid``, or -1."""
        if nid.__class__ is not int:
            return -1
        ids = self._ids
        if not ids or nid > ids[-1]:  # a new notification's id: no search
            return -1
        row = bisect_left(ids, nid)
        if row < len(ids) and ids[row] == nid and self._flags[row] != _DEAD:
            return row
        return -1

    def _build(self, row: int) -> Notification:
        flags = self._flags[row]
        post = self._post[row]
        return Notification._quick(
            NotificationId(self._ids[row]),
            AccountId(self._account[row]),
            _KINDS[flags & ~_FILTERED],
            AccountId(self._sender[row]),
            PostId(post) if post else None,
            EPOCH + self._us[row] * _ONE_US,
            bool(flags & _FILTERED),
        )

    # -- the mapping

    def __getitem__(self, nid: int) -> Notification:
        row = self._row(nid)
        if row < 0:
            raise KeyError(nid)
        return self._build(row)

    def __contains__(self, nid: object) -> bool:
        ids = self._ids
        if nid.__class__ is int and ids and nid > ids[-1]:
            return False  # a new notification's id, checked before it is added: no call
        return self._row(nid) >= 0

    def __len__(self) -> int:
        return len(self._ids) - self._dead

    def __iter__(self) -> Iterator[int]:
        live = (flags != _DEAD for flags in self._flags)
        return compress(self._ids, live)

    def last_id(self) -> int | None:
        """The greatest live id (None when empty)."""
        # Trailing tombstones are cut off as they are made, so the last row is live.
        return self._ids[-1] if self._ids else None

    def kind_of(self, nid: int) -> NotificationKind:
        """The kind of live notification ``nid`` (without building it)."""
        return _KINDS[self._flags[self._row(nid)] & ~_FILTERED]

    def post_of(self, nid: int) -> int | None:
        """The post of live notification ``nid`` (without building it)."""
        post = self._post[self._row(nid)]
        return post if post else None

    # -- writes

    def add(self, n: Notification) -> None:
        """Add ``n``, whose id the table does not hold live."""
        nid = n.id
        post = n.post_id
        created = n.created_at
        last, us = self._last
        if created is not last:  # the notifications of one write share their time
            us = (created - EPOCH) // _ONE_US
            self._last = (created, us)
        # (an index, not a dict: an Enum member hashes in Python)
        flags = _KINDS.index(n.kind) | (_FILTERED if n.filtered else 0)
        ids = self._ids
        if not ids or ids[-1] < nid:  # nearly always: ids grow with time
            ids.append(nid)
            self._account.append(n.account_id)
            self._sender.append(n.from_account_id)
            self._post.append(0 if post is None else post)
            self._us.append(us)
            self._flags.append(flags)
            return
        values = (nid, n.account_id, n.from_account_id, 0 if post is None else post, us, flags)
        columns = (ids, self._account, self._sender, self._post, self._us, self._flags)
        row = bisect_left(ids, nid)
        if ids[row] == nid:  # a tombstone (the caller checked): revive it
            self._dead -= 1
            for column, value in zip(columns, values, strict=True):
                column[row] = value
        else:
            for column, value in zip(columns, values, strict=True):
                column.insert(row, value)

    def drop(self, nid: int) -> None:
        """Remove live notification ``nid``."""
        row = self._row(nid)
        if row < 0:
            raise KeyError(nid)
        flags = self._flags
        flags[row] = _DEAD
        self._dead += 1
        columns = (self._ids, self._account, self._sender, self._post, self._us, flags)
        while flags and flags[-1] == _DEAD:
            for column in columns:
                column.pop()
            self._dead -= 1
        if self._dead > 64 and 2 * self._dead > len(flags):
            self._compact()

    def _compact(self) -> None:
        live = [flags != _DEAD for flags in self._flags]
        for name in ("_ids", "_account", "_sender", "_post", "_us", "_flags"):
            column = getattr(self, name)
            setattr(self, name, array(column.typecode, compress(column, live)))
        self._dead = 0
