"""The shared storage adapter for many writers, on PostgreSQL (extra ``postgres``).

:class:`PostgresStore` keeps a store in one schema of a PostgreSQL database
(version 15 or later) and hands out units of work that satisfy
:class:`microblog_core.ports.UnitOfWork`. It passes the contract suite in
:mod:`microblog_core.testing.contracts`, alone and with home feeds in Redis
(:class:`microblog_core.storage.redis.RedisFeeds`).

How it behaves:

- **Connections.** A :class:`psycopg_pool.ConnectionPool`, opened from a URL
  or given. A unit borrows one connection from entering to leaving, so
  units of different threads run at once. A read-only unit opened inside a
  writing unit of the same thread reads inside that unit's transaction.
- **Isolation.** Writing units run at ``SERIALIZABLE``: a use case reads,
  asks the rules, then writes, and only serializable isolation makes such
  read-check-write units safe against each other (a follow racing a block,
  two likes of one post) without locks the adapter cannot know to take.
  PostgreSQL's serializable snapshot isolation takes no read locks; it
  aborts one of two units that could not have run one after the other with
  SQLSTATE ``40001``. Read-only units run at ``REPEATABLE READ READ ONLY``:
  one snapshot, never aborted.
- **Errors.** No psycopg exception escapes. Serialization failures (40001),
  deadlocks (40P01) and a connection lost before the commit raise
  :class:`~microblog_core.errors.TransientStorageError`; the service runs the
  whole use case again, a bounded number of times. Constraint refusals
  become ``ConflictError`` (and its leaves) and ``NotFoundError``; anything
  else ``StorageError``. A bad URL, a server that is down, or a schema
  migrated by a newer version each give one ``StorageError`` naming the cause.
- **Schema.** Versioned forward migrations in a named schema
  (``microblog_core.storage.postgres._schema``); see ``docs/postgres.md``.
"""

from microblog_core.storage.postgres._schema import LATEST_VERSION
from microblog_core.storage.postgres._store import PostgresStore
from microblog_core.storage.postgres._unit import PostgresUnitOfWork

__all__ = [
    "LATEST_VERSION",
    "PostgresStore",
    "PostgresUnitOfWork",
]
