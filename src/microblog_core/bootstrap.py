"""The composition root: the one place where stores are built and handed to the service.

The service, the rules and the read models never import an adapter; they
talk to storage through :mod:`microblog_core.ports`. This module is where a
concrete store meets the service. :meth:`Microblog.in_memory
<microblog_core.service.Microblog.in_memory>` and :meth:`Microblog.sqlite
<microblog_core.service.Microblog.sqlite>` are the public doors and
delegate here; the simulation builds its services here too. A new adapter
gets a ``*_store`` function here (importing its package lazily when it
needs an optional dependency), and nothing else in the core changes.

Example:
    >>> from microblog_core import ManualClock, bootstrap
    >>> blog = bootstrap.build(bootstrap.memory_store(), clock=ManualClock())
    >>> blog.register("ann").handle
    'ann'
    >>> blog.close()
"""

from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from microblog_core.clock import Clock
from microblog_core.ids import IdGenerator
from microblog_core.ports import Store
from microblog_core.service import Microblog
from microblog_core.storage.memory import MemoryStore
from microblog_core.storage.sqlite import SqliteStore
from microblog_core.writer_ids import lease_file_writer, writer_generator

if TYPE_CHECKING:
    from microblog_core.storage.postgres import PostgresStore

__all__ = ["build", "file_writer_ids", "memory_store", "postgres_store", "sqlite_store"]

_Service = TypeVar("_Service", bound=Microblog)


def memory_store() -> MemoryStore:
    """Return a fresh in-memory store (fast; lost when the process ends)."""
    return MemoryStore()


def sqlite_store(path: str | Path) -> SqliteStore:
    """Return a store on the SQLite database at ``path`` (or ``":memory:"``).

    Raises:
        StorageError: The file cannot be opened or is not a database of this library.
    """
    return SqliteStore(path)


def postgres_store(
    url: str, *, schema: str = "microblog", redis_url: str | None = None
) -> "PostgresStore":
    """Return a store in PostgreSQL (extra ``postgres``), home feeds in Redis if given.

    Args:
        url: The PostgreSQL URL.
        schema: The schema holding the store (one database can hold several).
        redis_url: A Redis URL for the home feeds (extra ``redis``); by
            default they are rows of the database.

    Raises:
        StorageError: A server cannot be reached, or the schema is not one
            this version can open.
    """
    from microblog_core.storage.postgres import PostgresStore

    feeds = None
    if redis_url is not None:
        from microblog_core.storage.redis import RedisFeeds

        feeds = RedisFeeds(redis_url, prefix=f"{schema}:")
    return PostgresStore(url, schema=schema, feeds=feeds)


def file_writer_ids(store: SqliteStore, clock: Clock | None) -> IdGenerator | None:
    """Ids for a service on an SQLite file, with a writer part leased beside the file.

    Several processes writing one file then never mint the same id. An
    in-memory database (``":memory:"``) has one writer: it gets None (the
    service's default generator).
    """
    if store.path == ":memory:":
        return None
    return writer_generator(clock, lease_file_writer(store.path))


def build(
    store: Store,
    *,
    service: type[_Service] = Microblog,  # type: ignore[assignment]  # the default class
    **options: Any,
) -> _Service:
    """Return a service that owns ``store`` (closing the service closes it).

    Args:
        store: A store built by this module, or any
            :class:`~microblog_core.ports.Store`.
        service: The service class (a subclass of
            :class:`~microblog_core.service.Microblog` builds itself here too).
        **options: The service's keyword arguments (``clock``, ``policy``,
            ``timeline``...).

    Returns:
        The service.
    """
    return service(store.unit_of_work, store=store, **options)
