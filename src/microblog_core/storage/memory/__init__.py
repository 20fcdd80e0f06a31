"""The in-memory storage adapter: the reference implementation of the ports.

:class:`MemoryStore` is a real, fast store for services that need no
durability and for simulations with millions of posts and follows; it is not a
test double. It passes the whole contract suite
(:mod:`microblog_core.testing.contracts`).

How it keeps the guarantees of :mod:`microblog_core.ports`:

- **Indexes.** Each author's posts are a list of ids in id order (appended,
  or placed by binary search for back-filled ids); so are replies by parent,
  replies by thread root, reposts by root, quotes, tags, mentions and public
  posts. Pages and streams are binary searches into those lists, and
  :meth:`~microblog_core.ports.PostRepository.stream` walks one lazily.
- **Counters** are the sizes of those indexes, so they cost O(1) to read and
  can never drift from a recount.
- **Follows** live in a compact index: one ``array('q')`` per account holding
  its followers, its followees and the follows' times (about 24 bytes per
  edge). ``Follow`` values are rebuilt on read; follows with non-default
  options are also kept as values.
- **Feeds** are ascending lists of post ids, one per reader, found with one
  dict lookup; a post's author is kept once, not once per entry. Accounts
  with many followers also index their followers' feeds (kept exact by
  every follow write), so fanning a new post out to them is one append per
  follower.
- **Isolation.** One re-entrant lock per store is held for a unit's whole
  life, from ``__enter__`` to ``__exit__``: units are serializable, and a
  unit in another thread waits until the current one ends. A unit that
  writes cannot be opened inside another unit of the same thread (it would
  deadlock in a real database); a read-only unit can, and then sees the
  outer unit's writes.
- **Atomicity.** Writes apply at once and append their inverse to the unit's
  undo log; :meth:`MemoryUnitOfWork.rollback` (and leaving the ``with``
  block without committing) replays the log backwards, restoring values,
  indexes, counters and feeds exactly. A unit that wrote nothing has nothing
  to undo. :meth:`~MemoryUnitOfWork.commit` empties the log; the unit stays
  usable until the block ends.

Values are immutable, so they are stored as given, never copied. Bad
arguments raise the classes of :mod:`microblog_core._checks`, as every
adapter does.

The package keeps one concept per module: ``_state`` (values and indexes,
with each primitive write and its inverse), ``_follow_index``, ``_feeds``
(layout and fan-out), ``_sorted`` (id lists and pages), ``_streams`` (lazy
and merged walks), ``_repositories``, ``_unit`` (the unit of work and its
undo log) and ``_store``.

Example:
    >>> from datetime import datetime, timezone
    >>> from microblog_core.models import Account
    >>> from microblog_core.storage.memory import MemoryStore
    >>> store = MemoryStore()
    >>> with store.unit_of_work() as uow:
    ...     uow.accounts.add(
    ...         Account.create(
    ...             id=1, handle="alice", created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)
    ...         )
    ...     )
    ...     uow.commit()
    >>> with store.unit_of_work(readonly=True) as uow:
    ...     uow.accounts.by_handle("ALICE").id
    1
"""

from microblog_core.storage.memory._store import MemoryStore
from microblog_core.storage.memory._unit import MemoryUnitOfWork

__all__ = ["MemoryStore", "MemoryUnitOfWork"]

MemoryStore.__module__ = __name__
MemoryUnitOfWork.__module__ = __name__
