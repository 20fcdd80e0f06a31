"""The PostgreSQL store: a connection pool, a schema, and units of work over them."""

# ruff: noqa: S608  # the only text put into SQL is the checked schema identifier

import random
import threading
import weakref
from collections.abc import Iterable
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, Self

import psycopg
import psycopg_pool
from psycopg import conninfo

from microblog_core import _checks
from microblog_core.clock import Clock
from microblog_core.errors import StorageError
from microblog_core.models import Account, Follow, Post
from microblog_core.ports import Store, UnitOfWork
from microblog_core.storage._external_feeds import ExternalFeeds
from microblog_core.storage.postgres._errors import guarded, translate
from microblog_core.storage.postgres._rows import follow_params
from microblog_core.storage.postgres._schema import (
    APPLICATION,
    LATEST_VERSION,
    MIGRATIONS,
    TOTAL_SHARDS,
    check_schema_name,
    newer_schema_error,
)
from microblog_core.storage.postgres._sql import statements
from microblog_core.storage.postgres._unit import PostgresUnitOfWork, lock_space
from microblog_core.writer_ids import WRITER_SLOTS, WriterIdGenerator

__all__ = ["PostgresStore"]


_CONNECT_TIMEOUT: Final = 5.0


def _describe(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        params = conninfo.conninfo_to_dict(url)
    except psycopg.Error:
        return "PostgreSQL"
    host = params.get("host", "localhost")
    port = params.get("port", "5432")
    dbname = params.get("dbname", params.get("user", ""))
    return f"PostgreSQL at {host}:{port}/{dbname}"


_RNG = random.Random()  # spreading, not security; never the global generator


class _Pool(psycopg_pool.ConnectionPool[Any]):
    """The store's own pool: its reconnection jitter draws from a private generator.

    psycopg_pool draws each connection's expiry jitter from the global
    ``random`` generator, from a background thread whenever the pool grows.
    Hypothesis watches that generator while it draws a property's data and
    fails the test if anything else moved it, so a store used in a property
    test (this library's contract suite, or a user's) failed at random.
    """

    @classmethod
    def _jitter(cls, value: float, min_pc: float, max_pc: float) -> float:
        return value * (1.0 + ((max_pc - min_pc) * _RNG.random()) + min_pc)


class PostgresStore:
    """A PostgreSQL database behind :class:`microblog_core.ports.Store`, for many writers.

    Args:
        source: A connection URL (``postgresql://user@host:5432/db``) or an
            open :class:`psycopg_pool.ConnectionPool` to borrow connections
            from (the store then leaves the pool open on :meth:`close`).
        schema: The PostgreSQL schema holding this store's tables (created
            and migrated forward on open); one database can hold several.
        feeds: Home feeds kept elsewhere (``RedisFeeds(url)``); by default
            they are rows of this schema.
        pool_size: Most connections the store's own pool opens.
        timeout: Seconds to wait for the server, and for a free connection.

    Raises:
        StorageError: The URL is malformed, the server cannot be reached or
            refuses the login, or the schema was migrated by a newer
            microblog_core or is not one of ours.
        ValidationError: An argument has the wrong type or value.

    Example:
        >>> from microblog_core.storage.postgres import PostgresStore
        >>> store = PostgresStore(POSTGRES_URL, schema=DOC_SCHEMA)  # doctest: +SKIP
        >>> store.schema_version  # doctest: +SKIP
        1
    """

    def __init__(
        self,
        source: "str | psycopg_pool.ConnectionPool[Any]",
        *,
        schema: str = "microblog",
        feeds: ExternalFeeds | None = None,
        pool_size: int = 10,
        timeout: float = _CONNECT_TIMEOUT,
    ) -> None:
        self._schema = check_schema_name(schema)
        size = _checks.limit(pool_size, "pool_size", 1000)
        wait = _checks.real(timeout, "timeout")
        self._timeout = wait
        self._sql = statements(self._schema)
        # Each viewer's home plan, as its last page found it (see _repositories._HOME_DENSE).
        self._home_plans: dict[int, int] = {}
        # Connections whose session runs with JIT off (see PostgresUnitOfWork._read_detached).
        self._jit_off: weakref.WeakSet[psycopg.Connection[Any]] = weakref.WeakSet()
        self._external_feeds = feeds
        self._local = threading.local()
        self._closed = False
        # Row totals are split over shards; each store writes one, so writers do not queue.
        self._total_shard = _RNG.randrange(TOTAL_SHARDS)  # not security
        self._lock_space = lock_space(self._schema)
        self._writer_space = lock_space(f"writers:{self._schema}")
        self._leases: list[psycopg.Connection[Any]] = []
        if isinstance(source, psycopg_pool.ConnectionPool):
            self._pool = source
            self._owns_pool = False
            self._where = f"the pool {source.name!r}"
        elif isinstance(source, str):
            self._where = _describe(source)
            self._pool = self._open_pool(source, size, wait)
            self._owns_pool = True
        else:
            from microblog_core.errors import ValidationError

            raise ValidationError(
                "source must be a PostgreSQL URL or a psycopg_pool.ConnectionPool, got "
                f"{type(source).__name__}",
                field="source",
                value=source,
            )
        try:
            self._migrate()
        except BaseException:
            self._close_pool()
            raise
        if feeds is not None:
            feeds.attach(self)

    # -- opening --

    def _open_pool(self, url: str, size: int, timeout: float) -> "psycopg_pool.ConnectionPool[Any]":
        try:
            conninfo.conninfo_to_dict(url)
        except psycopg.Error as exc:
            raise StorageError(
                f"not a PostgreSQL URL: {_checks.quote(url)} ({str(exc).strip()})"
            ) from exc
        try:
            # One direct connection first: its error names the cause (refused, no such
            # database, authentication), where a pool would only time out.
            psycopg.connect(url, connect_timeout=max(1, round(timeout))).close()
        except psycopg.Error as exc:
            raise StorageError(
                f"cannot connect to {self._where}: {str(exc).strip().splitlines()[0]}"
            ) from exc
        pool: psycopg_pool.ConnectionPool[Any] = _Pool(
            url,
            min_size=1,
            max_size=size,
            kwargs={"autocommit": True},
            timeout=timeout,
            open=False,
            name=f"microblog-{self._schema}",
        )
        try:
            pool.open(wait=True, timeout=timeout)
        except psycopg_pool.PoolTimeout as exc:
            pool.close()
            raise StorageError(f"cannot open a connection pool to {self._where}: {exc}") from exc
        return pool

    def _migrate(self) -> None:
        s = self._schema
        try:
            with self._pool.connection(timeout=self._timeout) as conn:
                self._prepare(conn)
                version = self._version(conn)
                if version > LATEST_VERSION:
                    raise newer_schema_error(self._where_schema, version)
                if version == LATEST_VERSION:
                    return
                with conn.transaction():
                    # One lock per schema name: processes opening a new database at
                    # once migrate it once.
                    conn.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", (f"mb:{s}",))
                    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {s}")
                    version = self._version(conn)
                    if version > LATEST_VERSION:
                        raise newer_schema_error(self._where_schema, version)
                    if version == 0:
                        self._check_empty(conn)
                    for migration in MIGRATIONS[version:]:
                        for statement in migration.statements:
                            conn.execute(statement.replace("{s}", s))
                    conn.execute(
                        f"INSERT INTO {s}.schema_meta (key, value) VALUES ('application', %s), "
                        "('version', %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                        (APPLICATION, str(LATEST_VERSION)),
                    )
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise StorageError(
                f"cannot open {self._where_schema}: {translate(exc, self._where)}"
            ) from exc

    @staticmethod
    def _prepare(conn: "psycopg.Connection[Any]") -> None:
        if not conn.autocommit:
            conn.autocommit = True

    @property
    def _where_schema(self) -> str:
        return f"schema {self._schema!r} of {self._where}"

    def _version(self, conn: "psycopg.Connection[Any]") -> int:
        s = self._schema
        row = conn.execute("SELECT to_regclass(%s)", (f"{s}.schema_meta",)).fetchone()
        if row is None or row[0] is None:
            return 0
        meta = dict(conn.execute(f"SELECT key, value FROM {s}.schema_meta").fetchall())
        if meta.get("application") != APPLICATION:
            raise StorageError(
                f"{self._where_schema} holds a schema_meta table of another application; "
                "it is not a microblog_core schema"
            )
        try:
            return int(meta["version"])
        except (KeyError, ValueError):
            raise StorageError(
                f"{self._where_schema} has no readable schema version; it is damaged"
            ) from None

    def _check_empty(self, conn: "psycopg.Connection[Any]") -> None:
        row = conn.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s",
            (self._schema,),
        ).fetchone()
        if row and row[0]:
            raise StorageError(
                f"{self._where_schema} already holds {row[0]} objects but no microblog_core "
                "schema version; it is not a microblog_core schema"
            )

    # -- units --

    def _enter(
        self, unit: PostgresUnitOfWork
    ) -> "tuple[psycopg.Connection[Any], PostgresUnitOfWork | None]":
        """Borrow a connection for ``unit``; a reader inside this thread's writer shares it."""
        if self._closed:
            raise StorageError(f"the store for {self._where_schema} is closed")
        outer: PostgresUnitOfWork | None = getattr(self._local, "active", None)
        if outer is not None:
            if unit.readonly:
                return outer._usable(), outer
            raise StorageError(
                "a unit of work that writes cannot be opened inside another unit of the same "
                "thread; finish the outer unit first, or open this one with readonly=True"
            )
        try:
            conn = self._pool.getconn(timeout=self._timeout)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise translate(exc, self._where) from exc
        try:
            self._prepare(conn)
        except psycopg.Error as exc:
            self._pool.putconn(conn)
            raise translate(exc, self._where) from exc
        self._local.active = unit
        return conn, None

    def _leave(self, unit: PostgresUnitOfWork, *, broken: bool = False) -> None:
        if getattr(self._local, "active", None) is not unit:
            return
        self._local.active = None
        conn = unit._conn
        if conn is None:
            return
        if broken or conn.broken:
            conn.close()
        self._pool.putconn(conn)

    def unit_of_work(self, *, readonly: bool = False) -> PostgresUnitOfWork:
        """Return a new, not yet entered, unit of work.

        Args:
            readonly: Promise not to write: the unit reads one snapshot
                (``REPEATABLE READ READ ONLY``) and refuses writes.

        Raises:
            StorageError: The store is closed.
            ValidationError: ``readonly`` is not a bool.
        """
        _checks.flag(readonly, "readonly")
        if self._closed:
            raise StorageError(f"the store for {self._where_schema} is closed")
        return PostgresUnitOfWork(self, readonly=readonly)

    # -- writer ids --

    def id_generator(self, clock: Clock) -> WriterIdGenerator:
        """Return an id generator with a writer number leased from this database.

        The lease is a session-level advisory lock held on a connection the
        store keeps open until :meth:`close`; PostgreSQL releases it when the
        process dies, so a crashed writer's number is free again at once.
        Ids of writers sharing the database never collide.

        Raises:
            StorageError: Every writer number is held, or PostgreSQL failed.
        """
        if self._closed:
            raise StorageError(f"the store for {self._where_schema} is closed")
        try:
            info = self._pool.conninfo
            conn = psycopg.connect(info() if callable(info) else info, autocommit=True)
        except psycopg.Error as exc:
            raise translate(exc, self._where) from exc
        try:
            for writer in range(WRITER_SLOTS):
                row = conn.execute(
                    "SELECT pg_try_advisory_lock(%s, %s)", (self._writer_space, writer)
                ).fetchone()
                if row and row[0]:
                    self._leases.append(conn)
                    return WriterIdGenerator(clock, writer=writer)
        except psycopg.Error as exc:
            conn.close()
            raise translate(exc, self._where) from exc
        conn.close()
        raise StorageError(
            f"all {WRITER_SLOTS} writer numbers of {self._where_schema} are held by live "
            "processes; no more writers can share this store"
        )

    # -- bulk loading --

    @guarded
    def bulk_load(
        self,
        *,
        accounts: Iterable[Account] = (),
        posts: Iterable[Post] = (),
        follows: Iterable[Follow] = (),
    ) -> None:
        """Load many values at once with ``COPY`` (a simulation's set-up, an import).

        The values land as if added one by one through a unit of work (every
        counter is right afterwards), in one transaction, at a fraction of
        the cost; the loaded tables are then analysed, so the planner sees
        the new rows at once rather than after autovacuum's next pass. Posts
        may refer only to posts stored before or earlier in ``posts``; ids
        must be new.

        Raises:
            ConflictError: An id, handle, repost or follow is already stored.
            NotFoundError: A post's author or a follow's account does not exist.
            ValidationError: A value has the wrong type.
        """
        from microblog_core.storage.postgres._bulk import load

        account_rows = [_account_row(a) for a in accounts]
        post_list = [_checked(p, Post, "posts") for p in posts]
        follow_rows = [follow_params(_checked(f, Follow, "follows")) for f in follows]
        if self._closed:
            raise StorageError(f"the store for {self._where_schema} is closed")
        with self._pool.connection(timeout=self._timeout) as conn:
            self._prepare(conn)
            load(conn, self, account_rows, post_list, follow_rows)
            # A bulk load lands long before autovacuum notices it; until then
            # the planner guesses from stale statistics and may scan where an
            # index would do. Give it the facts now.
            loaded = [
                table
                for table, rows in (
                    ("accounts", account_rows),
                    ("posts", post_list),
                    ("post_tags", post_list),
                    ("post_mentions", post_list),
                    ("follows", follow_rows),
                )
                if rows
            ]
            if loaded:
                conn.execute("ANALYZE " + ", ".join(f"{self._schema}.{t}" for t in loaded))

    # -- housekeeping --

    @property
    def schema(self) -> str:
        """The PostgreSQL schema holding this store's tables."""
        return self._schema

    @property
    def pool(self) -> "psycopg_pool.ConnectionPool[Any]":
        """The connection pool the store borrows connections from."""
        return self._pool

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return self._closed

    @property
    def schema_version(self) -> int:
        """The schema version of the open store."""
        try:
            with self._pool.connection(timeout=self._timeout) as conn:
                self._prepare(conn)
                return self._version(conn)
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise translate(exc, self._where) from exc

    def drop(self) -> None:
        """Drop the store's schema with every table and row in it, and close the store.

        Raises:
            StorageError: PostgreSQL failed.
        """
        try:
            with self._pool.connection(timeout=self._timeout) as conn:
                self._prepare(conn)
                conn.execute(f"DROP SCHEMA IF EXISTS {self._schema} CASCADE")
        except (psycopg.Error, psycopg_pool.PoolTimeout) as exc:
            raise translate(exc, self._where) from exc
        finally:
            self.close()

    def _close_pool(self) -> None:
        leases, self._leases = self._leases, []
        for conn in leases:
            conn.close()  # ends the session: its writer number is free again
        if self._owns_pool:
            self._pool.close()

    def close(self) -> None:
        """Close the store, its pool if it opened it, and its feeds. Closing twice is harmless.

        Raises:
            StorageError: A unit of work of this store is still open in this thread.
        """
        if self._closed:
            return
        if getattr(self._local, "active", None) is not None:
            raise StorageError(
                "cannot close the store while one of its units of work is open in this "
                "thread; leave the unit first"
            )
        self._closed = True
        try:
            self._close_pool()
        finally:
            if self._external_feeds is not None:
                # The store's feeds are closed with it (a closed client reconnects if
                # used again), so a store built with feeds=RedisFeeds(...) leaks no socket.
                self._external_feeds.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = " closed" if self._closed else ""
        return f"<PostgresStore {self._where_schema}{state}>"


def _checked(value: Any, kind: type, field: str) -> Any:
    _checks.instance(value, kind, field)
    return value


def _account_row(account: Account) -> tuple[Any, ...]:
    from microblog_core.storage.postgres._rows import account_params

    _checks.instance(account, Account, "accounts")
    return account_params(account)


if TYPE_CHECKING:

    def _satisfies_the_ports(store: PostgresStore) -> tuple[Store, UnitOfWork]:
        """Never called: mypy checks here that the classes match the protocols."""
        return store, store.unit_of_work()
