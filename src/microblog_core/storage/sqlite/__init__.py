"""The embedded, durable storage adapter, on the standard library's :mod:`sqlite3`.

:class:`SqliteStore` opens a file (or ``":memory:"``) and hands out units of
work that satisfy :class:`microblog_core.ports.UnitOfWork`. It passes the
contract suite in :mod:`microblog_core.testing.contracts`.

How it behaves:

- **Transactions.** One SQLite transaction per unit of work. A writing unit
  opens it with ``BEGIN IMMEDIATE`` (so two writers never deadlock on a lock
  upgrade); a read-only unit with a deferred ``BEGIN`` and refuses writes.
  The transaction starts at the unit's first operation; ``commit()`` and
  ``rollback()`` end it, and the next operation starts a new one. Leaving the
  ``with`` block rolls back whatever was not committed.
- **Durability.** ``journal_mode=WAL`` with ``synchronous=NORMAL``: a commit
  survives the process being killed (the WAL is in the operating system's
  page cache). Pass ``synchronous="full"`` to survive power loss too, at the
  price of an fsync per commit. ``":memory:"`` databases have no WAL.
- **Concurrency.** Between processes: SQLite's file locks; a writer waits up
  to ``busy_timeout`` seconds for another writer and retries with backoff
  when SQLite reports the database busy, so concurrent writers lose nothing.
  Between threads: the store has one connection (opened with
  ``check_same_thread=False``) and a lock that a unit holds from entering to
  leaving, so units of one store are serialized and each belongs to the
  thread that entered it. A unit that writes cannot be opened inside another
  unit of the same thread; a read-only one can, and then reads inside the
  outer unit's transaction, seeing its writes (as in the memory adapter).
- **Errors.** No :mod:`sqlite3` exception escapes. Constraint failures become
  :class:`~microblog_core.errors.ConflictError` (or its leaves) and
  :class:`~microblog_core.errors.NotFoundError`; anything else, including a
  corrupt or foreign file, becomes :class:`~microblog_core.errors.StorageError`.
  A bad argument raises the same class as in every adapter (the table in
  ``microblog_core._checks``: :class:`~microblog_core.errors.InvalidIdError`
  for an id or cursor, :class:`~microblog_core.errors.ValidationError` for
  the rest) before any SQL runs. Every statement is a constant with ``?``
  parameters.
- **Schema.** See ``microblog_core.storage.sqlite._schema``: versioned with
  ``PRAGMA user_version``, migrated forward on open; a file from a newer
  version is refused.

The package keeps one concept per module: ``_errors`` (exception
translation), ``_params`` and ``_rows`` (arguments and values to SQL and
back), ``_sql`` (the statements), ``_schema`` (DDL and migrations), one
module per repository, ``_unit`` (the unit of work) and ``_store``.

Example:
    >>> from datetime import datetime, timezone
    >>> from microblog_core.models import Account
    >>> from microblog_core.storage.sqlite import SqliteStore
    >>> with SqliteStore(":memory:") as store:
    ...     with store.unit_of_work() as unit:
    ...         unit.accounts.add(
    ...             Account.create(
    ...                 id=1, handle="Ada", created_at=datetime(2026, 1, 1, tzinfo=timezone.utc)
    ...             )
    ...         )
    ...         unit.commit()
    ...     with store.unit_of_work(readonly=True) as unit:
    ...         unit.accounts.by_handle("ada").id
    1
"""

from microblog_core.storage.sqlite._store import SqliteStore
from microblog_core.storage.sqlite._unit import SqliteUnitOfWork

__all__ = ["SqliteStore", "SqliteUnitOfWork"]
